/* extractor/apply.c — running the fact and sanction rules over tokenized
 * sentences: slot bindings become facts (cross product of coordinated
 * groups, or pairwise with "respectively"), sanctions get their missing
 * imposer or target from the rule's strategies, items, a date, and a status
 * from the hedge and denial cues. */
#include <stdlib.h>
#include <string.h>

#include "extractor/actors.h"
#include "extractor/argcheck.h"
#include "extractor/work.h"

#define HEDGE_FACTOR    0.6
#define COREF_FACTOR    0.85
#define IMPLICIT_FACTOR 0.8

static bool sent_has(const struct tk_sent *ts, const struct lexicon *lx, size_t from)
{
    for (size_t i = from; i < ts->n; i++)
        if (lex_match(lx, ts->t, ts->n, i))
            return true;
    return false;
}

/* The rule prefilter's view of sentence si, computed once per sentence. */
static const struct rsig *sig_at(struct work *w, size_t si)
{
    struct rsig *sig = &w->sigs[si];
    if (!sig->cand) {
        const struct rules *R = w->x->rules;
        sig->cand = w->sigbuf + si * SIG_WORDS(R);
        rules_sig(R, w->toks[si].t, w->toks[si].n, sig);
    }
    return sig;
}

/* The first rule index >= ri of the set that sentence sig may match, in
 * rule order, or R->nr. */
static size_t next_rule(const struct rules *R, const struct rsig *sig, enum rule_set set, size_t ri)
{
    for (size_t k = ri / 64; k < R->nrw; k++) {
        uint64_t bits = sig->cand[k] & R->rset[set][k];
        if (k == ri / 64)
            bits &= ~(uint64_t)0 << (ri % 64);
        if (bits)
            return k * 64 + (size_t)__builtin_ctzll(bits);
    }
    return R->nr;
}

/* w->cuetmp with room for n tokens. */
static enum ex_err scratch_for(struct work *w, size_t n)
{
    if (n <= w->ncuetmp)
        return EX_OK;
    struct tok *t = realloc(w->cuetmp, (n + 16) * sizeof *t);
    if (!t)
        return EX_E_NOMEM;
    w->cuetmp = t;
    w->ncuetmp = n + 16;
    return EX_OK;
}

/* ---- modality by scope ----
 * A hedge, hypothetical or negation cue governs the clause it is in, not the
 * whole sentence, and adverbs inside it do not hide it ("is also said to",
 * "threatened again to"). */

/* Whether t[i] is a clause boundary: ';', 'but', 'while', ... */
static bool clause_break(const struct rules *R, const struct tok *t, size_t n, size_t i)
{
    return lex_match(rules_known(R, LX_CLAUSE), t, n, i) != 0;
}

/* The clause around tokens [s, e): *cs and *ce, between boundaries. */
static void clause_of(const struct rules *R, const struct tk_sent *ts, size_t s, size_t e,
                      size_t *cs, size_t *ce)
{
    size_t a = s, b = e;
    while (a > 0 && !clause_break(R, ts->t, ts->n, a - 1))
        a--;
    while (b < ts->n && !clause_break(R, ts->t, ts->n, b))
        b++;
    *cs = a;
    *ce = b;
}

/* Whether an entry of lx starts at a token in [from, to) of ts, the words of
 * cue_adverb skipped. tmp holds ts->n tokens (scratch). */
static bool cue_in(const struct rules *R, const struct tk_sent *ts, const struct lexicon *lx,
                   size_t from, size_t to, struct tok *tmp)
{
    if (!lx)
        return false;
    const struct lexicon *adv = rules_known(R, LX_CUE_ADVERB);
    size_t k = 0, kfrom = SIZE_MAX, kto = 0;
    for (size_t i = 0; i < ts->n && i < to; i++) {
        const struct tok *t = &ts->t[i];
        if (t->kind == TK_WORD && adv && lex_has_id(adv, t->id, t->w, t->wl) &&
            !lex_match(lx, ts->t, ts->n, i))
            continue;
        if (i >= from && kfrom == SIZE_MAX)
            kfrom = k;
        tmp[k++] = *t;
    }
    kto = k;
    for (size_t i = to; i < ts->n; i++) /* a cue may end past the clause */
        tmp[k++] = ts->t[i];
    for (size_t i = kfrom; kfrom != SIZE_MAX && i < kto; i++)
        if (lex_match(lx, tmp, k, i))
            return true;
    return false;
}

/* Whether a cue of lx governs match m (is in the clause m is in). */
static bool governs(const struct work *w, const struct tk_sent *ts, const struct lexicon *lx,
                    const struct rmatch *m, struct tok *tmp)
{
    size_t cs, ce;
    clause_of(w->x->rules, ts, m->start, m->end ? m->end - 1 : 0, &cs, &ce);
    return cue_in(w->x->rules, ts, lx, cs, ce, tmp);
}

