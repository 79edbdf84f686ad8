/* extractor/pstage.c — the parse layer as a second stage. After the token
 * rules, a sentence goes to the parser only when it is a candidate: at least
 * two entity mentions, a word that inflects a frame's lemma, at most
 * PZ_MAX_WORDS words, and an entity pair the token rules left unconnected.
 * Its entity mentions are collapsed into single placeholder words (multi-word
 * names and "U.S." otherwise confuse the parser), the frames read their roles
 * off the linkage, and what the token rules did not already produce is added
 * with the frame's name as evidence rule. The same walk writes --explain. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "extractor/frames.h"
#include "extractor/parse.h"
#include "extractor/roles.h"
#include "extractor/work.h"

#define PS_HEDGE 0.6
#define PS_COREF 0.85
#define PS_MAXE  8
/* The article's parse budget, counted, not clocked, so that the same article
 * gives the same facts on any machine and under any load: at most
 * PS_MAX_PARSES sentences and PS_WORD_BUDGET words parsed, the most
 * promising candidates first (cand_cmp). A parse of 20-32 words costs 20-60
 * ms of CPU (Link Grammar ranks up to PZ_LINKAGES linkages), one of 12 a few
 * ms. After the gate a ~2.5 KB devset article has 0-5 candidates (at most 76
 * words), a 5 KB bench/post-latency article up to 8 (214 words); the one
 * devset sentence frames add to comes first in its article. 40 words (one
 * long sentence, two of 20, three short ones) keeps a 5 KB POST near 50 ms
 * of CPU and p99 under 1 s with 4 clients on a shared 2-core machine, and
 * costs nothing on the devset, the held-out articles or the seeds (60 and 80
 * gave the same results there). Each parse is also under Link Grammar's
 * max_parse_time and PZ_MAX_WORDS. */
#ifndef PS_WORD_BUDGET
#define PS_WORD_BUDGET 40
#endif
#define PS_MAX_PARSES 12
/* A safety net only: parse CPU time per article (the calling thread's). Hit
 * only when single parses are pathologically slow; then the article keeps
 * the frames found so far and the token rules' results, and --explain says so. */
#define PS_BUDGET_MS  3000.0

static const char *ename(const struct work *w, size_t e)
{
    return w->ents[e].name;
}

static bool has_lexicon(const struct tk_sent *ts, const struct lexicon *lx)
{
    for (size_t i = 0; lx && i < ts->n; i++)
        if (lex_match(lx, ts->t, ts->n, i))
            return true;
    return false;
}

static bool frame_lemma(const struct frame *f, const char *wd, size_t wl)
{
    for (size_t j = 0; j < f->nlem; j++)
        if (fr_inflects(wd, wl, f->lem[j]))
            return true;
    return false;
}

/* Marks in trig[] the frames whose lemma some word of the sentence inflects;
 * returns how many. */
static size_t triggered(const struct frames *fs, const struct tk_sent *ts, bool *trig)
{
    size_t n = 0;
    for (size_t k = 0; k < fs->n; k++)
        trig[k] = false;
    for (size_t i = 0; i < ts->n; i++) {
        const struct tok *t = &ts->t[i];
        if (t->kind != TK_WORD || t->wl < 3)
            continue;
        for (size_t k = 0; k < fs->n; k++)
            if (!trig[k] && frame_lemma(&fs->f[k], t->w, t->wl)) {
                trig[k] = true;
                n++;
            }
    }
    return n;
}

static bool implicit_role(const struct fr_role *r)
{
    for (size_t s = 0; s < r->nsrc; s++)
        if (r->src[s] == FS_IMPLICIT)
            return true;
    return false;
}

/* Whether entities a and b are already connected by a result of sentence si. */
static bool connected(const struct work *w, size_t si, size_t a, size_t b)
{
    for (size_t i = 0; i < w->nfacts; i++) {
        const struct wfact *f = &w->facts[i];
        if (f->sent == si && ((f->s == a && f->o == b) || (f->s == b && f->o == a)))
            return true;
    }
    for (size_t i = 0; i < w->nsanc; i++) {
        const struct wsanc *s = &w->sanc[i];
        if (s->sent == si && ((s->imp == a && s->tgt == b) || (s->imp == b && s->tgt == a)))
            return true;
    }
    return false;
}

/* The sentence's distinct entities (e[64]); true when some pair is unconnected. */
static bool open_pair(const struct work *w, size_t si, const struct tk_sent *ts, size_t *e,
                      size_t *nent)
{
    size_t n = 0;
    for (size_t i = 0; i < ts->n; i++)
        for (size_t j = 0; ts->t[i].kind == TK_ENT && j < ts->t[i].ne; j++) {
            size_t x = ts->t[i].ent[j], k = 0;
            while (k < n && e[k] != x)
                k++;
            if (k == n && n < 64)
                e[n++] = x;
        }
    *nent = n;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (!connected(w, si, e[i], e[j]))
                return true;
    return false;
}

