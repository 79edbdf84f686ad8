/* extractor/extract.c — the public entry points: names of the vocabulary,
 * extractor_new/free, extract_run (the pipeline) and the result's assembly. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/kmodel.h"
#include "common/util.h"
#include "extractor/frames.h"
#include "extractor/parse.h"
#include "extractor/work.h"

_Static_assert(EX_T__COUNT == KM_N_TYPES && EX_P__COUNT == KM_N_PREDS &&
                   EX_M__COUNT == KM_N_MEASURES && EX_S__COUNT == KM_N_STATUSES,
               "the extractor's enums index common/kmodel.h's tables");

const char *ex_type_name(enum ex_type t)
{
    return t < EX_T__COUNT ? km_type_names[t] : "unknown";
}
const char *ex_pred_name(enum ex_pred p)
{
    return p < EX_P__COUNT ? km_pred_names[p] : "unknown";
}
const char *ex_measure_name(enum ex_measure m)
{
    return m < EX_M__COUNT ? km_measure_names[m] : "unknown";
}
const char *ex_status_name(enum ex_status s)
{
    return s < EX_S__COUNT ? km_status_names[s] : "unknown";
}

int ex_type_parse(const char *s, enum ex_type *out)
{
    int i = km_find(km_type_names, EX_T__COUNT, s);
    if (i < 0)
        return -1;
    *out = (enum ex_type)i;
    return 0;
}

int ex_pred_parse(const char *s, enum ex_pred *out)
{
    int i = km_find(km_pred_names, EX_P__COUNT, s);
    if (i < 0)
        return -1;
    *out = (enum ex_pred)i;
    return 0;
}

int ex_measure_parse(const char *s, enum ex_measure *out)
{
    int i = km_find(km_measure_names, EX_M__COUNT, s);
    if (i < 0)
        return -1;
    *out = (enum ex_measure)i;
    return 0;
}

enum ex_err extractor_new(const char *gazetteer, size_t glen, const char *rules, size_t rlen,
                          struct extractor **out, char *errbuf, size_t errcap)
{
    enum ex_err err = EX_OK;
    *out = NULL;
    if (errbuf && errcap)
        errbuf[0] = '\0';
    struct extractor *x = calloc(1, sizeof *x);
    if (!x)
        return EX_E_NOMEM;
    err = gz_new(gazetteer ? gazetteer : "", gazetteer ? glen : 0, &x->gz, errbuf, errcap);
    if (err)
        goto out;
    err = rules_new(rules ? rules : "", rules ? rlen : 0, &x->rules, errbuf, errcap);
out:
    if (err) {
        extractor_free(x);
        x = NULL;
    }
    *out = x;
    return err;
}

void extractor_free(struct extractor *x)
{
    if (!x)
        return;
    gz_free(x->gz);
    rules_free(x->rules);
    frames_free(x->frames);
    pz_free(x->pz);
    free(x);
}

enum ex_err extractor_parse_open(struct extractor *x, const char *frames, size_t flen,
                                 const char *data_dir, char *errbuf, size_t errcap)
{
    struct frames *fs = NULL;
    struct pz *pz = NULL;
    enum ex_err err = frames_new(frames ? frames : "", frames ? flen : 0, &fs, errbuf, errcap);
    if (!err)
        err = pz_new(data_dir, &pz, errbuf, errcap);
    if (err) {
        frames_free(fs);
        return err;
    }
    frames_free(x->frames);
    pz_free(x->pz);
    x->frames = fs;
    x->pz = pz;
    return EX_OK;
}

void extractor_parse_all(struct extractor *x, bool all)
{
    x->parse_all = all;
}

static void work_free(struct work *w)
{
    for (size_t i = 0; i < w->nents; i++) {
        free(w->ents[i].id);
        free(w->ents[i].name);
        for (size_t j = 0; j < w->ents[i].nal; j++)
            free(w->ents[i].al[j]);
        free(w->ents[i].al);
    }
    free(w->ents);
    for (size_t i = 0; w->toks && i < w->nsents; i++)
        free(w->toks[i].t);
    free(w->toks);
    for (size_t i = 0; i < w->nsanc; i++)
        for (size_t j = 0; j < w->sanc[i].nitems; j++)
            free(w->sanc[i].items[j]);
    free(w->sanc);
    free(w->facts);
    free(w->m);
    free(w->gzent);
    free(w->etype);
    free(w->sents);
    free(w->sigbuf);
    free(w->wid);
    free(w->sigs);
    free(w->sdate);
    free(w->sdate_st);
    free(w->hedge_st);
    free(w->cuetmp);
    work_index_free(w);
    tx_free(&w->tx);
}

static enum ex_err tokenize_all(struct work *w)
{
    free(w->etype);
    w->etype = malloc((w->nents ? w->nents : 1) * sizeof *w->etype);
    w->toks = calloc(w->nsents ? w->nsents : 1, sizeof *w->toks);
    if (!w->etype || !w->toks)
        return EX_E_NOMEM;
    char(*ecc)[3] = malloc((w->nents ? w->nents : 1) * sizeof *ecc);
    if (!ecc)
        return EX_E_NOMEM;
    for (size_t i = 0; i < w->nents; i++) {
        /* an outlet reports: its mentions fit no rule slot and no reference */
        w->etype[i] = w->ents[i].outlet ? EX_T__COUNT : w->ents[i].type;
        memcpy(ecc[i], w->ents[i].country, 3);
    }
    /* the topic: the company mentioned most (ties: the first seen), when it
     * is mentioned at least three times */
    uint32_t topic = UINT32_MAX, most = 2;
    for (size_t i = 0; i < w->nents; i++)
        if (w->etype[i] == EX_T_COMPANY && w->ents[i].mentions > most) {
            most = w->ents[i].mentions;
            topic = (uint32_t)i;
        }
    struct tk_vec scratch[2] = {{0}, {0}};
    struct tk_in in = {.low = w->tx.low,
                       .norm = w->tx.norm,
                       .m = w->m,
                       .nm = w->nm,
                       .etype = w->etype,
                       .ecc = (const char(*)[3])ecc,
                       .rules = w->x->rules,
                       .scratch = scratch,
                       .wid = w->wid,
                       .nwid = w->nwid,
                       .topic = topic};
    enum ex_err err = EX_OK;
    /* references look back over the last prose sentences only */
    struct tk_sent prev[2];
    size_t np = 0;
    for (size_t si = 0; si < w->nsents; si++) {
        err = tk_sentence(&in, w->sents[si].s, w->sents[si].e, prev, np, &w->toks[si]);
        if (err)
            break;
        if (!w->sents[si].evidence)
            continue;
        if (np == 2) {
            prev[0] = prev[1];
            np = 1;
        }
        prev[np++] = w->toks[si];
    }
    free(scratch[0].t);
    free(scratch[1].t);
    free(ecc);
    return err;
}

