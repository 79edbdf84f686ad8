/* fetcher/engine_queue.c — the engine's jobs and per-host queues.
 *
 * Owns where a job waits and when it may start: hosts (scheme://host:port)
 * each with a FIFO queue, robots.txt queued at a host's head before its
 * first other job, and the scheduling turn that starts what the global and
 * per-host limits, the per-host delay and each job's retry time allow,
 * taking hosts round-robin so one busy host does not starve the others. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetcher/engine_int.h"

/* "scheme://host:port" of a normalised URL, malloc'd; NULL on error. */
static char *origin_of(const char *url)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL, *port = NULL, *o = NULL;
    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
        size_t n = strlen(scheme) + strlen(host) + strlen(port) + 5;
        o = malloc(n);
        if (o)
            (void)snprintf(o, n, "%s://%s:%s", scheme, host, port);
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(u);
    return o;
}

void engine_job_free(struct job *j)
{
    if (!j)
        return;
    xfer_cleanup(&j->x);
    free(j->url);
    free(j->item_title);
    free(j->item_date);
    free(j);
}

void engine_queue_push(struct fetch_engine *e, struct host *h, struct job *j, bool front)
{
    j->next = NULL;
    if (front) {
        j->next = h->head;
        h->head = j;
        if (!h->tail)
            h->tail = j;
    } else {
        if (h->tail)
            h->tail->next = j;
        else
            h->head = j;
        h->tail = j;
    }
    e->waiting++;
}

void engine_queue_unlink(struct fetch_engine *e, struct host *h, struct job *prev, struct job *j)
{
    if (prev)
        prev->next = j->next;
    else
        h->head = j->next;
    if (h->tail == j)
        h->tail = prev;
    j->next = NULL;
    e->waiting--;
}

static struct host *host_get(struct fetch_engine *e, const char *url)
{
    char *origin = origin_of(url);
    if (!origin)
        return NULL;
    for (size_t i = 0; i < e->n_hosts; i++)
        if (strcmp(e->hosts[i]->origin, origin) == 0) {
            free(origin);
            return e->hosts[i];
        }
    struct host *h = NULL;
    if (!engine_grow((void **)&e->hosts, &e->hosts_alloc, e->n_hosts + 1, sizeof(*e->hosts)) ||
        !(h = calloc(1, sizeof(*h)))) {
        free(origin);
        return NULL;
    }
    h->origin = origin;
    h->robots_state = e->s.ignore_robots ? ROBOTS_READY : ROBOTS_UNKNOWN;
    e->hosts[e->n_hosts++] = h;
    return h;
}

/* Queues a job for url (normalised). Takes ownership of title/date. */
enum fetch_err engine_job_add(struct fetch_engine *e, enum job_kind kind, const char *url,
                              struct source *src, char *title, char *date)
{
    struct job *j = calloc(1, sizeof(*j));
    if (!j || !(j->url = fetch_strndup(url, strlen(url)))) {
        free(j);
        free(title);
        free(date);
        return FETCH_E_NOMEM;
    }
    j->kind = kind;
    j->src = src;
    j->item_title = title;
    j->item_date = date;
    j->host = host_get(e, url);
    if (!j->host) {
        engine_job_free(j);
        return FETCH_E_NOMEM;
    }
    if (j->host->robots_state == ROBOTS_UNKNOWN && kind != JOB_ROBOTS) {
        size_t n = strlen(j->host->origin) + sizeof("/robots.txt");
        char *ru = malloc(n);
        struct job *r = calloc(1, sizeof(*r));
        if (!ru || !r) {
            free(ru);
            free(r);
            engine_job_free(j);
            return FETCH_E_NOMEM;
        }
        (void)snprintf(ru, n, "%s/robots.txt", j->host->origin);
        r->kind = JOB_ROBOTS;
        r->url = ru;
        r->host = j->host;
        engine_queue_push(e, j->host, r, true);
        j->host->robots_state = ROBOTS_PENDING;
    }
    engine_queue_push(e, j->host, j, false);
    if (src)
        src->pending++;
    if (kind != JOB_ROBOTS)
        e->prog.items_total++;
    return FETCH_OK;
}

enum fetch_err fetch_engine_add(struct fetch_engine *e, const char *url)
{
    char *norm = NULL;
    struct source *src = NULL;
    enum fetch_err err = fetch_url_normalize(url, &norm);
    if (err)
        goto out;
    int r = strset_add(&e->queued, norm);
    if (r <= 0) {
        err = r < 0 ? FETCH_E_NOMEM : FETCH_OK;
        goto out;
    }
    err = FETCH_E_NOMEM;
    if (!engine_grow((void **)&e->srcs, &e->srcs_alloc, e->n_srcs + 1, sizeof(*e->srcs)) ||
        !(src = calloc(1, sizeof(*src))))
        goto out;
    src->url = norm;
    norm = NULL;
    e->srcs[e->n_srcs++] = src;
    e->prog.sources_total++;
    err = engine_job_add(e, JOB_SOURCE, src->url, src, NULL, NULL);
    if (err) {
        e->n_srcs--;
        e->prog.sources_total--;
        free(src->url);
        free(src);
    }
out:
    free(norm);
    return err;
}

/* ---- scheduling ---------------------------------------------------------- */

/* Starts what may start now; *wake gets the earliest time something blocked
 * by time becomes startable. */
enum fetch_err engine_start_ready(struct fetch_engine *e, int64_t now, int64_t *wake)
{
    size_t nh = e->n_hosts;
    for (size_t k = 0; k < nh && e->n_live < e->s.max_in_flight; k++) {
        struct host *h = e->hosts[(e->rr + k) % nh];
        struct job *prev = NULL, *j = h->head;
        while (j && e->n_live < e->s.max_in_flight) {
            struct job *next = j->next;
            if (h->robots_state == ROBOTS_PENDING && j->kind != JOB_ROBOTS)
                break; /* nothing before robots.txt is known */
            if (j->not_before > now) {
                if (j->not_before < *wake)
                    *wake = j->not_before;
                prev = j;
                j = next;
                continue;
            }
            if (j->src && !j->src->t0)
                j->src->t0 = now;
            enum fetch_err verr;
            enum outcome o;
            const char *msg;
            if (engine_early_verdict(e, j, &verr, &o, &msg)) {
                engine_queue_unlink(e, h, prev, j);
                engine_job_done(e, j, o, verr, 0, msg);
                j = next;
                continue;
            }
            if (h->in_flight >= e->s.max_per_host)
                break; /* a finishing transfer wakes the loop */
            if (h->next_start > now) {
                if (h->next_start < *wake)
                    *wake = h->next_start;
                break;
            }
            engine_queue_unlink(e, h, prev, j);
            enum fetch_err err = engine_job_start(e, j, now);
            if (err) {
                engine_queue_push(e, h, j, true);
                return err;
            }
            j = next;
        }
    }
    if (nh)
        e->rr = (e->rr + 1) % nh;
    return FETCH_OK;
}
