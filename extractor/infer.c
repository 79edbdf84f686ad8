/* extractor/infer.c — facts the article implies as a whole, after every
 * sentence has been read.
 *
 * A product line has one developer: when the article says who develops one
 * member of a family ("Huawei's Ascend 950"), the other members it names
 * ("... and the Ascend 960 in December") and the bare family ("Ascend") are
 * that developer's too, unless the article names a developer for them itself
 * (then it said which: "the Kirin 9000S, designed by HiSilicon"). A family is the word before a model number in a
 * chip, product or model name (the gazetteer's `ext` families: Ascend,
 * Kirin, Snapdragon, Mate, ...), shared by another name in the article. The
 * inferred fact's evidence is the first sentence that names the member, and
 * its confidence is below any rule's. */
#include <stdlib.h>
#include <strings.h>
#include <string.h>

#include "extractor/work.h"

#define FAMILY_CONF 0.55

struct fam {
    uint64_t h;  /* hash of the family word */
    size_t ent;  /* working entity */
    size_t sent; /* first evidence sentence naming it */
};

static bool product_type(enum ex_type t)
{
    return t == EX_T_CHIP || t == EX_T_PRODUCT || t == EX_T_AI_MODEL;
}

/* The family word of a name: the word before a model number ("Ascend" of
 * "Ascend 910C", "Atlas 950 SuperPoD"), or the whole one-word name (a bare
 * family, "Ascend"); 0 for other names ("Azure OpenAI" is a product of its
 * own, not the Azure family's) and digit-led ones. */
static size_t family_len(const char *name)
{
    if (!name[0] || (name[0] >= '0' && name[0] <= '9'))
        return 0;
    const char *sp = strchr(name, ' ');
    if (!sp)
        return strlen(name);
    for (const char *q = sp + 1; *q && *q != ' '; q++)
        if (*q >= '0' && *q <= '9')
            return (size_t)(sp - name);
    return 0;
}

static uint64_t family_hash(const char *name, size_t n)
{
    uint64_t h = WORK_HASH0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        h = work_hash(h, &c, 1);
    }
    return h;
}

/* A develops fact's (family, developer), the member it was stated for. */
struct pair {
    uint64_t h;
    size_t s, o, sent;
};

static int cmp_pair(const void *a, const void *b)
{
    const struct pair *x = a, *y = b;
    if (x->h != y->h)
        return x->h < y->h ? -1 : 1;
    if (x->s != y->s)
        return x->s < y->s ? -1 : 1;
    return x->sent < y->sent ? -1 : x->sent > y->sent;
}

static int cmp_fam(const void *a, const void *b)
{
    const struct fam *x = a, *y = b;
    if (x->h != y->h)
        return x->h < y->h ? -1 : 1;
    return x->ent < y->ent ? -1 : x->ent > y->ent;
}

/* The first evidence sentence of each entity (SIZE_MAX when it is only in
 * headline-like lines): one pass over the tokens. */
static size_t *first_sentences(const struct work *w)
{
    size_t *first = malloc((w->nents ? w->nents : 1) * sizeof *first);
    if (!first)
        return NULL;
    for (size_t e = 0; e < w->nents; e++)
        first[e] = SIZE_MAX;
    for (size_t si = 0; si < w->nsents; si++) {
        if (!w->sents[si].evidence)
            continue;
        const struct tk_sent *ts = &w->toks[si];
        for (size_t i = 0; i < ts->n; i++) {
            const struct tok *t = &ts->t[i];
            if (t->kind != TK_ENT || (t->flags & (TF_COREF | TF_GROUP)))
                continue;
            for (size_t j = 0; j < t->ne; j++)
                if (first[t->ent[j]] == SIZE_MAX)
                    first[t->ent[j]] = si;
        }
    }
    return first;
}

enum ex_err infer_families(struct work *w)
{
    size_t *first = first_sentences(w);
    struct fam *fv = malloc((w->nents ? w->nents : 1) * sizeof *fv);
    struct pair *pv = malloc((w->nfacts ? w->nfacts : 1) * sizeof *pv);
    enum ex_err err = EX_OK;
    if (!first || !fv || !pv) {
        err = EX_E_NOMEM;
        goto out;
    }
    /* members with a developer of their own are left as the text has them */
    for (size_t i = 0; i < w->nfacts; i++)
        if (w->facts[i].pred == EX_P_DEVELOPS && w->facts[i].o != EX_NONE)
            first[w->facts[i].o] = SIZE_MAX;
    size_t nf = 0;
    for (size_t e = 0; e < w->nents; e++) {
        size_t fl = family_len(w->ents[e].name);
        if (product_type(w->ents[e].type) && fl && first[e] != SIZE_MAX)
            fv[nf++] = (struct fam){family_hash(w->ents[e].name, fl), e, first[e]};
    }
    qsort(fv, nf, sizeof *fv, cmp_fam);
    /* one pass per (developer, family): an article stating many members'
     * developers does not multiply the work by its members */
    size_t npair = 0;
    for (size_t i = 0; i < w->nfacts; i++) {
        const struct wfact *f = &w->facts[i];
        /* a developer read through a reference is a guess already: not
         * multiplied over a family */
        if (f->pred != EX_P_DEVELOPS || f->o == EX_NONE || f->status != EX_S_ASSERTED ||
            f->viaref || !product_type(w->ents[f->o].type))
            continue;
        size_t fl = family_len(w->ents[f->o].name);
        if (fl)
            pv[npair++] = (struct pair){family_hash(w->ents[f->o].name, fl), f->s, f->o, f->sent};
    }
    qsort(pv, npair, sizeof *pv, cmp_pair);
    for (size_t i = 0; i < npair && !err; i++) {
        if (i > 0 && pv[i].h == pv[i - 1].h && pv[i].s == pv[i - 1].s)
            continue;
        const char *on = w->ents[pv[i].o].name;
        size_t fl = family_len(on), lo = 0, hi = nf;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (fv[mid].h < pv[i].h)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t k = lo; k < nf && fv[k].h == pv[i].h && !err; k++) {
            size_t y = fv[k].ent;
            const char *yn = w->ents[y].name;
            if (y == pv[i].s || family_len(yn) != fl || strncasecmp(yn, on, fl))
                continue;
            struct wfact g = {.s = pv[i].s,
                              .o = y,
                              .pred = EX_P_DEVELOPS,
                              .conf = FAMILY_CONF,
                              .status = EX_S_ASSERTED,
                              .sent = fv[k].sent,
                              .rule = "family_develops"};
            size_t before = w->nfacts;
            err = push_fact(w, &g);
            if (!err && w->xp && w->nfacts != before)
                work_xp(w, "inferred (family_develops): fact %s develops %s, from sentence %zu\n",
                        w->ents[pv[i].s].name, yn, pv[i].sent);
        }
    }
out:
    free(first);
    free(fv);
    free(pv);
    return err;
}
