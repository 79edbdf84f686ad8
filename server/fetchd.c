#include "server/fetchd.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/fetchglue.h"
#include "common/util.h"
#include "server/holder.h"
#include "server/http.h"
#include "server/log.h"

enum job_state { JOB_QUEUED, JOB_RUNNING, JOB_DONE, JOB_FAILED };
static const char *const state_names[] = {"queued", "running", "done", "failed"};

struct job {
    unsigned long seq; /* 0 = empty slot */
    enum job_state state;
    char *url;
    char created[21], started[21], finished[21];
    bool have_result;
    long http_status;
    size_t found, stored, duplicates, unchanged, failed;
    char error[256], note[256]; /* valid UTF-8 (fetch_text_clean): they become JSON */
};

struct fetchd {
    struct app *app;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t wake;
    bool stop;
    struct fetch_engine *running; /* for cancel; guarded by mu */
    struct job jobs[FETCHD_JOBS];
    unsigned long next_seq;
    unsigned long queue[FETCHD_QUEUE]; /* ring of pending seqs */
    size_t qhead, qlen;
    struct job *current; /* the job being fetched, for on_source */
};

static struct job *job_by_seq(struct fetchd *f, unsigned long seq)
{
    struct job *j = &f->jobs[seq % FETCHD_JOBS];
    return seq && j->seq == seq ? j : NULL;
}

static json_t *job_json(const struct job *j)
{
    char id[FETCHD_ID_MAX];
    snprintf(id, sizeof id, "j-%lu", j->seq);
    json_t *res = json_null();
    if (j->have_result)
        res = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o}", "http_status",
                        (json_int_t)j->http_status, "found", (json_int_t)j->found, "stored",
                        (json_int_t)j->stored, "duplicates", (json_int_t)j->duplicates, "unchanged",
                        (json_int_t)j->unchanged, "failed", (json_int_t)j->failed, "error",
                        j->error[0] ? json_string(j->error) : json_null(), "note",
                        j->note[0] ? json_string(j->note) : json_null());
    return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "id", id, "url", j->url, "state",
                     state_names[j->state], "created_at", j->created, "started_at",
                     j->started[0] ? json_string(j->started) : json_null(), "finished_at",
                     j->finished[0] ? json_string(j->finished) : json_null(), "result", res);
}

/* Records a job's source report (called in the fetch thread). */
static void on_source(void *user, const struct fetch_source_report *r)
{
    struct fetchd *f = user;
    pthread_mutex_lock(&f->mu);
    struct job *j = f->current;
    if (j) {
        j->have_result = true;
        j->http_status = r->http_status;
        j->found = r->items_found;
        j->stored = r->items_stored;
        j->duplicates = r->items_duplicate;
        j->unchanged = r->items_not_modified;
        j->failed = r->items_failed;
        fetch_text_clean(r->error, j->error, sizeof j->error);
        fetch_text_clean(r->note, j->note, sizeof j->note);
    }
    pthread_mutex_unlock(&f->mu);
    if (r->err != FETCH_OK)
        log_event("fetch", "%s: %s", r->url, r->error ? r->error : fetch_strerror(r->err));
    else
        log_event("fetch", "%s: %zu found, %zu stored, %zu duplicates, %zu unchanged, %zu failed",
                  r->url, r->items_found, r->items_stored, r->items_duplicate,
                  r->items_not_modified, r->items_failed);
}

/* One engine run over urls, against the store being served right now. */
static void run_fetch(struct fetchd *f, char *const *urls, size_t n)
{
    const struct config *c = f->app->cfg;
    struct holder_ref *ref = NULL;
    struct store *s = holder_acquire(f->app->stores, &ref);
    struct fetchglue g = {.store = s, .x = f->app->x, .on_source = on_source, .user = f};
    struct fetch_settings fs;
    struct fetch_callbacks cb;
    struct fetch_engine *eng = NULL;
    char **addrs = NULL;
    fetchglue_settings(c, &fs, &addrs);
    fetchglue_callbacks(&g, &cb);
    if (fetch_engine_new(&fs, &cb, &eng) != FETCH_OK) {
        log_event("fetch", "cannot create a fetch engine");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        if (fetch_engine_add(eng, urls[i]) != FETCH_OK)
            log_event("fetch", "%s: not an http(s) URL", urls[i]);
    }
    pthread_mutex_lock(&f->mu);
    bool stopping = f->stop;
    f->running = stopping ? NULL : eng;
    pthread_mutex_unlock(&f->mu);
    if (!stopping && fetch_engine_run(eng) != FETCH_OK)
        log_event("fetch", "the fetch run stopped early");
    pthread_mutex_lock(&f->mu);
    f->running = NULL;
    pthread_mutex_unlock(&f->mu);
out:
    fetch_engine_free(eng);
    free(addrs);
    holder_release(f->app->stores, ref);
}

