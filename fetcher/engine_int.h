/* fetcher/engine_int.h — what the engine's files share; not public.
 *
 * The engine behind fetch_engine_*() (fetch.h) is one struct fetch_engine
 * worked on by a file per concern:
 *   engine.c          lifecycle, the libcurl multi loop, starting and finishing transfers
 *   engine_queue.c    jobs, hosts and their FIFO queues; what may start now (politeness)
 *   engine_robots.c   robots.txt in the engine: the host's rules, verdicts without a request
 *   engine_retry.c    another attempt: backoff with jitter, Retry-After
 *   engine_article.c  a fetched page: extract, dedup by canonical URL, store_article
 *   engine_feed.c     a fetched feed: its items become jobs
 *   engine_report.c   the end of a job: counters, report callbacks, progress
 * Everything runs in the engine's thread. A job is owned by its host's queue
 * while it waits, by e->live while it runs, and is freed by
 * engine_job_done() (engine_robots_done() for robots.txt). */
#ifndef ECF_FETCHER_ENGINE_INT_H
#define ECF_FETCHER_ENGINE_INT_H

#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include "fetcher/transfer.h"

enum job_kind { JOB_SOURCE, JOB_ITEM, JOB_ROBOTS };
enum robots_state { ROBOTS_UNKNOWN, ROBOTS_PENDING, ROBOTS_READY };

struct source {
    char *url;
    int64_t t0; /* first activity, ms; 0 = none yet */
    long status;
    enum fetch_err err;
    char msg[FETCH_ERRMSG_MAX];
    char note[FETCH_ERRMSG_MAX]; /* its first note: a feed cut short, an ignored canonical */
    bool is_feed, not_modified;
    size_t found, stored, dup, notmod, failed;
    size_t pending; /* unfinished jobs: its own and its items */
};

struct host {
    char *origin;
    unsigned in_flight;
    int64_t next_start; /* ms: the per-host delay and Retry-After */
    enum robots_state robots_state;
    struct robots robots;
    enum fetch_err robots_err; /* != FETCH_OK: every URL of this host fails so */
    char robots_msg[FETCH_ERRMSG_MAX];
    struct job *head, *tail;
};

struct job {
    enum job_kind kind;
    char *url;
    struct source *src; /* NULL for robots.txt */
    struct host *host;
    char *item_title, *item_date; /* from the feed, may be NULL */
    unsigned attempts;
    int64_t not_before;
    struct job *next;
    struct xfer x;
};

struct fetch_engine {
    struct fetch_settings s;
    struct fetch_callbacks cb;
    CURLM *multi;
    struct host **hosts;
    size_t n_hosts, hosts_alloc, rr;
    struct source **srcs;
    size_t n_srcs, srcs_alloc;
    struct strset queued; /* every URL a job was made for */
    struct strset handed; /* canonical URLs handed over */
    CURL **pool;          /* idle easy handles */
    size_t n_pool, pool_alloc;
    struct job **live; /* running jobs, for cancellation */
    size_t n_live, live_alloc;
    size_t waiting;
    struct fetch_progress prog;
    uint64_t rng;
    atomic_bool cancel; /* set by fetch_engine_cancel from any thread */
};

enum outcome { OUT_STORED, OUT_DUP, OUT_NOTMOD, OUT_FEED, OUT_ERROR };

static inline int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- engine.c ------------------------------------------------------------ */

/* Grows *arr (of elem-byte elements) to hold need; false on ENOMEM. */
bool engine_grow(void **arr, size_t *alloc, size_t need, size_t elem) ECF_WUR;
/* Starts j on an easy handle (pooled or new) in the multi handle: validators
 * looked up, counters and the host's next start set. On failure j is left
 * as it was, off every list (the caller re-queues it). */
enum fetch_err engine_job_start(struct fetch_engine *e, struct job *j, int64_t now) ECF_WUR;

/* ---- engine_queue.c ------------------------------------------------------ */

/* Frees j and what it owns (not its source, not its host); NULL is a no-op. */
void engine_job_free(struct job *j);
/* Queues a job for url (normalised), and robots.txt first when its host has
 * never been asked. Takes ownership of title/date, also on failure. */
enum fetch_err engine_job_add(struct fetch_engine *e, enum job_kind kind, const char *url,
                              struct source *src, char *title, char *date) ECF_WUR;
/* Appends j to h's queue, or puts it at the head when front. */
void engine_queue_push(struct fetch_engine *e, struct host *h, struct job *j, bool front);
/* Takes j (whose predecessor is prev, NULL at the head) out of h's queue. */
void engine_queue_unlink(struct fetch_engine *e, struct host *h, struct job *prev, struct job *j);
/* Starts what may start now; *wake gets the earliest time something blocked
 * by time becomes startable. */
enum fetch_err engine_start_ready(struct fetch_engine *e, int64_t now, int64_t *wake) ECF_WUR;

/* ---- engine_robots.c ----------------------------------------------------- */

/* Whether policy decides j without a request (robots.txt, or a canonical URL
 * already handed over); then *err, *o and *msg (static or the host's) say how. */
bool engine_early_verdict(struct fetch_engine *e, const struct job *j, enum fetch_err *err,
                          enum outcome *o, const char **msg);
/* The robots.txt transfer j finished with r: sets its host's rules or error
 * (RFC 9309) and frees j. */
void engine_robots_done(struct job *j, const struct xfer_result *r);

/* ---- engine_retry.c ------------------------------------------------------ */

/* Re-queues j for another attempt after its backoff, or returns false when
 * r is final or no attempt is left. */
bool engine_maybe_retry(struct fetch_engine *e, struct job *j, const struct xfer_result *r);

/* ---- engine_article.c, engine_feed.c ------------------------------------ */

/* j's page was fetched (2xx): hand the article over and finish j. */
void engine_handle_article(struct fetch_engine *e, struct job *j, long status);
/* j's source is a feed: queue its items and finish j. */
void engine_handle_feed(struct fetch_engine *e, struct job *j, long status, const char *ctype);

/* ---- engine_report.c ----------------------------------------------------- */

/* Calls the progress callback with the counters. */
void engine_emit_progress(struct fetch_engine *e);
/* Ends a page job (source or item): counters, item report, the source's
 * report when it was its last job, progress; frees j (a robots.txt job is
 * only freed). msg may be NULL. */
void engine_job_done(struct fetch_engine *e, struct job *j, enum outcome o, enum fetch_err err,
                     long status, const char *msg);
/* engine_job_done() with OUT_ERROR. */
void engine_job_fail(struct fetch_engine *e, struct job *j, enum fetch_err err, long status,
                     const char *msg);

#endif
