#include "server/http.h"

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "common/util.h"
#include "server/cache.h"
#include "server/conntrack.h"
#include "server/framing.h"
#include "server/holder.h"
#include "server/linger.h"
#include "store/store.h"
#include "server/log.h"
#include "server/metrics.h"
#include "server/reply.h"

/* libmicrohttpd's memory per connection. It answers on its own (HTML, no
 * CORS) when a request line or header block does not fit: half the pool is
 * the first read buffer, and every header and query parameter takes 56 bytes
 * more. 512 KiB lets us read and refuse with our own problem+json anything
 * up to about 256 KiB (a 200 KiB request line, 5000 query parameters).
 * Requests over framing.h's caps are refused, so the pool only fills for
 * one request at a time. Pools over 32 KiB are mmap'd: a connection uses
 * only the pages its bytes touched (about 8 KiB for an ordinary request);
 * 1024 connections all sending 500 KiB headers would hold 512 MiB until the
 * header deadline closes them. */
#define CONN_MEMORY (512 * 1024)

struct http_server {
    struct MHD_Daemon *d;
    struct app *app;
    struct resp_cache *cache; /* NULL when --cache-size is 0 */
    pthread_mutex_t mu;
    pthread_cond_t idle;     /* signalled when a request starts or the last one ends */
    unsigned inflight;
    unsigned long started;   /* requests started, ever: tells a quiet period */
    MHD_socket listen_fd;
    struct lingerer *lingerer; /* NULL when its thread could not start */
    struct conntrack *ct;    /* header deadline and lingering close (conntrack.h) */
    pthread_mutex_t log_mu;  /* rate limit of libmicrohttpd's messages */
    time_t log_window;
    unsigned log_lines, log_dropped;
};

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

static enum MHD_Result key_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                               size_t key_size, const char *value, size_t value_size)
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
    if (!rq->route || (rq->route->flags & (ROUTE_NO_CACHE | ROUTE_MEMORY | ROUTE_WRITE |
                                           ROUTE_AUTH | ROUTE_BODY)))
        return false;
    if (rq->target_over) /* its query was emptied: it must reach the 414, not a cached page */
        return false;
    struct key_buf k = {.p = key};
    key_add(&k, rq->path, strlen(rq->path), '\x01');
    MHD_get_connection_values_n(rq->conn, MHD_GET_ARGUMENT_KIND, key_arg, &k);
    *klen = k.len;
    return !k.overflow;
}

static bool ts_before(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
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

static void *on_request_line(void *cls, const char *uri, struct MHD_Connection *conn)
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

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **req_cls)
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
        size_t max = rq->app->cfg->max_body;
        if (rq->body_over || rq->body_len + n > max) {
            /* Chunked bodies have no Content-Length to check up front. 0.9.75
             * cannot queue a response mid-upload: drop the rest, answer 413
             * on the final call and close. Dropping is bounded as lingering
             * is (linger.h): a client that never ends its body would
             * otherwise be read for ever, since every byte resets --timeout;
             * past the bound the connection closes without an answer. */
            if (!rq->body_over) {
                rq->body_over = true;
                rq->over_at_ms = ecf_mono_ms();
            }
            rq->over_bytes += n;
            if (rq->over_bytes > LINGER_BYTES || ecf_mono_ms() - rq->over_at_ms > LINGER_MS)
                return MHD_NO;
            return MHD_YES;
        }
        if (rq->body_len + n + 1 > rq->body_cap) {
            size_t cap = rq->body_cap ? rq->body_cap : 16384;
            while (cap < rq->body_len + n + 1)
                cap *= 2;
            if (cap > max + 1)
                cap = max + 1;
            char *nb = realloc(rq->body, cap);
            if (!nb)
                return MHD_NO;
            rq->body = nb;
            rq->body_cap = cap;
        }
        memcpy(rq->body + rq->body_len, upload_data, n);
        rq->body_len += n;
        rq->body[rq->body_len] = '\0';
        return MHD_YES;
    }
    if (rq->answered)
        return MHD_YES;
    if (rq->body_over) {
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
        if (cache_serve(h->cache, key, klen, holder_generation(rq->store_ref), txn, conn)) {
            rq->status = 200;
            rq->answered = true;
            return MHD_YES;
        }
    }
    reply_init(&rp, url);
    if (rq->store)
        dispatch(rq, &rp);
    else /* a replica's data.mdb was rewritten in place: reopening (server/main.c) */
        reply_problem(&rp, 503, NULL, "the snapshot is being reopened: retry shortly");
    struct MHD_Response *keep = NULL;
    size_t body_len = rp.len;
    enum MHD_Result res = reply_queue(rq, &rp, cacheable ? &keep : NULL);
    /* Cache under the snapshot the answer was read from, not the txn id read
     * before: LMDB's meta page (store_last_txn) runs ahead of what a new
     * reader sees while another process commits, and an answer filed under
     * the newer id would stay stale until the next write. */
    if (keep)
        cache_put(h->cache, key, klen, holder_generation(rq->store_ref),
                  rq->snap_txn ? rq->snap_txn : txn, keep, body_len);
    reply_free(&rp);
    return res;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
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
    free(rq->body);
    free(rq);
    *req_cls = NULL;
    pthread_mutex_lock(&h->mu);
    if (--h->inflight == 0)
        pthread_cond_broadcast(&h->idle);
    pthread_mutex_unlock(&h->mu);
}

