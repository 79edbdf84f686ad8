#include "server/linger.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/util.h"

struct lsock {
    int fd;
    long long deadline_ms;
    unsigned long bytes;
};

struct lingerer {
    pthread_t thread;
    pthread_mutex_t mu;
    int wake[2]; /* a byte on wake[1] wakes the thread: new socket or stop */
    bool stop;
    struct lsock socks[LINGER_SOCKETS]; /* under mu; fd -1: free */
};

/* Reads what is there without blocking. False when the socket is done with:
 * EOF, an error, or the byte budget spent. */
static bool drain(struct lsock *s)
{
    static char sink[65536]; /* only ever written, by this one thread */
    for (;;) {
        ssize_t n = recv(s->fd, sink, sizeof sink, MSG_DONTWAIT);
        if (n > 0) {
            s->bytes += (unsigned long)n;
            if (s->bytes >= LINGER_BYTES)
                return false;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
}

static void *linger_main(void *arg)
{
    struct lingerer *l = arg;
    struct pollfd pf[LINGER_SOCKETS + 1];
    size_t idx[LINGER_SOCKETS + 1];
    for (;;) {
        long long now = ecf_mono_ms(), wait = -1;
        size_t n = 0;
        pf[n++] = (struct pollfd){.fd = l->wake[0], .events = POLLIN};
        pthread_mutex_lock(&l->mu);
        if (l->stop) {
            pthread_mutex_unlock(&l->mu);
            break;
        }
        for (size_t i = 0; i < LINGER_SOCKETS; i++) {
            struct lsock *s = &l->socks[i];
            if (s->fd < 0)
                continue;
            if (s->deadline_ms <= now) {
                close(s->fd);
                s->fd = -1;
                continue;
            }
            if (wait < 0 || s->deadline_ms - now < wait)
                wait = s->deadline_ms - now;
            idx[n] = i;
            pf[n++] = (struct pollfd){.fd = s->fd, .events = POLLIN};
        }
        pthread_mutex_unlock(&l->mu);
        if (poll(pf, n, (int)wait) < 0 && errno != EINTR)
            break;
        if (pf[0].revents) {
            char b[64];
            while (read(l->wake[0], b, sizeof b) > 0)
                ;
        }
        pthread_mutex_lock(&l->mu);
        for (size_t k = 1; k < n; k++) {
            struct lsock *s = &l->socks[idx[k]];
            if (pf[k].revents && !drain(s)) {
                close(s->fd);
                s->fd = -1;
            }
        }
        pthread_mutex_unlock(&l->mu);
    }
    return NULL;
}

struct lingerer *linger_start(void)
{
    struct lingerer *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    for (size_t i = 0; i < LINGER_SOCKETS; i++)
        l->socks[i].fd = -1;
    if (pipe(l->wake) != 0) {
        free(l);
        return NULL;
    }
    for (int i = 0; i < 2; i++) {
        if (fcntl(l->wake[i], F_SETFL, O_NONBLOCK) != 0 ||
            fcntl(l->wake[i], F_SETFD, FD_CLOEXEC) != 0) {
            close(l->wake[0]);
            close(l->wake[1]);
            free(l);
            return NULL;
        }
    }
    pthread_mutex_init(&l->mu, NULL);
    if (pthread_create(&l->thread, NULL, linger_main, l) != 0) {
        close(l->wake[0]);
        close(l->wake[1]);
        pthread_mutex_destroy(&l->mu);
        free(l);
        return NULL;
    }
    return l;
}

static void wake(struct lingerer *l)
{
    char c = 1;
    /* a full pipe already holds a wake-up */
    if (write(l->wake[1], &c, 1) < 0 && errno != EAGAIN)
        return;
}

void linger_add(struct lingerer *l, int fd)
{
    if (!l) {
        close(fd);
        return;
    }
    bool taken = false;
    pthread_mutex_lock(&l->mu);
    for (size_t i = 0; i < LINGER_SOCKETS && !l->stop; i++) {
        if (l->socks[i].fd < 0) {
            l->socks[i] = (struct lsock){.fd = fd, .deadline_ms = ecf_mono_ms() + LINGER_MS};
            taken = true;
            break;
        }
    }
    pthread_mutex_unlock(&l->mu);
    if (taken)
        wake(l);
    else
        close(fd);
}

void linger_stop(struct lingerer *l)
{
    if (!l)
        return;
    pthread_mutex_lock(&l->mu);
    l->stop = true;
    pthread_mutex_unlock(&l->mu);
    wake(l);
    pthread_join(l->thread, NULL);
    for (size_t i = 0; i < LINGER_SOCKETS; i++) {
        if (l->socks[i].fd >= 0)
            close(l->socks[i].fd);
    }
    close(l->wake[0]);
    close(l->wake[1]);
    pthread_mutex_destroy(&l->mu);
    free(l);
}