static int status_rank(enum ex_status s)
{
    return s == EX_S_ASSERTED ? 2 : s == EX_S_HEDGED ? 1 : 0;
}

static uint64_t fact_key(const struct wfact *f)
{
    uint64_t h = work_hash(WORK_HASH0, &f->s, sizeof f->s);
    h = work_hash(h, &f->o, sizeof f->o);
    h = work_hash(h, &f->pred, sizeof f->pred);
    return work_hash(h, f->value, strnlen(f->value, sizeof f->value));
}

enum ex_err push_fact(struct work *w, const struct wfact *f)
{
    ex_wcount.fact_push++;
    uint64_t h = fact_key(f);
    size_t pos = SIZE_MAX, i;
    while ((i = hidx_next(&w->fix, h, &pos)) != SIZE_MAX) {
        struct wfact *o = &w->facts[i];
        ex_wcount.fact_probe++;
        if (o->s != f->s || o->o != f->o || o->pred != f->pred || strcmp(o->value, f->value))
            continue;
        int a = status_rank(f->status), b = status_rank(o->status);
        if (a > b || (a == b && f->conf > o->conf + 1e-9))
            *o = *f;
        return EX_OK;
    }
    if (w->nfacts == w->capfacts) {
        size_t nc = w->capfacts ? w->capfacts * 2 : 32;
        struct wfact *nf = realloc(w->facts, nc * sizeof *nf);
        if (!nf)
            return EX_E_NOMEM;
        w->facts = nf;
        w->capfacts = nc;
    }
    enum ex_err err = hidx_add(&w->fix, h, w->nfacts);
    if (err)
        return err;
    w->facts[w->nfacts++] = *f;
    return EX_OK;
}

static bool respectively_after(const struct tk_sent *ts, size_t from)
{
    for (size_t i = from; i < ts->n; i++)
        if (tk_word_is(&ts->t[i], "respectively", 12))
            return true;
    return false;
}

/* A reference read as the sentence's subject: its entity is the first named
 * one of the sentence, not a possessor ("Huawei said its ..."; not "Nvidia's
 * chief said its ..."). */
static bool subject_ref(const struct tk_sent *ts, const struct tok *t)
{
    if (!(t->wl >= 2 && t->w[0] == 'i' && t->w[1] == 't'))
        return false; /* "it", "its"; a description ("the group") is a guess */
    for (size_t i = 0; i < ts->n; i++) {
        const struct tok *f = &ts->t[i];
        if (f->kind != TK_ENT || (f->flags & (TF_COREF | TF_GROUP)))
            continue;
        return f->ne == 1 && t->ne == 1 && f->ent[0] == t->ent[0] &&
               !(i + 1 < ts->n && tk_word_is(&ts->t[i + 1], "'s", 2));
    }
    return false;
}

static enum ex_err emit_fact(struct work *w, const struct rule *r, const struct tk_sent *ts,
                             const struct rmatch *m, size_t si, bool hedged)
{
    enum ex_err err = EX_OK;
    if (m->role[RR_S] == SIZE_MAX)
        return EX_OK;
    const struct tok *S = &ts->t[m->role[RR_S]];
    const struct tok *O = m->role[RR_O] != SIZE_MAX ? &ts->t[m->role[RR_O]] : NULL;
    const struct tok *V = m->role[RR_V] != SIZE_MAX ? &ts->t[m->role[RR_V]] : NULL;
    struct wfact f = {.pred = (enum ex_pred)r->what,
                      .sent = si,
                      .rule = r->name,
                      .status = hedged ? EX_S_HEDGED : EX_S_ASSERTED};
    double conf = r->conf * (hedged ? HEDGE_FACTOR : 1.0);
    if ((S->flags & TF_COREF) || (O && (O->flags & TF_COREF))) {
        conf *= COREF_FACTOR;
        f.viaref = ((S->flags & TF_COREF) && !subject_ref(ts, S)) ||
                   (O && (O->flags & TF_COREF) && !subject_ref(ts, O));
    }
    f.conf = conf;
    f.span[EX_ROLE_A] = wspan_of(S);
    if (r->flags & RF_PAIR) {
        f.span[EX_ROLE_B] = wspan_of(S); /* "A and B partner": one token holds both */
        for (size_t i = 0; i < S->ne; i++)
            for (size_t j = i + 1; j < S->ne; j++) {
                f.s = S->ent[i];
                f.o = S->ent[j];
                if ((err = push_fact(w, &f)))
                    return err;
            }
        return EX_OK;
    }
    if (V) {
        f.span[EX_ROLE_B] = wspan_of(V);
        f.o = EX_NONE;
        memcpy(f.value, V->val, sizeof f.value);
        for (size_t i = 0; i < S->ne; i++) {
            f.s = S->ent[i];
            if ((err = push_fact(w, &f)))
                return err;
        }
        return EX_OK;
    }
    if (!O)
        return EX_OK;
    f.span[EX_ROLE_B] = wspan_of(O);
    bool resp = S->ne > 1 && S->ne == O->ne &&
                ((r->flags & RF_ZIP) || respectively_after(ts, m->role[RR_O]));
    for (size_t i = 0; i < S->ne; i++) {
        for (size_t j = 0; j < O->ne; j++) {
            if ((resp && i != j) || S->ent[i] == O->ent[j])
                continue;
            f.s = S->ent[i];
            f.o = O->ent[j];
            if ((err = push_fact(w, &f)))
                return err;
        }
    }
    return EX_OK;
}

