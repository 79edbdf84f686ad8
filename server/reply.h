/* server/reply.h — the only place that builds and queues MHD responses.
 * Handlers fill a struct reply; http.c queues it with reply_queue(), which
 * adds Content-Type, ETag/304, Cache-Control, CORS and the extra headers. */
#ifndef ECF_SERVER_REPLY_H
#define ECF_SERVER_REPLY_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>
#include <microhttpd.h>

#include "common/jbuf.h"
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

/* Maps a store error to its status (404, 400, 409, 503, 507, 500). */
void reply_store_error(struct reply *rp, enum store_err e, const char *what);

/* Queues rp on the connection; rq supplies method, If-None-Match, Origin and
 * configuration. Returns MHD's result (MHD_NO only on an internal failure).
 * When keep is non-NULL and the answer is a cacheable 200, *keep receives
 * the response with a reference for the caller (else NULL). */
enum MHD_Result reply_queue(struct request *rq, struct reply *rp, struct MHD_Response **keep);

/* If-None-Match value inm matches etag ("\"...\"")? Handles lists, W/, "*". */
bool reply_etag_match(const char *inm, const char *etag);

/* The Access-Control-Allow-Origin value for a request from origin under the
 * --cors-origin setting conf ("*" or a comma list), or NULL for none. */
const char *reply_cors_origin(const char *conf, const char *origin);

#endif