static bool fact_exists(const struct work *w, size_t s, size_t o, int pred)
{
    for (size_t i = 0; i < w->nfacts; i++)
        if (w->facts[i].s == s && w->facts[i].o == o && (int)w->facts[i].pred == pred)
            return true;
    return false;
}

static bool sanc_exists(const struct work *w, size_t imp, size_t tgt, int m)
{
    for (size_t i = 0; i < w->nsanc; i++)
        if (w->sanc[i].imp == imp && w->sanc[i].tgt == tgt && (int)w->sanc[i].measure == m)
            return true;
    return false;
}

static bool foreign(const struct work *w, size_t a, size_t b)
{
    const char *x = w->ents[a].country, *y = w->ents[b].country;
    return a != b && (!x[0] || !y[0] || strcmp(x, y));
}

/* Whether some entity of the sentence (e[0..n)) is of a type in mask. */
static bool has_type(const struct work *w, const size_t *e, size_t n, unsigned mask)
{
    for (size_t i = 0; i < n; i++)
        if (mask & (1u << w->ents[e[i]].type))
            return true;
    return false;
}

/* Whether a word of the sentence inflects one of f's governing lemmas (a
 * frame with gov= fires only under one of them: "stopped shipping"). */
static bool gov_word(const struct frame *f, const struct tk_sent *ts)
{
    if (!f->ngov)
        return true;
    for (size_t i = 0; i < ts->n; i++) {
        const struct tok *t = &ts->t[i];
        for (size_t k = 0; t->kind == TK_WORD && k < f->ngov; k++)
            if (fr_inflects(t->w, t->wl, f->gov[k]))
                return true;
    }
    return false;
}

/* Whether role r could be read off some parse of the sentence: a role read
 * only from prepositional phrases needs one of its prepositions as a word
 * ("restrict exports to China"). */
static bool role_possible(const struct fr_role *r, const struct tk_sent *ts)
{
    for (size_t s = 0; s < r->nsrc; s++) {
        if (r->src[s] != FS_PP)
            return true;
        size_t pl = strlen(r->prep[s]);
        for (size_t i = 0; i < ts->n; i++)
            if (ts->t[i].kind == TK_WORD && ts->t[i].wl == pl &&
                !memcmp(ts->t[i].w, r->prep[s], pl))
                return true;
    }
    return false;
}

/* Whether the token rules already produced f's predicate or measure from
 * sentence si: its trigger word is taken, and what a parse could add there
 * is a second pair for the same word, which the rules' lists already cover. */
static bool consumed(const struct work *w, size_t si, const struct frame *f)
{
    if (f->kind == 'F') {
        for (size_t i = 0; i < w->nfacts; i++)
            if (w->facts[i].sent == si && (int)w->facts[i].pred == f->what)
                return true;
        return false;
    }
    for (size_t i = 0; i < w->nsanc; i++)
        if (w->sanc[i].sent == si && (int)w->sanc[i].measure == f->what)
            return true;
    return false;
}

/* Whether frame f could add something here. Every role must have a
 * candidate of its types in the sentence (an implicit imposer excepted), a
 * frame with governing lemmas needs one of them, and two entities must fit
 * its two main roles with a result the article does not already hold: not
 * connected in this sentence and, in that direction, not already found with
 * f's predicate or measure anywhere in the article (emit() would drop it as
 * "already found by the token rules"). A frame whose imposer may be implicit
 * needs only a target without f's measure in the article. The gate reads
 * only the token rules' results and earlier frames' results, so it is the
 * same for the same article on any machine. */
static bool frame_fits(const struct work *w, size_t si, const struct tk_sent *ts,
                       const struct frame *f, const size_t *e, size_t n, size_t *pa, size_t *pb)
{
    *pa = *pb = SIZE_MAX;
    const struct fr_role *ra = NULL, *rb = NULL;
    for (size_t r = 0; r < f->nrole; r++) {
        char k = f->role[r].role;
        if (k == 'S' || k == 'I')
            ra = &f->role[r];
        else if (k == 'O' || k == 'T')
            rb = &f->role[r];
        else if (!has_type(w, e, n, f->role[r].tmask))
            return false;
        if (!role_possible(&f->role[r], ts))
            return false;
    }
    if (!ra || !rb || !gov_word(f, ts) || consumed(w, si, f))
        return false;
    for (size_t j = 0; j < n; j++) {
        if (!(rb->tmask & (1u << w->ents[e[j]].type)))
            continue;
        if (f->kind == 'S' && implicit_role(ra)) {
            bool found = false;
            for (size_t q = 0; q < w->nsanc && !found; q++)
                found = w->sanc[q].tgt == e[j] && (int)w->sanc[q].measure == f->what;
            if (!found) {
                *pb = e[j];
                return true;
            }
        }
        for (size_t i = 0; i < n; i++) {
            if (i == j || !(ra->tmask & (1u << w->ents[e[i]].type)) || connected(w, si, e[i], e[j]))
                continue;
            if (f->kind == 'F' ? !fact_exists(w, e[i], e[j], f->what)
                               : foreign(w, e[i], e[j]) && !sanc_exists(w, e[i], e[j], f->what)) {
                *pa = e[i];
                *pb = e[j];
                return true;
            }
        }
    }
    return false;
}

