/* fetcher/engine.c — the fetch engine on libcurl's multi interface.
 *
 * Jobs wait in per-host FIFO queues (a host is scheme://host:port). Each turn
 * of the loop starts every job that may start: global and per-host limits,
 * the per-host delay, the job's own retry time, and robots.txt (fetched
 * first, once per host; until it is known no other request goes to that
 * host). Finished transfers are classified (transfer.c), retried with
 * backoff, or turned into feeds items / articles handed to the callbacks.
 * A source is reported when its own job and all its items are finished. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fetcher/transfer.h"

#define ROBOTS_CAP ((size_t)512 * 1024)
#define POLL_MAX_MS 100

enum job_kind { JOB_SOURCE, JOB_ITEM, JOB_ROBOTS };
enum robots_state { ROBOTS_UNKNOWN, ROBOTS_PENDING, ROBOTS_READY };

struct source {
    char *url;
    int64_t t0; /* first activity, ms; 0 = none yet */
    long status;
    enum fetch_err err;
    char msg[FETCH_ERRMSG_MAX];
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
    bool running;
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
    volatile sig_atomic_t cancel;
};

/* ---- module-wide -------------------------------------------------------- */

enum fetch_err fetch_global_init(void)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return FETCH_E_NOMEM;
    return FETCH_OK;
}

void fetch_global_cleanup(void)
{
    curl_global_cleanup();
}

const char *fetch_strerror(enum fetch_err e)
{
    switch (e) {
    case FETCH_OK:
        return "ok";
    case FETCH_E_NOMEM:
        return "out of memory";
    case FETCH_E_INVALID:
        return "invalid argument or URL";
    case FETCH_E_IO:
        return "cannot read file";
    case FETCH_E_PARSE:
        return "parse error";
    case FETCH_E_ROBOTS:
        return "disallowed by robots.txt";
    case FETCH_E_ADDRESS:
        return "address not allowed";
    case FETCH_E_PROTOCOL:
        return "protocol not allowed";
    case FETCH_E_REDIRECT:
        return "redirect loop or too many redirects";
    case FETCH_E_TOOBIG:
        return "body too large";
    case FETCH_E_TIMEOUT:
        return "timed out";
    case FETCH_E_CONNECT:
        return "connection failed";
    case FETCH_E_TLS:
        return "TLS failure";
    case FETCH_E_HTTP:
        return "HTTP error status";
    case FETCH_E_CONTENT:
        return "no article text";
    case FETCH_E_CALLBACK:
        return "store callback failed";
    case FETCH_E_CANCELLED:
        return "cancelled";
    }
    return "unknown error";
}

