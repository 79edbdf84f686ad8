/* fetcher/engine.c — the fetch engine on libcurl's multi interface.
 *
 * Jobs wait in per-host FIFO queues (a host is scheme://host:port). Each turn
 * of the loop starts every job that may start: global and per-host limits,
 * the per-host delay, the job's own retry time, and robots.txt (fetched
 * first, once per host; until it is known no other request goes to that
 * host). Finished transfers are classified (transfer.c), retried with
 * backoff, or turned into feeds items / articles handed to the callbacks.
 * A source is reported when its own job and all its items are finished.
 *
 * This file owns the engine's lifecycle and the libcurl multi loop: the
 * easy-handle pool, starting a job's transfer, sorting a finished one to
 * retry, robots.txt, feed or article, and cancellation. The other concerns
 * live next to it (engine_int.h has the map). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetcher/engine_int.h"

#define POLL_MAX_MS 100

/* ---- lifecycle ----------------------------------------------------------- */

enum fetch_err fetch_engine_new(const struct fetch_settings *settings,
                                const struct fetch_callbacks *cb, struct fetch_engine **out)
{
    *out = NULL;
    if (!cb || !cb->store_article)
        return FETCH_E_INVALID;
    struct fetch_engine *e = calloc(1, sizeof(*e));
    if (!e)
        return FETCH_E_NOMEM;
    if (settings)
        e->s = *settings;
    else
        fetch_settings_default(&e->s);
    e->cb = *cb;
    if (!e->s.max_in_flight || !e->s.max_per_host || !e->s.max_attempts || !e->s.timeout_ms ||
        !e->s.connect_timeout_ms || !e->s.max_body) {
        free(e);
        return FETCH_E_INVALID;
    }
    if (e->s.max_redirects > FETCH_MAX_REDIRECTS)
        e->s.max_redirects = FETCH_MAX_REDIRECTS;
    strset_init(&e->queued);
    strset_init(&e->handed);
    e->rng = (uint64_t)now_ms() ^ (uint64_t)(uintptr_t)e ^ 0x9E3779B97F4A7C15ULL;
    e->multi = curl_multi_init();
    if (!e->multi) {
        free(e);
        return FETCH_E_NOMEM;
    }
    *out = e;
    return FETCH_OK;
}

void fetch_engine_free(struct fetch_engine *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->n_live; i++) {
        (void)curl_multi_remove_handle(e->multi, e->live[i]->x.easy);
        curl_easy_cleanup(e->live[i]->x.easy);
        engine_job_free(e->live[i]);
    }
    for (size_t i = 0; i < e->n_hosts; i++) {
        struct host *h = e->hosts[i];
        while (h->head) {
            struct job *j = h->head;
            h->head = j->next;
            engine_job_free(j);
        }
        robots_free(&h->robots);
        free(h->origin);
        free(h);
    }
    for (size_t i = 0; i < e->n_srcs; i++) {
        free(e->srcs[i]->url);
        free(e->srcs[i]);
    }
    for (size_t i = 0; i < e->n_pool; i++)
        curl_easy_cleanup(e->pool[i]);
    free(e->hosts);
    free(e->srcs);
    free(e->pool);
    free(e->live);
    strset_free(&e->queued);
    strset_free(&e->handed);
    curl_multi_cleanup(e->multi);
    free(e);
}

void fetch_engine_cancel(struct fetch_engine *e)
{
    atomic_store(&e->cancel, true);
}

void fetch_engine_progress(const struct fetch_engine *e, struct fetch_progress *out)
{
    *out = e->prog;
}

bool engine_grow(void **arr, size_t *alloc, size_t need, size_t elem)
{
    if (need <= *alloc)
        return true;
    size_t na = *alloc ? *alloc * 2 : 16;
    while (na < need)
        na *= 2;
    void *p = realloc(*arr, na * elem);
    if (!p)
        return false;
    *arr = p;
    *alloc = na;
    return true;
}

/* ---- transfers ----------------------------------------------------------- */

static void pool_put(struct fetch_engine *e, CURL *easy)
{
    if (engine_grow((void **)&e->pool, &e->pool_alloc, e->n_pool + 1, sizeof(*e->pool)))
        e->pool[e->n_pool++] = easy;
    else
        curl_easy_cleanup(easy);
}

static void live_remove(struct fetch_engine *e, struct job *j)
{
    for (size_t i = 0; i < e->n_live; i++)
        if (e->live[i] == j) {
            e->live[i] = e->live[--e->n_live];
            return;
        }
}

static void transfer_done(struct fetch_engine *e, struct job *j, CURLcode rc)
{
    struct xfer_result r;
    xfer_classify(&j->x, rc, &r);
    (void)curl_multi_remove_handle(e->multi, j->x.easy);
    live_remove(e, j);
    j->host->in_flight--;
    CURL *easy = j->x.easy;

    if (engine_maybe_retry(e, j, &r)) {
        pool_put(e, easy);
        engine_emit_progress(e);
        return;
    }
    if (r.err == FETCH_E_HTTP && r.retry && r.retry_after_ms > (long)e->s.retry_after_max_ms)
        (void)snprintf(r.msg + strlen(r.msg), sizeof(r.msg) - strlen(r.msg),
                       " (Retry-After %ld s exceeds the limit)", r.retry_after_ms / 1000);
    if (j->kind == JOB_ROBOTS)
        engine_robots_done(j, &r);
    else if (r.err)
        engine_job_fail(e, j, r.err, r.status, r.msg);
    else if (r.not_modified)
        engine_job_done(e, j, OUT_NOTMOD, FETCH_OK, r.status, "");
    else {
        const char *ctype = NULL;
        (void)curl_easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &ctype);
        if (j->kind == JOB_SOURCE && fetch_feed_sniff(ctype, j->x.body.p, j->x.body.len))
            engine_handle_feed(e, j, r.status, ctype);
        else
            engine_handle_article(e, j, r.status);
    }
    pool_put(e, easy);
}

