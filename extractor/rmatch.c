/* extractor/rmatch.c — matching the compiled rule language on tokens.
 *
 * Every word token carries its vocabulary id (vocab.c), so matching
 * compares integers: a word element looks up the token's id in its
 * first-word bitset, then tries only the phrases that start with it, in the
 * order the rule lists them (the first match wins). A per-sentence
 * signature (rules_sig) tells which rules may match at all, and
 * rule_next_start which tokens a rule may start at. Nothing here allocates;
 * all of it only reads the shared struct rules. */
#include "extractor/rules.h"

#include <stdlib.h>
#include <string.h>

#include "extractor/text.h"
#include "extractor/vocab.h"

uint32_t rules_kmask_pfx(const struct rules *r, const char *w, size_t wl)
{
    uint32_t m = 0;
    for (size_t k = 0; k < LX__COUNT; k++)
        if (((r->kpfx >> k) & 1) && lex_has_pfx(r->known[k], w, wl))
            m |= (uint32_t)1 << k;
    return m;
}

/* One compiled word against one token. */
static inline bool code_eq(const struct pset *ps, uint32_t c, const struct tok *t)
{
    if (t->kind != TK_WORD)
        return false;
    if (!(c & RW_PREFIX))
        return t->id == c;
    const struct vocab *v = ps->voc;
    uint32_t id = c & ~RW_PREFIX;
    return t->wl >= v->wl[id] && memcmp(t->w, v->str + v->off[id], v->wl[id]) == 0;
}

/* Tokens consumed by phrase p at t[i] (within n), or 0. */
static inline size_t ph_match(const struct pset *ps, const struct rphrase *p, const struct tok *t,
                              size_t n, size_t i)
{
    if (p->n == 0 || i >= n || p->n > n - i)
        return 0;
    const uint32_t *w = ps->words + p->off;
    for (size_t k = 0; k < p->n; k++)
        if (!code_eq(ps, w[k], &t[i + k]))
            return 0;
    return p->n;
}