/* The subject of a denial ("X denied these reports", "X's spokesperson
 * denied ...") loses the hedged claims of the sentence before. The facts
 * are looked at by subject (bysub: facts of entity e are
 * bysub[first[e]..first[e + 1])), not all of them per denial. */
static enum ex_err apply_denials(struct work *w, const struct lexicon *deny)
{
    size_t prev = SIZE_MAX;
    size_t *first = calloc(w->nents + 2, sizeof *first);
    size_t *bysub = malloc((w->nfacts ? w->nfacts : 1) * sizeof *bysub);
    if (!first || !bysub) {
        free(first);
        free(bysub);
        return EX_E_NOMEM;
    }
    for (size_t k = 0; k < w->nfacts; k++)
        first[w->facts[k].s + 2]++;
    for (size_t e = 0; e < w->nents; e++)
        first[e + 2] += first[e + 1];
    for (size_t k = 0; k < w->nfacts; k++)
        bysub[first[w->facts[k].s + 1]++] = k;
    for (size_t si = 0; si < w->nsents; si++) {
        if (!w->sents[si].evidence)
            continue;
        const struct tk_sent *ts = &w->toks[si];
        if (sent_has(ts, deny, 0)) {
            size_t denier = SIZE_MAX;
            for (size_t i = 0; i < ts->n && denier == SIZE_MAX; i++)
                if (ts->t[i].kind == TK_ENT && (ts->t[i].tmask & (1u << EX_T_COMPANY)))
                    denier = ts->t[i].ent[0];
            ex_wcount.deny_sent += denier != SIZE_MAX;
            for (size_t j = denier != SIZE_MAX ? first[denier] : 0;
                 denier != SIZE_MAX && j < first[denier + 1]; j++) {
                struct wfact *f = &w->facts[bysub[j]];
                ex_wcount.deny_scan++;
                if (f->sent == si || (f->sent == prev && f->status == EX_S_HEDGED))
                    f->status = EX_S_DENIED;
            }
        }
        prev = si;
    }
    free(first);
    free(bysub);
    return EX_OK;
}

enum ex_err apply_facts(struct work *w)
{
    const struct rules *R = w->x->rules;
    const struct lexicon *hedge = rules_known(R, LX_HEDGE);
    const struct lexicon *negator = rules_known(R, LX_NEGATOR);
    for (size_t si = 0; si < w->nsents; si++) {
        if (!w->sents[si].evidence)
            continue;
        const struct tk_sent *ts = &w->toks[si];
        const struct rsig *sig = sig_at(w, si);
        for (size_t ri = next_rule(R, sig, RS_FACTS, 0); ri < R->nr;
             ri = next_rule(R, sig, RS_FACTS, ri + 1)) {
            const struct rule *r = &R->r[ri];
            for (size_t st = rule_next_start(r, ts->t, ts->n, 0); st < ts->n;
                 st = rule_next_start(r, ts->t, ts->n, st + 1)) {
                struct rmatch m;
                enum ex_err err;
                if (!rule_match_at(r, ts->t, ts->n, st, &m))
                    continue;
                /* "stopped shipping chips to X", "no longer uses Y" */
                bool neg = false;
                for (size_t q = m.start; q < m.end && !neg; q++)
                    neg = lex_match(negator, ts->t, m.end, q) != 0;
                if (neg)
                    continue;
                /* "A beats B's C and is built on ...": A is the subject;
                 * "A, which buys B's chips, makes ...": A too */
                m.role[RR_S] = ac_subject(r, ts, &m, RR_S);
                m.role[RR_S] = ac_rel_head(r, ts, &m, RR_S);
                m.role[RR_O] = ac_rel_head(r, ts, &m, RR_O);
                /* "orders for Nvidia processors": no subject; "by Huawei's
                 * HiSilicon unit": HiSilicon is */
                if (ac_pp_modifier(ts, &m, m.role[RR_S]) || ac_new_subject(r, ts, &m, RR_S) ||
                    ac_seller(r, ts, &m) || ac_possessor_only(r, ts, m.role[RR_S], RR_S) ||
                    ac_possessor_only(r, ts, m.role[RR_O], RR_O) || ac_account_on(ts, m.role[RR_O]))
                    continue;
                if (!(err = scratch_for(w, ts->n)))
                    err = emit_fact(w, r, ts, &m, si, governs(w, ts, hedge, &m, w->cuetmp));
                /* "... Kunpeng processors, starting with the Kunpeng 950": the
                 * members named after the object are objects too */
                size_t mo = ac_object_members(r, ts, m.role[RR_O]);
                if (!err && mo != SIZE_MAX) {
                    m.role[RR_O] = mo;
                    err = emit_fact(w, r, ts, &m, si, governs(w, ts, hedge, &m, w->cuetmp));
                }
                if (err)
                    return err;
            }
        }
    }
    return apply_denials(w, rules_known(R, LX_DENY));
}

