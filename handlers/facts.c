/* GET /v1/facts, /v1/facts/{id}, /v1/sanctions, /v1/sanctions/{id} */
#include "handlers/common.h"
#include "handlers/params.h"
#include "server/http.h"
#include "server/reply.h"

void h_facts_list(struct request *rq, struct reply *rp)
{
    struct store_fact_filter f = {0};
    struct store_page pg = {0};
    if (!param_id(rq, rp, "subject", &f.subject) ||
        !param_predicate(rq, rp, "predicate", &f.predicate) ||
        !param_id(rq, rp, "object", &f.object) || !page_params(rq, rp, &pg))
        return;
    struct store_txn *t;
    if (!handler_txn(rq, rp, &t))
        return;
    struct jbuf b = JBUF_INIT;
    char *next = NULL;
    page_open(&b);
    enum store_err e = store_facts_list(t, &f, &pg, &b, &next);
    store_read_end(t);
    page_reply(rp, e, &b, next);
}

void h_fact_get(struct request *rq, struct reply *rp)
{
    record_get(rq, rp, "fact", store_fact_get);
}

void h_sanctions_list(struct request *rq, struct reply *rp)
{
    struct store_sanction_filter f = {0};
    struct store_page pg = {0};
    if (!param_id(rq, rp, "imposer", &f.imposer) || !param_id(rq, rp, "target", &f.target) ||
        !param_measure(rq, rp, "measure", &f.measure) || !param_date(rq, rp, "since", &f.since) ||
        !param_date(rq, rp, "until", &f.until) || !page_params(rq, rp, &pg))
        return;
    struct store_txn *t;
    if (!handler_txn(rq, rp, &t))
        return;
    struct jbuf b = JBUF_INIT;
    char *next = NULL;
    page_open(&b);
    enum store_err e = store_sanctions_list(t, &f, &pg, &b, &next);
    store_read_end(t);
    page_reply(rp, e, &b, next);
}

void h_sanction_get(struct request *rq, struct reply *rp)
{
    record_get(rq, rp, "sanction", store_sanction_get);
}
