#include "server/http.h"

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
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
#include "server/holder.h"
#include "store/store.h"
#include "server/log.h"
#include "server/metrics.h"
#include "server/reply.h"

#define URI_MAX 4096 /* longer request targets are 414 */

struct http_server {
    struct MHD_Daemon *d;
    struct app *app;
    struct resp_cache *cache; /* NULL when --cache-size is 0 */
    pthread_mutex_t mu;
    pthread_cond_t idle;     /* signalled when a request starts or the last one ends */
    unsigned inflight;
    unsigned long started;   /* requests started, ever: tells a quiet period */
    MHD_socket listen_fd;
};

const char *request_query(const struct request *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *request_header(const struct request *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

/* ---- query checks done once for every route ------------------------------ */

struct query_check {
    const struct route *route;
    const char *bad_name; /* first offending parameter */
    const char *why;
    const char *seen[16];
    size_t nseen;
};


static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                 size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    struct query_check *q = cls;
    if (q->bad_name)
        return MHD_YES;
    if (!value && router_param_allowed(q->route, key)) {
        q->bad_name = key;
        q->why = "needs a value (name=value)";
    } else if (strlen(key) != key_size || (value && strlen(value) != value_size)) {
        q->bad_name = key;
        q->why = "contains a NUL byte";
    } else if (!ecf_utf8_valid(key, key_size, NULL)) {
        q->bad_name = "(query)";
        q->why = "has a name that is not valid UTF-8";
    } else if (value && !ecf_utf8_valid(value, value_size, NULL)) {
        q->bad_name = key;
        q->why = "is not valid UTF-8";
    } else if (!router_param_allowed(q->route, key)) {
        q->bad_name = key;
        q->why = "is not a parameter of this route";
    } else {
        for (size_t i = 0; i < q->nseen; i++) {
            if (!strcmp(q->seen[i], key)) {
                q->bad_name = key;
                q->why = "is given more than once";
                return MHD_YES;
            }
        }
        if (q->nseen < sizeof q->seen / sizeof q->seen[0])
            q->seen[q->nseen++] = key;
    }
    return MHD_YES;
}

/* Constant-time comparison of the bearer token: the time taken does not
 * depend on where the first difference is. */
static bool token_ok(const struct request *rq)
{
    const struct config *c = rq->app->cfg;
    const char *h = request_header(rq, MHD_HTTP_HEADER_AUTHORIZATION);
    if (!c->token || !h || strncasecmp(h, "Bearer ", 7) != 0)
        return false;
    const char *t = h + 7;
    size_t n = strlen(t);
    unsigned char diff = (unsigned char)(n != c->token_len);
    for (size_t i = 0; i < c->token_len; i++)
        diff |= (unsigned char)(c->token[i] ^ (i < n ? t[i] : 0));
    return diff == 0;
}

static bool media_type_is(const char *ct, const char *want)
{
    size_t n = strlen(want);
    return ct && strncasecmp(ct, want, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

struct framing {
    unsigned host, content_length, transfer_encoding;
    const char *cl_first;
    bool cl_differ;
};

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                    size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    (void)key_size;
    (void)value_size;
    struct framing *f = cls;
    if (!strcasecmp(key, MHD_HTTP_HEADER_HOST)) {
        f->host++;
    } else if (!strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH)) {
        if (f->content_length++ && value && f->cl_first && strcmp(value, f->cl_first) != 0)
            f->cl_differ = true;
        if (!f->cl_first)
            f->cl_first = value;
    } else if (!strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING)) {
        f->transfer_encoding++;
    }
    return MHD_YES;
}

/* Message framing (RFC 9112 sections 3.2 and 6): one Host on HTTP/1.1;
 * Content-Length and Transfer-Encoding never ambiguous, since a proxy in
 * front may read them differently (request smuggling). */
