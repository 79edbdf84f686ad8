/* GET /v1/entities, /v1/entities/{id}, /v1/chips, /v1/chips/{id}/lineage */
#include <string.h>

#include "common/util.h"
#include "handlers/common.h"
#include "handlers/params.h"
#include "server/http.h"
#include "server/reply.h"

PAGE_LIST_FN(entities, store_entity_filter)

static void list(struct request *rq, struct reply *rp, const char *force_type)
{
    struct store_entity_filter f = {0};
    struct store_page pg = {0};
    if (!force_type &&
        (!param_type(rq, rp, "type", &f.type) || !param_country(rq, rp, "country", &f.country)))
        return;
    if (!param_str(rq, rp, "q", 200, &f.prefix) || !page_params(rq, rp, &pg))
        return;
    if (f.prefix) {
        char *k = ecf_name_key(f.prefix, strlen(f.prefix));
        bool empty = !k || !*k;
        free(k);
        if (empty) {
            reply_problem(rp, 400, "q", "q must contain a letter or digit");
            return;
        }
    }
    if (force_type)
        f.type = force_type;
    page_run(rq, rp, entities_list, &f, &pg);
}

void h_entities_list(struct request *rq, struct reply *rp)
{
    list(rq, rp, NULL);
}

void h_chips_list(struct request *rq, struct reply *rp)
{
    list(rq, rp, "chip");
}

void h_entity_get(struct request *rq, struct reply *rp)
{
    record_get(rq, rp, "entity", store_entity_detail);
}

void h_chip_lineage(struct request *rq, struct reply *rp)
{
    const char *id;
    unsigned long depth;
    if (!capture_id(rq, rp, "chip", &id) || !param_uint(rq, rp, "depth", 1, 5, 2, &depth))
        return;
    struct store_txn t;
    if (!handler_txn(rq, rp, &t))
        return;
    struct jbuf b = JBUF_INIT;
    enum store_err e = store_chip_lineage(&t, id, (unsigned)depth, &b);
    store_read_end(&t);
    if (e != STORE_OK)
        reply_store_error_id(rp, e, "chip", id); /* a non-chip is a 400 naming it */
    else
        reply_jbuf(rp, 200, &b);
    jbuf_free(&b);
}
