/* GET /v1/articles, /v1/articles/{id}; POST /v1/articles */
#include <assert.h>
#include <string.h>

#include "app/pipeline.h"
#include "common/kmodel.h"
#include "common/util.h"
#include "handlers/body.h"
#include "handlers/common.h"
#include "handlers/params.h"
#include "server/http.h"
#include "server/reply.h"

void h_articles_list(struct request *rq, struct reply *rp)
{
    page_get(rq, rp, store_articles_list);
}

void h_article_get(struct request *rq, struct reply *rp)
{
    record_get(rq, rp, "article", store_article_get);
}

/* The answer to a POST: {"article": the stored Article record, spliced as
 * every read does, "duplicate": b, "extracted": {"entities": [EntityRef],
 * "facts": n, "sanctions": n}}. False when the record cannot be read back. */
static bool ingest_result(struct store *s, const char *id, const struct ex_result *r,
                          bool duplicate, struct jbuf *b)
{
    struct store_txn t;
    if (store_read_begin(s, &t) != STORE_OK)
        return false;
    jbuf_puts(b, "{\"article\":");
    enum store_err e = store_article_summary(&t, id, b);
    store_read_end(&t);
    if (e != STORE_OK)
        return false;
    jbuf_puts(b, duplicate ? ",\"duplicate\":true" : ",\"duplicate\":false");
    jbuf_puts(b, ",\"extracted\":{\"entities\":[");
    for (size_t i = 0; i < r->n_entities; i++) {
        const struct ex_entity *en = &r->entities[i];
        /* stored, so the store took its type's name (the knowledge model's) */
        assert((unsigned)en->type < KM_N_TYPES);
        const char *type = km_type_names[en->type];
        jbuf_puts(b, i ? ",{\"id\":" : "{\"id\":");
        jbuf_put_jstr(b, en->id, strlen(en->id));
        jbuf_puts(b, ",\"name\":");
        jbuf_put_jstr(b, en->name, strlen(en->name));
        jbuf_puts(b, ",\"type\":");
        jbuf_put_jstr(b, type, strlen(type));
        jbuf_putc(b, '}');
    }
    char tail[64];
    snprintf(tail, sizeof tail, "],\"facts\":%zu,\"sanctions\":%zu}}", r->n_facts, r->n_sanctions);
    jbuf_puts(b, tail);
    return !b->failed;
}

void h_article_post(struct request *rq, struct reply *rp)
{
    json_t *doc = NULL;
    struct article_post p = {0};
    char why[256];
    struct ex_result *r = NULL;
    char idbuf[STORE_ID_MAX];
    struct jbuf res = JBUF_INIT;
    if (rq->body_text) {
        p.text = rq->body.p ? rq->body.p : "";
        p.text_len = rq->body.len;
        if (memchr(p.text, '\0', p.text_len)) {
            reply_problem(rp, 400, NULL, "the body contains a NUL byte");
            goto out;
        }
    } else if (!body_parse_article(rq->body.p, rq->body.len, &doc, &p, why, sizeof why)) {
        reply_problem(rp, 400, NULL, "%s", why);
        goto out;
    }
    /* Without an id the id is the text's hash, which the store then reuses. */
    char hex[65] = "";
    if (!p.id) {
        ecf_sha256_hex(p.text, p.text_len, hex);
        snprintf(idbuf, sizeof idbuf, "a-%.16s", hex);
        p.id = idbuf;
    }
    struct store_article a = {.id = p.id,
                              .title = p.title,
                              .url = p.url,
                              .date = p.date,
                              .text = p.text,
                              .len = p.text_len,
                              .published = p.published,
                              .byline = p.byline,
                              .site = p.site,
                              .lang = p.lang,
                              .sha256 = hex[0] ? hex : NULL};
    struct store_ingest_info info = {0};
    enum store_err serr;
    char err[256];
    enum pipeline_err pe =
        pipeline_ingest(rq->store, rq->app->x, &a, &info, &r, &serr, err, sizeof err);
    switch (pe) {
    case PL_OK:
        break;
    case PL_E_STORE:
        reply_store_error(rp, serr, "article");
        goto out;
    case PL_E_EXTRACT:
        reply_problem(rp, 500, NULL, "%s", err);
        goto out;
    default:
        reply_problem(rp, 400, NULL, "%s", err);
        goto out;
    }
    if (!ingest_result(rq->store, info.id, r, info.duplicate, &res)) {
        reply_problem(rp, 500, NULL, "the article was stored but could not be read back");
        goto out;
    }
    if (!info.duplicate)
        snprintf(rp->location, sizeof rp->location, "/v1/articles/%s", info.id);
    reply_jbuf(rp, info.duplicate ? 200 : 201, &res);
out:
    jbuf_free(&res);
    ex_result_free(r);
    json_decref(doc);
}
