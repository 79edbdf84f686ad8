/* GET /v1/sanctions, /v1/sanctions/{id} */
#include "handlers/common.h"
#include "handlers/params.h"
#include "server/http.h"
#include "server/reply.h"

PAGE_LIST_FN(sanctions, store_sanction_filter)

void h_sanctions_list(struct request *rq, struct reply *rp)
{
    struct store_sanction_filter f = {0};
    struct store_page pg = {0};
    if (!param_id(rq, rp, "imposer", &f.imposer) || !param_id(rq, rp, "target", &f.target) ||
        !param_measure(rq, rp, "measure", &f.measure) || !param_date(rq, rp, "since", &f.since) ||
        !param_date(rq, rp, "until", &f.until) || !page_params(rq, rp, &pg))
        return;
    page_run(rq, rp, sanctions_list, &f, &pg);
}

void h_sanction_get(struct request *rq, struct reply *rp)
{
    record_get(rq, rp, "sanction", store_sanction_get);
}