static bool refuse_framing(struct request *rq, struct reply *rp)
{
    struct framing f = {0};
    MHD_get_connection_values_n(rq->conn, MHD_HEADER_KIND, count_header, &f);
    const char *te = request_header(rq, MHD_HTTP_HEADER_TRANSFER_ENCODING);
    if (f.host > 1 || (f.host == 0 && rq->http11)) {
        reply_problem(rp, 400, NULL, "an HTTP/1.1 request needs exactly one Host header");
    } else if (f.cl_differ) {
        reply_problem(rp, 400, NULL, "Content-Length headers disagree");
    } else if (f.content_length && f.transfer_encoding) {
        reply_problem(rp, 400, NULL, "Content-Length and Transfer-Encoding together");
    } else if (f.transfer_encoding > 1 || (te && strcasecmp(te, "chunked") != 0)) {
        reply_problem(rp, 400, NULL, "only Transfer-Encoding: chunked is supported");
    } else {
        return false;
    }
    return true;
}

/* Checks made when the headers are in, before any body is read. Returns
 * true and fills rp when the request is refused right away. */
static bool refuse_early(struct request *rq, struct reply *rp, unsigned allow)
{
    if (refuse_framing(rq, rp))
        return true;
    if (rq->method == HTTP_OPTIONS) {
        return false;
    }
    if (!rq->route) {
        return false; /* 404/405 are answered on the final call */
    }
    (void)allow;
    if (rq->route->flags & ROUTE_AUTH && !token_ok(rq)) {
        reply_problem(rp, 401, NULL,
                      rq->app->cfg->token ? "a valid bearer token is required"
                                          : "writes are disabled: no token is configured");
        return true;
    }
    if (rq->route->flags & ROUTE_BODY) {
        const char *ct = request_header(rq, MHD_HTTP_HEADER_CONTENT_TYPE);
        const char *cl = request_header(rq, MHD_HTTP_HEADER_CONTENT_LENGTH);
        const char *te = request_header(rq, MHD_HTTP_HEADER_TRANSFER_ENCODING);
        if (!cl && !te) {
            reply_problem(rp, 411, NULL, "a Content-Length is required");
            return true;
        }
        if (cl) {
            char *end = NULL;
            errno = 0;
            unsigned long long v = strtoull(cl, &end, 10);
            if (errno || end == cl || *end || v > rq->app->cfg->max_body) {
                reply_problem(rp, 413, NULL, "the body is over the %zu-byte limit",
                              rq->app->cfg->max_body);
                return true;
            }
        }
        if (media_type_is(ct, "application/json")) {
            rq->body_text = false;
        } else if ((rq->route->flags & ROUTE_TEXT_OK) && media_type_is(ct, "text/plain")) {
            rq->body_text = true;
        } else {
            reply_problem(rp, 415, NULL, "send %s, not %s",
                          rq->route->flags & ROUTE_TEXT_OK ? "application/json or text/plain"
                                                           : "application/json",
                          ct ? ct : "(no Content-Type)");
            return true;
        }
    }
    return false;
}

static enum MHD_Result add_len(void *cls, enum MHD_ValueKind kind, const char *key,
                               size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    (void)key;
    (void)value;
    *(size_t *)cls += key_size + value_size + 2;
    return MHD_YES;
}

