/* Helpers every resource handler uses: the read transaction, paging
 * parameters, and turning a store result into a reply. */
#include "handlers/common.h"

#include <string.h>

#include "handlers/params.h"
#include "server/http.h"
#include "server/reply.h"

int handler_txn(struct request *rq, struct reply *rp, struct store_txn *t)
{
    enum store_err e = store_read_begin(rq->store, t);
    if (e != STORE_OK) {
        reply_store_unreadable(rp, e, false);
        return 0;
    }
    if (!rq->snap_txn) /* the answer's version, for the response cache */
        rq->snap_txn = store_txn_id(t);
    return 1;
}

bool page_params(struct request *rq, struct reply *rp, struct store_page *pg)
{
    unsigned long limit;
    if (!param_uint(rq, rp, "limit", 1, STORE_MAX_LIMIT, 50, &limit) ||
        !param_str(rq, rp, "cursor", 1024, &pg->cursor))
        return false;
    pg->limit = limit;
    return true;
}

void page_open(struct jbuf *b)
{
    jbuf_puts(b, "{\"items\":");
}

void page_reply(struct reply *rp, enum store_err e, struct jbuf *b, char *next)
{
    if (e != STORE_OK) {
        reply_store_error(rp, e, "page");
    } else {
        jbuf_puts(b, ",\"next_cursor\":");
        if (next)
            jbuf_put_jstr(b, next, strlen(next));
        else
            jbuf_puts(b, "null");
        jbuf_putc(b, '}');
        reply_jbuf(rp, 200, b);
    }
    jbuf_free(b);
    free(next);
}

void record_reply(struct reply *rp, enum store_err e, struct jbuf *b, const char *what)
{
    if (e != STORE_OK)
        reply_store_error(rp, e, what);
    else
        reply_jbuf(rp, 200, b);
    jbuf_free(b);
}

void record_get(struct request *rq, struct reply *rp, const char *what,
                enum store_err (*get)(struct store_txn *, const char *, struct jbuf *))
{
    const char *id;
    struct store_txn t;
    if (!capture_id(rq, rp, what, &id) || !handler_txn(rq, rp, &t))
        return;
    struct jbuf b = JBUF_INIT;
    enum store_err e = get(&t, id, &b);
    store_read_end(&t);
    record_reply(rp, e, &b, what);
}

void page_get(struct request *rq, struct reply *rp,
              enum store_err (*list)(struct store_txn *, const struct store_page *, struct jbuf *,
                                     char **))
{
    struct store_page pg = {0};
    struct store_txn t;
    if (!page_params(rq, rp, &pg) || !handler_txn(rq, rp, &t))
        return;
    struct jbuf b = JBUF_INIT;
    char *next = NULL;
    page_open(&b);
    enum store_err e = list(&t, &pg, &b, &next);
    store_read_end(&t);
    page_reply(rp, e, &b, next);
}

void page_run(struct request *rq, struct reply *rp, page_list_fn list, const void *filter,
              const struct store_page *pg)
{
    struct store_txn t;
    if (!handler_txn(rq, rp, &t))
        return;
    struct jbuf b = JBUF_INIT;
    char *next = NULL;
    page_open(&b);
    enum store_err e = list(&t, filter, pg, &b, &next);
    store_read_end(&t);
    page_reply(rp, e, &b, next);
}

bool read_stats(struct request *rq, struct reply *rp, struct store_stats *st)
{
    struct store_txn t;
    if (!handler_txn(rq, rp, &t))
        return false;
    enum store_err e = store_stats(&t, st);
    store_read_end(&t);
    if (e != STORE_OK) {
        reply_store_unreadable(rp, e, true);
        return false;
    }
    return true;
}

bool capture_id(struct request *rq, struct reply *rp, const char *what, const char **out)
{
    *out = rq->caps[0];
    if (!id_valid(rq->caps[0])) {
        reply_problem(rp, 404, NULL, "no %s with that id", what);
        return false;
    }
    return true;
}
