/* extractor/actors.c — who imposes a sanction and on whom, when the rule's
 * match leaves one out: the strategies of rules.tsv's `t=` and `i=`
 * options (a country after the cue, a company of another country, the
 * sentence's or the previous one's, the article's main foreign country; an
 * imposer in the sentence, the previous one, the list's country), limited
 * to actors the article has seen imposing. Split from apply.c. */
#include <stdlib.h>
#include <string.h>

#include "extractor/actors.h"

const char *act_cc(const struct work *w, size_t e)
{
    return e == SIZE_MAX ? "" : w->ents[e].country;
}

static bool foreign(const struct work *w, size_t cand, size_t other)
{
    if (cand == other)
        return false;
    const char *a = act_cc(w, cand), *b = act_cc(w, other);
    return !a[0] || !b[0] || strcmp(a, b) != 0;
}

/* Country (or demonym, or group) entities of a token, in order. */
static size_t tok_countries(const struct work *w, const struct tok *t, size_t *out)
{
    size_t k = 0;
    if (t->kind == TK_WORD && (t->flags & TF_DEMONYM))
        out[k++] = t->ent[0];
    else if (t->kind == TK_ENT)
        for (size_t i = 0; i < t->ne; i++)
            if (w->ents[t->ent[i]].type == EX_T_COUNTRY)
                out[k++] = t->ent[i];
    return k;
}

static size_t default_country(const struct work *w, size_t imp);

/* The first country after token from, not of the same country as other:
 * named countries and groups first, then a demonym of the article's main
 * country, then any demonym ("Taiwanese chipmaker X" rarely names a target). */
static size_t first_country(const struct work *w, const struct tk_sent *ts, size_t from,
                            size_t other)
{
    size_t c[TK_MAXG];
    size_t main_c = default_country(w, other);
    for (int pass = 0; pass < 3; pass++) {
        for (size_t i = from; i < ts->n; i++) {
            bool dem = ts->t[i].kind == TK_WORD;
            if ((pass == 0) == dem)
                continue;
            size_t k = tok_countries(w, &ts->t[i], c);
            for (size_t j = 0; j < k; j++) {
                if (other != SIZE_MAX && !foreign(w, c[j], other))
                    continue;
                if (pass == 1 && c[j] != main_c)
                    continue;
                return c[j];
            }
        }
    }
    return SIZE_MAX;
}

static size_t prev_evidence(const struct work *w, size_t si)
{
    while (si > 0) {
        si--;
        if (w->sents[si].evidence)
            return si;
    }
    return SIZE_MAX;
}

/* The article's main foreign country for imposer imp: the most frequent
 * country target of the measures found so far (the first such, in the order
 * of the measures), else the most mentioned. push_sanc keeps the country
 * targets (w->ttgt, in order of their first measure) and their counts. */
static size_t default_country(const struct work *w, size_t imp)
{
    size_t best = SIZE_MAX;
    uint32_t bm = 0;
    ex_wcount.ctry_call++;
    for (size_t i = 0; i < w->nttgt; i++) {
        size_t t = w->ttgt[i];
        ex_wcount.ctry_scan++;
        if (!foreign(w, t, imp) || w->ents[t].ntgt <= bm)
            continue;
        best = t;
        bm = w->ents[t].ntgt;
    }
    if (best != SIZE_MAX)
        return best;
    for (size_t k = 0; k < w->nctry; k++) {
        size_t i = w->ctry[k];
        ex_wcount.ctry_scan++;
        if (w->ents[i].mentions <= bm || !foreign(w, i, imp))
            continue;
        best = i;
        bm = w->ents[i].mentions;
    }
    return best;
}

/* A foreign company the measure is tied to by a preposition right after the
 * cue ("controls, targeting Huawei", "curbs aimed at SMIC"). */
static size_t tied_company(const struct work *w, const struct tk_sent *ts, size_t from, size_t imp)
{
    static const char *const ties[] = {"on", "against", "targeting", "at", "to", "for"};
    for (size_t i = from; i < ts->n && i < from + 4; i++) {
        const struct tok *t = &ts->t[i];
        if (t->kind == TK_ENT)
            return (t->tmask & (1u << EX_T_COMPANY)) && i > from && ts->t[i - 1].kind == TK_WORD &&
                           (tk_word_is(&ts->t[i - 1], ties[0], 2) ||
                            tk_word_is(&ts->t[i - 1], ties[1], 7) ||
                            tk_word_is(&ts->t[i - 1], ties[2], 9) ||
                            tk_word_is(&ts->t[i - 1], ties[3], 2) ||
                            tk_word_is(&ts->t[i - 1], ties[4], 2) ||
                            tk_word_is(&ts->t[i - 1], ties[5], 3)) &&
                           foreign(w, t->ent[0], imp)
                       ? i
                       : SIZE_MAX;
    }
    return SIZE_MAX;
}

/* The other countries coordinated with country c in the token that holds it
 * ("China and Russia"): all of them, c first, into out (at most TK_MAXG). */
static size_t with_list(const struct work *w, const struct tk_sent *ts, size_t c, size_t imp,
                        size_t *out)
{
    size_t k = 0;
    out[k++] = c;
    for (size_t i = 0; i < ts->n; i++) {
        const struct tok *t = &ts->t[i];
        bool has = false;
        for (size_t j = 0; j < t->ne && t->kind == TK_ENT; j++)
            has = has || t->ent[j] == c;
        if (!has || t->ne < 2)
            continue;
        for (size_t j = 0; j < t->ne && k < TK_MAXG; j++)
            if (t->ent[j] != c && w->ents[t->ent[j]].type == EX_T_COUNTRY &&
                (imp == SIZE_MAX || foreign(w, t->ent[j], imp)))
                out[k++] = t->ent[j];
        break;
    }
    return k;
}

