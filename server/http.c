#include "server/http.h"

#include <errno.h>
#include <fcntl.h>
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
#include "server/linger.h"
#include "store/store.h"
#include "server/log.h"
#include "server/metrics.h"
#include "server/reply.h"

#define URI_MAX 4096      /* longer request targets are 414 */
#define HEADERS_MAX 16384 /* larger header blocks are 431 */
/* libmicrohttpd's memory per connection. It answers on its own (HTML, no
 * CORS) when a request line or header block does not fit: half the pool is
 * the first read buffer, and every header and query parameter takes 56 bytes
 * more. 512 KiB lets us read and refuse with our own problem+json anything
 * up to about 256 KiB (a 200 KiB request line, 5000 query parameters).
 * Requests above HEADERS_MAX/URI_MAX are refused, so the pool only fills for
 * one request at a time. Pools over 32 KiB are mmap'd: a connection uses
 * only the pages its bytes touched (about 8 KiB for an ordinary request);
 * 1024 connections all sending 500 KiB headers would hold 512 MiB until the
 * header deadline closes them. */
#define CONN_MEMORY (512 * 1024)

/* One accepted connection, watched for the header deadline (see "header
 * deadline" below). Allocated on MHD's STARTED notification, freed on CLOSED. */
struct conn_track {
    struct conn_track *prev, *next; /* http_server.conns, under conn_mu */
    MHD_socket fd;                  /* open until CLOSED has unlinked this */
    /* CLOCK_MONOTONIC milliseconds by which a complete header block must be
     * in; 0: none (a request is being served, or the socket was shut down).
     * Written by the connection's MHD thread, swapped to 0 by the reaper. */
    atomic_llong deadline_ms;
    /* Answered with its body unread: linger before the close (linger.h).
     * Written and read by the connection's MHD thread. */
    bool linger;
};

struct http_server {
    struct MHD_Daemon *d;
    struct app *app;
    struct resp_cache *cache; /* NULL when --cache-size is 0 */
    pthread_mutex_t mu;
    pthread_cond_t idle;     /* signalled when a request starts or the last one ends */
    unsigned inflight;
    unsigned long started;   /* requests started, ever: tells a quiet period */
    MHD_socket listen_fd;
    long long header_ms;     /* --header-timeout in ms; 0: no header deadline, no reaper */
    struct lingerer *lingerer; /* NULL when its thread could not start */
    pthread_mutex_t conn_mu; /* conns, reaper_stop; held by CLOSED and by each reaper pass */
    pthread_cond_t reaper_cv; /* CLOCK_MONOTONIC; wakes the reaper to stop */
    struct conn_track *conns;
    bool reaper_stop;
    bool reaper_running;
    pthread_t reaper;
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
    if (q->bad_name || (key_size == 0 && !value))
        return MHD_YES; /* an empty segment ("?&a=1", "a=1&&b=2", "a=1&"): nothing */
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
    const char *bad_name; /* first header name that is not a token */
    const char *bad_value; /* first header whose value holds a bare CR */
    bool folded;          /* an obs-fold continuation line was joined */
    size_t bytes;         /* the header block, as "name: value\r\n" lines */
};