/* The title: ecf_title_line (the first non-blank line, a byte order mark
 * skipped, LF, CRLF and a lone CR ending a line, as ingest's title) cut to
 * EX_TITLE_MAX bytes at a character boundary. The cap is not ingest's 300
 * bytes: tests/golden pins first lines of up to ~600 bytes. */
#define EX_TITLE_MAX 4096

static char *first_line(const char *text, size_t len)
{
    size_t s, n = ecf_title_line(text, len, EX_TITLE_MAX, &s);
    return strndup(text + s, n);
}

static struct ex_span span_of(const struct work *w, size_t cs, size_t ce)
{
    return (struct ex_span){
        .start = tx_byte(&w->tx, cs), .end = tx_byte(&w->tx, ce), .cstart = cs, .cend = ce};
}

static struct ex_evidence evidence_of(const struct work *w, size_t si,
                                      const struct wspan span[EX_ROLE__COUNT], const char *rule)
{
    const struct tx_sent *s = &w->sents[si];
    struct ex_evidence ev = {.sentence = span_of(w, s->s, s->e), .rule = rule};
    for (size_t k = 0; k < EX_ROLE__COUNT; k++)
        if (span[k].s < span[k].e) /* else none: all zero */
            ev.role[k] = span_of(w, span[k].s, span[k].e);
    return ev;
}

/* Rule names are copied behind the facts/sanctions arrays so the result
 * stays valid after the extractor is freed, and one free() releases both. */
static size_t names_size(const char *const *names, size_t n)
{
    size_t t = 0;
    for (size_t i = 0; i < n; i++)
        t += strlen(names[i]) + 1;
    return t;
}