#define PS_WMAX (3 * PZ_MAX_WORDS) /* words of a sentence parsed at most (parse_all) */

struct words {
    char buf[PS_WMAX * 24];
    const char *wd[PS_WMAX + 1];
    uint32_t tok[PS_WMAX + 1]; /* input word -> token */
    size_t n, max;
};

static bool put_word(struct words *ws, size_t *used, const char *s, size_t l, uint32_t tok)
{
    if (ws->n >= ws->max || *used + l + 1 > sizeof ws->buf || l == 0)
        return false;
    char *d = ws->buf + *used;
    for (size_t i = 0; i < l; i++)
        d[i] = (s[i] == TX_OTHER || s[i] == ' ' || (unsigned char)s[i] < 32) ? 'x' : s[i];
    d[l] = '\0';
    ws->wd[ws->n] = d;
    ws->tok[ws->n++] = tok;
    *used += l + 1;
    return true;
}

/* The parser's words: each entity token becomes a given name the dictionary
 * knows as a proper noun ("John"; an unknown capitalised word gets the
 * dictionary's weak guess and wrong linkages), a coordinated group "John and
 * Mary"; other words keep their case. The name says nothing of the entity:
 * linkage words map back to tokens by position. */
static const char *const ph_names[] = {"John", "Mary", "Susan", "Peter",
                                       "Paul", "Anne", "David", "Helen"};
#define PH_N (sizeof ph_names / sizeof ph_names[0])

static bool build_words(const struct work *w, const struct tk_sent *ts, size_t max,
                        struct words *ws)
{
    size_t used = 0;
    ws->n = 0;
    ws->max = max < PS_WMAX ? max : PS_WMAX;
    for (size_t i = 0; i < ts->n; i++) {
        const struct tok *t = &ts->t[i];
        if (t->kind == TK_ENT) {
            const char *ph = ph_names[i % PH_N], *ph2 = ph_names[(i + 1) % PH_N];
            if (!put_word(ws, &used, ph, strlen(ph), (uint32_t)i))
                return false;
            if (t->ne > 1 && (!put_word(ws, &used, "and", 3, (uint32_t)i) ||
                              !put_word(ws, &used, ph2, strlen(ph2), (uint32_t)i)))
                return false;
            /* a possessive reference keeps its case: "its addition" */
            if ((t->flags & TF_COREF) &&
                ((t->wl == 3 && !memcmp(t->w, "its", 3)) ||
                 (t->wl == 5 && !memcmp(t->w, "their", 5))) &&
                !put_word(ws, &used, "'s", 2, (uint32_t)i))
                return false;
            continue;
        }
        const char *s = t->w;
        size_t l = t->wl;
        if (t->e > t->s && t->e - t->s == t->wl) {
            s = w->tx.norm + t->s;
        }
        /* "start-ups", "state-backed": one word, as the dictionary expects
         * (split, "ups" is taken for a verb) */
        size_t j = i;
        while (j + 2 < ts->n && ts->t[j + 1].kind == TK_WORD && ts->t[j + 1].wl == 1 &&
               ts->t[j + 1].w[0] == '-' && ts->t[j + 2].kind == TK_WORD &&
               ts->t[j].e == ts->t[j + 1].s && ts->t[j + 1].e == ts->t[j + 2].s &&
               ts->t[j + 2].e - t->s < 48 && ts->t[j + 2].e - ts->t[j + 2].s == ts->t[j + 2].wl &&
               t->e - t->s == t->wl)
            j += 2;
        if (j > i) {
            s = w->tx.norm + t->s;
            l = ts->t[j].e - t->s;
        }
        if (!put_word(ws, &used, s, l, (uint32_t)i))
            return false;
        i = j;
    }
    return ws->n > 0;
}

/* Entities of a role: the first source whose words resolve to entities of an
 * accepted type; osp receives the span of the token that named each. */
