/* server/conntrack.c — connection tracking for the header deadline and the
 * lingering close (conntrack.h).
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
 * the socket; conntrack_on_connection unlinks the entry under mu, which each
 * reaper pass holds while it walks the list. So a socket the reaper can
 * reach is still open, and an unlinked one is never touched again.
 *
 * Cost: STARTED and CLOSED link and unlink under mu (O(1)); a request only
 * stores an atomic; the reaper walks the list REAP_MS apart. */
#include "server/conntrack.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "common/util.h"
#include "server/linger.h"
#include "server/log.h"
#include "server/metrics.h"

#define REAP_MS     250
#define REAP_LOG_MS 10000 /* at most one log line per this, with the count */

/* One accepted connection. Allocated on MHD's STARTED notification, freed on
 * CLOSED; MHD keeps it as the connection's socket context. */
struct conn_track {
    struct conn_track *prev, *next; /* conntrack.conns, under mu */
    MHD_socket fd;                  /* open until CLOSED has unlinked this */
    /* CLOCK_MONOTONIC milliseconds by which a complete header block must be
     * in; 0: none (a request is being served, or the socket was shut down).
     * Written by the connection's MHD thread, swapped to 0 by the reaper. */
    atomic_llong deadline_ms;
    /* Answered with its body unread: linger before the close (linger.h).
     * Written and read by the connection's MHD thread. */
    bool linger;
};

struct conntrack {
    long long header_ms;       /* --header-timeout in ms; 0: no header deadline, no reaper */
    struct lingerer *lingerer; /* borrowed; NULL when its thread could not start */
    struct metrics *metrics;   /* borrowed */
    pthread_mutex_t mu;        /* conns, stop; held by CLOSED and by each reaper pass */
    pthread_cond_t cv;         /* CLOCK_MONOTONIC; wakes the reaper to stop */
    struct conn_track *conns;
    bool stop;
    bool running;
    pthread_t reaper;
};

struct conntrack *conntrack_new(long long header_ms, struct lingerer *lingerer,
                                struct metrics *metrics)
{
    struct conntrack *ct = calloc(1, sizeof *ct);
    if (!ct)
        return NULL;
    ct->header_ms = header_ms;
    ct->lingerer = lingerer;
    ct->metrics = metrics;
    pthread_mutex_init(&ct->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&ct->cv, &ca);
    pthread_condattr_destroy(&ca);
    return ct;
}

void conntrack_free(struct conntrack *ct)
{
    if (!ct)
        return;
    pthread_mutex_destroy(&ct->mu);
    pthread_cond_destroy(&ct->cv);
    free(ct);
}

static struct conn_track *track_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

void conntrack_headers_in(struct MHD_Connection *conn)
{
    struct conn_track *t = track_of(conn);
    if (t)
        atomic_store_explicit(&t->deadline_ms, 0, memory_order_relaxed);
}

void conntrack_response_sent(const struct conntrack *ct, struct MHD_Connection *conn)
{
    struct conn_track *t = track_of(conn);
    if (t && ct->header_ms)
        atomic_store_explicit(&t->deadline_ms, ecf_mono_ms() + ct->header_ms, memory_order_relaxed);
}

void conntrack_linger(struct MHD_Connection *conn)
{
    struct conn_track *t = track_of(conn);
    if (t)
        t->linger = true;
}

void conntrack_on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                             enum MHD_ConnectionNotificationCode toe)
{
    struct conntrack *ct = cls;
    struct conn_track *t = *socket_context;
    if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
        if (!t)
            return;
        pthread_mutex_lock(&ct->mu);
        if (t->prev)
            t->prev->next = t->next;
        else
            ct->conns = t->next;
        if (t->next)
            t->next->prev = t->prev;
        pthread_mutex_unlock(&ct->mu);
        /* MHD closes the socket right after this notification; a duplicate
         * keeps it open for the lingerer. */
        if (t->linger) {
            int fd = fcntl(t->fd, F_DUPFD_CLOEXEC, 0);
            if (fd >= 0)
                linger_add(ct->lingerer, fd);
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
    atomic_init(&t->deadline_ms, ct->header_ms ? ecf_mono_ms() + ct->header_ms : 0);
    pthread_mutex_lock(&ct->mu);
    t->next = ct->conns;
    if (t->next)
        t->next->prev = t;
    ct->conns = t;
    pthread_mutex_unlock(&ct->mu);
}

/* Shuts down every socket past its deadline; mu held. The swap to 0 loses
 * to a request that completed its headers at the same moment, and makes
 * sure each socket is shut down and counted once. */
static unsigned long reap_expired(struct conntrack *ct, long long now)
{
    unsigned long n = 0;
    for (struct conn_track *t = ct->conns; t; t = t->next) {
        long long d = atomic_load_explicit(&t->deadline_ms, memory_order_relaxed);
        if (d == 0 || d > now)
            continue;
        if (!atomic_compare_exchange_strong_explicit(&t->deadline_ms, &d, 0, memory_order_relaxed,
                                                     memory_order_relaxed))
            continue;
        if (shutdown(t->fd, SHUT_RDWR) == 0) {
            metrics_count_header_timeout(ct->metrics);
            n++;
        }
    }
    return n;
}

static void *reaper_main(void *arg)
{
    struct conntrack *ct = arg;
    unsigned long unlogged = 0;
    long long logged_at = ecf_mono_ms();
    pthread_mutex_lock(&ct->mu);
    while (!ct->stop) {
        struct timespec wake;
        clock_gettime(CLOCK_MONOTONIC, &wake);
        ecf_ts_add_ms(&wake, REAP_MS);
        while (!ct->stop && pthread_cond_timedwait(&ct->cv, &ct->mu, &wake) != ETIMEDOUT)
            ;
        if (ct->stop)
            break;
        long long now = ecf_mono_ms();
        unlogged += reap_expired(ct, now);
        if (unlogged && now - logged_at >= REAP_LOG_MS) {
            /* outside the lock: a slow stdout must not stall MHD's threads */
            pthread_mutex_unlock(&ct->mu);
            log_event("header-timeout",
                      "closed %lu connections that sent no complete request headers within %llds",
                      unlogged, ct->header_ms / 1000);
            pthread_mutex_lock(&ct->mu);
            unlogged = 0;
            logged_at = now;
        }
    }
    pthread_mutex_unlock(&ct->mu);
    return NULL;
}

int conntrack_start(struct conntrack *ct)
{
    if (!ct->header_ms)
        return 0;
    if (pthread_create(&ct->reaper, NULL, reaper_main, ct) != 0)
        return -1;
    ct->running = true;
    return 0;
}

void conntrack_stop(struct conntrack *ct)
{
    if (!ct->running)
        return;
    pthread_mutex_lock(&ct->mu);
    ct->stop = true;
    pthread_cond_signal(&ct->cv);
    pthread_mutex_unlock(&ct->mu);
    pthread_join(ct->reaper, NULL);
    ct->running = false;
}
