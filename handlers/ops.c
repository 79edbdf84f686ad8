/* GET /v1/stats, /healthz, /readyz, /metrics, /openapi.yaml */
#include <string.h>

#include "common/embedded.h"
#include "common/util.h"
#include "handlers/common.h"
#include "handlers/params.h"
#include "server/http.h"
#include "server/metrics.h"
#include "server/reply.h"

static json_t *stats_json(const struct store_stats *st)
{
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "articles", (json_int_t)st->articles,
                     "entities", (json_int_t)st->entities, "facts", (json_int_t)st->facts,
                     "sanctions", (json_int_t)st->sanctions, "store_bytes",
                     (json_int_t)st->used_bytes, "map_size", (json_int_t)st->map_size,
                     "schema_version", (json_int_t)st->schema_version);
}

void h_stats(struct request *rq, struct reply *rp)
{
    struct store_stats st;
    if (read_stats(rq, rp, &st))
        reply_json(rp, 200, stats_json(&st));
}

void h_healthz(struct request *rq, struct reply *rp)
{
    (void)rq;
    reply_json(rp, 200, json_pack("{s:s}", "status", "ok"));
}

void h_readyz(struct request *rq, struct reply *rp)
{
    struct store_stats st;
    if (!read_stats(rq, rp, &st))
        return;
    reply_json(rp, 200,
               json_pack("{s:s, s:I}", "status", "ready", "articles", (json_int_t)st.articles));
}

void h_metrics(struct request *rq, struct reply *rp)
{
    struct store_txn t;
    struct store_stats st;
    bool have = false;
    if (store_read_begin(rq->store, &t) == STORE_OK) {
        have = store_stats(&t, &st) == STORE_OK;
        store_read_end(&t);
    }
    size_t len = 0;
    char *text = metrics_render(rq->app->metrics, have ? &st : NULL, rq->app->cache, &len);
    if (!text) {
        reply_problem(rp, 500, NULL, "out of memory");
        return;
    }
    reply_raw(rp, 200, "text/plain; version=0.0.4; charset=utf-8", text, len);
}

void h_openapi(struct request *rq, struct reply *rp)
{
    (void)rq;
    const struct ecf_embedded *f = ecf_embedded_find("openapi.yaml");
    char *copy = f ? malloc(f->len + 1) : NULL;
    if (!copy) {
        reply_problem(rp, 500, NULL, "the API description is missing from this build");
        return;
    }
    memcpy(copy, f->data, f->len + 1);
    /* text/plain: browsers show it (they download application/yaml) */
    reply_raw(rp, 200, "text/plain; charset=utf-8", copy, f->len);
    rp->page = true;
}