/* ---- sanctions ---- */

static enum ex_err add_item(struct wsanc *s, const char *txt, size_t n)
{
    if (s->nitems >= RM_MAXX || n == 0)
        return EX_OK;
    for (size_t i = 0; i < s->nitems; i++)
        if (strlen(s->items[i]) == n && !strncmp(s->items[i], txt, n))
            return EX_OK;
    s->items[s->nitems] = strndup(txt, n);
    if (!s->items[s->nitems])
        return EX_E_NOMEM;
    s->nitems++;
    return EX_OK;
}

/* Where the words of an item from token b end: at most 5 words, a hyphen
 * with no space around it joining two ("high-bandwidth") counting with them,
 * stopping at a stopword or punctuation. */
static size_t item_phrase(const struct tk_sent *ts, const struct lexicon *stop, size_t b)
{
    size_t e = b, words = 0;
    while (e < ts->n && words < 5) {
        const struct tok *t = &ts->t[e];
        if (e > b && tk_word_is(t, "-", 1) && e + 1 < ts->n && t->s == ts->t[e - 1].e &&
            ts->t[e + 1].s == t->e && ts->t[e + 1].kind == TK_WORD &&
            tx_isalnum(ts->t[e + 1].w[0])) {
            e += 2;
            continue;
        }
        if (t->kind != TK_WORD || !tx_isalnum(t->w[0]) || lex_has_id(stop, t->id, t->w, t->wl))
            break;
        e++;
        words++;
    }
    return e;
}

/* A noun that counts or sorts what follows its "of": types, kinds, ... */
static bool is_classifier(const struct tok *t)
{
    static const char *const nouns[] = {"types",    "kinds",     "sorts",  "categories", "classes",
                                        "forms",    "varieties", "models", "type",       "kind",
                                        "category", "class",     "range",  "variety",    NULL};
    return tk_word_in(t, nouns);
}

/* Items: the X slots; else named chips/products in the sentence; else the
 * words after "on"/"of" following the cue ("controls on advanced chips"). */
static enum ex_err find_items(struct work *w, const struct tk_sent *ts, const struct rmatch *m,
                              struct wsanc *s)
{
    enum ex_err err = EX_OK;
    for (size_t i = 0; i < m->nx; i++) {
        const struct tok *t = &ts->t[m->x[i]];
        for (size_t j = 0; j < t->ne; j++)
            if ((err = add_item(s, w->ents[t->ent[j]].name, strlen(w->ents[t->ent[j]].name))))
                return err;
    }
    unsigned mask = (1u << EX_T_CHIP) | (1u << EX_T_PRODUCT) | (1u << EX_T_AI_MODEL);
    for (size_t i = m->start; i < ts->n && !s->nitems; i++) {
        const struct tok *t = &ts->t[i];
        if (t->kind == TK_ENT && (t->tmask & mask))
            for (size_t j = 0; j < t->ne; j++)
                if ((err = add_item(s, w->ents[t->ent[j]].name, strlen(w->ents[t->ent[j]].name))))
                    return err;
    }
    if (s->nitems)
        return EX_OK;
    const struct lexicon *stop = rules_known(w->x->rules, LX_STOPWORD);
    for (size_t i = m->start; i < ts->n && i < m->end + 3; i++) {
        if (!tk_word_is(&ts->t[i], "on", 2) && !tk_word_is(&ts->t[i], "of", 2) &&
            !tk_word_is(&ts->t[i], "concerning", 10))
            continue;
        size_t b = i + 1, e = item_phrase(ts, stop, b);
        /* "23 types of chipmaking equipment", "more kinds of tools": the
         * things after the classifier */
        if (e > b && e + 1 < ts->n && tk_word_is(&ts->t[e], "of", 2) &&
            is_classifier(&ts->t[e - 1])) {
            b = e + 1;
            e = item_phrase(ts, stop, b);
        }
        if (e > b) {
            const char *txt = w->tx.norm + ts->t[b].s;
            return add_item(s, txt, ts->t[e - 1].e - ts->t[b].s);
        }
    }
    return EX_OK;
}