enum fetch_err engine_job_start(struct fetch_engine *e, struct job *j, int64_t now)
{
    struct fetch_validators v;
    bool have_v = false;
    CURL *easy = e->n_pool ? e->pool[--e->n_pool] : curl_easy_init();
    if (!easy)
        return FETCH_E_NOMEM;
    if (j->kind != JOB_ROBOTS && e->cb.lookup_validators) {
        memset(&v, 0, sizeof(v));
        have_v = e->cb.lookup_validators(e->cb.user, j->url, &v);
        v.etag[sizeof(v.etag) - 1] = '\0';
        v.last_modified[sizeof(v.last_modified) - 1] = '\0';
    }
    size_t cap = j->kind == JOB_ROBOTS ? ROBOTS_MAX_BYTES : e->s.max_body;
    enum fetch_err err = xfer_setup(&j->x, easy, &e->s, j->url, have_v ? &v : NULL, cap,
                                    j->kind == JOB_ROBOTS, &e->prog.bytes);
    if (err == FETCH_OK &&
        !engine_grow((void **)&e->live, &e->live_alloc, e->n_live + 1, sizeof(*e->live)))
        err = FETCH_E_NOMEM;
    if (err == FETCH_OK && curl_multi_add_handle(e->multi, easy) != CURLM_OK)
        err = FETCH_E_NOMEM;
    if (err) {
        xfer_cleanup(&j->x);
        pool_put(e, easy);
        return err;
    }
    (void)curl_easy_setopt(easy, CURLOPT_PRIVATE, (void *)j);
    e->live[e->n_live++] = j;
    j->attempts++;
    j->host->in_flight++;
    j->host->next_start = now + e->s.host_delay_ms;
    if (j->src && !j->src->t0)
        j->src->t0 = now;
    e->prog.requests++;
    return FETCH_OK;
}

/* ---- the loop ------------------------------------------------------------ */

/* Aborts everything: running transfers and queued jobs end as cancelled. */
static void cancel_all(struct fetch_engine *e)
{
    while (e->n_live) {
        struct job *j = e->live[e->n_live - 1];
        (void)curl_multi_remove_handle(e->multi, j->x.easy);
        e->n_live--;
        j->host->in_flight--;
        pool_put(e, j->x.easy);
        engine_job_fail(e, j, FETCH_E_CANCELLED, 0, "cancelled");
    }
    for (size_t i = 0; i < e->n_hosts; i++) {
        struct host *h = e->hosts[i];
        while (h->head) {
            struct job *j = h->head;
            engine_queue_unlink(e, h, NULL, j);
            engine_job_fail(e, j, FETCH_E_CANCELLED, 0, "cancelled");
        }
        if (h->robots_state == ROBOTS_PENDING)
            h->robots_state = ROBOTS_UNKNOWN; /* asked again next run */
    }
}

enum fetch_err fetch_engine_run(struct fetch_engine *e)
{
    enum fetch_err err = FETCH_OK;
    while (e->waiting || e->n_live) {
        if (atomic_load(&e->cancel)) {
            err = FETCH_E_CANCELLED;
            break;
        }
        int64_t now = now_ms();
        int64_t wake = now + POLL_MAX_MS;
        err = engine_start_ready(e, now, &wake);
        if (err)
            break;
        int still = 0;
        CURLMcode mc = curl_multi_perform(e->multi, &still);
        if (mc != CURLM_OK) {
            err = FETCH_E_NOMEM; /* the only failure left once handles are valid */
            break;
        }
        CURLMsg *msg;
        int left;
        bool finished = false;
        while ((msg = curl_multi_info_read(e->multi, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            struct job *j = NULL;
            CURL *easy = msg->easy_handle;
            CURLcode rc = msg->data.result;
            (void)curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&j);
            for (size_t i = 0; !j && i < e->n_live; i++)
                if (e->live[i]->x.easy == easy)
                    j = e->live[i];
            if (j) {
                transfer_done(e, j, rc);
                finished = true;
            }
        }
        if (finished)
            continue; /* new work may be startable at once */
        if (!e->waiting && !e->n_live)
            break;
        long ct = -1;
        (void)curl_multi_timeout(e->multi, &ct);
        int64_t t = wake - now_ms();
        if (ct >= 0 && ct < t)
            t = ct;
        if (t < 0)
            t = 0;
        if (t > POLL_MAX_MS)
            t = POLL_MAX_MS;
        if (curl_multi_poll(e->multi, NULL, 0, (int)t, NULL) != CURLM_OK) {
            err = FETCH_E_NOMEM;
            break;
        }
    }
    if (err) {
        cancel_all(e);
        atomic_store(&e->cancel, false);
    }
    return err;
}