#define MHD_LOG_PER_SECOND 10

/* libmicrohttpd logs one line per refused connection (per-IP limit, for
 * one): a client reconnecting in a loop must not flood the log. At most
 * MHD_LOG_PER_SECOND lines a second; the rest are counted, and the count is
 * logged with the next message of a later second. */
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    struct http_server *h = cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';
    time_t now = time(NULL);
    unsigned dropped = 0;
    bool show;
    pthread_mutex_lock(&h->log_mu);
    if (now != h->log_window) {
        dropped = h->log_dropped;
        h->log_window = now;
        h->log_lines = h->log_dropped = 0;
    }
    show = h->log_lines < MHD_LOG_PER_SECOND;
    if (show)
        h->log_lines++;
    else
        h->log_dropped++;
    pthread_mutex_unlock(&h->log_mu);
    if (dropped)
        log_event("mhd", "(%u more messages suppressed)", dropped);
    if (show)
        log_event("mhd", "%s", msg);
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                          : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Percent-decoding for paths and query values, stricter than MHD's: a %00
 * or a malformed escape becomes the byte 0xFF, which no valid UTF-8 or id
 * contains, so the request is refused (400 for a parameter, 404 for a path)
 * instead of being cut short at a NUL or taken literally. */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    (void)cls;
    (void)conn;
    char *w = s;
    for (const char *r = s; *r; r++) {
        if (*r != '%') {
            *w++ = *r;
            continue;
        }
        int hi = r[1] ? hexval(r[1]) : -1, lo = hi >= 0 && r[2] ? hexval(r[2]) : -1;
        if (hi < 0 || lo < 0) {
            *w++ = (char)0xFF;
            continue;
        }
        char c = (char)(hi * 16 + lo);
        *w++ = c ? c : (char)0xFF;
        r += 2;
    }
    *w = '\0';
    return (size_t)(w - s);
}

static int parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *sl, bool *v6,
                        char *errbuf, size_t cap)
{
    char host[256];
    const char *port;
    if (spec[0] == '[') {
        const char *e = strchr(spec, ']');
        if (!e || e[1] != ':' || (size_t)(e - spec - 1) >= sizeof host)
            goto bad;
        memcpy(host, spec + 1, (size_t)(e - spec - 1));
        host[e - spec - 1] = '\0';
        port = e + 2;
    } else {
        const char *c = strrchr(spec, ':');
        if (!c || (size_t)(c - spec) >= sizeof host)
            goto bad;
        memcpy(host, spec, (size_t)(c - spec));
        host[c - spec] = '\0';
        port = c + 1;
    }
    struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
                             .ai_socktype = SOCK_STREAM};
    struct addrinfo *ai = NULL;
    if (!*port || getaddrinfo(host, port, &hints, &ai) != 0 || !ai)
        goto bad;
    memcpy(ss, ai->ai_addr, ai->ai_addrlen);
    *sl = ai->ai_addrlen;
    *v6 = ai->ai_family == AF_INET6;
    freeaddrinfo(ai);
    return 0;
