/* server/http.h — the libmicrohttpd daemon and the per-request context that
 * handlers see. A request is answered on the access handler's second call at
 * the earliest (0.9.75 closes keep-alive connections after "early" responses),
 * except when it is refused before its body is read (401/411/413/415), where
 * closing the connection is the point. */
#ifndef ECF_SERVER_HTTP_H
#define ECF_SERVER_HTTP_H

#include "common/compiler.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/jbuf.h"
#include "app/config.h"
#include "server/router.h"

struct store;
struct store_holder;
struct holder_ref;
struct extractor;
struct metrics;
struct fetchd;
struct resp_cache;
struct MHD_Connection;
struct MHD_Daemon;

/* What every request thread shares; read-only once the daemon runs. */
struct app {
    const struct config *cfg;
    struct store_holder *stores; /* the store being served; swapped on reopen */
    const struct extractor *x;
    struct metrics *metrics;
    struct fetchd *fetchd;    /* the fetch thread; NULL on a read-only replica */
    struct resp_cache *cache; /* rendered responses; NULL when disabled (set by http_start) */
};

struct request {
    struct app *app;
    struct store *store; /* acquired for this request from app->stores */
    struct holder_ref *store_ref;
    struct MHD_Connection *conn;
    enum http_method method;
    const char *method_str;    /* as sent, borrowed from MHD */
    bool http11;               /* HTTP/1.1 (Host required) rather than 1.0 */
    enum router_result match;  /* router_match's answer, made once on the first call */
    unsigned allow;            /* ...and for ROUTER_BAD_METHOD, the path's methods */
    const struct route *route; /* the matched route; NULL unless match is ROUTER_MATCH */
    size_t slot;               /* metrics slot: route index, or router_nroutes */
    const char *path;          /* borrowed from MHD, valid for the request */
    bool target_over;          /* the request target is over FRAMING_URI_MAX (414) */
    char caps[ROUTER_MAX_CAPTURES][ROUTER_CAPTURE_MAX]; /* {captures} in order */
    struct jbuf body;     /* request body (.p NULL or NUL-terminated), capped at
                                  max_body: .over when a chunked body passed it (413) */
    bool body_text;       /* text/plain rather than application/json */
    size_t over_bytes;    /* bytes dropped since body.over was set */
    long long over_at_ms; /* CLOCK_MONOTONIC ms when body.over was set */
    struct timespec t0;
    unsigned status; /* final status, for metrics and the access log */
    bool answered;
    uint64_t snap_txn; /* LMDB snapshot the answer was read from (0: none) */
    /* Accept-Encoding takes gzip: 0 not read yet, 1 yes, 2 no (reply_accepts_gzip) */
    unsigned char gzip;
};

/* A query parameter's value (borrowed, valid for the request), or NULL. The
 * dispatcher has already refused duplicates, unknown names, NULs and invalid
 * UTF-8, so handlers only check the value's own syntax. */
const char *request_query(const struct request *rq, const char *name);

/* A request header (case-insensitive name), or NULL. */
const char *request_header(const struct request *rq, const char *name);

struct http_server;

/* Starts the daemon on cfg->listen. *port receives the bound port. With
 * cfg->header_timeout, a reaper thread also shuts down connections that do
 * not send a complete header block within that time of being accepted or of
 * their previous response; http_shutdown joins it. */
int http_start(struct app *app, struct http_server **out, unsigned *port, char *errbuf,
               size_t cap) ECF_WUR;

/* Stops accepting, waits up to grace seconds for in-flight requests, stops
 * the daemon. Returns the number of requests still running at the deadline. */
unsigned http_shutdown(struct http_server *h, unsigned grace);

#endif