static void free_items(struct wsanc *s)
{
    for (size_t i = 0; i < s->nitems; i++)
        free(s->items[i]);
    s->nitems = 0;
}

static uint64_t sanc_key(const struct wsanc *s)
{
    uint64_t h = work_hash(WORK_HASH0, &s->imp, sizeof s->imp);
    h = work_hash(h, &s->tgt, sizeof s->tgt);
    return work_hash(h, &s->measure, sizeof s->measure);
}

/* Keeps what default_country and known_imposer read: target counts, the
 * country targets in order, imposers and their countries. */
static enum ex_err note_sanc(struct work *w, const struct wsanc *s)
{
    struct went *t = &w->ents[s->tgt], *i = &w->ents[s->imp];
    if (t->type == EX_T_COUNTRY && t->ntgt == 0) {
        if (w->nttgt == w->capttgt) {
            size_t nc = w->capttgt ? w->capttgt * 2 : 16;
            size_t *nv = realloc(w->ttgt, nc * sizeof *nv);
            if (!nv)
                return EX_E_NOMEM;
            w->ttgt = nv;
            w->capttgt = nc;
        }
        w->ttgt[w->nttgt++] = s->tgt;
    }
    bool known = !i->country[0];
    for (size_t k = 0; k < w->nicc && !known; k++)
        known = !strcmp(w->icc[k], i->country);
    if (!known) {
        if (w->nicc == w->capicc) {
            size_t nc = w->capicc ? w->capicc * 2 : 8;
            char(*nv)[3] = realloc(w->icc, nc * sizeof *nv);
            if (!nv)
                return EX_E_NOMEM;
            w->icc = nv;
            w->capicc = nc;
        }
        memcpy(w->icc[w->nicc++], i->country, 3);
    }
    t->ntgt++;
    i->imposer = true;
    return EX_OK;
}

enum ex_err push_sanc(struct work *w, struct wsanc *s)
{
    ex_wcount.sanc_push++;
    uint64_t h = sanc_key(s);
    size_t pos = SIZE_MAX, i;
    while ((i = hidx_next(&w->six, h, &pos)) != SIZE_MAX) {
        struct wsanc *o = &w->sanc[i];
        ex_wcount.sanc_probe++;
        if (o->imp != s->imp || o->tgt != s->tgt || o->measure != s->measure)
            continue;
        int a = status_rank(s->status), b = status_rank(o->status);
        if (a > b || (a == b && s->conf > o->conf + 1e-9)) {
            char date[11];
            memcpy(date, o->date, sizeof date);
            if (!s->nitems && o->nitems) {
                free_items(s);
                memcpy(s->items, o->items, sizeof s->items);
                s->nitems = o->nitems;
                o->nitems = 0;
            }
            free_items(o);
            *o = *s;
            if (!o->date[0])
                memcpy(o->date, date, sizeof date);
        } else {
            if (!o->date[0])
                memcpy(o->date, s->date, sizeof o->date);
            if (!o->nitems) {
                memcpy(o->items, s->items, sizeof o->items);
                o->nitems = s->nitems;
                s->nitems = 0;
            }
            free_items(s);
        }
        s->nitems = 0;
        return EX_OK;
    }
    if (w->nsanc == w->capsanc) {
        size_t nc = w->capsanc ? w->capsanc * 2 : 16;
        struct wsanc *ns = realloc(w->sanc, nc * sizeof *ns);
        if (!ns)
            return EX_E_NOMEM;
        w->sanc = ns;
        w->capsanc = nc;
    }
    enum ex_err err = note_sanc(w, s);
    if (err || (err = hidx_add(&w->six, h, w->nsanc)))
        return err;
    w->sanc[w->nsanc++] = *s;
    s->nitems = 0;
    return EX_OK;
}

/* "13 Chinese entities, among them A and B": the named members are the
 * targets and the group gets no record (annotation.md). Returns how many;
 * osp (NULL or TK_MAXG) receives the span of each one's token. */
