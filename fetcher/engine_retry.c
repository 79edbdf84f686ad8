/* fetcher/engine_retry.c — retries of transient failures.
 *
 * Owns the retry decision and its timing: exponential backoff with equal
 * jitter (from the engine's own xorshift state, no global RNG), capped by
 * settings; a Retry-After stretches the wait and holds back the whole host,
 * and one longer than retry_after_max_ms ends the URL instead. */
#include "fetcher/engine_int.h"

static uint64_t rng_next(struct fetch_engine *e)
{
    /* xorshift64*: jitter only, not security */
    e->rng ^= e->rng >> 12;
    e->rng ^= e->rng << 25;
    e->rng ^= e->rng >> 27;
    return e->rng * 2685821657736338717ULL;
}

/* Schedules another attempt, or returns false when none is left. */
bool engine_maybe_retry(struct fetch_engine *e, struct job *j, const struct xfer_result *r)
{
    if (!r->retry || j->attempts >= e->s.max_attempts)
        return false;
    if (r->retry_after_ms > (long)e->s.retry_after_max_ms)
        return false;
    uint64_t d = e->s.backoff_base_ms;
    for (unsigned i = 1; i < j->attempts && d < e->s.backoff_max_ms; i++)
        d *= 2;
    if (d > e->s.backoff_max_ms)
        d = e->s.backoff_max_ms;
    /* "equal jitter": half fixed, half random, so retries spread out */
    int64_t wait = (int64_t)(d / 2 + (d ? rng_next(e) % (d / 2 + 1) : 0));
    int64_t now = now_ms();
    if (r->retry_after_ms >= 0) {
        if (wait < r->retry_after_ms)
            wait = r->retry_after_ms;
        /* Retry-After speaks for the whole server */
        if (j->host->next_start < now + r->retry_after_ms)
            j->host->next_start = now + r->retry_after_ms;
    }
    j->not_before = now + wait;
    xfer_cleanup(&j->x);
    /* robots.txt stays at the head: nothing else on the host may pass it */
    engine_queue_push(e, j->host, j, j->kind == JOB_ROBOTS);
    return true;
}