void fetch_settings_default(struct fetch_settings *s)
{
    memset(s, 0, sizeof(*s));
    s->max_in_flight = 16;
    s->max_per_host = 2;
    s->host_delay_ms = 1000;
    s->max_attempts = 3;
    s->backoff_base_ms = 500;
    s->backoff_max_ms = 30000;
    s->retry_after_max_ms = 120000;
    s->connect_timeout_ms = 10000;
    s->timeout_ms = 30000;
    s->max_body = (size_t)8 * 1024 * 1024;
    s->max_redirects = FETCH_MAX_REDIRECTS;
    s->max_items_per_feed = 200;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t rng_next(struct fetch_engine *e)
{
    /* xorshift64*: jitter only, not security */
    e->rng ^= e->rng >> 12;
    e->rng ^= e->rng << 25;
    e->rng ^= e->rng >> 27;
    return e->rng * 2685821657736338717ULL;
}

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

static void job_free(struct job *j)
{
    if (!j)
        return;
    xfer_cleanup(&j->x);
    free(j->url);
    free(j->item_title);
    free(j->item_date);
    free(j);
}

void fetch_engine_free(struct fetch_engine *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->n_live; i++) {
        (void)curl_multi_remove_handle(e->multi, e->live[i]->x.easy);
        curl_easy_cleanup(e->live[i]->x.easy);
        job_free(e->live[i]);
    }
    for (size_t i = 0; i < e->n_hosts; i++) {
        struct host *h = e->hosts[i];
        while (h->head) {
            struct job *j = h->head;
            h->head = j->next;
            job_free(j);
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

void fetch_engine_cancel(struct fetch_engine *e) { e->cancel = 1; }

void fetch_engine_progress(const struct fetch_engine *e, struct fetch_progress *out)
{
    *out = e->prog;
}

static bool grow(void **arr, size_t *alloc, size_t need, size_t elem)
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

/* ---- hosts and queues ---------------------------------------------------- */

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

/* Path plus query ("/a?b") for robots.txt matching, malloc'd. */
static char *path_of(const char *url)
{
    CURLU *u = curl_url();
    char *path = NULL, *query = NULL, *p = NULL;
    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK) {
        (void)curl_url_get(u, CURLUPART_QUERY, &query, 0);
        size_t n = strlen(path) + (query ? strlen(query) + 1 : 0) + 1;
        p = malloc(n);
        if (p)
            (void)snprintf(p, n, "%s%s%s", path, query ? "?" : "", query ? query : "");
    }
    curl_free(path);
    curl_free(query);
    curl_url_cleanup(u);
    return p;
}

static void queue_push(struct fetch_engine *e, struct host *h, struct job *j, bool front)
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

static void queue_unlink(struct fetch_engine *e, struct host *h, struct job *prev, struct job *j)
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
    if (!grow((void **)&e->hosts, &e->hosts_alloc, e->n_hosts + 1, sizeof(*e->hosts)) ||
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
static enum fetch_err job_add(struct fetch_engine *e, enum job_kind kind, const char *url,
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
        job_free(j);
        return FETCH_E_NOMEM;
    }
    if (j->host->robots_state == ROBOTS_UNKNOWN && kind != JOB_ROBOTS) {
        size_t n = strlen(j->host->origin) + sizeof("/robots.txt");
        char *ru = malloc(n);
        struct job *r = calloc(1, sizeof(*r));
        if (!ru || !r) {
            free(ru);
            free(r);
            job_free(j);
            return FETCH_E_NOMEM;
        }
        (void)snprintf(ru, n, "%s/robots.txt", j->host->origin);
        r->kind = JOB_ROBOTS;
        r->url = ru;
        r->host = j->host;
        queue_push(e, j->host, r, true);
        j->host->robots_state = ROBOTS_PENDING;
    }
    queue_push(e, j->host, j, false);
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
    if (!grow((void **)&e->srcs, &e->srcs_alloc, e->n_srcs + 1, sizeof(*e->srcs)) ||
        !(src = calloc(1, sizeof(*src))))
        goto out;
    src->url = norm;
    norm = NULL;
    e->srcs[e->n_srcs++] = src;
    e->prog.sources_total++;
    err = job_add(e, JOB_SOURCE, src->url, src, NULL, NULL);
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

/* ---- finishing jobs ------------------------------------------------------ */

static void emit_progress(struct fetch_engine *e)
{
    e->prog.in_flight = e->n_live;
    if (e->cb.progress)
        e->cb.progress(e->cb.user, &e->prog);
}

static void source_report(struct fetch_engine *e, struct source *s)
{
    struct fetch_source_report r = {
        .url = s->url,
        .http_status = s->status,
        .err = s->err,
        .error = s->msg,
        .is_feed = s->is_feed,
        .not_modified = s->not_modified,
        .items_found = s->found,
        .items_stored = s->stored,
        .items_duplicate = s->dup,
        .items_not_modified = s->notmod,
        .items_failed = s->failed,
        .seconds = s->t0 ? (double)(now_ms() - s->t0) / 1000.0 : 0.0,
    };
    e->prog.sources_done++;
    if (e->cb.report_source)
        e->cb.report_source(e->cb.user, &r);
}

enum outcome { OUT_STORED, OUT_DUP, OUT_NOTMOD, OUT_FEED, OUT_ERROR };

/* Ends a page job (source or item): counters, reports, frees it. */
static void job_done(struct fetch_engine *e, struct job *j, enum outcome o, enum fetch_err err,
                     long status, const char *msg)
{
    struct source *s = j->src;
    if (j->kind == JOB_ROBOTS || !s) {
        job_free(j);
        return;
    }
    bool own = j->kind == JOB_SOURCE;
    if (own) {
        s->status = status;
        s->err = err;
        ecf_strlcpy(s->msg, msg ? msg : "", sizeof(s->msg));
        if (o == OUT_NOTMOD)
            s->not_modified = true;
    }
    if (o != OUT_FEED && (!own || o != OUT_ERROR)) {
        if (own && o != OUT_NOTMOD)
            s->found++;
        s->stored += o == OUT_STORED;
        s->dup += o == OUT_DUP;
        s->notmod += o == OUT_NOTMOD && !own;
        s->failed += o == OUT_ERROR;
    }
    e->prog.items_done++;
    e->prog.stored += o == OUT_STORED;
    e->prog.duplicates += o == OUT_DUP;
    e->prog.not_modified += o == OUT_NOTMOD;
    e->prog.errors += o == OUT_ERROR;
    if (e->cb.report_item) {
        struct fetch_item_report r = {
            .source_url = s->url,
            .url = j->url,
            .http_status = status,
            .err = err,
            .error = msg ? msg : "",
            .not_modified = o == OUT_NOTMOD,
            .duplicate = o == OUT_DUP,
            .attempts = j->attempts,
        };
        e->cb.report_item(e->cb.user, &r);
    }
    job_free(j);
    if (--s->pending == 0)
        source_report(e, s);
    emit_progress(e);
}

static void job_fail(struct fetch_engine *e, struct job *j, enum fetch_err err, long status,
                     const char *msg)
{
    job_done(e, j, OUT_ERROR, err, status, msg);
}

/* The charset parameter of a Content-Type into out[cap], or "". */
static void charset_of(const char *ctype, char *out, size_t cap)
{
    out[0] = '\0';
    if (!ctype)
        return;
    const char *p = ctype;
    for (; *p; p++)
        if (strncasecmp(p, "charset=", 8) == 0)
            break;
    if (!*p)
        return;
    p += 8;
    if (*p == '"')
        p++;
    size_t n = strcspn(p, "\"; \t");
    if (n >= cap)
        return;
    memcpy(out, p, n);
    out[n] = '\0';
}

/* A fetched page: extract, dedup by canonical URL, hand over. */
static void handle_article(struct fetch_engine *e, struct job *j, long status)
{
    struct xfer *x = &j->x;
    struct fetch_doc doc;
    char charset[64], *final = NULL;
    const char *ctype = NULL, *eff = NULL;
    (void)curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &ctype);
    (void)curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &eff);
    charset_of(ctype, charset, sizeof(charset));
    if (!eff || fetch_url_normalize(eff, &final) != FETCH_OK)
        final = fetch_strndup(j->url, strlen(j->url));
    if (!final) {
        job_fail(e, j, FETCH_E_NOMEM, status, "out of memory");
        return;
    }

    if (ctype && !fetch_contains_ci(ctype, "html") && strncasecmp(ctype, "text/", 5) != 0) {
        char msg[FETCH_ERRMSG_MAX];
        (void)snprintf(msg, sizeof(msg), "not an HTML page: %.120s", ctype);
        free(final);
        job_fail(e, j, FETCH_E_CONTENT, status, msg);
        return;
    }
    enum fetch_err err = fetch_html_extract(x->body.p ? x->body.p : "", x->body.len,
                                            charset[0] ? charset : NULL, final, &doc);
    if (err) {
        free(final);
        job_fail(e, j, err, status,
                 err == FETCH_E_CONTENT ? "no article text found in the page" : "out of memory");
        return;
    }
    const char *canon = doc.canonical[0] ? doc.canonical : final;
    int r = strset_add(&e->handed, canon);
    if (r <= 0) {
        fetch_doc_free(&doc);
        free(final);
        if (r < 0)
            job_fail(e, j, FETCH_E_NOMEM, status, "out of memory");
        else
            job_done(e, j, OUT_DUP, FETCH_OK, status, "canonical URL already fetched in this run");
        return;
    }
    if (strset_add(&e->queued, canon) < 0 || strset_add(&e->queued, final) < 0) {
        fetch_doc_free(&doc);
        free(final);
        job_fail(e, j, FETCH_E_NOMEM, status, "out of memory");
        return;
    }

    /* The feed's title and date fill what the page lacks. */
    const char *title = doc.title[0] ? doc.title : (j->item_title ? j->item_title : "");
    const char *date = doc.date[0] ? doc.date : (j->item_date ? j->item_date : "");
    char *text = doc.text;
    size_t text_len = doc.text_len;
    char *composed = NULL;
    if (!doc.title[0] && title[0]) {
        size_t n = strlen(title) + 2 + strlen(doc.body) + 2;
        composed = malloc(n);
        if (!composed) {
            fetch_doc_free(&doc);
            free(final);
            job_fail(e, j, FETCH_E_NOMEM, status, "out of memory");
            return;
        }
        text_len = (size_t)snprintf(composed, n, "%s\n\n%s\n", title, doc.body);
        text = composed;
    }
    struct fetch_article a = {
        .source_url = j->src->url,
        .url = j->url,
        .final_url = final,
        .canonical_url = canon,
        .title = title,
        .date = date,
        .text = text,
        .text_len = text_len,
        .http_status = status,
        .etag = xfer_header(x, "ETag"),
        .last_modified = xfer_header(x, "Last-Modified"),
        .content_type = ctype ? ctype : "",
        .fetched_at = time(NULL),
    };
    enum fetch_store_result sr = e->cb.store_article(e->cb.user, &a);
    free(composed);
    fetch_doc_free(&doc);
    free(final);
    if (sr == FETCH_STORE_OK)
        job_done(e, j, OUT_STORED, FETCH_OK, status, "");
    else if (sr == FETCH_STORE_DUPLICATE)
        job_done(e, j, OUT_DUP, FETCH_OK, status, "");
    else
        job_fail(e, j, FETCH_E_CALLBACK, status, "the store rejected the article");
}

/* A fetched source that is a feed: queue its items. */
static void handle_feed(struct fetch_engine *e, struct job *j, long status, const char *ctype)
{
    struct fetch_feed f;
    char msg[FETCH_ERRMSG_MAX];
    struct source *s = j->src;
    (void)ctype;
    s->is_feed = true;
    enum fetch_err err = fetch_feed_parse(j->x.body.p ? j->x.body.p : "", j->x.body.len, j->url,
                                          e->s.max_items_per_feed, &f, msg, sizeof(msg));
    if (err) {
        job_fail(e, j, err, status, err == FETCH_E_NOMEM ? "out of memory" : msg);
        return;
    }
    for (size_t i = 0; i < f.n; i++) {
        struct fetch_feed_item *it = &f.items[i];
        s->found++;
        int r = strset_add(&e->queued, it->link);
        if (r == 0) {
            s->dup++; /* already queued in this run */
            continue;
        }
        if (r < 0 || job_add(e, JOB_ITEM, it->link, s, it->title, it->date) != FETCH_OK) {
            if (r > 0)
                it->title = it->date = NULL; /* job_add took them */
            s->failed++;
            e->prog.errors++;
            err = FETCH_E_NOMEM;
            continue;
        }
        it->title = it->date = NULL;
    }
    fetch_feed_free(&f);
    job_done(e, j, OUT_FEED, err, status, err ? "out of memory while queueing items" : "");
}

static void robots_done(struct job *j, const struct xfer_result *r)
{
    struct host *h = j->host;
    h->robots_state = ROBOTS_READY;
    if (r->err == FETCH_OK && !r->not_modified && r->status >= 200 && r->status < 300) {
        if (!robots_parse(j->x.body.p ? j->x.body.p : "", j->x.body.len, "ecfacts", &h->robots)) {
            h->robots_err = FETCH_E_NOMEM;
            ecf_strlcpy(h->robots_msg, "out of memory reading robots.txt", sizeof(h->robots_msg));
        }
    } else if ((r->err == FETCH_E_HTTP && r->status >= 400 && r->status < 500) ||
               r->err == FETCH_E_REDIRECT || r->err == FETCH_OK) {
        /* RFC 9309: "unavailable" (4xx, redirect trouble) allows everything */
    } else {
        /* "unreachable" (5xx, network, address policy) disallows everything */
        h->robots_err = r->err == FETCH_E_HTTP ? FETCH_E_ROBOTS : r->err;
        (void)snprintf(h->robots_msg, sizeof(h->robots_msg), "robots.txt unreachable: %.200s",
                       r->msg);
    }
    job_free(j);
}

static void pool_put(struct fetch_engine *e, CURL *easy)
{
    if (grow((void **)&e->pool, &e->pool_alloc, e->n_pool + 1, sizeof(*e->pool)))
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

/* Schedules another attempt, or returns false when none is left. */
static bool maybe_retry(struct fetch_engine *e, struct job *j, const struct xfer_result *r)
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
    queue_push(e, j->host, j, j->kind == JOB_ROBOTS);
    return true;
}

static void transfer_done(struct fetch_engine *e, struct job *j, CURLcode rc)
{
    struct xfer_result r;
    xfer_classify(&j->x, rc, &r);
    (void)curl_multi_remove_handle(e->multi, j->x.easy);
    live_remove(e, j);
    j->running = false;
    j->host->in_flight--;
    CURL *easy = j->x.easy;

    if (maybe_retry(e, j, &r)) {
        pool_put(e, easy);
        emit_progress(e);
        return;
    }
    if (r.err == FETCH_E_HTTP && r.retry && r.retry_after_ms > (long)e->s.retry_after_max_ms)
        (void)snprintf(r.msg + strlen(r.msg), sizeof(r.msg) - strlen(r.msg),
                       " (Retry-After %ld s exceeds the limit)", r.retry_after_ms / 1000);
    if (j->kind == JOB_ROBOTS)
        robots_done(j, &r);
    else if (r.err)
        job_fail(e, j, r.err, r.status, r.msg);
    else if (r.not_modified)
        job_done(e, j, OUT_NOTMOD, FETCH_OK, r.status, "");
    else {
        const char *ctype = NULL;
        (void)curl_easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &ctype);
        if (j->kind == JOB_SOURCE && fetch_feed_sniff(ctype, j->x.body.p, j->x.body.len))
            handle_feed(e, j, r.status, ctype);
        else
            handle_article(e, j, r.status);
    }
    pool_put(e, easy);
}

