/* fetcher/engine_article.c — a fetched page becomes an article.
 *
 * Owns what happens to a 2xx page: the content-type check, text extraction
 * (html.c) with the transport charset, dedup by canonical URL within a run,
 * the feed item's title and date filling what the page lacks, and the
 * handover to store_article. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fetcher/engine_int.h"

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
void engine_handle_article(struct fetch_engine *e, struct job *j, long status)
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
        engine_job_fail(e, j, FETCH_E_NOMEM, status, "out of memory");
        return;
    }

    if (ctype && !fetch_contains_ci(ctype, "html") && strncasecmp(ctype, "text/", 5) != 0) {
        char msg[FETCH_ERRMSG_MAX];
        (void)snprintf(msg, sizeof(msg), "not an HTML page: %.120s", ctype);
        free(final);
        engine_job_fail(e, j, FETCH_E_CONTENT, status, msg);
        return;
    }
    enum fetch_err err = fetch_html_extract(x->body.p ? x->body.p : "", x->body.len,
                                            charset[0] ? charset : NULL, final, &doc);
    if (err) {
        free(final);
        engine_job_fail(e, j, err, status,
                        err == FETCH_E_CONTENT ? "no article text found in the page"
                                               : "out of memory");
        return;
    }
    /* A canonical URL names the article's id and blocks that URL for the run:
     * only the page's own site may claim one. */
    const char *canon = final;
    if (doc.canonical[0] && fetch_url_same_site(final, doc.canonical))
        canon = doc.canonical;
    else if (doc.canonical[0] && !j->src->note[0]) /* the first note stays */
        (void)snprintf(j->src->note, sizeof(j->src->note),
                       "%.80s: canonical URL on another site ignored (%.120s)", final,
                       doc.canonical);
    int r = strset_add(&e->handed, canon);
    if (r <= 0) {
        fetch_doc_free(&doc);
        free(final);
        if (r < 0)
            engine_job_fail(e, j, FETCH_E_NOMEM, status, "out of memory");
        else
            engine_job_done(e, j, OUT_DUP, FETCH_OK, status,
                            "canonical URL already fetched in this run");
        return;
    }
    if (strset_add(&e->queued, canon) < 0 || strset_add(&e->queued, final) < 0) {
        fetch_doc_free(&doc);
        free(final);
        engine_job_fail(e, j, FETCH_E_NOMEM, status, "out of memory");
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
            engine_job_fail(e, j, FETCH_E_NOMEM, status, "out of memory");
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
        .published = doc.published,
        .byline = doc.byline,
        .site = doc.site,
        .lang = doc.lang,
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
        engine_job_done(e, j, OUT_STORED, FETCH_OK, status, "");
    else if (sr == FETCH_STORE_DUPLICATE)
        engine_job_done(e, j, OUT_DUP, FETCH_OK, status, "");
    else
        engine_job_fail(e, j, FETCH_E_CALLBACK, status, "the store rejected the article");
}