/* First index in ps->key of id (nkey when absent). */
static size_t key_lb(const struct pset *ps, uint32_t id)
{
    size_t lo = 0, hi = ps->nkey;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ps->key[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static inline bool may_start(const struct pset *ps, const struct tok *t)
{
    return t->kind == TK_WORD && t->id && bs_has(ps->first, t->id);
}

size_t lex_match_at(const struct lexicon *lx, const struct tok *t, size_t n, size_t i)
{
    if (!lx || i >= n)
        return 0;
    const struct pset *ps = &lx->ps;
    size_t best = 0;
    if (may_start(ps, &t[i])) {
        for (size_t j = key_lb(ps, t[i].id); j < ps->nkey && ps->key[j] == t[i].id; j++) {
            size_t k = ph_match(ps, &ps->ph[ps->idx[j]], t, n, i);
            if (k > best)
                best = k;
        }
    }
    for (size_t j = 0; j < ps->npfx; j++) {
        size_t k = ph_match(ps, &ps->ph[ps->pfx[j]], t, n, i);
        if (k > best)
            best = k;
    }
    return best;
}

bool lex_has_pfx(const struct lexicon *lx, const char *w, size_t wl)
{
    const struct pset *ps = &lx->ps;
    for (size_t j = 0; j < ps->npfx; j++) {
        const struct rphrase *p = &ps->ph[ps->pfx[j]];
        if (p->n != 1 || p->spaced)
            continue;
        struct tok t = {.kind = TK_WORD, .w = w, .wl = wl};
        if (code_eq(ps, ps->words[p->off], &t))
            return true;
    }
    return false;
}

bool lex_has(const struct lexicon *lx, const char *w, size_t wl)
{
    if (!lx)
        return false;
    return lex_has_id(lx, voc_find(lx->ps.voc, w, wl), w, wl);
}

void rules_sig(const struct rules *r, const struct tok *t, size_t n, struct rsig *sig)
{
    size_t nfw = r->nfw;
    uint64_t feat[RS_MAXFW];
    memset(feat, 0, sizeof feat);
    sig->tmask = 0;
    sig->node = false;
    for (size_t i = 0; i < n; i++) {
        if (t[i].kind == TK_ENT) {
            sig->tmask |= t[i].tmask;
            continue;
        }
        if (t[i].id) {
            const uint64_t *f = r->featmap + (size_t)t[i].id * nfw;
            for (size_t k = 0; k < nfw; k++)
                feat[k] |= f[k];
        }
        if (t[i].flags & TF_NODE)
            sig->node = true;
    }
    for (size_t k = 0; k < r->nslotf; k++)
        if (r->slotmask[k] & sig->tmask) {
            size_t f = r->nwfeat + k;
            feat[f / 64] |= (uint64_t)1 << (f % 64);
        }
    if (sig->node && r->nodef != SIZE_MAX)
        feat[r->nodef / 64] |= (uint64_t)1 << (r->nodef % 64);
    /* the rules needing no feature the sentence lacks */
    memset(sig->cand, 0, r->nrw * sizeof *sig->cand);
    for (size_t i = 0; i < r->nr; i++) {
        const uint64_t *req = r->r[i].req;
        uint64_t miss = 0;
        for (size_t k = 0; k < nfw; k++)
            miss |= req[k] & ~feat[k];
        if (!miss)
            sig->cand[i / 64] |= (uint64_t)1 << (i % 64);
    }
}

bool rule_may_match(const struct rules *r, size_t ri, const struct rsig *sig)
{
    return ri < r->nr && ((sig->cand[ri / 64] >> (ri % 64)) & 1);
}

struct mstate {
    const struct rule *r;
    const struct tok *t;
    size_t n;
    struct rmatch *m;
};

static bool same_ents(const struct tok *a, const struct tok *b)
{
    if (a->ne != b->ne)
        return false;
    for (size_t i = 0; i < a->ne; i++)
        if (a->ent[i] != b->ent[i])
            return false;
    return true;
}

static bool m_el(struct mstate *st, size_t ei, size_t ti, const struct relem *ps, size_t pt);

static bool m_slot(struct mstate *st, size_t ei, size_t ti, const struct relem *el)
{
    const struct tok *tk = &st->t[ti];
    bool fit = el->kind == RE_NODE ? (tk->kind == TK_WORD && (tk->flags & TF_NODE))
                                   : (tk->kind == TK_ENT && (tk->tmask & el->tmask));
    if (!fit)
        return false;
    if ((el->role == RR_S || el->role == RR_T) && (st->r->flags & RF_NOCOREF) &&
        (tk->flags & TF_COREF))
        return false;
    struct rmatch *m = st->m;
    if (el->role == RR_X) {
        if (m->nx >= RM_MAXX)
            return false;
        m->x[m->nx++] = ti;
        if (m_el(st, ei + 1, ti + 1, el, ti))
            return true;
        m->nx--;
        return false;
    }
    size_t old = m->role[el->role];
    m->role[el->role] = ti;
    if (m_el(st, ei + 1, ti + 1, el->kind == RE_SLOT ? el : NULL, ti))
        return true;
    m->role[el->role] = old;
    return false;
}

/* The word element el at token ti: its matching alternatives in order, each
 * followed by the rest of the pattern. A failed attempt leaves the match
 * state as it was, so an alternative consuming as many tokens with the same
 * tie as one already tried cannot succeed and is skipped. */
static bool m_word(struct mstate *st, size_t ei, size_t ti, const struct relem *el,
                   const struct relem *ps, size_t pt)
{
    const struct pset *p = &el->ps;
    size_t tried[8][2], ntried = 0;
    size_t j = 0, jend = 0;
    bool all = p->npfx != 0; /* a prefix word: try every alternative in order */
    if (all)
        jend = p->n;
    else if (ti < st->n && may_start(p, &st->t[ti])) {
        j = key_lb(p, st->t[ti].id);
        jend = p->nkey;
    }
    for (; j < jend; j++) {
        if (!all && p->key[j] != st->t[ti].id)
            break;
        const struct rphrase *ph = &p->ph[all ? j : p->idx[j]];
        size_t k = ph_match(p, ph, st->t, st->n, ti);
        if (!k)
            continue;
        bool dup = false;
        for (size_t q = 0; q < ntried && !dup; q++)
            dup = tried[q][0] == k && tried[q][1] == ph->keep;
        if (dup)
            continue;
        if (ntried < 8) {
            tried[ntried][0] = k;
            tried[ntried][1] = ph->keep;
            ntried++;
        }
        /* after a content word the subject is settled; "'s" and
         * punctuation keep the gap tied to the slot before them */
        const struct relem *nps = ph->keep ? ps : NULL;
        if (el->quant == '*' ? m_el(st, ei, ti + k, nps, pt) : m_el(st, ei + 1, ti + k, nps, pt))
            return true;
    }
    return el->quant && m_el(st, ei + 1, ti, ps, pt);
}

/* Words that open a parenthetical: a determiner or quantity of a noun
 * phrase, or a relative pronoun. An entity ("Huawei's unit") opens one too. */
static const char *const ap_open[] = {
    "a",     "an",  "the",   "its",    "their", "one",  "two",  "three",  "another", "both",
    "which", "who", "whose", "former", "now",   "then", "once", "itself", "also"};
/* Words that end the parenthetical's candidacy: a new clause of the main
 * sentence, or a quote. */
static const char *const ap_stop[] = {"said",  "says",  "but",    "while",   "when",
                                      "where", "after", "before", "because", "although",
                                      ";",     "\"",    "(",      ")"};
#define AP_MAX 14 /* tokens inside the commas */

static bool ap_word(const struct tok *t, const char *const *list, size_t nl)
{
    for (size_t k = 0; k < nl; k++)
        if (tk_word_is(t, list[k], strlen(list[k])))
            return true;
    return false;
}

/* The end (the token after the closing comma) of a parenthetical at ti, or 0. */
static size_t appos_end(const struct tok *t, size_t n, size_t ti)
{
    if (ti + 2 >= n || !tk_word_is(&t[ti], ",", 1))
        return 0;
    const struct tok *o = &t[ti + 1];
    if (o->kind != TK_ENT && !(o->flags & TF_DEMONYM) &&
        !ap_word(o, ap_open, sizeof ap_open / sizeof *ap_open))
        return 0;
    for (size_t j = ti + 2; j < n && j <= ti + 1 + AP_MAX; j++) {
        if (tk_word_is(&t[j], ",", 1))
            return j + 1;
        if (ap_word(&t[j], ap_stop, sizeof ap_stop / sizeof *ap_stop))
            return 0;
    }
    return 0;
}

static bool m_el(struct mstate *st, size_t ei, size_t ti, const struct relem *ps, size_t pt)
{
    const struct rule *r = st->r;
    if (ei == r->nel) {
        st->m->end = ti;
        return true;
    }
    const struct relem *el = &r->el[ei];
    switch (el->kind) {
    case RE_GAP:
        for (size_t k = 0; k <= el->gap && ti + k <= st->n; k++) {
            if (k > 0) {
                const struct tok *g = &st->t[ti + k - 1];
                /* a gap never skips an entity that could fill the slot before
                 * it: the nearest candidate is the one meant */
                if (ps && g->kind == TK_ENT && (g->tmask & ps->tmask) && !same_ents(g, &st->t[pt]))
                    return false;
            }
            if (m_el(st, ei + 1, ti + k, ps, pt))
                return true;
        }
        return false;
    case RE_APPOS: {
        if (m_el(st, ei + 1, ti, ps, pt))
            return true;
        size_t e = appos_end(st->t, st->n, ti);
        return e && m_el(st, ei + 1, e, ps, pt);
    }
    case RE_SLOT:
    case RE_NODE:
        if (ti < st->n && m_slot(st, ei, ti, el))
            return true;
        return el->quant == '?' && m_el(st, ei + 1, ti, ps, pt);
    case RE_WORD:
        /* the usual case: no alternative starts with this token */
        if (!el->ps.npfx && !(ti < st->n && may_start(&el->ps, &st->t[ti])))
            return el->quant && m_el(st, ei + 1, ti, ps, pt);
        return m_word(st, ei, ti, el, ps, pt);
    }
    return false;
}

size_t rule_next_start(const struct rule *r, const struct tok *t, size_t n, size_t st)
{
    const struct relem *e0 = &r->el[0];
    if (e0->kind == RE_SLOT && e0->quant != '?') {
        while (st < n && (t[st].kind != TK_ENT || !(t[st].tmask & e0->tmask)))
            st++;
    } else if (rel_required_word(e0)) {
        while (st < n && !may_start(&e0->ps, &t[st]))
            st++;
    }
    return st < n ? st : n;
}

bool rule_match_at(const struct rule *r, const struct tok *t, size_t n, size_t start,
                   struct rmatch *m)
{
    /* the usual first element, a required slot or word, rejects most starts */
    const struct relem *e0 = &r->el[0];
    if (e0->kind == RE_SLOT && e0->quant != '?' &&
        (start >= n || t[start].kind != TK_ENT || !(t[start].tmask & e0->tmask)))
        return false;
    if (rel_required_word(e0) && (start >= n || !may_start(&e0->ps, &t[start])))
        return false;
    for (size_t i = 0; i < RR__COUNT; i++)
        m->role[i] = SIZE_MAX;
    m->nx = 0;
    m->start = start;
    m->end = start;
    struct mstate st = {.r = r, .t = t, .n = n, .m = m};
    return m_el(&st, 0, start, NULL, 0);
}