/* ---- starting jobs ------------------------------------------------------- */

/* Whether policy decides the job without a request: robots.txt refused or
 * unreachable, or its URL was already handed over as a canonical URL. */
static bool early_verdict(struct fetch_engine *e, const struct job *j, enum fetch_err *err,
                          enum outcome *o, const char **msg)
{
    const struct host *h = j->host;
    *o = OUT_ERROR;
    if (j->kind == JOB_ROBOTS)
        return false;
    if (h->robots_err) {
        *err = h->robots_err;
        *msg = h->robots_msg;
        return true;
    }
    if (strset_has(&e->handed, j->url)) {
        *err = FETCH_OK;
        *o = OUT_DUP;
        *msg = "canonical URL already fetched in this run";
        return true;
    }
    if (h->robots.n) {
        char *path = path_of(j->url);
        bool allowed = path && robots_allowed(&h->robots, path);
        free(path);
        if (!path) {
            *err = FETCH_E_NOMEM;
            *msg = "out of memory";
            return true;
        }
        if (!allowed) {
            *err = FETCH_E_ROBOTS;
            *msg = "disallowed by robots.txt for ecfacts (no request made)";
            return true;
        }
    }
    return false;
}

static enum fetch_err job_start(struct fetch_engine *e, struct job *j, int64_t now)
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
    size_t cap = j->kind == JOB_ROBOTS ? ROBOTS_CAP : e->s.max_body;
    enum fetch_err err = xfer_setup(&j->x, easy, &e->s, j->url, have_v ? &v : NULL, cap,
                                    j->kind == JOB_ROBOTS, &e->prog.bytes);
    if (err == FETCH_OK &&
        !grow((void **)&e->live, &e->live_alloc, e->n_live + 1, sizeof(*e->live)))
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
    j->running = true;
    j->attempts++;
    j->host->in_flight++;
    j->host->next_start = now + e->s.host_delay_ms;
    if (j->src && !j->src->t0)
        j->src->t0 = now;
    e->prog.requests++;
    return FETCH_OK;
}

