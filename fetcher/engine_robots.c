/* fetcher/engine_robots.c — robots.txt as the engine uses it.
 *
 * robots.c parses and matches; this file is the glue: the outcome of a
 * host's robots.txt transfer becomes its rules or an error for every URL
 * there (RFC 9309: unavailable allows all, unreachable disallows all), and
 * before a job's request the verdicts that need none: robots.txt refusing
 * or unreachable, or a URL already handed over as a canonical URL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetcher/engine_int.h"

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

/* Whether policy decides the job without a request: robots.txt refused or
 * unreachable, or its URL was already handed over as a canonical URL. */
bool engine_early_verdict(struct fetch_engine *e, const struct job *j, enum fetch_err *err,
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

void engine_robots_done(struct job *j, const struct xfer_result *r)
{
    struct host *h = j->host;
    h->robots_state = ROBOTS_READY;
    if (r->err == FETCH_OK && !r->not_modified && r->status >= 200 && r->status < 300) {
        size_t n = j->x.body.len;
        if (j->x.truncated) /* the cut line may be half a rule: parse whole lines only */
            while (n && j->x.body.p[n - 1] != '\n')
                n--;
        if (!robots_parse(j->x.body.p ? j->x.body.p : "", n, "ecfacts", &h->robots)) {
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
    engine_job_free(j);
}