static size_t role_ents(const struct work *w, const struct rl_ctx *c, const struct tk_sent *ts,
                        size_t trig, char pos, const struct fr_role *r, size_t *out,
                        struct wspan *osp)
{
    for (size_t s = 0; s < r->nsrc; s++) {
        if (r->src[s] == FS_AFTER) {
            for (size_t q = c->tok[trig] + 1; q < ts->n; q++) {
                const struct tok *t = &ts->t[q];
                if (t->kind == TK_ENT && (r->tmask & (1u << w->ents[t->ent[0]].type))) {
                    out[0] = t->ent[0];
                    osp[0] = wspan_of(t);
                    return 1;
                }
            }
            continue;
        }
        size_t words[RL_MAXW];
        size_t nw = rl_role_words(c, trig, pos, r->src[s], r->prep[s], words);
        size_t n = 0;
        for (size_t i = 0; i < nw; i++) {
            uint32_t toks[PS_MAXE];
            size_t nt = rl_entities(c, words[i], toks, PS_MAXE);
            for (size_t j = 0; j < nt; j++) {
                const struct tok *t = &ts->t[toks[j]];
                for (size_t q = 0; q < t->ne && n < PS_MAXE; q++) {
                    size_t e = t->ent[q], d = 0;
                    if (!(r->tmask & (1u << w->ents[e].type)))
                        continue;
                    while (d < n && out[d] != e)
                        d++;
                    if (d == n) {
                        osp[n] = wspan_of(t);
                        out[n++] = e;
                    }
                }
            }
        }
        if (n)
            return n;
    }
    return 0;
}

static bool governed(const struct rl_ctx *c, size_t t, const struct frame *f)
{
    if (!f->ngov)
        return true;
    size_t ch[8], g = f->pos == 'v' ? t : rl_governor(c, t);
    bool passive;
    if (g == SIZE_MAX)
        return false;
    size_t nch = rl_chain(c, g, ch, &passive);
    char b[32];
    for (size_t j = f->pos == 'v' ? 1 : 0; j < nch; j++) {
        rl_base(c, ch[j], b, sizeof b);
        for (size_t k = 0; k < f->ngov; k++)
            if (fr_inflects(b, strlen(b), f->gov[k]))
                return true;
    }
    return false;
}

/* An entity already seen imposing in this article (or one of its country);
 * any body when none has been seen yet. */
static bool known_imposer(const struct work *w, size_t e)
{
    for (size_t i = 0; i < w->nsanc; i++) {
        size_t k = w->sanc[i].imp;
        if (k == e || (w->ents[e].country[0] && !strcmp(w->ents[k].country, w->ents[e].country)))
            return true;
    }
    return w->nsanc == 0;
}

/* A body (agency or country, not a demonym group) named in ts, nearest
 * before token `at` first, foreign to tgt and a known imposer. */
static bool body_fits(const struct work *w, const struct tok *t, size_t tgt)
{
    unsigned mask = (1u << EX_T_AGENCY) | (1u << EX_T_COUNTRY);
    if (t->kind != TK_ENT || !(t->tmask & mask) || (t->flags & TF_GROUP))
        return false;
    size_t e = t->ent[0];
    return (mask & (1u << w->ents[e].type)) && foreign(w, e, tgt) && known_imposer(w, e);
}

static size_t body_in(const struct work *w, const struct tk_sent *ts, size_t at, size_t tgt)
{
    size_t lim = at < ts->n ? at : ts->n;
    for (size_t i = lim; i-- > 0;)
        if (body_fits(w, &ts->t[i], tgt))
            return ts->t[i].ent[0];
    for (size_t i = lim; i < ts->n; i++)
        if (body_fits(w, &ts->t[i], tgt))
            return ts->t[i].ent[0];
    return SIZE_MAX;
}

/* The article's main imposer so far: the one with the most sanctions,
 * foreign to tgt. */
static size_t main_imposer(const struct work *w, size_t tgt)
{
    size_t best = SIZE_MAX, bn = 0;
    for (size_t i = 0; i < w->nsanc; i++) {
        size_t e = w->sanc[i].imp, c = 0;
        if (!foreign(w, e, tgt))
            continue;
        for (size_t j = 0; j < w->nsanc; j++)
            c += w->sanc[j].imp == e;
        if (c > bn) {
            best = e;
            bn = c;
        }
    }
    return best;
}

/* The country whose list `list` is ("the Entity List": the United States). */
static enum ex_err list_country(struct work *w, size_t list, size_t *out)
{
    *out = SIZE_MAX;
    const char *cc = list == SIZE_MAX ? "" : w->ents[list].country;
    if (!cc[0])
        return EX_OK;
    for (size_t i = 0; i < w->nents; i++)
        if (w->ents[i].type == EX_T_COUNTRY && !strcmp(w->ents[i].country, cc)) {
            *out = i;
            return EX_OK;
        }
    return work_country_by_code(w, cc, out);
}

/* The imposer a sanction frame leaves unsaid ("was added to the Entity
 * List", "its addition to the list"): a body named in the sentence, the
 * list's country, the article's main imposer, a body named in the previous
 * evidence sentence. SIZE_MAX when none fits. */
