/* server/dispatch.c — one request's way through the server, as
 * libmicrohttpd calls it: the route matched once on the first call (and
 * refusals made before any body is read, framing.c), the body gathered under
 * its cap, then on the final call the response cache, the generic checks
 * and the handler, and reply_queue(); on completion metrics and the access
 * log. The daemon itself and its lifecycle are server/http.c. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "common/util.h"
#include "server/cache.h"
#include "server/conntrack.h"
#include "server/framing.h"
#include "server/holder.h"
#include "server/http_int.h"
#include "server/linger.h"
#include "server/log.h"
#include "server/metrics.h"
#include "server/reply.h"
#include "store/store.h"

const char *request_query(const struct request *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *request_header(const struct request *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

static void dispatch(struct request *rq, struct reply *rp)
{
    if (framing_refuse_target(rq, rp))
        return;
    if (rq->match == ROUTER_NOT_FOUND) {
        reply_problem(rp, 404, NULL, "no resource at this path");
        return;
    }
    if (rq->method == HTTP_OPTIONS) {
        reply_init(rp, rq->path);
        rp->status = 204;
        rp->allow = rq->allow;
        return;
    }
    if (rq->match == ROUTER_BAD_METHOD) {
        reply_problem(rp, 405, NULL, "this path does not accept that method");
        rp->allow = rq->allow;
        return;
    }
    if (framing_refuse_query(rq, rp))
        return;
    rq->route->handler(rq, rp);
}

struct key_buf {
    char *p;
    size_t len;
    bool overflow;
};

static void key_add(struct key_buf *k, const char *s, size_t n, char sep)
{
    if (k->overflow || k->len + n + 1 > CACHE_KEY_MAX) {
        k->overflow = true;
        return;
    }
    k->p[k->len++] = sep;
    memcpy(k->p + k->len, s, n);
    k->len += n;
}

static enum MHD_Result key_arg(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
                               const char *value, size_t value_size)
{
    (void)kind;
    struct key_buf *k = cls;
    if (key_size == 0 && !value)
        return MHD_YES; /* empty segment, as check_arg */
    key_add(k, key, key_size, '\x1f');
    if (value)
        key_add(k, value, value_size, '\x1e');
    else
        key_add(k, "", 0, '\x1d');
    return MHD_YES;
}

/* The cache key of a GET/HEAD on a cacheable route: the path and the query
 * parameters in order, unambiguously separated. False when the request must
 * not be answered from the cache: other methods, conditional requests (the
 * normal path answers 304), and per-origin CORS answers. */
static bool cache_key(struct request *rq, char *key, size_t *klen)
{
    const struct config *c = rq->app->cfg;
    if ((rq->method != HTTP_GET && rq->method != HTTP_HEAD) ||
        request_header(rq, MHD_HTTP_HEADER_IF_NONE_MATCH) ||
        (c->cors_origin[0] && strcmp(c->cors_origin, "*") != 0 && request_header(rq, "Origin")))
        return false;
    if (!rq->route || (rq->route->flags &
                       (ROUTE_NO_CACHE | ROUTE_MEMORY | ROUTE_WRITE | ROUTE_AUTH | ROUTE_BODY)))
        return false;
    if (rq->target_over) /* its query was emptied: it must reach the 414, not a cached page */
        return false;
    struct key_buf k = {.p = key};
    key_add(&k, rq->path, strlen(rq->path), '\x01');
    if (!(rq->route->flags & ROUTE_ANY_QUERY))
        MHD_get_connection_values_n(rq->conn, MHD_GET_ARGUMENT_KIND, key_arg, &k);
    *klen = k.len;
    return !k.overflow;
}

static double elapsed(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The request-line hook (MHD_OPTION_URI_LOG_CALLBACK). libmicrohttpd 0.9.75
 * splits the query into the connection's memory pool right after this call
 * and before any handler runs; ~9,000 parameters exhaust the pool and the
 * connection closes without an answer. A target over FRAMING_URI_MAX is
 * refused (414) whatever its query holds, so its query is emptied here,
 * in MHD's own line buffer (connection.c parse_initial_message_line parses
 * it from there after this returns; test_malformed "sizes" pins that), and
 * the marker returned becomes *req_cls on the first on_request call. */
static char target_over_marker;

void *http_on_request_line(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)cls;
    (void)conn;
    if (!uri || strlen(uri) <= FRAMING_URI_MAX)
        return NULL;
    char *q = strchr(uri, '?');
    if (q)
        q[1] = '\0';
    return &target_over_marker;
}

