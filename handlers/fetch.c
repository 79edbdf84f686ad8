/* POST /v1/fetch, GET /v1/jobs/{id}, GET /v1/sources */
#include <assert.h>
#include <string.h>

#include "fetcher/fetch.h"
#include "handlers/common.h"
#include "handlers/params.h"
#include "server/fetchd.h"
#include "server/http.h"
#include "server/reply.h"

/* The URL from a {"url": "..."} body, or a text/plain body that is the URL
 * itself; NULL after a 400. */
static char *body_url(struct request *rq, struct reply *rp)
{
    if (rq->body_text) {
        const char *b = rq->body.p ? rq->body.p : "";
        size_t n = rq->body.len;
        while (n && strchr(" \t\r\n", b[n - 1]))
            n--;
        if (n == 0 || n > 2048 || memchr(b, '\0', n)) {
            reply_problem(rp, 400, NULL, "the body must be one URL of at most 2048 bytes");
            return NULL;
        }
        char *out = strndup(b, n);
        if (!out)
            reply_problem(rp, 500, NULL, "out of memory");
        return out;
    }
    json_error_t jerr;
    json_t *doc =
        json_loadb(rq->body.p ? rq->body.p : "", rq->body.len, JSON_REJECT_DUPLICATES, &jerr);
    json_t *url = doc ? json_object_get(doc, "url") : NULL;
    if (!json_is_object(doc) || json_object_size(doc) != 1 || !json_is_string(url) ||
        json_string_length(url) > 2048) {
        reply_problem(rp, 400, NULL, "the body must be {\"url\": \"http(s)://...\"} (%s)",
                      doc ? "nothing else, at most 2048 bytes" : jerr.text);
        json_decref(doc);
        return NULL;
    }
    char *out = strdup(json_string_value(url));
    json_decref(doc);
    if (!out)
        reply_problem(rp, 500, NULL, "out of memory");
    return out;
}

void h_fetch_post(struct request *rq, struct reply *rp)
{
    /* ROUTE_WRITE: a read-only replica (the only server without a fetch
     * thread) was answered 503 before the body was read. */
    assert(rq->app->fetchd);
    char *raw = body_url(rq, rp), *url = NULL;
    if (!raw)
        return;
    if (fetch_url_normalize(raw, &url) != FETCH_OK) {
        reply_problem(rp, 400, NULL, "'%.200s' is not an absolute http(s) URL", raw);
        free(raw);
        return;
    }
    free(raw);
    char id[FETCHD_ID_MAX];
    json_t *job = NULL;
    enum fetchd_err e = fetchd_submit(rq->app->fetchd, url, id, &job);
    free(url);
    if (e == FETCHD_E_FULL) {
        reply_problem(rp, 503, NULL, "the fetch queue is full (%d jobs waiting)", FETCHD_QUEUE);
        return;
    }
    if (e != FETCHD_OK || !job) {
        json_decref(job);
        reply_problem(rp, 500, NULL, "could not queue the fetch");
        return;
    }
    snprintf(rp->location, sizeof rp->location, "/v1/jobs/%s", id);
    reply_json(rp, 202, job);
}

void h_job_get(struct request *rq, struct reply *rp)
{
    json_t *job = rq->app->fetchd ? fetchd_job(rq->app->fetchd, rq->caps[0]) : NULL;
    if (!job) {
        reply_problem(rp, 404, NULL, "no job with that id (jobs are kept in memory: the last %d)",
                      FETCHD_JOBS);
        return;
    }
    reply_json(rp, 200, job);
}

void h_sources_list(struct request *rq, struct reply *rp)
{
    page_get(rq, rp, store_sources_list);
}
