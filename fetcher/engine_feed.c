/* fetcher/engine_feed.c — a fetched feed becomes item jobs.
 *
 * Owns feed expansion: the source's body is parsed (feed.c) and each item
 * not yet queued in this engine becomes a job of that source, carrying the
 * feed's title and date for the article. A feed whose XML broke off gives
 * the items before the break and a note on the source. */
#include "fetcher/engine_int.h"

/* A fetched source that is a feed: queue its items. */
void engine_handle_feed(struct fetch_engine *e, struct job *j, long status, const char *ctype)
{
    struct fetch_feed f;
    char msg[FETCH_ERRMSG_MAX];
    struct source *s = j->src;
    (void)ctype;
    s->is_feed = true;
    enum fetch_err err = fetch_feed_parse(j->x.body.p ? j->x.body.p : "", j->x.body.len, j->url,
                                          e->s.max_items_per_feed, &f, msg, sizeof(msg));
    if (err) {
        engine_job_fail(e, j, err, status, err == FETCH_E_NOMEM ? "out of memory" : msg);
        return;
    }
    /* A feed that broke off still gives its whole items: the source is
     * fetched, and its note says what was lost. */
    if (f.broken)
        (void)snprintf(s->note, sizeof(s->note),
                       "feed cut short (%.160s): kept the %zu items before it", msg, f.n);
    for (size_t i = 0; i < f.n; i++) {
        struct fetch_feed_item *it = &f.items[i];
        s->found++;
        int r = strset_add(&e->queued, it->link);
        if (r == 0) {
            s->dup++; /* already queued in this run */
            continue;
        }
        if (r < 0 || engine_job_add(e, JOB_ITEM, it->link, s, it->title, it->date) != FETCH_OK) {
            if (r > 0)
                it->title = it->date = NULL; /* engine_job_add took them */
            s->failed++;
            e->prog.errors++;
            err = FETCH_E_NOMEM;
            continue;
        }
        it->title = it->date = NULL;
    }
    fetch_feed_free(&f);
    engine_job_done(e, j, OUT_FEED, err, status, err ? "out of memory while queueing items" : "");
}
