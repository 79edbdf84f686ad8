/* GET /v1/facts, /v1/facts/{id} */
#include "handlers/common.h"
#include "handlers/params.h"
#include "server/http.h"
#include "server/reply.h"

PAGE_LIST_FN(facts, store_fact_filter)

void h_facts_list(struct request *rq, struct reply *rp)
{
    struct store_fact_filter f = {0};
    struct store_page pg = {0};
    if (!param_id(rq, rp, "subject", &f.subject) ||
        !param_predicate(rq, rp, "predicate", &f.predicate) ||
        !param_id(rq, rp, "object", &f.object) || !page_params(rq, rp, &pg))
        return;
    page_run(rq, rp, facts_list, &f, &pg);
}

void h_fact_get(struct request *rq, struct reply *rp)
{
    record_get(rq, rp, "fact", store_fact_get);
}