static size_t named_members(const struct work *w, const struct tk_sent *ts, size_t g, size_t *out,
                            struct wspan *osp)
{
    const struct lexicon *like = rules_known(w->x->rules, LX_COLIKE);
    size_t k = 0;
    /* the cue may follow the list the group was put on ("140 Chinese
     * entities on the Entity List on Monday, among them A and B"); not past
     * a semicolon */
    for (size_t i = g + 1; i < ts->n && i <= g + 10 && !k; i++) {
        if (tk_word_is(&ts->t[i], ";", 1))
            break;
        size_t c = lex_match(like, ts->t, ts->n, i);
        if (!c && tk_word_is(&ts->t[i], "among", 5))
            c = i + 1 < ts->n && tk_word_is(&ts->t[i + 1], "them", 4) ? 2 : 1;
        if (tk_word_is(&ts->t[i], "such", 4) && i + 1 < ts->n && tk_word_is(&ts->t[i + 1], "as", 2))
            c = 2;
        if (!c || i + c >= ts->n)
            continue;
        /* "including the AI firms A, B and C": a short description first */
        size_t at = i + c;
        while (at < ts->n && at < i + c + 3 && ts->t[at].kind == TK_WORD &&
               !tx_isdigit(ts->t[at].w[0]) && tx_isalnum(ts->t[at].w[0]) &&
               !tk_word_is(&ts->t[at], "and", 3))
            at++;
        const struct tok *t = &ts->t[at < ts->n ? at : i + c];
        if (t->kind != TK_ENT || !(t->tmask & (1u << EX_T_COMPANY)))
            continue;
        for (size_t j = 0; j < t->ne && k < TK_MAXG; j++)
            if (w->ents[t->ent[j]].type == EX_T_COMPANY) {
                if (osp)
                    osp[k] = wspan_of(t);
                out[k++] = t->ent[j];
            }
    }
    return k;
}

/* A known person (a head of state or minister has a country in the
 * gazetteer) who signs or orders the measure imposes it (annotation.md). */
static bool head_acts(const struct work *w, const struct tk_sent *ts, size_t at, size_t e)
{
    static const char *const acts[] = {"signed",   "signs",      "ordered",    "orders",  "issued",
                                       "issues",   "imposed",    "imposes",    "enacted", "vetoed",
                                       "approved", "authorized", "authorised", "directed"};
    if (!w->ents[e].country[0])
        return false;
    for (size_t i = at + 1; i < ts->n && i <= at + 3; i++)
        for (size_t k = 0; k < sizeof acts / sizeof acts[0]; k++)
            if (tk_word_is(&ts->t[i], acts[k], strlen(acts[k])))
                return true;
    return false;
}

/* The body person *out (at token at) speaks for (annotation.md: speakers
 * are not imposers): the agency or country named nearest to them in the
 * sentence (*sp its token), else their country, else none (*out =
 * SIZE_MAX); *sp is empty unless a token of the sentence named the body. */
static enum ex_err speaker_body(struct work *w, const struct tk_sent *ts, size_t at, size_t tgt,
                                size_t *out, struct wspan *sp)
{
    *sp = wspan_of(NULL);
    size_t best = SIZE_MAX, bd = SIZE_MAX;
    for (size_t i = 0; i < ts->n; i++) {
        if (!act_imposer_tok(&ts->t[i]) || !act_imposer_fits(w, ts->t[i].ent[0], tgt))
            continue;
        size_t d = i < at ? at - i : i - at;
        if (d < bd) {
            bd = d;
            best = ts->t[i].ent[0];
            *sp = wspan_of(&ts->t[i]);
        }
    }
    const char *cc = act_cc(w, *out); /* the person */
    *out = best;
    if (best != SIZE_MAX || !cc[0])
        return EX_OK;
    return work_country_by_code(w, cc, out);
}

/* "include A, the owner of X; B, a unit of Y; and C, a maker of Z": items
 * that hold commas are separated by semicolons, and the name opening each
 * item after the target at g is a target too (of the target's types; at
 * most TK_MAXG in all). Returns the new count. */
static size_t semicolon_members(const struct tk_sent *ts, size_t g, unsigned tmask, size_t *tgts,
                                struct wspan *tsp, size_t nt)
{
    /* the first item holds a comma before the first semicolon (an
     * apposition), else the semicolon joins clauses */
    bool comma = false;
    for (size_t k = g + 1; k < ts->n && !tk_word_is(&ts->t[k], ";", 1); k++)
        comma = comma || tk_word_is(&ts->t[k], ",", 1);
    for (size_t k = g + 1; comma && k + 1 < ts->n && nt < TK_MAXG; k++) {
        if (!tk_word_is(&ts->t[k], ";", 1))
            continue;
        size_t j = k + 1;
        if (j < ts->n && tk_word_is(&ts->t[j], "and", 3))
            j++;
        const struct tok *x = j < ts->n ? &ts->t[j] : NULL;
        if (!x || x->kind != TK_ENT || !(x->tmask & tmask) || (x->flags & (TF_GROUP | TF_COREF)) ||
            (j + 1 < ts->n && !tk_word_is(&ts->t[j + 1], ",", 1) &&
             !tk_word_is(&ts->t[j + 1], ";", 1) && !tk_word_is(&ts->t[j + 1], ".", 1)))
            break; /* the enumeration ended: a clause follows the semicolon */
        for (size_t q = 0; q < x->ne && nt < TK_MAXG; q++) {
            tsp[nt] = wspan_of(x);
            tgts[nt++] = x->ent[q];
        }
    }
    return nt;
}