static void poll_sources(struct fetchd *f)
{
    struct fetch_sources src = {0};
    const char *path = f->app->cfg->sources;
    char why[256] = "";
    enum fetch_err e = fetch_sources_load(path, &src, why, sizeof why);
    if (e != FETCH_OK && e != FETCH_E_PARSE) {
        log_event("fetch", "sources file %s: %s", path, why[0] ? why : fetch_strerror(e));
        return;
    }
    for (size_t i = 0; i < src.n_bad; i++)
        log_event("fetch", "%s:%u: %s (line skipped)", path, src.bad[i].line, src.bad[i].msg);
    log_event("fetch", "polling %zu sources from %s", src.n_urls, path);
    run_fetch(f, src.urls, src.n_urls);
    fetch_sources_free(&src);
}

static void *thread_main(void *arg)
{
    struct fetchd *f = arg;
    const struct config *c = f->app->cfg;
    struct timespec next_poll;
    clock_gettime(CLOCK_REALTIME, &next_poll); /* poll right away */
    pthread_mutex_lock(&f->mu);
    while (!f->stop) {
        if (f->qlen) {
            struct job *j = job_by_seq(f, f->queue[f->qhead]);
            f->qhead = (f->qhead + 1) % FETCHD_QUEUE;
            f->qlen--;
            if (!j)
                continue;
            j->state = JOB_RUNNING;
            ecf_now_iso(j->started);
            f->current = j;
            char *url = j->url;
            pthread_mutex_unlock(&f->mu);
            run_fetch(f, &url, 1);
            pthread_mutex_lock(&f->mu);
            f->current = NULL;
            j->state = j->have_result && !j->error[0] && !j->failed ? JOB_DONE : JOB_FAILED;
            ecf_now_iso(j->finished);
            continue;
        }
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        if (c->sources[0] &&
            (now.tv_sec > next_poll.tv_sec ||
             (now.tv_sec == next_poll.tv_sec && now.tv_nsec >= next_poll.tv_nsec))) {
            pthread_mutex_unlock(&f->mu);
            poll_sources(f);
            pthread_mutex_lock(&f->mu);
            clock_gettime(CLOCK_REALTIME, &next_poll);
            next_poll.tv_sec += c->fetch_interval;
            continue;
        }
        if (c->sources[0])
            pthread_cond_timedwait(&f->wake, &f->mu, &next_poll);
        else
            pthread_cond_wait(&f->wake, &f->mu);
    }
    pthread_mutex_unlock(&f->mu);
    return NULL;
}

enum fetchd_err fetchd_start(struct app *app, struct fetchd **out)
{
    struct fetchd *f = calloc(1, sizeof *f);
    *out = NULL;
    if (!f)
        return FETCHD_E_NOMEM;
    f->app = app;
    f->next_seq = 1;
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->wake, NULL);
    if (pthread_create(&f->thread, NULL, thread_main, f) != 0) {
        pthread_mutex_destroy(&f->mu);
        pthread_cond_destroy(&f->wake);
        free(f);
        return FETCHD_E_THREAD;
    }
    *out = f;
    return FETCHD_OK;
}

void fetchd_stop(struct fetchd *f)
{
    if (!f)
        return;
    pthread_mutex_lock(&f->mu);
    f->stop = true;
    if (f->running)
        fetch_engine_cancel(f->running);
    pthread_cond_broadcast(&f->wake);
    pthread_mutex_unlock(&f->mu);
    pthread_join(f->thread, NULL);
    for (size_t i = 0; i < FETCHD_JOBS; i++)
        free(f->jobs[i].url);
    pthread_mutex_destroy(&f->mu);
    pthread_cond_destroy(&f->wake);
    free(f);
}

enum fetchd_err fetchd_submit(struct fetchd *f, const char *url, char id[FETCHD_ID_MAX],
                              json_t **job)
{
    char *copy = strdup(url);
    if (!copy)
        return FETCHD_E_NOMEM;
    pthread_mutex_lock(&f->mu);
    if (f->qlen >= FETCHD_QUEUE) {
        pthread_mutex_unlock(&f->mu);
        free(copy);
        return FETCHD_E_FULL;
    }
    unsigned long seq = f->next_seq++;
    struct job *j = &f->jobs[seq % FETCHD_JOBS];
    free(j->url); /* forget the oldest job in this slot */
    memset(j, 0, sizeof *j);
    j->seq = seq;
    j->url = copy;
    j->state = JOB_QUEUED;
    ecf_now_iso(j->created);
    f->queue[(f->qhead + f->qlen) % FETCHD_QUEUE] = seq;
    f->qlen++;
    snprintf(id, FETCHD_ID_MAX, "j-%lu", seq);
    if (job)
        *job = job_json(j);
    pthread_cond_signal(&f->wake);
    pthread_mutex_unlock(&f->mu);
    return FETCHD_OK;
}

json_t *fetchd_job(struct fetchd *f, const char *id)
{
    if (strncmp(id, "j-", 2) != 0 || id[2] < '1' || id[2] > '9')
        return NULL;
    char *end = NULL;
    errno = 0;
    unsigned long seq = strtoul(id + 2, &end, 10);
    if (errno || *end)
        return NULL;
    pthread_mutex_lock(&f->mu);
    struct job *j = job_by_seq(f, seq);
    json_t *out = j ? job_json(j) : NULL;
    pthread_mutex_unlock(&f->mu);
    return out;
}
