/* GET /v1/search */
#include <string.h>

#include "common/util.h"
#include "handlers/common.h"
#include "handlers/params.h"
#include "server/http.h"
#include "server/reply.h"

void h_search(struct request *rq, struct reply *rp)
{
    const char *q;
    unsigned long limit;
    if (!param_str(rq, rp, "q", 200, &q) || !param_uint(rq, rp, "limit", 1, 50, 10, &limit))
        return;
    if (!q || ecf_utf8_count(q, strlen(q)) < 2) {
        reply_problem(rp, 400, "q", "q is required: 2 to 200 characters to look for");
        return;
    }
    struct store_txn t;
    if (!handler_txn(rq, rp, &t))
        return;
    struct jbuf b = JBUF_INIT;
    jbuf_puts(&b, "{\"query\":");
    jbuf_put_jstr(&b, q, strlen(q));
    jbuf_puts(&b, ",\"items\":");
    enum store_err e = store_search(&t, q, limit, &b);
    store_read_end(&t);
    jbuf_putc(&b, '}');
    if (e != STORE_OK)
        reply_store_error(rp, e, "search");
    else
        reply_jbuf(rp, 200, &b);
    jbuf_free(&b);
}
