/* GET /v1/articles, /v1/articles/{id}; POST /v1/articles */
#include <string.h>

#include "app/pipeline.h"
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

static json_t *ingest_result(struct store *s, const char *id, const struct ex_result *r,
                             bool duplicate)
{
    struct store_txn *t = NULL;
    json_t *art = NULL, *ents = NULL, *out = NULL;
    struct jbuf b = JBUF_INIT;
    if (store_read_begin(s, &t) != STORE_OK)
        return NULL;
    if (store_article_get(t, id, &b) != STORE_OK || b.failed)
        goto done;
    art = json_loadb(b.p, b.len, 0, NULL); /* a write's answer: not the hot path */
    if (!art)
        goto done;
    /* The summary shape: drop the detail-only members. */
    json_object_del(art, "text");
    json_object_del(art, "entities");
    json_object_del(art, "facts");
    json_object_del(art, "sanctions");
    ents = json_array();
    for (size_t i = 0; ents && i < r->n_entities; i++) {
        json_array_append_new(ents, json_pack("{s:s, s:s, s:s}", "id", r->entities[i].id, "name",
                                              r->entities[i].name, "type",
                                              ex_type_name(r->entities[i].type)));
    }
    out = json_pack("{s:o, s:b, s:{s:o, s:I, s:I}}", "article", art, "duplicate", duplicate,
                    "extracted", "entities", ents, "facts", (json_int_t)r->n_facts, "sanctions",
                    (json_int_t)r->n_sanctions);
    art = ents = NULL; /* stolen by "o" even on failure */
done:
    json_decref(art);
    json_decref(ents);
    jbuf_free(&b);
    store_read_end(t);
    return out;
}

void h_article_post(struct request *rq, struct reply *rp)
{
    json_t *doc = NULL;
    struct article_post p = {0};
    char why[256];
    struct ex_result *r = NULL;
    char idbuf[STORE_ID_MAX];
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
    if (!p.id) {
        char hex[65];
        ecf_sha256_hex(p.text, p.text_len, hex);
        snprintf(idbuf, sizeof idbuf, "a-%.16s", hex);
        p.id = idbuf;
    }
    struct store_article a = {.id = p.id, .title = p.title, .url = p.url, .date = p.date,
                              .text = p.text, .len = p.text_len, .published = p.published,
                              .byline = p.byline, .site = p.site, .lang = p.lang};
    struct store_ingest_info info = {0};
    enum store_err serr;
    char err[256];
    enum pipeline_err pe = pipeline_ingest(rq->store, rq->app->x, &a, &info, &r, &serr, err,
                                           sizeof err);
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
    json_t *res = ingest_result(rq->store, info.id, r, info.duplicate);
    if (!res) {
        reply_problem(rp, 500, NULL, "the article was stored but could not be read back");
        goto out;
    }
    if (!info.duplicate)
        snprintf(rp->location, sizeof rp->location, "/v1/articles/%s", info.id);
    reply_json(rp, info.duplicate ? 200 : 201, res);
out:
    ex_result_free(r);
    json_decref(doc);
}