bad:
    snprintf(errbuf, cap, "--listen '%s' is not HOST:PORT with a numeric address (e.g. 127.0.0.1:8080)",
             spec);
    return -1;
}

static struct http_server *server_new(struct app *app)
{
    struct http_server *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->app = app;
    if (app->cfg->cache_size)
        h->cache = cache_new(4096, app->cfg->cache_size);
    h->lingerer = linger_start(); /* without it, refused uploads close at once */
    h->ct = conntrack_new((long long)app->cfg->header_timeout * 1000, h->lingerer, app->metrics);
    if (!h->ct) {
        linger_stop(h->lingerer);
        cache_free(h->cache);
        free(h);
        return NULL;
    }
    app->cache = h->cache;
    pthread_mutex_init(&h->mu, NULL);
    pthread_cond_init(&h->idle, NULL);
    pthread_mutex_init(&h->log_mu, NULL);
    return h;
}

/* After MHD_stop_daemon, whose CLOSED notifications emptied the tracker. */
static void server_free(struct http_server *h)
{
    pthread_mutex_destroy(&h->mu);
    pthread_cond_destroy(&h->idle);
    pthread_mutex_destroy(&h->log_mu);
    conntrack_free(h->ct);
    linger_stop(h->lingerer);
    cache_free(h->cache);
    free(h);
}

int http_start(struct app *app, struct http_server **out, unsigned *port, char *errbuf, size_t cap)
{
    struct sockaddr_storage ss;
    socklen_t sl = 0;
    bool v6 = false;
    const struct config *c = app->cfg;
    *out = NULL;
    if (parse_listen(c->listen, &ss, &sl, &v6, errbuf, cap) != 0)
        return -1;
    struct http_server *h = server_new(app);
    if (!h)
        return -1;
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (v6)
        flags |= MHD_USE_IPv6;
    h->d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, h, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, h,
        MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)c->threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)c->max_connections,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)c->per_ip_connections,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)c->timeout,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
        MHD_OPTION_URI_LOG_CALLBACK, on_request_line, NULL,
        MHD_OPTION_NOTIFY_CONNECTION, conntrack_on_connection, h->ct,
        MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, MHD_OPTION_END);
    if (!h->d) {
        snprintf(errbuf, cap, "cannot listen on %s: %s", c->listen, strerror(errno));
        server_free(h);
        return -1;
    }
    if (conntrack_start(h->ct) != 0) {
        snprintf(errbuf, cap, "cannot start the header-timeout thread");
        MHD_stop_daemon(h->d);
        server_free(h);
        return -1;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
    *port = di ? di->port : 0;
    *out = h;
    return 0;
}

/* A request whose bytes arrived on an open keep-alive connection just before
 * the signal is not counted until MHD has parsed its headers. So the server
 * stops only after no request is running AND none has started for
 * SETTLE_MS, within the grace period. */
#define SETTLE_MS 150

unsigned http_shutdown(struct http_server *h, unsigned grace)
{
    if (!h)
        return 0;
    h->listen_fd = MHD_quiesce_daemon(h->d);
    struct timespec deadline, quiet_until;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += grace;
    pthread_mutex_lock(&h->mu);
    for (;;) {
        while (h->inflight > 0) {
            if (pthread_cond_timedwait(&h->idle, &h->mu, &deadline) == ETIMEDOUT)
                goto done;
        }
        unsigned long seen = h->started;
        clock_gettime(CLOCK_REALTIME, &quiet_until);
        ecf_ts_add_ms(&quiet_until, SETTLE_MS);
        if (ts_before(&deadline, &quiet_until))
            quiet_until = deadline;
        while (h->started == seen &&
               pthread_cond_timedwait(&h->idle, &h->mu, &quiet_until) != ETIMEDOUT)
            ;
        if (h->started == seen)
            break; /* quiet: nothing arrived during the settle window */
    }
done:;
    unsigned left = h->inflight;
    pthread_mutex_unlock(&h->mu);
    /* The reaper ran through the grace period (slow clients still hold
     * slots then); MHD_stop_daemon closes whatever is left. */
    conntrack_stop(h->ct);
    MHD_stop_daemon(h->d);
    if (h->listen_fd != MHD_INVALID_SOCKET)
        close(h->listen_fd);
    server_free(h);
    return left;
}
