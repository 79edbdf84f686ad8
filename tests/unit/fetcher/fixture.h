/* tests/unit/fetcher/fixture.h — an in-process HTTP server on 127.0.0.1
 * (libmicrohttpd, thread per connection, port 0) serving the fetcher's test
 * scenarios, with a log of every request it received. */
#ifndef ECF_TESTS_FETCHER_FIXTURE_H
#define ECF_TESTS_FETCHER_FIXTURE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define FX_MAX_HITS 1024

struct fx_hit {
    char path[128];
    int64_t t_us; /* CLOCK_MONOTONIC when the request arrived */
    char if_none_match[64];
    char if_modified_since[64];
    char user_agent[128];
    char accept_encoding[64];
};

struct fixture {
    struct MHD_Daemon *d;
    unsigned port;
    pthread_mutex_t mu;
    struct fx_hit hits[FX_MAX_HITS];
    size_t n_hits;
    int active, max_active; /* concurrent requests to /slow/ */
    atomic_int stopping;
    /* Set after fx_start: /robots.txt is 600 KiB at once, then a trickle that
     * only ends when the client leaves (or after 10 s). */
    atomic_int big_robots;
};

/* Starts the server; 0 on success. */
int fx_start(struct fixture *f);
void fx_stop(struct fixture *f);
/* Forgets the request log (the "first request fails" routes reset too). */
void fx_reset(struct fixture *f);
/* Requests seen for path. */
size_t fx_count(struct fixture *f, const char *path);
/* The nth (0-based) request for path, copied into *out; 0 if it exists. */
int fx_hit(struct fixture *f, const char *path, size_t nth, struct fx_hit *out);
/* "http://127.0.0.1:PORT" + path into buf. */
const char *fx_url(const struct fixture *f, const char *path, char *buf, size_t cap);

int64_t fx_now_us(void);

#endif
