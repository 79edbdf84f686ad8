/* server/router.h — the static route table and its matcher.
 *
 * One table of {methods, pattern, handler, flags, params, max_body}. The
 * dispatcher (server/http.c) does every generic check from it before a
 * handler runs: 404/405 (+Allow), unknown or duplicate query parameters,
 * auth, body media type and size. Patterns are literal segments and "{name}"
 * captures; no regex, so no route can shadow another. */
#ifndef ECF_SERVER_ROUTER_H
#define ECF_SERVER_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

struct request;
struct reply;

enum http_method {
    HTTP_GET = 1 << 0,
    HTTP_HEAD = 1 << 1,
    HTTP_POST = 1 << 2,
    HTTP_PUT = 1 << 3,
    HTTP_DELETE = 1 << 4,
    HTTP_PATCH = 1 << 5,
    HTTP_OPTIONS = 1 << 6,
    HTTP_OTHER = 1 << 7
};

/* What the dispatcher (server/http.c, framing.c) and reply_queue() do for a
 * route, so that no handler repeats it. */
enum route_flags {
    ROUTE_AUTH = 1 << 0,     /* bearer token required */
    ROUTE_BODY = 1 << 1,     /* takes a request body: application/json */
    ROUTE_NO_CACHE = 1 << 2, /* the process's state of the moment (health, metrics):
                                 never in the response cache, no ETag, no-store */
    ROUTE_TEXT_OK = 1 << 3,  /* ... or text/plain */
    ROUTE_WRITE = 1 << 4,    /* changes state: 503 on a --read-only replica before the
                                 body is read; never in the response cache, no ETag */
    ROUTE_MEMORY = 1 << 5,   /* answered from memory, not the store (fetch jobs): never
                                 in the response cache, but ETag'd for revalidation */
    ROUTE_ANY_QUERY = 1 << 6 /* a page whose query the server ignores (the dashboard:
                                 "/?utm_source=x", "/ui/app.js?v=2"): not checked, and
                                 not part of the cache key (one entry per file) */
};

typedef void (*route_handler)(struct request *rq, struct reply *rp);

struct route {
    unsigned methods; /* HTTP_GET implies HEAD */
    const char *pattern;
    route_handler handler;
    unsigned flags;
    const char *params; /* allowed query parameters, comma separated; NULL = none */
};

#define ROUTER_MAX_CAPTURES 2
#define ROUTER_CAPTURE_MAX  256

/* The whole table and its size; index i is the route's metrics slot. */
extern const struct route router_routes[];
extern const size_t router_nroutes;

enum router_result { ROUTER_MATCH, ROUTER_NOT_FOUND, ROUTER_BAD_METHOD };

/* Matches path (already percent-decoded, without the query) and method. On
 * ROUTER_MATCH *out is the route and caps[] the captured segments (copied,
 * NUL-terminated). On ROUTER_BAD_METHOD *allow receives the mask of methods
 * that path does accept (for the Allow header). */
enum router_result router_match(const char *path, enum http_method method, const struct route **out,
                                char caps[ROUTER_MAX_CAPTURES][ROUTER_CAPTURE_MAX],
                                unsigned *allow);

/* "GET, HEAD, OPTIONS" for a method mask, into buf. */
void router_allow_string(unsigned methods, char *buf, size_t cap);

/* Whether name is in the route's comma-separated params list. */
bool router_param_allowed(const struct route *r, const char *name);

enum http_method router_method_parse(const char *m);

#endif