/* Starts what may start now; *wake gets the earliest time something blocked
 * by time becomes startable. */
static enum fetch_err start_ready(struct fetch_engine *e, int64_t now, int64_t *wake)
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
            if (early_verdict(e, j, &verr, &o, &msg)) {
                queue_unlink(e, h, prev, j);
                job_done(e, j, o, verr, 0, msg);
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
            queue_unlink(e, h, prev, j);
            enum fetch_err err = job_start(e, j, now);
            if (err) {
                queue_push(e, h, j, true);
                return err;
            }
            j = next;
        }
    }
    if (nh)
        e->rr = (e->rr + 1) % nh;
    return FETCH_OK;
}

/* Aborts everything: running transfers and queued jobs end as cancelled. */
static void cancel_all(struct fetch_engine *e)
{
    while (e->n_live) {
        struct job *j = e->live[e->n_live - 1];
        (void)curl_multi_remove_handle(e->multi, j->x.easy);
        e->n_live--;
        j->host->in_flight--;
        pool_put(e, j->x.easy);
        job_fail(e, j, FETCH_E_CANCELLED, 0, "cancelled");
    }
    for (size_t i = 0; i < e->n_hosts; i++) {
        struct host *h = e->hosts[i];
        while (h->head) {
            struct job *j = h->head;
            queue_unlink(e, h, NULL, j);
            job_fail(e, j, FETCH_E_CANCELLED, 0, "cancelled");
        }
        if (h->robots_state == ROBOTS_PENDING)
            h->robots_state = ROBOTS_UNKNOWN; /* asked again next run */
    }
}

enum fetch_err fetch_engine_run(struct fetch_engine *e)
{
    enum fetch_err err = FETCH_OK;
    while (e->waiting || e->n_live) {
        if (e->cancel) {
            err = FETCH_E_CANCELLED;
            break;
        }
        int64_t now = now_ms();
        int64_t wake = now + POLL_MAX_MS;
        err = start_ready(e, now, &wake);
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
        e->cancel = 0;
    }
    return err;
}
