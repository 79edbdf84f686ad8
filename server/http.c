/* server/http.c — the libmicrohttpd daemon and its lifecycle: options,
 * start, graceful shutdown, its log and percent-decoding. Requests are
 * dispatched in server/dispatch.c; slow clients are reaped by conntrack.c. */
#include "server/http_int.h"

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
#include "server/linger.h"
#include "server/log.h"

/* libmicrohttpd's memory per connection. It answers on its own (HTML, no
 * CORS) when a request line or header block does not fit: half the pool is
 * the first read buffer, and every header and query parameter takes 56 bytes
 * more. 128 KiB lets us read and refuse with our own problem+json anything
 * up to about 100 KiB (framing.h refuses header blocks over 16 KiB, targets
 * over 4 KiB; the request-line hook empties a long query first); beyond that
 * libmicrohttpd answers 414/431 itself. The pool is not free to grow:
 * libmicrohttpd 0.9.75 zeroes the whole pool between two requests on a
 * kept-alive connection (MHD_pool_reset), so its size is paid on every
 * request and stays resident per connection. 512 KiB cost 7 us of the 15 us
 * a cached GET took and 512 KiB per keep-alive connection
 * (bench/entity-get-ab; tests/integration/test_malformed.py measures the
 * memory). */
#define CONN_MEMORY (128 * 1024)

static bool ts_before(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
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
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
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
    snprintf(errbuf, cap,
             "--listen '%s' is not HOST:PORT with a numeric address (e.g. 127.0.0.1:8080)", spec);
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

/* libmicrohttpd aborts on an internal inconsistency; by default it says why
 * only when built with messages. Say it in our log first, so an abort in the
 * field (or in CI) names its cause. */
static void on_mhd_panic(void *cls, const char *file, unsigned int line, const char *reason)
{
    (void)cls;
    fprintf(stderr, "ecfacts: libmicrohttpd panic at %s:%u: %s\n", file ? file : "?", line,
            reason ? reason : "(no reason given)");
    fflush(stderr);
    abort();
}

int http_start(struct app *app, struct http_server **out, unsigned *port, char *errbuf, size_t cap)
{
    MHD_set_panic_func(on_mhd_panic, NULL);
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
        flags, 0, NULL, NULL, http_on_request, h, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, h,
        MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)c->threads, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)c->max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)c->per_ip_connections, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)c->timeout,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY, MHD_OPTION_NOTIFY_COMPLETED,
        http_on_completed, h, MHD_OPTION_URI_LOG_CALLBACK, http_on_request_line, NULL,
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