static void dispatch(struct request *rq, struct reply *rp, enum router_result rr, unsigned allow)
{
    size_t target = strlen(rq->path);
    MHD_get_connection_values_n(rq->conn, MHD_GET_ARGUMENT_KIND, add_len, &target);
    if (target > URI_MAX) {
        reply_problem(rp, 414, NULL, "the request target is over %d bytes", URI_MAX);
        return;
    }
    if (rr == ROUTER_NOT_FOUND) {
        reply_problem(rp, 404, NULL, "no resource at this path");
        return;
    }
    if (rq->method == HTTP_OPTIONS) {
        reply_init(rp, rq->path);
        rp->status = 204;
        rp->allow = allow;
        return;
    }
    if (rr == ROUTER_BAD_METHOD) {
        reply_problem(rp, 405, NULL, "this path does not accept that method");
        rp->allow = allow;
        return;
    }
    struct query_check q = {.route = rq->route};
    MHD_get_connection_values_n(rq->conn, MHD_GET_ARGUMENT_KIND, check_arg, &q);
    if (q.bad_name) {
        reply_problem(rp, 400, q.bad_name, "parameter '%.64s' %s", q.bad_name, q.why);
        return;
    }
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
    if (!rq->route || (rq->route->flags & (ROUTE_NO_CACHE | ROUTE_AUTH | ROUTE_BODY)))
        return false;
    struct key_buf k = {.p = key};
    key_add(&k, rq->path, strlen(rq->path), '\x01');
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

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **req_cls)
{
    struct http_server *h = cls;
    struct request *rq = *req_cls;
    struct reply rp;
    if (!rq) {
        rq = calloc(1, sizeof *rq);
        if (!rq)
            return MHD_NO;
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
        /* A request with a body may be refused before the body is read. */
        unsigned allow = 0;
        const struct route *r = NULL;
        if (router_match(url, rq->method, &r, rq->caps, &allow) == ROUTER_MATCH) {
            rq->route = r;
            rq->slot = (size_t)(r - router_routes);
        }
        reply_init(&rp, url);
        if (refuse_early(rq, &rp, allow)) {
            rp.close = true;
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
             * on the final call and close. */
            rq->body_over = true;
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
    bool cacheable = h->cache && cache_key(rq, key, &klen);
    if (cacheable) {
        txn = store_last_txn(rq->store);
        if (cache_serve(h->cache, key, klen, rq->store, txn, conn)) {
            rq->status = 200;
            rq->answered = true;
            return MHD_YES;
        }
    }
    unsigned allow = 0;
    const struct route *r = NULL;
    enum router_result rr = router_match(url, rq->method, &r, rq->caps, &allow);
    reply_init(&rp, url);
    dispatch(rq, &rp, rr, allow);
    struct MHD_Response *keep = NULL;
    size_t body_len = rp.len;
    enum MHD_Result res = reply_queue(rq, &rp, cacheable ? &keep : NULL);
    if (keep)
        cache_put(h->cache, key, klen, rq->store, txn, keep, body_len);
    reply_free(&rp);
    return res;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)conn;
    (void)toe;
    struct http_server *h = cls;
    struct request *rq = *req_cls;
    if (!rq)
        return;
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

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';
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

int http_start(struct app *app, struct http_server **out, unsigned *port, char *errbuf, size_t cap)
{
    struct sockaddr_storage ss;
    socklen_t sl = 0;
    bool v6 = false;
    *out = NULL;
    if (parse_listen(app->cfg->listen, &ss, &sl, &v6, errbuf, cap) != 0)
        return -1;
    struct http_server *h = calloc(1, sizeof *h);
    if (!h)
        return -1;
    h->app = app;
    if (app->cfg->cache_size)
        h->cache = cache_new(4096, app->cfg->cache_size);
    app->cache = h->cache;
    pthread_mutex_init(&h->mu, NULL);
    pthread_cond_init(&h->idle, NULL);
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (v6)
        flags |= MHD_USE_IPv6;
    h->d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, h, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
        MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)app->cfg->threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)app->cfg->max_connections,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)app->cfg->timeout,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, h, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1,
        MHD_OPTION_END);
    if (!h->d) {
        snprintf(errbuf, cap, "cannot listen on %s: %s", app->cfg->listen, strerror(errno));
        pthread_mutex_destroy(&h->mu);
        pthread_cond_destroy(&h->idle);
        cache_free(h->cache);
        free(h);
        return -1;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
    *port = di ? di->port : 0;
    *out = h;
    return 0;
}

static void ts_add_ms(struct timespec *t, long ms)
{
    t->tv_sec += ms / 1000;
    t->tv_nsec += (ms % 1000) * 1000000L;
    if (t->tv_nsec >= 1000000000L) {
        t->tv_sec++;
        t->tv_nsec -= 1000000000L;
    }
}

static bool ts_before(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
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
        ts_add_ms(&quiet_until, SETTLE_MS);
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
    MHD_stop_daemon(h->d);
    if (h->listen_fd != MHD_INVALID_SOCKET)
        close(h->listen_fd);
    pthread_mutex_destroy(&h->mu);
    pthread_cond_destroy(&h->idle);
    cache_free(h->cache);
    free(h);
    return left;
}