static enum ex_err implicit_imposer(struct work *w, size_t si, size_t at, size_t tgt, size_t list,
                                    size_t *out)
{
    *out = body_in(w, &w->toks[si], at, tgt);
    if (*out != SIZE_MAX)
        return EX_OK;
    enum ex_err err = list_country(w, list, out);
    if (err || (*out != SIZE_MAX && foreign(w, *out, tgt)))
        return err;
    *out = main_imposer(w, tgt);
    if (*out != SIZE_MAX)
        return EX_OK;
    for (size_t p = si; p-- > 0;)
        if (w->sents[p].evidence) {
            *out = body_in(w, &w->toks[p], w->toks[p].n, tgt);
            break;
        }
    return EX_OK;
}

static enum ex_err emit(struct work *w, size_t si, const struct tk_sent *ts, const struct frame *f,
                        size_t *const ent[FR_MAXROLE], struct wspan *const esp[FR_MAXROLE],
                        const size_t *nent, bool hedged)
{
    enum ex_err err = EX_OK;
    size_t a = SIZE_MAX, b = SIZE_MAX; /* role indexes: S/I and O/T */
    for (size_t r = 0; r < f->nrole; r++) {
        char k = f->role[r].role;
        if (k == 'S' || k == 'I')
            a = r;
        else if (k == 'O' || k == 'T')
            b = r;
    }
    if (a == SIZE_MAX || b == SIZE_MAX)
        return EX_OK;
    double conf = f->conf * (hedged ? PS_HEDGE : 1.0);
    for (size_t i = 0; i < nent[a]; i++)
        for (size_t j = 0; j < nent[b]; j++) {
            size_t x = ent[a][i], y = ent[b][j];
            if (x == y)
                continue;
            if (f->kind == 'F') {
                if (fact_exists(w, x, y, f->what)) {
                    work_xp(w, "    frame %s: %s %s %s already found by the token rules\n", f->name,
                            ename(w, x), ex_pred_name((enum ex_pred)f->what), ename(w, y));
                    continue;
                }
                struct wfact fa = {.s = x,
                                   .o = y,
                                   .pred = (enum ex_pred)f->what,
                                   .conf = conf,
                                   .status = hedged ? EX_S_HEDGED : EX_S_ASSERTED,
                                   .sent = si,
                                   .span = {esp[a][i], esp[b][j]},
                                   .rule = f->name};
                work_xp(w, "    frame %s FIRED: fact %s %s %s%s\n", f->name, ename(w, x),
                        ex_pred_name(fa.pred), ename(w, y), hedged ? " (hedged)" : "");
                if ((err = push_fact(w, &fa)))
                    return err;
                continue;
            }
            if (!foreign(w, x, y)) {
                work_xp(w, "    frame %s dropped: %s and %s are of one country\n", f->name,
                        ename(w, x), ename(w, y));
                continue;
            }
            if (sanc_exists(w, x, y, f->what)) {
                work_xp(w, "    frame %s: %s -> %s %s already found by the token rules\n", f->name,
                        ename(w, x), ename(w, y), ex_measure_name((enum ex_measure)f->what));
                continue;
            }
            struct wsanc s;
            memset(&s, 0, sizeof s);
            s.imp = x;
            s.tgt = y;
            s.measure = (enum ex_measure)f->what;
            s.conf = conf;
            s.status = hedged ? EX_S_HEDGED : EX_S_ASSERTED;
            s.sent = si;
            s.span[EX_ROLE_A] = esp[a][i];
            s.span[EX_ROLE_B] = esp[b][j];
            s.rule = f->name;
            struct dt_date d;
            if (dates_find(w->tx.low, w->sents[si].s, w->sents[si].e, &w->anchor, &d, NULL))
                dates_format(&d, s.date);
            unsigned im = (1u << EX_T_CHIP) | (1u << EX_T_PRODUCT) | (1u << EX_T_AI_MODEL);
            for (size_t q = 0; q < ts->n && s.nitems < RM_MAXX; q++) {
                const struct tok *t = &ts->t[q];
                if (t->kind == TK_ENT && (t->tmask & im) && !(t->flags & TF_COREF)) {
                    s.items[s.nitems] = strdup(ename(w, t->ent[0]));
                    if (!s.items[s.nitems])
                        return EX_E_NOMEM;
                    s.nitems++;
                }
            }
            work_xp(w, "    frame %s FIRED: sanction %s -> %s %s%s\n", f->name, ename(w, x),
                    ename(w, y), ex_measure_name(s.measure), hedged ? " (hedged)" : "");
            if ((err = push_sanc(w, &s)))
                return err;
        }
    (void)ts;
    return EX_OK;
}

static const char *src_name(enum fr_src s)
{
    static const char *const n[] = {"agent", "theme", "pp", "poss", "self", "after", "implicit"};
    return n[s];
}