/* RFC 9110 section 5.6.2: a field name is a token. */
static bool is_tchar(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* libmicrohttpd 0.9.75 (connection.c: process_header_line and
 * process_broken_line) keeps a header's name and value where they were read:
 * "name\0[SP/HTAB...]value" in one line of the read buffer. It accepts
 * whitespace before the colon (the name keeps it: "Transfer-Encoding ")
 * and, for an obs-fold continuation line, copies the NAME to a new pool
 * block and appends the continuation to it ("Transfer-Encodingchunked",
 * value ""). No option of 0.9.75 refuses either (MHD_OPTION_STRICT_FOR_CLIENT
 * only checks the request target and Host; at -1 it refuses whitespace
 * before the colon, with its own HTML page). So: a name that is not a token
 * is refused below, and a value that does not follow its name in memory
 * marks a folded line. tests/integration/test_malformed.py pins both. */
static bool header_folded(const char *key, size_t key_size, const char *value)
{
    uintptr_t after = (uintptr_t)key + key_size + 1, v = (uintptr_t)value;
    if (!value || v < after || v - after > 4096)
        return true;
    for (const char *p = key + key_size + 1; p < value; p++) {
        if (*p != ' ' && *p != '\t')
            return true;
    }
    return false;
}

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                    size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    struct framing *f = cls;
    f->bytes += key_size + value_size + 4;
    if (!f->bad_name) {
        for (size_t i = 0; i < key_size; i++) {
            if (!is_tchar((unsigned char)key[i])) {
                f->bad_name = key;
                break;
            }
        }
        if (!key_size)
            f->bad_name = key;
    }
    if (!f->folded && header_folded(key, key_size, value))
        f->folded = true;
    /* RFC 9110 section 5.5 / RFC 9112 section 2.2: a bare CR in a value is
     * refused, not passed on. libmicrohttpd keeps it, and a front end that
     * ends lines at a bare CR would read a header this server never sees
     * ("X: a<CR>Transfer-Encoding: chunked"). (A NUL cannot be seen here:
     * MHD measures values with strlen, so "a<NUL>b" arrives as "a".) */
    if (!f->bad_value && value && memchr(value, '\r', value_size))
        f->bad_value = key;
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

/* Message framing (RFC 9112 sections 3.2, 5 and 6): field names are tokens
 * with no whitespace before the colon, no obs-fold, one Host on HTTP/1.1;
 * Content-Length and Transfer-Encoding never ambiguous, since a proxy in
 * front may read them differently (request smuggling). Also the size of
 * the header block (431). */
static bool refuse_framing(struct request *rq, struct reply *rp)
{
    struct framing f = {0};
    MHD_get_connection_values_n(rq->conn, MHD_HEADER_KIND, count_header, &f);
    const char *te = request_header(rq, MHD_HTTP_HEADER_TRANSFER_ENCODING);
    if (f.folded) {
        reply_problem(rp, 400, NULL, "a header field is folded over two lines (obs-fold)");
    } else if (f.bad_name) {
        reply_problem(rp, 400, NULL,
                      "header name '%.64s' is not a token (whitespace before the colon?)",
                      f.bad_name);
    } else if (f.bad_value) {
        reply_problem(rp, 400, NULL, "the value of header '%.64s' holds a bare CR",
                      f.bad_value);
    } else if (f.bytes > HEADERS_MAX) {
        reply_problem(rp, 431, NULL, "the request header fields are over %d bytes", HEADERS_MAX);
    } else if (f.host > 1 || (f.host == 0 && rq->http11)) {
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

static enum MHD_Result add_len(void *cls, enum MHD_ValueKind kind, const char *key,
                               size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    (void)key;
    (void)value;
    *(size_t *)cls += key_size + value_size + 2;
    return MHD_YES;
}

/* A body announced: a Content-Length other than 0, or any Transfer-Encoding
 * (refuse_framing has made sure the two do not come together). */
static bool has_body(const struct request *rq)
{
    const char *cl = request_header(rq, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (request_header(rq, MHD_HTTP_HEADER_TRANSFER_ENCODING))
        return true;
    if (!cl)
        return false;
    cl += strspn(cl, "0");
    return *cl != '\0';
}

static bool refuse_target(struct request *rq, struct reply *rp)
{
    size_t target = strlen(rq->path);
    MHD_get_connection_values_n(rq->conn, MHD_GET_ARGUMENT_KIND, add_len, &target);
    if (target <= URI_MAX)
        return false;
    reply_problem(rp, 414, NULL, "the request target is over %d bytes", URI_MAX);
    return true;
}

/* Checks made when the headers are in, before any body is read. Returns
 * true and fills rp when the request is refused right away (the caller
 * closes the connection: the body, if any, is left unread). */
static bool refuse_early(struct request *rq, struct reply *rp, enum router_result rr,
                         unsigned allow)
{
    if (refuse_framing(rq, rp))
        return true;
    if (has_body(rq) && refuse_target(rq, rp))
        return true; /* else answered on the final call, keeping the connection */
    /* A body on a route that takes none would be read and thrown away at
     * whatever pace the client likes, past the header deadline: refuse it
     * before reading, whatever the path. */
    if (has_body(rq) && !(rq->route && (rq->route->flags & ROUTE_BODY))) {
        if (rr == ROUTER_NOT_FOUND) {
            reply_problem(rp, 404, NULL, "no resource at this path");
        } else if (rr == ROUTER_BAD_METHOD && rq->method != HTTP_OPTIONS) {
            reply_problem(rp, 405, NULL, "this path does not accept that method");
            rp->allow = allow;
        } else {
            reply_problem(rp, 413, NULL, "%s %s takes no request body", rq->method_str,
                          rq->route ? rq->route->pattern : "on this path");
        }
        return true;
    }
    if (rq->method == HTTP_OPTIONS || !rq->route)
        return false; /* 204, 404 and 405 are answered on the final call */
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

static void dispatch(struct request *rq, struct reply *rp, enum router_result rr, unsigned allow)
{
    if (refuse_target(rq, rp))
        return;
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
    if (!rq->route || (rq->route->flags & (ROUTE_NO_CACHE | ROUTE_AUTH | ROUTE_BODY)))
        return false;
    struct key_buf k = {.p = key};
    key_add(&k, rq->path, strlen(rq->path), '\x01');
    MHD_get_connection_values_n(rq->conn, MHD_GET_ARGUMENT_KIND, key_arg, &k);
    *klen = k.len;
    return !k.overflow;
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

static double elapsed(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* ---- header deadline (slowloris) -------------------------------------------
 *
 * --timeout is libmicrohttpd's idle timeout: every byte resets it, so a
 * client sending one header byte a second holds its slot for ever, and
 * --max-connections of them lock everyone out. So each connection also has
 * a deadline for its header block, set when it is accepted (STARTED) and
 * when a response has been sent on it (request COMPLETED: keep-alive waits
 * for the next request), and cleared when the access handler first sees a
 * request (its headers are complete). A reaper thread shuts down the
 * sockets past their deadline; MHD then reads EOF and closes the
 * connection through its usual path (notifications, per-IP count, slot).
 *
 * Descriptor reuse: the reaper must never shut down a descriptor MHD has
 * closed, since the number may already belong to a new connection.
 * libmicrohttpd (daemon.c: MHD_cleanup_connections, and the failure path of
 * new_connection_process_) calls the CLOSED notification before it closes
 * the socket; on_connection unlinks the entry under conn_mu, which each
 * reaper pass holds while it walks the list. So a socket the reaper can
 * reach is still open, and an unlinked one is never touched again.
 *
 * Cost: STARTED and CLOSED link and unlink under conn_mu (O(1)); a request
 * only stores an atomic; the reaper walks the list REAP_MS apart. */
#define REAP_MS 250
#define REAP_LOG_MS 10000 /* at most one log line per this, with the count */

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static struct conn_track *track_of(const struct http_server *h, struct MHD_Connection *conn)
{
    (void)h;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

/* The access handler's first call for a request: its headers are in. */
static void track_headers_in(const struct http_server *h, struct MHD_Connection *conn)
{
    struct conn_track *t = track_of(h, conn);
    if (t)
        atomic_store_explicit(&t->deadline_ms, 0, memory_order_relaxed);
}

/* A response was sent: the next request's headers are due within the limit. */
static void track_response_sent(const struct http_server *h, struct MHD_Connection *conn)
{
    struct conn_track *t = track_of(h, conn);
    if (t && h->header_ms)
        atomic_store_explicit(&t->deadline_ms, now_ms() + h->header_ms, memory_order_relaxed);
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    struct http_server *h = cls;
    struct conn_track *t = *socket_context;
    if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
        if (!t)
            return;
        pthread_mutex_lock(&h->conn_mu);
        if (t->prev)
            t->prev->next = t->next;
        else
            h->conns = t->next;
        if (t->next)
            t->next->prev = t->prev;
        pthread_mutex_unlock(&h->conn_mu);
        /* MHD closes the socket right after this notification; a duplicate
         * keeps it open for the lingerer. */
        if (t->linger) {
            int fd = fcntl(t->fd, F_DUPFD_CLOEXEC, 0);
            if (fd >= 0)
                linger_add(h->lingerer, fd);
        }
        free(t);
        *socket_context = NULL;
        return;
    }
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    t = ci ? malloc(sizeof *t) : NULL;
    *socket_context = t;
    if (!t)
        return; /* untracked: only --timeout applies to this one */
    t->fd = ci->connect_fd;
    t->prev = NULL;
    t->linger = false;
    atomic_init(&t->deadline_ms, h->header_ms ? now_ms() + h->header_ms : 0);
    pthread_mutex_lock(&h->conn_mu);
    t->next = h->conns;
    if (t->next)
        t->next->prev = t;
    h->conns = t;
    pthread_mutex_unlock(&h->conn_mu);
}

/* Shuts down every socket past its deadline; conn_mu held. The swap to 0
 * loses to a request that completed its headers at the same moment, and
 * makes sure each socket is shut down and counted once. */
static unsigned long reap_expired(struct http_server *h, long long now)
{
    unsigned long n = 0;
    for (struct conn_track *t = h->conns; t; t = t->next) {
        long long d = atomic_load_explicit(&t->deadline_ms, memory_order_relaxed);
        if (d == 0 || d > now)
            continue;
        if (!atomic_compare_exchange_strong_explicit(&t->deadline_ms, &d, 0, memory_order_relaxed,
                                                     memory_order_relaxed))
            continue;
        if (shutdown(t->fd, SHUT_RDWR) == 0) {
            metrics_count_header_timeout(h->app->metrics);
            n++;
        }
    }
    return n;
}

static void *reaper_main(void *arg)
{
    struct http_server *h = arg;
    unsigned long unlogged = 0;
    long long logged_at = now_ms();
    pthread_mutex_lock(&h->conn_mu);
    while (!h->reaper_stop) {
        struct timespec wake;
        clock_gettime(CLOCK_MONOTONIC, &wake);
        ts_add_ms(&wake, REAP_MS);
        while (!h->reaper_stop &&
               pthread_cond_timedwait(&h->reaper_cv, &h->conn_mu, &wake) != ETIMEDOUT)
            ;
        if (h->reaper_stop)
            break;
        long long now = now_ms();
        unlogged += reap_expired(h, now);
        if (unlogged && now - logged_at >= REAP_LOG_MS) {
            /* outside the lock: a slow stdout must not stall MHD's threads */
            pthread_mutex_unlock(&h->conn_mu);
            log_event("header-timeout",
                      "closed %lu connections that sent no complete request headers within %llds",
                      unlogged, h->header_ms / 1000);
            pthread_mutex_lock(&h->conn_mu);
            unlogged = 0;
            logged_at = now;
        }
    }
    pthread_mutex_unlock(&h->conn_mu);
    return NULL;
}

static int reaper_start(struct http_server *h)
{
    if (!h->header_ms)
        return 0;
    if (pthread_create(&h->reaper, NULL, reaper_main, h) != 0)
        return -1;
    h->reaper_running = true;
    return 0;
}

static void reaper_stop(struct http_server *h)
{
    if (!h->reaper_running)
        return;
    pthread_mutex_lock(&h->conn_mu);
    h->reaper_stop = true;
    pthread_cond_signal(&h->reaper_cv);
    pthread_mutex_unlock(&h->conn_mu);
    pthread_join(h->reaper, NULL);
    h->reaper_running = false;
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
        track_headers_in(h, conn);
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
        enum router_result rr = router_match(url, rq->method, &r, rq->caps, &allow);
        if (rr == ROUTER_MATCH) {
            rq->route = r;
            rq->slot = (size_t)(r - router_routes);
        }
        reply_init(&rp, url);
        if (refuse_early(rq, &rp, rr, allow)) {
            rp.close = true;
            struct conn_track *t = has_body(rq) ? track_of(h, conn) : NULL;
            if (t)
                t->linger = true;
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
                rq->over_at_ms = now_ms();
            }
            rq->over_bytes += n;
            if (rq->over_bytes > LINGER_BYTES || now_ms() - rq->over_at_ms > LINGER_MS)
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
    /* Cache under the snapshot the answer was read from, not the txn id read
     * before: LMDB's meta page (store_last_txn) runs ahead of what a new
     * reader sees while another process commits, and an answer filed under
     * the newer id would stay stale until the next write. */
    if (keep)
        cache_put(h->cache, key, klen, rq->store, rq->snap_txn ? rq->snap_txn : txn, keep,
                  body_len);
    reply_free(&rp);
    return res;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct http_server *h = cls;
    struct request *rq = *req_cls;
    if (!rq)
        return;
    /* Any other termination closes the connection: no next request to wait for. */
    if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK)
        track_response_sent(h, conn);
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
    h->header_ms = (long long)app->cfg->header_timeout * 1000;
    if (app->cfg->cache_size)
        h->cache = cache_new(4096, app->cfg->cache_size);
    h->lingerer = linger_start(); /* without it, refused uploads close at once */
    app->cache = h->cache;
    pthread_mutex_init(&h->mu, NULL);
    pthread_cond_init(&h->idle, NULL);
    pthread_mutex_init(&h->conn_mu, NULL);
    pthread_mutex_init(&h->log_mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&h->reaper_cv, &ca);
    pthread_condattr_destroy(&ca);
    return h;
}

/* After MHD_stop_daemon, whose CLOSED notifications emptied h->conns. */
static void server_free(struct http_server *h)
{
    pthread_mutex_destroy(&h->mu);
    pthread_cond_destroy(&h->idle);
    pthread_mutex_destroy(&h->conn_mu);
    pthread_cond_destroy(&h->reaper_cv);
    pthread_mutex_destroy(&h->log_mu);
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
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, h,
        MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, MHD_OPTION_END);
    if (!h->d) {
        snprintf(errbuf, cap, "cannot listen on %s: %s", c->listen, strerror(errno));
        server_free(h);
        return -1;
    }
    if (reaper_start(h) != 0) {
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
    /* The reaper ran through the grace period (slow clients still hold
     * slots then); MHD_stop_daemon closes whatever is left. */
    reaper_stop(h);
    MHD_stop_daemon(h->d);
    if (h->listen_fd != MHD_INVALID_SOCKET)
        close(h->listen_fd);
    server_free(h);
    return left;
}