enum MHD_Result http_on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                const char *method, const char *version, const char *upload_data,
                                size_t *upload_data_size, void **req_cls)
{
    struct http_server *h = cls;
    struct request *rq = *req_cls;
    struct reply rp;
    bool target_over = (void *)rq == (void *)&target_over_marker;
    if (target_over)
        rq = NULL;
    if (!rq) {
        conntrack_headers_in(conn);
        rq = calloc(1, sizeof *rq);
        if (!rq)
            return MHD_NO;
        rq->target_over = target_over;
        jbuf_init_max(&rq->body, h->app->cfg->max_body + 1);
        clock_gettime(CLOCK_MONOTONIC, &rq->t0);
        rq->app = h->app;
        rq->store = holder_acquire(h->app->stores, &rq->store_ref);
        rq->conn = conn;
        rq->path = url;
        rq->method = router_method_parse(method);
        rq->method_str = method;
        rq->http11 = version && strcmp(version, MHD_HTTP_VERSION_1_1) == 0;
        rq->slot = router_nroutes;
        *req_cls = rq;
        pthread_mutex_lock(&h->mu);
        h->inflight++;
        h->started++;
        pthread_cond_broadcast(&h->idle);
        pthread_mutex_unlock(&h->mu);
        /* The route is matched once, here: the request keeps it. A request
         * with a body may be refused before the body is read. */
        const struct route *r = NULL;
        rq->match = router_match(url, rq->method, &r, rq->caps, &rq->allow);
        if (rq->match == ROUTER_MATCH) {
            rq->route = r;
            rq->slot = (size_t)(r - router_routes);
        }
        reply_init(&rp, url);
        if (framing_refuse_early(rq, &rp)) {
            rp.close = true;
            if (framing_has_body(rq))
                conntrack_linger(conn);
            enum MHD_Result res = reply_queue(rq, &rp, NULL);
            reply_free(&rp);
            return res;
        }
        return MHD_YES; /* answer on a later call: keeps the connection alive */
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (rq->answered || !rq->route || !(rq->route->flags & ROUTE_BODY))
            return MHD_YES; /* discard */
        if (!rq->body.over) {
            jbuf_put(&rq->body, upload_data, n); /* capped at max_body (toobig) */
            if (!rq->body.over)
                return rq->body.failed ? MHD_NO : MHD_YES;
            rq->over_at_ms = ecf_mono_ms();
        }
        /* Chunked bodies have no Content-Length to check up front. 0.9.75
         * cannot queue a response mid-upload: drop the rest, answer 413
         * on the final call and close. Dropping is bounded as lingering
         * is (linger.h): a client that never ends its body would
         * otherwise be read for ever, since every byte resets --timeout;
         * past the bound the connection closes without an answer. */
        rq->over_bytes += n;
        if (rq->over_bytes > LINGER_BYTES || ecf_mono_ms() - rq->over_at_ms > LINGER_MS)
            return MHD_NO;
        return MHD_YES;
    }
    if (rq->answered)
        return MHD_YES;
    if (rq->body.over) {
        reply_init(&rp, url);
        reply_problem(&rp, 413, NULL, "the body is over the %zu-byte limit",
                      rq->app->cfg->max_body);
        rp.close = true;
        enum MHD_Result res = reply_queue(rq, &rp, NULL);
        reply_free(&rp);
        return res;
    }
    /* A valid cached answer skips routing checks, LMDB and JSON: it was
     * stored only after the same target passed them. */
    char key[CACHE_KEY_MAX];
    size_t klen = 0;
    uint64_t txn = 0;
    bool cacheable = h->cache && rq->store && cache_key(rq, key, &klen);
    if (cacheable) {
        txn = store_last_txn(rq->store);
        if (cache_serve(h->cache, key, klen, holder_generation(rq->store_ref), txn,
                        reply_accepts_gzip(rq), conn)) {
            rq->status = 200;
            rq->answered = true;
            return MHD_YES;
        }
    }
    reply_init(&rp, url);
    if (rq->store)
        dispatch(rq, &rp);
    else /* a replica's data.mdb was rewritten in place: reopening (server/serve.c) */
        reply_problem(&rp, 503, NULL, "the snapshot is being reopened: retry shortly");
    struct reply_kept keep = {0};
    enum MHD_Result res = reply_queue(rq, &rp, cacheable ? &keep : NULL);
    /* Cache under the snapshot the answer was read from, not the txn id read
     * before: LMDB's meta page (store_last_txn) runs ahead of what a new
     * reader sees while another process commits, and an answer filed under
     * the newer id would stay stale until the next write. */
    if (keep.resp)
        cache_put(h->cache, key, klen, holder_generation(rq->store_ref),
                  rq->snap_txn ? rq->snap_txn : txn, keep.resp, keep.coding, keep.len,
                  keep.plain_len);
    reply_free(&rp);
    return res;
}

void http_on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                       enum MHD_RequestTerminationCode toe)
{
    struct http_server *h = cls;
    struct request *rq = *req_cls;
    if (!rq || (void *)rq == (void *)&target_over_marker)
        return; /* no request was made of it (see on_request_line) */
    /* Any other termination closes the connection: no next request to wait for. */
    if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK)
        conntrack_response_sent(h->ct, conn);
    double s = elapsed(&rq->t0);
    unsigned status = rq->answered ? rq->status : 499; /* client went away */
    metrics_observe(h->app->metrics, rq->slot, status, s);
    if (h->app->cfg->access_log)
        log_access(rq->method_str, rq->path ? rq->path : "", status, s);
    holder_release(h->app->stores, rq->store_ref);
    jbuf_free(&rq->body);
    free(rq);
    *req_cls = NULL;
    pthread_mutex_lock(&h->mu);
    if (--h->inflight == 0)
        pthread_cond_broadcast(&h->idle);
    pthread_mutex_unlock(&h->mu);
}
