/* server/reply.h — the only place that builds and queues MHD responses.
 * Handlers fill a struct reply; http.c queues it with reply_queue(), which
 * adds Content-Type, ETag/304, Cache-Control, CORS and the extra headers,
 * and gzips a negotiable body for a client that accepts it (encoding.h). */
#ifndef ECF_SERVER_REPLY_H
#define ECF_SERVER_REPLY_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>
#include <microhttpd.h>

#include "common/jbuf.h"
#include "server/cache.h"
#include "store/store.h"

struct request;

struct reply {
    unsigned status;
    char *body; /* malloc'd; handed to MHD */
    size_t len;
    const char *content_type;
    bool cacheable; /* 200 with ETag / If-None-Match support */
    unsigned allow; /* method mask for an Allow header, 0 = none */
    bool www_auth;  /* WWW-Authenticate: Bearer */
    bool close;     /* Connection: close (body left unread) */
    bool page;      /* shown by browsers (the dashboard): Content-Security-Policy, nosniff */
    char location[STORE_ID_MAX + 32];
    const char *instance; /* request path, for problems */
};

void reply_init(struct reply *rp, const char *instance);
void reply_free(struct reply *rp);

/* 2xx JSON; steals v. A serialisation failure becomes a 500 problem. */
void reply_json(struct reply *rp, unsigned status, json_t *v);

/* 2xx JSON built in b (its text is taken, b is left empty). A failed
 * append (b->failed) becomes a 500 problem. */
void reply_jbuf(struct reply *rp, unsigned status, struct jbuf *b);

/* Steals body (malloc'd). */
void reply_raw(struct reply *rp, unsigned status, const char *ctype, char *body, size_t len);

/* RFC 9457 problem: status decides type slug and title; detail is formatted;
 * parameter (may be NULL) names the bad query parameter. */
void reply_problem(struct reply *rp, unsigned status, const char *parameter, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Maps a store error to its status and problem (404, 400, 409, 503, 507,
 * 500): the one place that does. what names what was asked for ("entity",
 * "page", "search"); the _id form also quotes the id asked for where the
 * answer names it (STORE_E_KIND: "entity 'x' is not a chip"). */
void reply_store_error(struct reply *rp, enum store_err e, const char *what);
void reply_store_error_id(struct reply *rp, enum store_err e, const char *what, const char *id);

/* The store cannot serve a read now, whatever e says (readers full, I/O,
 * memory): 503. begun: the read transaction began but its counts failed. */
void reply_store_unreadable(struct reply *rp, enum store_err e, bool begun);

/* A cacheable 200 as it was queued, for the response cache. */
struct reply_kept {
    struct MHD_Response *resp; /* a reference for the caller, or NULL */
    enum cache_coding coding;  /* which representation resp is */
    size_t len;                /* bytes of its body */
    size_t plain_len;          /* bytes of the identity body */
};

/* Queues rp on the connection; rq supplies method, If-None-Match,
 * Accept-Encoding, Origin and configuration. A 2xx body of a negotiable type
 * (encoding_negotiable) carries Vary: Accept-Encoding; one of at least
 * ENCODING_MIN_BODY bytes goes gzip'd to a client that takes gzip, with the
 * ETag's opaque tag suffixed "-gz" (a 304 answers the tag of the
 * representation the client would get). Returns MHD's result (MHD_NO only
 * on an internal failure). When keep is non-NULL and the answer is a
 * cacheable 200, keep->resp receives the response with a reference for the
 * caller (else NULL). */
enum MHD_Result reply_queue(struct request *rq, struct reply *rp, struct reply_kept *keep);

/* Does the request's Accept-Encoding (every such field) prefer gzip to
 * identity? Read once per request. */
bool reply_accepts_gzip(struct request *rq);

/* If-None-Match value inm matches etag ("\"...\"")? Handles lists, W/, "*". */
bool reply_etag_match(const char *inm, const char *etag);

/* The Access-Control-Allow-Origin value for a request from origin under the
 * --cors-origin setting conf ("*" or a comma list), or NULL for none. */
const char *reply_cors_origin(const char *conf, const char *origin);

#endif