static enum ex_err assemble(struct work *w, struct ex_result *r)
{
    enum ex_err err = EX_OK;
    size_t *map = malloc((w->nents ? w->nents : 1) * sizeof *map);
    const char **fr = NULL, **sr = NULL;
    if (!map)
        return EX_E_NOMEM;
    for (size_t i = 0; i < w->nfacts; i++) {
        w->ents[w->facts[i].s].used = true;
        if (w->facts[i].o != EX_NONE)
            w->ents[w->facts[i].o].used = true;
    }
    for (size_t i = 0; i < w->nsanc; i++)
        w->ents[w->sanc[i].imp].used = w->ents[w->sanc[i].tgt].used = true;
    size_t ne = 0;
    for (size_t i = 0; i < w->nents; i++)
        map[i] = (w->ents[i].mentions || w->ents[i].used) ? ne++ : EX_NONE;
    r->entities = calloc(ne ? ne : 1, sizeof *r->entities);
    if (!r->entities) {
        err = EX_E_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < w->nents; i++) {
        if (map[i] == EX_NONE)
            continue;
        struct went *we = &w->ents[i];
        struct ex_entity *e = &r->entities[r->n_entities++];
        e->id = we->id;
        e->name = we->name;
        e->type = we->type;
        memcpy(e->country, we->country, 3);
        e->aliases = we->al;
        e->n_aliases = we->nal;
        e->mentions = we->mentions;
        we->id = we->name = NULL;
        we->al = NULL;
        we->nal = 0;
    }
    fr = malloc((w->nfacts ? w->nfacts : 1) * sizeof *fr);
    sr = malloc((w->nsanc ? w->nsanc : 1) * sizeof *sr);
    if (!fr || !sr) {
        err = EX_E_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < w->nfacts; i++)
        fr[i] = w->facts[i].rule;
    for (size_t i = 0; i < w->nsanc; i++)
        sr[i] = w->sanc[i].rule;
    size_t fbytes = w->nfacts * sizeof *r->facts;
    r->facts = malloc(fbytes + names_size(fr, w->nfacts) + 1);
    size_t sbytes = w->nsanc * sizeof *r->sanctions;
    r->sanctions = malloc(sbytes + names_size(sr, w->nsanc) + 1);
    if (!r->facts || !r->sanctions) {
        err = EX_E_NOMEM;
        goto out;
    }
    char *names = (char *)r->facts + fbytes;
    for (size_t i = 0; i < w->nfacts; i++) {
        const struct wfact *f = &w->facts[i];
        struct ex_fact *o = &r->facts[r->n_facts];
        memset(o, 0, sizeof *o);
        size_t nl = strlen(f->rule) + 1;
        memcpy(names, f->rule, nl);
        o->subject = map[f->s];
        o->pred = f->pred;
        o->object = f->o == EX_NONE ? EX_NONE : map[f->o];
        o->confidence = f->conf;
        o->status = f->status;
        o->ev = evidence_of(w, f->sent, f->span, names);
        names += nl;
        r->n_facts++;
        if (f->o == EX_NONE) {
            o->value = strdup(f->value);
            if (!o->value) {
                err = EX_E_NOMEM;
                goto out;
            }
        }
    }
    names = (char *)r->sanctions + sbytes;
    for (size_t i = 0; i < w->nsanc; i++) {
        struct wsanc *s = &w->sanc[i];
        struct ex_sanction *o = &r->sanctions[r->n_sanctions++];
        memset(o, 0, sizeof *o);
        size_t nl = strlen(s->rule) + 1;
        memcpy(names, s->rule, nl);
        o->imposer = map[s->imp];
        o->target = map[s->tgt];
        o->measure = s->measure;
        memcpy(o->date, s->date, sizeof o->date);
        o->confidence = s->conf;
        o->status = s->status;
        o->ev = evidence_of(w, s->sent, s->span, names);
        names += nl;
        o->items = calloc(s->nitems ? s->nitems : 1, sizeof *o->items);
        if (!o->items) {
            err = EX_E_NOMEM;
            goto out;
        }
        for (size_t j = 0; j < s->nitems; j++)
            o->items[j] = s->items[j];
        o->n_items = s->nitems;
        s->nitems = 0;
    }
out:
    free(map);
    free(fr);
    free(sr);
    return err;
}

static int cmp_fact(const void *a, const void *b)
{
    const struct wfact *x = a, *y = b;
    if (x->sent != y->sent)
        return x->sent < y->sent ? -1 : 1;
    return (int)x->pred - (int)y->pred;
}

/* The most an --explain text may grow to (then it stops, marked full). */
#define XP_CAP (8u * 1024u * 1024u)

void work_xp(struct work *w, const char *fmt, ...)
{
    struct xbuf *b = w->xp;
    if (!b || b->full)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(b->s ? b->s + b->n : NULL, b->s ? b->cap - b->n : 0, fmt, ap);
        va_end(ap);
        if (k < 0)
            return;
        if (b->s && b->n + (size_t)k < b->cap) {
            b->n += (size_t)k;
            return;
        }
        size_t nc = b->cap ? b->cap * 2 : 4096;
        while (nc < b->n + (size_t)k + 1)
            nc *= 2;
        char *ns = nc <= XP_CAP ? realloc(b->s, nc) : NULL;
        if (!ns) {
            b->full = true;
            return;
        }
        b->s = ns;
        b->cap = nc;
    }
}