static enum ex_err emit_sanction(struct work *w, const struct rule *r, size_t si,
                                 const struct rmatch *m, bool hedged)
{
    const struct tk_sent *ts = &w->toks[si];
    enum ex_err err = EX_OK;
    size_t imps[TK_MAXG], tgts[TK_MAXG], ni = 0, nt = 0;
    /* the tokens that named each imposer and target; none when implicit */
    struct wspan isp[TK_MAXG] = {{0, 0}}, tsp[TK_MAXG] = {{0, 0}};
    double conf = r->conf * (hedged ? HEDGE_FACTOR : 1.0);
    if (m->role[RR_T] != SIZE_MAX) {
        const struct tok *t = &ts->t[m->role[RR_T]];
        size_t g = m->role[RR_T];
        /* "A and B, two Chinese start-ups": the group only describes the
         * named members before it, which their own match records */
        if ((t->flags & TF_GROUP) && ac_group_appos(ts, g))
            return EX_OK;
        nt = (t->flags & TF_GROUP) ? named_members(w, ts, g, tgts, tsp) : 0;
        if (!nt)
            for (size_t i = 0; i < t->ne; i++) {
                tsp[nt] = wspan_of(t);
                tgts[nt++] = t->ent[i];
            }
        if (!(t->flags & TF_GROUP))
            nt = semicolon_members(ts, g, t->tmask, tgts, tsp, nt);
    }
    if (m->role[RR_I] != SIZE_MAX) {
        const struct tok *t = &ts->t[m->role[RR_I]];
        for (size_t i = 0; i < t->ne; i++) {
            size_t e = t->ent[i];
            struct wspan sp = wspan_of(t);
            if (w->ents[e].type == EX_T_PERSON && !head_acts(w, ts, m->role[RR_I], e) &&
                (err = speaker_body(w, ts, m->role[RR_I], nt ? tgts[0] : SIZE_MAX, &e, &sp)))
                return err;
            if (e != SIZE_MAX) {
                isp[ni] = sp;
                imps[ni++] = e;
            }
        }
        if (!ni)
            return EX_OK;
    } else {
        size_t imp, probe[TK_MAXG];
        err = act_imposer(w, r, si, m, nt ? tgts[0] : SIZE_MAX, &imp);
        /* the article's main country may be the imposer itself ("Japan's
         * ministry said the controls were aimed at Chinese fabs"): then the
         * target the rule finds decides */
        if (!err && imp == SIZE_MAX && !nt && act_targets(w, r, si, m, SIZE_MAX, probe))
            err = act_imposer(w, r, si, m, probe[0], &imp);
        if (err || imp == SIZE_MAX)
            return err;
        imps[ni++] = imp;
        conf *= IMPLICIT_FACTOR;
    }
    if (!nt) {
        /* "14 organisations, among them A and B": the named members are the
         * targets (their own rule records them) and the group gets none */
        size_t probe[TK_MAXG];
        if (m->end > 0 && named_members(w, ts, m->end - 1, probe, NULL))
            return EX_OK;
        nt = act_targets(w, r, si, m, imps[0], tgts);
        if (!nt)
            return EX_OK;
        conf *= IMPLICIT_FACTOR;
    }
    struct wsanc s;
    memset(&s, 0, sizeof s);
    s.measure = (enum ex_measure)r->what;
    s.conf = conf;
    s.status = hedged ? EX_S_HEDGED : EX_S_ASSERTED;
    s.sent = si;
    s.rule = r->name;
    /* the sentence's date, found once per sentence */
    if (!w->sdate_st[si]) {
        struct dt_date d;
        w->sdate_st[si] = 1;
        if (dates_find(w->tx.low, w->sents[si].s, w->sents[si].e, &w->anchor, &d, NULL)) {
            w->sdate_st[si] = 2;
            dates_format(&d, w->sdate[si]);
        }
    }
    if (w->sdate_st[si] == 2)
        memcpy(s.date, w->sdate[si], sizeof s.date);
    for (size_t i = 0; i < ni; i++) {
        for (size_t j = 0; j < nt; j++) {
            if (imps[i] == tgts[j])
                continue;
            s.imp = imps[i];
            s.tgt = tgts[j];
            s.span[EX_ROLE_A] = isp[i];
            s.span[EX_ROLE_B] = tsp[j];
            err = find_items(w, ts, m, &s);
            if (!err)
                err = push_sanc(w, &s);
            free_items(&s);
            if (err)
                return err;
        }
    }
    return EX_OK;
}

