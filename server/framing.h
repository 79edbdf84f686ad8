/* server/framing.h — the checks every request passes before its handler:
 * message framing (RFC 9112: header names, obs-fold, Host,
 * Content-Length/Transfer-Encoding), request sizes (414, 431), bodies on
 * routes that take none, auth, body length and media type, and the query
 * parameters against the route's list. Each refusal is a problem+json
 * filled into the caller's reply; http.c queues it. Everything reads the
 * request through MHD and is borrowed for the request's life. */
#ifndef ECF_SERVER_FRAMING_H
#define ECF_SERVER_FRAMING_H

#include <stdbool.h>

#include "server/http.h"
#include "server/reply.h"
#include "server/router.h"

#define FRAMING_URI_MAX     4096  /* longer request targets are 414 */
#define FRAMING_HEADERS_MAX 16384 /* larger header blocks are 431 */

/* Checks made when the headers are in, before any body is read, against the
 * route matched into rq (rq->match, rq->allow, rq->route). Returns true and
 * fills rp when the request is refused right away (the caller closes the
 * connection: the body, if any, is left unread). */
bool framing_refuse_early(struct request *rq, struct reply *rp);

/* True, with a 414 in rp, when the path and query are over FRAMING_URI_MAX. */
bool framing_refuse_target(struct request *rq, struct reply *rp);

/* A body announced: a Content-Length other than 0, or any Transfer-Encoding. */
bool framing_has_body(const struct request *rq);

/* True, with a 400 naming the parameter in rp, when a query parameter is not
 * one of rq->route's, is repeated, lacks a value, or is not valid UTF-8. */
bool framing_refuse_query(struct request *rq, struct reply *rp);

#endif