/* Runs every frame whose lemma word t inflects. */
static enum ex_err run_frames(struct work *w, size_t si, const struct tk_sent *ts,
                              const struct rl_ctx *c, size_t t, bool hedged, bool hypo)
{
    const struct frames *fs = w->x->frames;
    char b[32];
    rl_base(c, t, b, sizeof b);
    size_t bl = strlen(b);
    char pos = rl_pos(c, t);
    if (c->tok[t] == PZ_NONE || c->isent[c->tok[t]] || bl < 3)
        return EX_OK;
    for (size_t k = 0; k < fs->n; k++) {
        const struct frame *f = &fs->f[k];
        if (!frame_lemma(f, b, bl) || (f->pos == 'v') != (pos == 'v'))
            continue;
        if (!governed(c, t, f)) {
            work_xp(w, "    frame %s on '%s' dropped: not governed by its verb\n", f->name, b);
            continue;
        }
        if (rl_negated(c, t)) {
            work_xp(w, "    frame %s on '%s' dropped: negated\n", f->name, b);
            continue;
        }
        if (f->kind == 'S' && hypo) {
            work_xp(w, "    frame %s on '%s' dropped: a measure only considered\n", f->name, b);
            continue;
        }
        size_t ebuf[FR_MAXROLE][PS_MAXE], nent[FR_MAXROLE] = {0};
        struct wspan sbuf[FR_MAXROLE][PS_MAXE];
        size_t *ent[FR_MAXROLE];
        struct wspan *esp[FR_MAXROLE];
        bool ok = true;
        for (size_t r = 0; r < f->nrole; r++) {
            ent[r] = ebuf[r];
            esp[r] = sbuf[r];
            nent[r] = role_ents(w, c, ts, t, f->pos, &f->role[r], ebuf[r], sbuf[r]);
            if (w->xp) {
                work_xp(w, "    frame %s on '%s': %c (", f->name, b, f->role[r].role);
                for (size_t s = 0; s < f->role[r].nsrc; s++)
                    work_xp(w, "%s%s%s%s", s ? "," : "", src_name(f->role[r].src[s]),
                            f->role[r].src[s] == FS_PP ? ":" : "",
                            f->role[r].src[s] == FS_PP ? f->role[r].prep[s] : "");
                work_xp(w, ") =");
                for (size_t q = 0; q < nent[r]; q++)
                    work_xp(w, " [%s]", ename(w, ebuf[r][q]));
                work_xp(w, "%s\n", nent[r] ? "" : " none");
            }
            if (!nent[r])
                ok = false;
        }
        /* an unsaid imposer, once the target is known */
        for (size_t r = 0; r < f->nrole && f->kind == 'S'; r++) {
            if (nent[r] || f->role[r].role != 'I' || !implicit_role(&f->role[r]))
                continue;
            size_t tr = SIZE_MAX, lr = SIZE_MAX;
            for (size_t q = 0; q < f->nrole; q++) {
                if (f->role[q].role == 'T' && nent[q])
                    tr = q;
                if (f->role[q].role == 'L' && nent[q])
                    lr = q;
            }
            if (tr == SIZE_MAX)
                break;
            size_t imp = SIZE_MAX;
            enum ex_err err = implicit_imposer(w, si, c->tok[t], ebuf[tr][0],
                                               lr == SIZE_MAX ? SIZE_MAX : ebuf[lr][0], &imp);
            if (err)
                return err;
            if (imp != SIZE_MAX && (f->role[r].tmask & (1u << w->ents[imp].type))) {
                ebuf[r][0] = imp;
                sbuf[r][0] = wspan_of(NULL); /* not named where it was read */
                nent[r] = 1;
                work_xp(w, "    frame %s on '%s': I (implicit) = [%s]\n", f->name, b,
                        ename(w, imp));
            }
        }
        ok = true;
        for (size_t r = 0; r < f->nrole; r++)
            ok = ok && nent[r];
        if (!ok) {
            work_xp(w, "    frame %s on '%s' dropped: a role is unfilled\n", f->name, b);
            continue;
        }
        enum ex_err err = emit(w, si, ts, f, ent, esp, nent, hedged);
        if (err)
            return err;
    }
    return EX_OK;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void explain_sentence(struct work *w, size_t si, const struct tk_sent *ts)
{
    const struct tx_sent *s = &w->sents[si];
    work_xp(w, "sentence %zu [%zu,%zu): %.*s\n", si, (size_t)s->s, (size_t)s->e,
            (int)(tx_byte(&w->tx, s->e) - tx_byte(&w->tx, s->s)),
            w->tx.orig + tx_byte(&w->tx, s->s));
    work_xp(w, "  mentions:");
    size_t k = 0;
    for (size_t i = 0; i < ts->n; i++) {
        const struct tok *t = &ts->t[i];
        if (t->kind != TK_ENT)
            continue;
        for (size_t j = 0; j < t->ne; j++, k++)
            work_xp(w, " [%s:%s%s]", ename(w, t->ent[j]), ex_type_name(w->ents[t->ent[j]].type),
                    (t->flags & TF_COREF)   ? ",reference"
                    : (t->flags & TF_GROUP) ? ",group"
                                            : "");
    }
    work_xp(w, "%s\n", k ? "" : " none");
    for (size_t i = 0; i < w->nfacts; i++) {
        const struct wfact *f = &w->facts[i];
        if (f->sent == si)
            work_xp(w, "  rule %s: fact %s %s %s (%s)\n", f->rule, ename(w, f->s),
                    ex_pred_name(f->pred), f->o == EX_NONE ? f->value : ename(w, f->o),
                    ex_status_name(f->status));
    }
    for (size_t i = 0; i < w->nsanc; i++) {
        const struct wsanc *x = &w->sanc[i];
        if (x->sent == si)
            work_xp(w, "  rule %s: sanction %s -> %s %s (%s)\n", x->rule, ename(w, x->imp),
                    ename(w, x->tgt), ex_measure_name(x->measure), ex_status_name(x->status));
    }
}

/* Runs the frames on every word of one linkage. */
static enum ex_err run_linkage(struct work *w, size_t si, const struct tk_sent *ts,
                               const struct words *ws, const struct pz_result *p, bool hedged,
                               bool hypo)
{
    uint32_t tokof[PS_WMAX * 3 + 8];
    bool isent[PS_WMAX + 8] = {false};
    if (p->nw == 0 || p->nw > sizeof tokof / sizeof tokof[0] || ts->n > PS_WMAX + 8)
        return EX_OK;
    for (size_t i = 0; i < ts->n; i++)
        isent[i] = ts->t[i].kind == TK_ENT;
    for (size_t i = 0; i < p->nw; i++)
        tokof[i] = p->w[i].in == PZ_NONE ? PZ_NONE : ws->tok[p->w[i].in];
    struct rl_ctx c = {.p = p, .tok = tokof, .isent = isent};
    enum ex_err err = EX_OK;
    for (size_t i = 0; i < p->nw && !err; i++)
        err = run_frames(w, si, ts, &c, i, hedged, hypo);
    return err;
}

/* Whether sentence si is worth a parse now: it names an entity, some word
 * inflects a frame's lemma, and a triggered frame fits an open pair. Says why
 * not (or which frame and pair) when xp; trig[] is scratch (fs->n). */
static bool gate(struct work *w, size_t si, bool *trig, bool xp)
{
    const struct frames *fs = w->x->frames;
    const struct tk_sent *ts = &w->toks[si];
    size_t nent = 0, ents[64];
    (void)open_pair(w, si, ts, ents, &nent);
    if (nent == 0) {
        if (xp)
            work_xp(w, "  parse: not a candidate (no entity)\n");
        return false;
    }
    if (!triggered(fs, ts, trig)) {
        if (xp)
            work_xp(w, "  parse: not a candidate (no frame's trigger word)\n");
        return false;
    }
    size_t fk = 0, pa = SIZE_MAX, pb = SIZE_MAX;
    for (; fk < fs->n; fk++)
        if (trig[fk] && frame_fits(w, si, ts, &fs->f[fk], ents, nent, &pa, &pb))
            break;
    if (fk == fs->n) {
        if (xp)
            work_xp(w, "  parse: not needed (no triggered frame has an open pair of its types)\n");
        return false;
    }
    if (xp)
        work_xp(w, "  parse: candidate (%s: %s -> %s open)\n", fs->f[fk].name,
                pa == SIZE_MAX ? "(implicit)" : ename(w, pa), ename(w, pb));
    return true;
}

/* Whether the token rules produced anything from sentence si. */
static bool has_result(const struct work *w, size_t si)
{
    for (size_t i = 0; i < w->nfacts; i++)
        if (w->facts[i].sent == si)
            return true;
    for (size_t i = 0; i < w->nsanc; i++)
        if (w->sanc[i].sent == si)
            return true;
    return false;
}

struct cand {
    size_t si, words;
    bool ruled; /* the token rules produced something from it */
};

/* The most promising first: sentences the token rules got nothing from (a
 * parse is their only chance), then the shorter (cheaper, and more often
 * parsed completely), then the earlier. */
static int cand_cmp(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    if (x->ruled != y->ruled)
        return x->ruled ? 1 : -1;
    if (x->words != y->words)
        return x->words < y->words ? -1 : 1;
    return x->si < y->si ? -1 : x->si > y->si;
}

/* Parses sentence c->si and runs the frames on its linkages. */
static enum ex_err parse_one(struct work *w, const struct cand *c, const struct words *ws,
                             double *ms)
{
    const struct rules *R = w->x->rules;
    const struct tk_sent *ts = &w->toks[c->si];
    struct pz_result p[PZ_TOPK];
    size_t np = 0;
    double t0 = now_ms();
    enum ex_err err = pz_parse_k(w->x->pz, ws->wd, ws->n, ws->max, p, PZ_TOPK, &np);
    *ms = now_ms() - t0;
    if (err)
        return err;
    if (w->xp) {
        work_xp(w,
                "  parse: %zu words, %.1f ms, %s%s%s, %ld found, %ld ranked, %zu linkage(s) "
                "read\n",
                ws->n, *ms, np ? (p[0].nulls ? "null links" : "complete") : "no linkage",
                p[0].retried ? " (null-link retry)" : "", p[0].timed_out ? ", timed out" : "",
                p[0].found, p[0].pp, np);
        for (size_t k = 0; np && k < p[0].nk; k++)
            work_xp(w, "    link %s(%s, %s)\n", p[0].k[k].lab, p[0].w[p[0].k[k].l].text,
                    p[0].w[p[0].k[k].r].text);
    }
    bool hedged = has_lexicon(ts, rules_known(R, LX_HEDGE));
    bool hypo = has_lexicon(ts, rules_known(R, LX_HYPO));
    /* the best linkage; the next ones only while nothing has come of it
     * (the parser's first choice is often wrong on long sentences) */
    size_t before = w->nfacts + w->nsanc;
    for (size_t k = 0; k < np && !err; k++) {
        if (k > 0 && w->nfacts + w->nsanc != before)
            break;
        if (k > 0 && w->xp) {
            work_xp(w, "  linkage %zu (the ones before added nothing)\n", k + 1);
            for (size_t q = 0; q < p[k].nk; q++)
                work_xp(w, "    link %s(%s, %s)\n", p[k].k[q].lab, p[k].w[p[k].k[q].l].text,
                        p[k].w[p[k].k[q].r].text);
        }
        err = run_linkage(w, c->si, ts, ws, &p[k], hedged, hypo);
    }
    for (size_t k = 0; k < PZ_TOPK; k++)
        pz_result_free(&p[k]);
    return err;
}

/* Two passes: the gate over every evidence sentence in order (what --explain
 * shows per sentence), then the candidates parsed most promising first
 * (cand_cmp) while the article's word budget lasts, each gated again since
 * the parses before it may have found what it would add. */
enum ex_err parse_stage(struct work *w)
{
    const struct frames *fs = w->x->frames;
    const bool all = w->x->parse_all;
    const size_t cap = all ? PS_WMAX : PZ_MAX_WORDS;
    bool *trig = fs && fs->n ? calloc(fs->n, sizeof *trig) : NULL;
    struct cand *cs = w->nsents ? calloc(w->nsents, sizeof *cs) : NULL;
    struct words *ws = malloc(sizeof *ws);
    enum ex_err err = EX_OK;
    if ((fs && fs->n && !trig) || (w->nsents && !cs) || !ws) {
        err = EX_E_NOMEM;
        goto out;
    }
    if (w->xp && !w->x->pz)
        work_xp(w, "parse layer: off\n");
    size_t nc = 0;
    for (size_t si = 0; si < w->nsents; si++) {
        const struct tk_sent *ts = &w->toks[si];
        if (!w->sents[si].evidence) {
            if (w->xp)
                work_xp(w, "sentence %zu: not evidence (headline-like or caption)\n", si);
            continue;
        }
        if (w->xp)
            explain_sentence(w, si, ts);
        if (!w->x->pz || !fs)
            continue;
        if (!all && !gate(w, si, trig, w->xp))
            continue;
        if (!build_words(w, ts, cap, ws)) {
            work_xp(w, "  parse: skipped (longer than %zu words)\n", cap);
            continue;
        }
        cs[nc++] = (struct cand){.si = si, .words = ws->n, .ruled = has_result(w, si)};
    }
    if (!all && nc > 1)
        qsort(cs, nc, sizeof *cs, cand_cmp);
    size_t parses = 0, used = 0;
    double spent = 0;
    for (size_t i = 0; i < nc && !err; i++) {
        const struct cand *c = &cs[i];
        if (w->xp)
            work_xp(w, "sentence %zu (candidate %zu of %zu, most promising first):\n", c->si, i + 1,
                    nc);
        if (!all) {
            if (!gate(w, c->si, trig, false)) {
                work_xp(w, "  parse: not needed any more (the parses before found its pairs)\n");
                continue;
            }
            if (parses >= PS_MAX_PARSES || used + c->words > PS_WORD_BUDGET ||
                spent >= PS_BUDGET_MS) {
                work_xp(w,
                        "  parse: skipped (%zu words; the article's parse budget has %zu "
                        "left)\n",
                        c->words, used < PS_WORD_BUDGET ? PS_WORD_BUDGET - used : 0);
                continue;
            }
        }
        if (!build_words(w, &w->toks[c->si], cap, ws))
            continue;
        double ms = 0;
        err = parse_one(w, c, ws, &ms);
        parses++;
        used += c->words;
        spent += ms;
    }
out:
    free(ws);
    free(cs);
    free(trig);
    return err;
}
