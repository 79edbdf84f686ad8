/* extractor/tokens.c — tokens, groups, coordinations and references. */
#include "extractor/tokens.h"

#include <stdlib.h>
#include <string.h>

#include "extractor/coref.h"
#include "extractor/rules.h"
#include "extractor/text.h"

/* Makes room for at least want tokens. */
static enum ex_err tv_reserve(struct tk_vec *v, size_t want)
{
    if (want <= v->cap)
        return EX_OK;
    size_t nc = v->cap ? v->cap * 2 : 64;
    while (nc < want)
        nc *= 2;
    struct tok *nt = realloc(v->t, nc * sizeof *nt);
    if (!nt)
        return EX_E_NOMEM;
    v->t = nt;
    v->cap = nc;
    return EX_OK;
}

static enum ex_err tv_push(struct tk_vec *v, const struct tok *t)
{
    if (v->n == v->cap) {
        enum ex_err err = tv_reserve(v, v->n + 1);
        if (err)
            return err;
    }
    v->t[v->n++] = *t;
    return EX_OK;
}

static size_t first_mention(const struct tk_in *in, size_t s)
{
    size_t lo = 0, hi = in->nm;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (in->m[mid].s < s)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* First known word starting at or after s. */
static size_t first_wid(const struct tk_in *in, size_t s)
{
    size_t lo = 0, hi = in->nwid;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (in->wid[mid].s < s)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* What raw_tokens saw, so passes with nothing to do are skipped. */
enum { RAW_DIGIT = 1, RAW_DEMONYM = 2, RAW_THE = 4 };

static enum ex_err raw_tokens(const struct tk_in *in, size_t s, size_t e, struct tk_vec *v,
                              unsigned *seen)
{
    const char *low = in->low;
    size_t mi = first_mention(in, s), wi = first_wid(in, s);
    size_t i = s;
    /* every token takes at least one code point: build them in place */
    enum ex_err err = tv_reserve(v, v->n + (e - s));
    if (err)
        return err;
    while (i < e) {
        while (mi < in->nm && in->m[mi].s < i)
            mi++;
        struct tok *tp = &v->t[v->n];
        memset(tp, 0, sizeof *tp);
#define t (*tp)
        if (mi < in->nm && in->m[mi].s == i && in->m[mi].e <= e) {
            const struct mention *m = &in->m[mi];
            t.s = m->s;
            t.e = m->e;
            t.w = low + m->s;
            t.wl = m->e - m->s;
            t.ne = 1;
            t.ent[0] = m->ent;
            if (m->demonym) {
                t.kind = TK_WORD;
                t.flags = TF_DEMONYM;
            } else {
                t.kind = TK_ENT;
                t.tmask = (uint16_t)(1u << in->etype[m->ent]);
            }
            i = m->e;
        } else if (tx_isalnum(low[i])) {
            size_t b = i;
            /* discovery split the same word (the same way when it has no
             * inner '-' or '&') */
            while (wi < in->nwid && in->wid[wi].s < b)
                wi++;
            if (wi < in->nwid && in->wid[wi].s == b && in->wid[wi].plain)
                i = in->wid[wi].e;
            else
                while (i < e && (tx_isalnum(low[i]) ||
                                 (low[i] == '.' && i + 1 < e && tx_isalnum(low[i + 1]) && i > b)))
                    i++;
            t.kind = TK_WORD;
            t.s = b;
            t.e = i;
        } else if (low[i] == '\'' && i + 1 < e && low[i + 1] == 's' &&
                   (i + 2 >= e || !tx_isalnum(low[i + 2]))) {
            t.kind = TK_WORD;
            t.s = i;
            t.e = i + 2;
            i += 2;
        } else if (low[i] == '\'' && i > s && low[i - 1] == 's' && v->n > 0 &&
                   tp[-1].kind == TK_ENT && tp[-1].e == i &&
                   (i + 1 >= e || !tx_isalnum(low[i + 1]))) {
            /* "Moore Threads' MTT S4000": a bare apostrophe after a name
             * ending in s is its possessive */
            t.kind = TK_WORD;
            t.s = i;
            t.e = ++i;
            t.w = "'s";
            t.wl = 2;
            t.id = rules_word_id(in->rules, "'s", 2);
        } else if (tx_isspace(low[i]) || low[i] == '"' || low[i] == TX_OTHER) {
            i++;
            continue;
        } else {
            t.kind = TK_WORD;
            t.s = i;
            t.e = ++i;
        }
        if (t.kind == TK_WORD && !t.w) {
            t.w = low + t.s;
            t.wl = t.e - t.s;
        }
        if (t.kind == TK_WORD) {
            if (tx_isdigit(t.w[0]))
                *seen |= RAW_DIGIT;
            if (t.flags & TF_DEMONYM)
                *seen |= RAW_DEMONYM;
            if (t.wl == 3 && !memcmp(t.w, "the", 3))
                *seen |= RAW_THE;
            /* discovery looked most words up already */
            while (wi < in->nwid && in->wid[wi].s < t.s)
                wi++;
            if (t.wl == 3 && !memcmp(t.w, "may", 3) && t.s > s && in->norm[t.s] == 'M') {
                /* "in May", "since May 2019": the month, not the modal verb a
                 * hedge cue is (a capital inside a sentence) */
                t.w = "(may)";
                t.wl = 5;
                t.id = 0;
            } else if (t.e - t.s != t.wl)
                ; /* a bare possessive apostrophe: its id is set above */
            else if (wi < in->nwid && in->wid[wi].s == t.s && in->wid[wi].e == t.e)
                t.id = in->wid[wi].id;
            else
                t.id = rules_word_id_tx(in->rules, t.w, t.wl);
        }
#undef t
        v->n++;
    }
    return EX_OK;
}

static bool is_number(const char *w, size_t l)
{
    if (!l || !tx_isdigit(w[0]))
        return false;
    for (size_t i = 0; i < l; i++)
        if (!tx_isdigit(w[i]) && w[i] != '.')
            return false;
    return true;
}

static void set_node(struct tok *t, const char *num, size_t l)
{
    if (l + 3 > sizeof t->val)
        return;
    memcpy(t->val, num, l);
    memcpy(t->val + l, "nm", 3);
    t->flags |= TF_NODE;
}

/* "7nm", "7 nm", "7-nanometer" become one node token. */
static void mark_nodes(const struct tk_in *in, struct tk_vec *v)
{
    size_t k = 0;
    for (size_t i = 0; i < v->n; i++) {
        struct tok *t = &v->t[i]; /* changed in place, then moved down to k */
        size_t at = i;
        if (t->kind == TK_WORD && t->wl && tx_isdigit(t->w[0])) {
            if (t->wl > 2 && !memcmp(t->w + t->wl - 2, "nm", 2) && is_number(t->w, t->wl - 2)) {
                set_node(t, t->w, t->wl - 2);
            } else if (is_number(t->w, t->wl)) {
                size_t j = i + 1;
                if (j < v->n && tk_word_is(&v->t[j], "-", 1))
                    j++;
                if (j < v->n &&
                    (tk_word_is(&v->t[j], "nm", 2) || tk_word_is(&v->t[j], "nanometer", 9) ||
                     tk_word_is(&v->t[j], "nanometre", 9))) {
                    set_node(t, t->w, t->wl);
                    t->e = v->t[j].e;
                    t->wl = t->e - t->s;
                    t->id = rules_word_id_tx(in->rules, t->w, t->wl);
                    i = j;
                }
            }
        }
        if (k != at)
            v->t[k] = v->t[at];
        k++;
    }
    v->n = k;
}

static bool is_wordish(const struct tok *t)
{
    return t->kind == TK_WORD && t->wl && tx_isalnum(t->w[0]) && !(t->flags & TF_DEMONYM);
}

/* "several Chinese AI companies" -> one country ENT token (TF_GROUP). */
static void mark_groups(const struct tk_in *in, struct tk_vec *v)
{
    const struct lexicon *gn = rules_known(in->rules, LX_GROUPNOUN);
    const struct lexicon *stop = rules_known(in->rules, LX_STOPWORD);
    if (!gn)
        return;
    size_t k = 0;
    for (size_t i = 0; i < v->n; i++) {
        size_t at = i;
        if (v->t[i].kind == TK_WORD && (v->t[i].flags & TF_DEMONYM)) {
            size_t j = i + 1, mods = 0;
            size_t hit = 0;
            while (j < v->n && mods <= 3) {
                size_t g = lex_match(gn, v->t, v->n, j);
                if (g) {
                    hit = j + g;
                    break;
                }
                const struct tok *tj = &v->t[j];
                if (!is_wordish(tj) || lex_has_id(stop, tj->id, tj->w, tj->wl))
                    break;
                j++;
                mods++;
            }
            if (hit) {
                struct tok *t = &v->t[i];
                t->kind = TK_ENT;
                t->id = 0;
                t->flags = TF_GROUP;
                t->tmask = (uint16_t)(1u << EX_T_COUNTRY);
                t->e = v->t[hit - 1].e;
                t->wl = t->e - t->s;
                i = hit - 1;
            }
        }
        if (k != at)
            v->t[k] = v->t[at];
        k++;
    }
    v->n = k;
}

/* The next token index after i that a reference looks at in a sentence of n
 * tokens: the first TK_HEAD, then the last TK_TAIL. */
static inline size_t look_next(size_t i, size_t n)
{
    i++;
    if (i == TK_HEAD && n > TK_HEAD + TK_TAIL)
        i = n - TK_TAIL;
    return i;
}

/* Salience-ranked antecedent of a reference (coref.c says what fits and how
 * salient it is): an ENT before position upto in cur, else in the previous
 * sentences, looking at most TK_HEAD + TK_TAIL tokens of each. *src receives
 * the token it came from (a list, for "they"). */
/* The salience the article's topic company adds (coref_score's scale: a
 * sentence further back costs 2, the sentence's subject adds 2). */
#define TOPIC_BONUS 2

static bool resolve_one(const struct tk_in *in, const struct tok *cur, size_t upto,
                        const struct tk_sent *prev, size_t np, const struct cr_ref *ref,
                        uint32_t *ent, const struct tok **src)
{
    int best = -1000;
    size_t best_sidx = 0;
    bool found = false;
    for (size_t sidx = 0; sidx <= np && sidx <= 2; sidx++) {
        const struct tok *t = sidx == 0 ? cur : prev[np - sidx].t;
        size_t n = sidx == 0 ? upto : prev[np - sidx].n;
        bool first = true;
        for (size_t i = 0; i < n; i = look_next(i, n)) {
            if (in->steps)
                ++*in->steps;
            if (t[i].kind != TK_ENT)
                continue;
            bool was_first = first;
            first = false;
            uint32_t e;
            if (!coref_fits(&t[i], ref, in->etype, in->ecc, &e))
                continue;
            int sc = coref_score(t, n, i, upto, sidx, was_first, !ref->desc);
            if (ref->desc && e == in->topic)
                sc += TOPIC_BONUS; /* a description, not a pronoun: pronouns stay local */
            /* within a sentence a tie goes to the later name; across
             * sentences to the more recent sentence */
            if (sc > best || (sc == best && sidx == best_sidx)) {
                best_sidx = sidx;
                best = sc;
                *ent = e;
                *src = &t[i];
                found = true;
            }
        }
        if (found && sidx == 0)
            return true;
    }
    return found;
}

/* "these chips": the chips named in the nearest earlier sentence. */
static size_t resolve_many(const struct tok *cur, size_t upto, const struct tk_sent *prev,
                           size_t np, unsigned mask, uint32_t *ents, size_t *steps)
{
    for (size_t sidx = 0; sidx <= np && sidx <= 2; sidx++) {
        const struct tok *t = sidx == 0 ? cur : prev[np - sidx].t;
        size_t n = sidx == 0 ? upto : prev[np - sidx].n;
        size_t k = 0;
        for (size_t i = 0; i < n; i = look_next(i, n)) {
            if (steps)
                ++*steps;
            if (t[i].kind != TK_ENT || !(t[i].tmask & mask) || (t[i].flags & TF_COREF))
                continue;
            for (size_t j = 0; j < t[i].ne && k < TK_MAXG; j++) {
                bool dup = false;
                for (size_t q = 0; q < k; q++)
                    dup = dup || ents[q] == t[i].ent[j];
                if (!dup)
                    ents[k++] = t[i].ent[j];
            }
        }
        if (k >= (sidx == 0 ? 2u : 1u))
            return k;
    }
    return 0;
}

/* Whether a reference may start at t: a known lexicon entry or "the". */
static bool coref_may_start(const struct rules *R, const struct tok *t)
{
    const uint32_t any = (1u << LX_COREF_ITS) | (1u << LX_COREF_COMPANY) |
                         (1u << LX_COREF_COUNTRY) | (1u << LX_COREF_CHIPS) | (1u << LX_COREF_PRON) |
                         (1u << LX_COREF_LIST) | (1u << LX_COREF_CHIP);
    return rules_may_start(R, any, t) || tk_word_is(t, "the", 3);
}

/* Whether the tokens before a reference (this sentence's, then the previous
 * one's) name one chip only: "the chip" is resolved only then, since the
 * nearest of two is as often the one compared with as the one meant. The
 * tokens looked at are the ones resolution looks at (look_next). */
static bool one_chip_before(const struct tok *t, size_t n, const struct tk_sent *prev, size_t np)
{
    uint32_t seen = UINT32_MAX;
    for (int pass = 0; pass < 2; pass++) {
        if (pass && (!prev || !np))
            break;
        const struct tok *v = pass ? prev[np - 1].t : t;
        size_t m = pass ? prev[np - 1].n : n;
        for (size_t i = 0; i < m; i = look_next(i, m)) {
            if (v[i].kind != TK_ENT || !(v[i].tmask & (1u << EX_T_CHIP)))
                continue;
            for (size_t q = 0; q < v[i].ne; q++) {
                if (seen != UINT32_MAX && v[i].ent[q] != seen)
                    return false;
                seen = v[i].ent[q];
            }
        }
    }
    return true;
}

/* The start of the clause t[0..n) ends in: the position of its nearest
 * opening word or mark, or 0. An object pronoun does not mean the names
 * after it (its clause's subject: "a suit that Samsung filed against it"). */
static size_t clause_start(const struct tok *t, size_t n)
{
    static const char *const open[] = {"that",  "which",   "who",      "whom",   ";",     ",",
                                       "since", "because", "although", "though", "while", "when",
                                       "after", "before",  "if",       "and",    "but",   "as"};
    /* within the tokens resolution looks at (the last TK_TAIL): a long
     * sentence costs no more per pronoun */
    for (size_t q = n; q-- > 0 && q + TK_TAIL >= n;)
        for (size_t k = 0; k < sizeof open / sizeof *open; k++)
            if (tk_word_is(&t[q], open[k], strlen(open[k])))
                return q;
    return n > TK_TAIL ? n - TK_TAIL : 0;
}

/* "Lenovo, one of its largest customers": a possessive inside an apposition
 * (a comma after a name, then words only) does not mean the name it is
 * about; returns where the candidates end (the name's position), or n. */
static size_t appos_head(const struct tok *t, size_t n)
{
    for (size_t q = n; q-- > 0 && q + 6 >= n;) {
        /* a relative clause is no apposition: "Samsung, which supplies its
         * memory" may mean Samsung's own */
        if (t[q].kind == TK_ENT || tk_word_is(&t[q], "which", 5) || tk_word_is(&t[q], "who", 3) ||
            tk_word_is(&t[q], "that", 4))
            return n;
        if (tk_word_is(&t[q], ",", 1))
            return q > 0 && t[q - 1].kind == TK_ENT ? q - 1 : n;
    }
    return n;
}

/* Rewrites v into o (both scratch arrays), then swaps them. */
static enum ex_err mark_corefs(const struct tk_in *in, struct tk_vec *v, struct tk_vec *o,
                               const struct tk_sent *prev, size_t np)
{
    enum ex_err err = EX_OK;
    struct cr_ref ref;
    /* most sentences have no reference: leave them as they are */
    size_t i0 = 0;
    for (; i0 < v->n; i0++)
        if (coref_may_start(in->rules, &v->t[i0]) && coref_detect(in->rules, v->t, v->n, i0, &ref))
            break;
    if (i0 == v->n)
        return EX_OK;
    if ((err = tv_reserve(o, v->n + 8)))
        return err;
    memcpy(o->t, v->t, i0 * sizeof *o->t);
    o->n = i0;
    for (size_t i = i0; i < v->n; i++) {
        size_t k = 0;
        if (coref_may_start(in->rules, &v->t[i]) && coref_detect(in->rules, v->t, v->n, i, &ref))
            k = ref.len;
        /* "ByteDance, the company behind ..." is an apposition, not a reference */
        bool appos = i >= 2 && tk_word_is(&v->t[i - 1], ",", 1) && v->t[i - 2].kind == TK_ENT;
        bool appos_poss = appos && k && i + k < v->n && tk_word_is(&v->t[i + k], "'s", 2);
        appos = appos && !appos_poss;
        if (!k || (appos && ref.desc)) {
            err = tv_push(o, &v->t[i]);
            if (err)
                goto out;
            continue;
        }
        struct tok t;
        memset(&t, 0, sizeof t);
        t.kind = TK_ENT;
        t.flags = TF_COREF;
        t.s = v->t[i].s;
        t.e = v->t[i + k - 1].e;
        t.w = v->t[i].w;
        t.wl = t.e - t.s;
        bool ok;
        if (ref.plural && ref.mask == (1u << EX_T_CHIP)) {
            t.ne = (uint8_t)resolve_many(o->t, o->n, prev, np, ref.mask, t.ent, in->steps);
            ok = t.ne > 0;
        } else if (ref.desc && ref.mask == (1u << EX_T_CHIP) &&
                   !one_chip_before(o->t, o->n, prev, np)) {
            ok = false;
        } else {
            const struct tok *src = NULL;
            /* "TiMi, the group's division": not the name the apposition is of;
             * "a suit that Samsung filed against it": not its clause's subject */
            size_t upto = o->n;
            if (appos_poss)
                upto -= 2;
            else if (ref.obj)
                upto = clause_start(o->t, o->n);
            else if (ref.poss)
                upto = appos_head(o->t, o->n);
            ok = resolve_one(in, o->t, upto, prev, np, &ref, &t.ent[0], &src);
            t.ne = 1;
            if (ok && ref.plural && src->ne > 1) {
                /* "they", "their": every member of the list that fits */
                t.ne = 0;
                for (size_t q = 0; q < src->ne; q++)
                    if ((1u << in->etype[src->ent[q]]) & ref.mask)
                        t.ent[t.ne++] = src->ent[q];
            }
        }
        if (ok && t.ne > 1)
            t.flags |= TF_LIST;
        if (!ok) {
            for (size_t q = 0; q < k; q++) {
                err = tv_push(o, &v->t[i + q]);
                if (err)
                    goto out;
            }
            i += k - 1;
            continue;
        }
        for (size_t q = 0; q < t.ne; q++)
            t.tmask |= (uint16_t)(1u << in->etype[t.ent[q]]);
        err = tv_push(o, &t);
        if (err)
            goto out;
        if (ref.poss) { /* "its" is "<entity> 's" */
            struct tok poss = {.kind = TK_WORD,
                               .s = t.e,
                               .e = t.e,
                               .w = "'s",
                               .wl = 2,
                               .id = rules_word_id(in->rules, "'s", 2)};
            err = tv_push(o, &poss);
            if (err)
                goto out;
        }
        i += k - 1;
    }
    struct tk_vec tmp = *v;
    *v = *o;
    *o = tmp;
out:
    return err;
}

static bool poss_after(const struct tk_vec *v, size_t i)
{
    return i + 1 < v->n && tk_word_is(&v->t[i + 1], "'s", 2);
}

/* Companies and organisations coordinate with each other ("Peking
 * University and Huawei"); other types only with their own kind. */
static bool listable(const struct tok *t, uint16_t mask)
{
    const uint16_t org = (1u << EX_T_COMPANY) | (1u << EX_T_ORGANIZATION);
    bool same = t->tmask == mask || ((t->tmask & ~org) == 0 && (mask & ~org) == 0);
    return t->kind == TK_ENT && same && !(t->flags & TF_GROUP);
}

/* The words of a descriptor noun phrase at i ("search rival", "chipmaker",
 * "Chinese server maker"): up to two modifiers and a cocue head, followed by
 * a name. 0 when there is none. */
static size_t descriptor(const struct tk_in *in, const struct tk_vec *v, size_t i, bool *plural)
{
    const struct lexicon *cue = rules_known(in->rules, LX_COCUE);
    const struct lexicon *pl = rules_known(in->rules, LX_COCUE_PLURAL);
    const struct lexicon *stop = rules_known(in->rules, LX_STOPWORD);
    /* "the optical-component makers A and B": an article, hyphenated modifiers */
    size_t j0 = i < v->n && tk_word_is(&v->t[i], "the", 3) ? i + 1 : i;
    for (size_t j = j0; j < v->n && j < j0 + 5; j++) {
        const struct tok *t = &v->t[j];
        if (t->kind != TK_WORD)
            return 0;
        size_t k = lex_match(cue, v->t, v->n, j), kp = lex_match(pl, v->t, v->n, j);
        *plural = kp > k;
        k = kp > k ? kp : k;
        if (k && j + k < v->n && v->t[j + k].kind == TK_ENT)
            return j + k - i;
        if (!(t->flags & TF_DEMONYM) && !tk_word_is(t, "-", 1) &&
            (!t->wl || !tx_isalnum(t->w[0]) || lex_has_id(stop, t->id, t->w, t->wl)))
            return 0;
    }
    return 0;
}

/* "H100 and H20", "Tencent, Alibaba, and Huawei" -> one ENT token. */
static void mark_lists(const struct tk_in *in, struct tk_vec *v)
{
    const struct lexicon *conj = rules_known(in->rules, LX_CONJ);
    size_t k = 0;
    for (size_t i = 0; i < v->n; i++) {
        const uint16_t tmask = v->t[i].tmask;
        if (!listable(&v->t[i], tmask) || poss_after(v, i)) {
            if (k != i)
                v->t[k] = v->t[i];
            k++;
            continue;
        }
        size_t members[TK_MAXG], nmem = 1, j = i + 1, last = i;
        bool closed = false;
        members[0] = i;
        while (j < v->n && nmem < TK_MAXG) {
            size_t c = 0;
            if (tk_word_is(&v->t[j], ",", 1))
                c = 1;
            size_t cj = lex_match(conj, v->t, v->n, j + c);
            size_t nxt = j + c + cj;
            /* "Baidu and search rival Sogou", "A, B and chipmaker C", "A and
             * the toolmakers B and C" (a plural descriptor opens a sub-list) */
            bool plural = false;
            if ((c || cj) && nxt < v->n && v->t[nxt].kind == TK_WORD)
                nxt += descriptor(in, v, nxt, &plural);
            if (nxt >= v->n || !listable(&v->t[nxt], tmask) || poss_after(v, nxt))
                break;
            if (!c && !cj)
                break;
            members[nmem++] = nxt;
            last = nxt;
            j = nxt + 1;
            if (cj) {
                closed = true;
                if (!plural)
                    break;
            }
        }
        /* "the 960 succeeding the 950 and the 970 succeeding the 960": the
         * same content word around the pair coordinates clauses, not names */
        const struct lexicon *stop = rules_known(in->rules, LX_STOPWORD);
        if (closed && i > 0 && last + 1 < v->n) {
            const struct tok *a = &v->t[i - 1], *b = &v->t[last + 1];
            if (a->kind == TK_WORD && b->kind == TK_WORD && a->wl && a->wl == b->wl &&
                tx_isalnum(a->w[0]) && !memcmp(a->w, b->w, a->wl) &&
                !lex_has_id(stop, a->id, a->w, a->wl))
                closed = false;
        }
        if (!closed || nmem < 2) {
            if (k != i)
                v->t[k] = v->t[i];
            k++;
            continue;
        }
        struct tok g = v->t[i];
        g.flags |= TF_LIST;
        g.ne = 0;
        for (size_t q = 0; q < nmem; q++)
            g.tmask |= v->t[members[q]].tmask;
        g.e = v->t[last].e;
        g.wl = g.e - g.s;
        for (size_t q = 0; q < nmem; q++) {
            const struct tok *mt = &v->t[members[q]];
            g.flags |= mt->flags & TF_COREF;
            for (size_t r = 0; r < mt->ne && g.ne < TK_MAXG; r++) {
                bool dup = false;
                for (size_t z = 0; z < g.ne; z++)
                    dup = dup || g.ent[z] == mt->ent[r];
                if (!dup)
                    g.ent[g.ne++] = mt->ent[r];
            }
        }
        v->t[k++] = g;
        i = last;
    }
    v->n = k;
}

/* "the U.S.", "the Entity List": the article adds nothing to a name (but
 * "the US chip giant" is a description, kept whole for mark_corefs) */
static void drop_articles(const struct tk_in *in, struct tk_vec *v)
{
    size_t k = 0;
    struct cr_ref ref;
    for (size_t i = 0; i < v->n; i++) {
        if (tk_word_is(&v->t[i], "the", 3) && i + 1 < v->n && v->t[i + 1].kind == TK_ENT &&
            !(v->t[i + 1].flags & TF_COREF) &&
            !((v->t[i + 1].tmask & (1u << EX_T_COUNTRY)) &&
              coref_detect(in->rules, v->t, v->n, i, &ref)))
            continue;
        if (k != i)
            v->t[k] = v->t[i];
        k++;
    }
    v->n = k;
}

enum ex_err tk_sentence(const struct tk_in *in, size_t s, size_t e, const struct tk_sent *prev,
                        size_t np, struct tk_sent *out)
{
    struct tk_vec *v = &in->scratch[0];
    out->t = NULL;
    out->n = 0;
    v->n = 0;
    unsigned seen = 0;
    enum ex_err err = raw_tokens(in, s, e, v, &seen);
    if (err)
        return err;
    if (seen & RAW_DIGIT)
        mark_nodes(in, v);
    if (seen & RAW_DEMONYM)
        mark_groups(in, v);
    /* articles go first, so that a reference's antecedent is seen right
     * after its preposition ("a report to the SEC") */
    if (seen & RAW_THE)
        drop_articles(in, v);
    err = mark_corefs(in, v, &in->scratch[1], prev, np);
    if (err)
        return err;
    v = &in->scratch[0]; /* mark_corefs swapped the arrays */
    mark_lists(in, v);
    out->t = malloc((v->n ? v->n : 1) * sizeof *out->t);
    if (!out->t)
        return EX_E_NOMEM;
    memcpy(out->t, v->t, v->n * sizeof *v->t);
    out->n = v->n;
    return EX_OK;
}