/* "not", "never" or "no longer" inside the match, unless the rule itself
 * says it ("has never licensed ... for export"). */
/* "put China's biggest contract chipmaker on the list": a country that owns
 * the described company is not the target (t[i] a country, then "'s" and a
 * company description within four words). */
static bool country_possessor(const struct rules *R, const struct tk_sent *ts, size_t i)
{
    if (i == SIZE_MAX || i + 2 >= ts->n || ts->t[i].tmask != (1u << EX_T_COUNTRY) ||
        !tk_word_is(&ts->t[i + 1], "'s", 2))
        return false;
    const struct lexicon *co = rules_known(R, LX_DESC_COMPANY);
    for (size_t j = i + 2; j < ts->n && j <= i + 5; j++) {
        if (ts->t[j].kind == TK_ENT)
            return false;
        if (lex_match(co, ts->t, ts->n, j))
            return true;
    }
    return false;
}

static bool negated(const struct rules *R, const struct rule *r, const struct tk_sent *ts,
                    const struct rmatch *m)
{
    (void)R;
    for (size_t e = 0; e < r->nel; e++)
        for (size_t a = 0; r->el[e].kind == RE_WORD && a < r->el[e].nalt; a++)
            if (!strcmp(r->el[e].alts[a], "not") || !strcmp(r->el[e].alts[a], "never") ||
                strstr(r->el[e].alts[a], "longer"))
                return false; /* the rule is about the negation ("no longer serve") */
    for (size_t q = m->start; q < m->end; q++)
        if (tk_word_is(&ts->t[q], "not", 3) || tk_word_is(&ts->t[q], "never", 5) ||
            (tk_word_is(&ts->t[q], "no", 2) && q + 1 < m->end &&
             tk_word_is(&ts->t[q + 1], "longer", 6)))
            return true;
    return false;
}

/* Pass 0 runs the rules that name their imposer: they tell which actors
 * impose measures in this article, which the implicit rules (pass 1) then
 * rely on. */
static enum ex_err sanction_pass(struct work *w, int pass)
{
    const struct rules *R = w->x->rules;
    const struct lexicon *hedge = rules_known(R, LX_HEDGE);
    const struct lexicon *hypo = rules_known(R, LX_HYPO);
    for (size_t si = 0; si < w->nsents; si++) {
        if (!w->sents[si].evidence)
            continue;
        const struct tk_sent *ts = &w->toks[si];
        const struct rsig *sig = sig_at(w, si);
        enum ex_err err = scratch_for(w, ts->n);
        if (err)
            return err;
        const enum rule_set set = pass == 0 ? RS_SANC_NAMED : RS_SANC_IMPLICIT;
        for (size_t ri = next_rule(R, sig, set, 0); ri < R->nr;
             ri = next_rule(R, sig, set, ri + 1)) {
            const struct rule *r = &R->r[ri];
            /* headlines drop words ("China chip curbs" are curbs on China):
             * there a measure counts only with both ends named */
            if (si == 0 && w->headline && (r->istrat[0] != ST_NONE || r->tstrat[0] != ST_NONE))
                continue;
            for (size_t st = rule_next_start(r, ts->t, ts->n, 0); st < ts->n;
                 st = rule_next_start(r, ts->t, ts->n, st + 1)) {
                struct rmatch m;
                if (!rule_match_at(r, ts->t, ts->n, st, &m))
                    continue;
                if (m.role[RR_I] != SIZE_MAX && (ts->t[m.role[RR_I]].flags & TF_GROUP))
                    continue; /* "Chinese firms" impose nothing */
                /* "in a report to the SEC": a body addressed does not act;
                 * "limits apply to its chips": the chips' maker is no target */
                if (ac_pp_object(ts, &m, m.role[RR_I]) ||
                    ac_owner_of_product(r, ts, m.role[RR_T]) ||
                    country_possessor(R, ts, m.role[RR_T]))
                    continue;
                m.role[RR_I] = ac_subject(r, ts, &m, RR_I);
                m.role[RR_I] = ac_rel_head(r, ts, &m, RR_I);
                m.role[RR_T] = ac_rel_head(r, ts, &m, RR_T);
                /* "is weighing whether to add X": a measure not taken;
                 * "X, which is not on the Entity List": none at all */
                if (governs(w, ts, hypo, &m, w->cuetmp) || negated(R, r, ts, &m))
                    continue;
                err = emit_sanction(w, r, si, &m, governs(w, ts, hedge, &m, w->cuetmp));
                if (err)
                    return err;
            }
        }
    }
    return EX_OK;
}

enum ex_err apply_sanctions(struct work *w)
{
    enum ex_err err = sanction_pass(w, 0);
    return err ? err : sanction_pass(w, 1);
}