static enum ex_err run(const struct extractor *x, const char *text, size_t len,
                       const char *article_date, struct ex_result **out, struct xbuf *xb)
{
    enum ex_err err = EX_OK;
    struct work w;
    memset(&w, 0, sizeof w);
    struct ex_result *r = NULL;
    *out = NULL;
    if (len > EX_MAX_TEXT)
        return EX_E_TOOBIG;
    if (!text && len)
        return EX_E_UTF8;
    if (!text)
        text = "";
    if (!ecf_utf8_valid(text, len, NULL))
        return EX_E_UTF8;
    w.x = x;
    w.xp = xb;
    r = calloc(1, sizeof *r);
    if (!r)
        return EX_E_NOMEM;
    if ((err = tx_build(&w.tx, text, len)))
        goto out;
    if (!article_date || !dates_parse_iso(article_date, &w.anchor))
        if (!dates_article(w.tx.low, w.tx.n, &w.anchor))
            memset(&w.anchor, 0, sizeof w.anchor);
    dates_format(&w.anchor, r->date);
    r->title = first_line(text, len);
    w.gzent = malloc((gz_count(x->gz) ? gz_count(x->gz) : 1) * sizeof *w.gzent);
    if (!r->title || !w.gzent) {
        err = EX_E_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < gz_count(x->gz); i++)
        w.gzent[i] = -1;
    if ((err = tx_split(&w.tx, &w.sents, &w.nsents)))
        goto out;
    /* annotation.md: the headline is a sentence like any other */
    if (w.nsents) {
        w.headline = !w.sents[0].evidence;
        w.sents[0].evidence = true;
    }
    if ((err = ents_gazetteer(&w)))
        goto out;
    work_sort_mentions(&w);
    if ((err = ents_discover(&w)))
        goto out;
    work_sort_mentions(&w);
    if ((err = tokenize_all(&w)))
        goto out;
    /* nothing after tokenizing reads mentions or word ids: their memory goes
     * before the per-sentence rule state below is allocated (issue 13) */
    free(w.m);
    w.m = NULL;
    w.nm = w.capm = 0;
    free(w.wid);
    w.wid = NULL;
    w.nwid = w.capwid = 0;
    w.sigbuf = calloc((w.nsents ? w.nsents : 1) * SIG_WORDS(x->rules), sizeof *w.sigbuf);
    w.sigs = calloc(w.nsents ? w.nsents : 1, sizeof *w.sigs);
    w.sdate = calloc(w.nsents ? w.nsents : 1, sizeof *w.sdate);
    w.sdate_st = calloc(w.nsents ? w.nsents : 1, sizeof *w.sdate_st);
    w.hedge_st = calloc(w.nsents ? w.nsents : 1, sizeof *w.hedge_st);
    if (!w.sigbuf || !w.sigs || !w.sdate || !w.sdate_st || !w.hedge_st) {
        err = EX_E_NOMEM;
        goto out;
    }
    if ((err = apply_facts(&w)) || (err = apply_sanctions(&w)) || (err = parse_stage(&w)) ||
        (err = infer_families(&w)))
        goto out;
    if (w.nfacts > 1)
        qsort(w.facts, w.nfacts, sizeof *w.facts, cmp_fact);
    err = assemble(&w, r);
out:
    work_free(&w);
    if (err) {
        ex_result_free(r);
        r = NULL;
    }
    *out = r;
    return err;
}

enum ex_err extract_run(const struct extractor *x, const char *text, size_t len,
                        const char *article_date, struct ex_result **out)
{
    return run(x, text, len, article_date, out, NULL);
}

enum ex_err extract_explain(const struct extractor *x, const char *text, size_t len,
                            const char *article_date, struct ex_result **out, char **explain)
{
    struct xbuf xb = {0};
    *explain = NULL;
    enum ex_err err = run(x, text, len, article_date, out, &xb);
    if (!err && !xb.s)
        xb.s = strdup("");
    if (!err && !xb.s)
        err = EX_E_NOMEM;
    if (err) {
        free(xb.s);
        ex_result_free(*out);
        *out = NULL;
        return err;
    }
    *explain = xb.s;
    return EX_OK;
}

void ex_result_free(struct ex_result *r)
{
    if (!r)
        return;
    free(r->title);
    for (size_t i = 0; i < r->n_entities; i++) {
        free(r->entities[i].id);
        free(r->entities[i].name);
        for (size_t j = 0; j < r->entities[i].n_aliases; j++)
            free(r->entities[i].aliases[j]);
        free(r->entities[i].aliases);
    }
    free(r->entities);
    for (size_t i = 0; i < r->n_facts; i++)
        free(r->facts[i].value);
    free(r->facts);
    for (size_t i = 0; i < r->n_sanctions; i++) {
        for (size_t j = 0; j < r->sanctions[i].n_items; j++)
            free(r->sanctions[i].items[j]);
        free(r->sanctions[i].items);
    }
    free(r->sanctions);
    free(r);
}