/* The implicit targets of a match: the first strategy that finds one gives
 * it and the countries coordinated with it. Returns how many (0: none). */
size_t act_targets(const struct work *w, const struct rule *r, size_t si, const struct rmatch *m,
                   size_t imp, size_t *out)
{
    const struct tk_sent *ts = &w->toks[si];
    for (size_t k = 0; k < RULE_MAXSTRAT && r->tstrat[k] != ST_NONE; k++) {
        size_t c = SIZE_MAX;
        const struct tk_sent *from = ts;
        switch (r->tstrat[k]) {
        case ST_AFTER: {
            size_t ti = tied_company(w, ts, m->end, imp);
            if (ti != SIZE_MAX) {
                size_t n = 0;
                for (size_t j = 0; j < ts->t[ti].ne; j++)
                    if (w->ents[ts->t[ti].ent[j]].type == EX_T_COMPANY)
                        out[n++] = ts->t[ti].ent[j];
                return n;
            }
            c = first_country(w, ts, m->end, imp);
            break;
        }
        case ST_COMPANY:
            for (size_t i = 0; i < ts->n && c == SIZE_MAX; i++) {
                const struct tok *t = &ts->t[i];
                if (t->kind == TK_ENT && (t->tmask & (1u << EX_T_COMPANY)) &&
                    foreign(w, t->ent[0], imp))
                    c = t->ent[0];
            }
            break;
        case ST_SENT:
            c = first_country(w, ts, 0, imp);
            break;
        case ST_PREV: {
            size_t p = prev_evidence(w, si);
            if (p != SIZE_MAX) {
                from = &w->toks[p];
                c = first_country(w, from, 0, imp);
            }
            break;
        }
        case ST_DEFAULT:
            c = default_country(w, imp);
            break;
        default:
            break;
        }
        if (c != SIZE_MAX)
            return r->tstrat[k] == ST_DEFAULT || r->tstrat[k] == ST_COMPANY
                       ? (out[0] = c, 1)
                       : with_list(w, from, c, imp, out);
    }
    return 0;
}

/* Bodies impose; officials only announce (annotation.md: speakers are not
 * imposers), so a person is never taken as an implicit imposer. */
bool act_imposer_tok(const struct tok *t)
{
    unsigned mask = (1u << EX_T_AGENCY) | (1u << EX_T_COUNTRY);
    return t->kind == TK_ENT && (t->tmask & mask) && !(t->flags & TF_GROUP);
}

/* An entity already seen imposing a measure in this article (or one of the
 * same country): implicit imposers are taken from these when there are any. */
static bool known_imposer(const struct work *w, size_t e)
{
    ex_wcount.ctry_call++;
    if (!w->nsanc || w->ents[e].imposer)
        return true;
    for (size_t i = 0; w->ents[e].country[0] && i < w->nicc; i++) {
        ex_wcount.ctry_scan++;
        if (!strcmp(w->icc[i], w->ents[e].country))
            return true;
    }
    return false;
}

bool act_imposer_fits(const struct work *w, size_t e, size_t tgt)
{
    return (tgt == SIZE_MAX || foreign(w, e, tgt)) && known_imposer(w, e);
}

static size_t imposer_in(const struct work *w, const struct tk_sent *ts, size_t before, size_t tgt)
{
    for (size_t i = before; i-- > 0;)
        if (act_imposer_tok(&ts->t[i]) && act_imposer_fits(w, ts->t[i].ent[0], tgt))
            return ts->t[i].ent[0];
    for (size_t i = before; i < ts->n; i++)
        if (act_imposer_tok(&ts->t[i]) && act_imposer_fits(w, ts->t[i].ent[0], tgt))
            return ts->t[i].ent[0];
    return SIZE_MAX;
}

enum ex_err work_country_by_code(struct work *w, const char *cc, size_t *out)
{
    const struct gz *g = w->x->gz;
    for (size_t i = 0; i < gz_count(g); i++) {
        const struct gz_entry *e = gz_entry(g, (uint32_t)i);
        if (e->type == EX_T_COUNTRY && !strcmp(e->country, cc))
            return work_entity(w, e->name, strlen(e->name), EX_T_COUNTRY, cc, out);
    }
    *out = SIZE_MAX;
    return EX_OK;
}

enum ex_err act_imposer(struct work *w, const struct rule *r, size_t si, const struct rmatch *m,
                        size_t tgt, size_t *out)
{
    const struct tk_sent *ts = &w->toks[si];
    *out = SIZE_MAX;
    /* with no target yet, the article's main country is the likely target,
     * so it is not taken as the imposer */
    if (tgt == SIZE_MAX)
        tgt = default_country(w, SIZE_MAX);
    for (size_t k = 0; k < RULE_MAXSTRAT && r->istrat[k] != ST_NONE; k++) {
        switch (r->istrat[k]) {
        case ST_SENT:
            *out = imposer_in(w, ts, m->start, tgt);
            break;
        case ST_PREV: {
            size_t p = prev_evidence(w, si);
            if (p != SIZE_MAX)
                *out = imposer_in(w, &w->toks[p], w->toks[p].n, tgt);
            break;
        }
        case ST_LISTC:
            if (m->role[RR_L] != SIZE_MAX) {
                const char *cc = act_cc(w, ts->t[m->role[RR_L]].ent[0]);
                if (cc[0]) {
                    enum ex_err err = work_country_by_code(w, cc, out);
                    if (err)
                        return err;
                }
            }
            break;
        default:
            break;
        }
        if (*out != SIZE_MAX)
            return EX_OK;
    }
    return EX_OK;
}
