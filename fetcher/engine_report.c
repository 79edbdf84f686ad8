/* fetcher/engine_report.c — the end of every job, as the caller sees it.
 *
 * Owns the counting and the callbacks that report results: per-source and
 * global counters, report_item for each finished page, report_source once
 * a source's own job and all its items are done, and progress. */
#include "fetcher/engine_int.h"

void engine_emit_progress(struct fetch_engine *e)
{
    e->prog.in_flight = e->n_live;
    if (e->cb.progress)
        e->cb.progress(e->cb.user, &e->prog);
}

static void source_report(struct fetch_engine *e, struct source *s)
{
    struct fetch_source_report r = {
        .url = s->url,
        .http_status = s->status,
        .err = s->err,
        .error = s->msg,
        .note = s->note,
        .is_feed = s->is_feed,
        .not_modified = s->not_modified,
        .items_found = s->found,
        .items_stored = s->stored,
        .items_duplicate = s->dup,
        .items_not_modified = s->notmod,
        .items_failed = s->failed,
        .seconds = s->t0 ? (double)(now_ms() - s->t0) / 1000.0 : 0.0,
    };
    e->prog.sources_done++;
    if (e->cb.report_source)
        e->cb.report_source(e->cb.user, &r);
}

/* Ends a page job (source or item): counters, reports, frees it. */
void engine_job_done(struct fetch_engine *e, struct job *j, enum outcome o, enum fetch_err err,
                     long status, const char *msg)
{
    struct source *s = j->src;
    if (j->kind == JOB_ROBOTS || !s) {
        engine_job_free(j);
        return;
    }
    bool own = j->kind == JOB_SOURCE;
    if (own) {
        s->status = status;
        s->err = err;
        /* Messages quote servers (Content-Type, curl's text): valid UTF-8 from here on. */
        fetch_text_clean(msg, s->msg, sizeof(s->msg));
        if (o == OUT_NOTMOD)
            s->not_modified = true;
    }
    if (o != OUT_FEED && (!own || o != OUT_ERROR)) {
        if (own && o != OUT_NOTMOD)
            s->found++;
        s->stored += o == OUT_STORED;
        s->dup += o == OUT_DUP;
        s->notmod += o == OUT_NOTMOD && !own;
        s->failed += o == OUT_ERROR;
    }
    e->prog.items_done++;
    e->prog.stored += o == OUT_STORED;
    e->prog.duplicates += o == OUT_DUP;
    e->prog.not_modified += o == OUT_NOTMOD;
    e->prog.errors += o == OUT_ERROR;
    if (e->cb.report_item) {
        char clean[FETCH_ERRMSG_MAX];
        struct fetch_item_report r = {
            .source_url = s->url,
            .url = j->url,
            .http_status = status,
            .err = err,
            .error = fetch_text_clean(msg, clean, sizeof(clean)),
            .not_modified = o == OUT_NOTMOD,
            .duplicate = o == OUT_DUP,
            .attempts = j->attempts,
        };
        e->cb.report_item(e->cb.user, &r);
    }
    engine_job_free(j);
    if (--s->pending == 0)
        source_report(e, s);
    engine_emit_progress(e);
}

void engine_job_fail(struct fetch_engine *e, struct job *j, enum fetch_err err, long status,
                     const char *msg)
{
    engine_job_done(e, j, OUT_ERROR, err, status, msg);
}
