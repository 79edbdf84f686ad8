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

#define XP_CAP (8u * 1024u * 1024u)
#define PS_HEDGE 0.6
#define PS_COREF 0.85
#define PS_MAXE 8
#define PS_MAX_PARSES 200     /* sentences parsed per article at most */
#define PS_BUDGET_MS 5000.0   /* and parse time per article at most */

__attribute__((format(printf, 2, 3))) static void xp(struct work *w, const char *fmt, ...)
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

static const char *ename(const struct work *w, size_t e) { return w->ents[e].name; }

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

/* A word of the sentence inflects some frame's lemma. */
static bool has_trigger(const struct frames *fs, const struct tk_sent *ts)
{
    for (size_t i = 0; i < ts->n; i++) {
        const struct tok *t = &ts->t[i];
        if (t->kind != TK_WORD || t->wl < 3)
            continue;
        for (size_t k = 0; k < fs->n; k++)
            if (frame_lemma(&fs->f[k], t->w, t->wl))
                return true;
    }
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

/* The sentence's distinct entities; true when some pair is unconnected. */
static bool open_pair(const struct work *w, size_t si, const struct tk_sent *ts, size_t *nent)
{
    size_t e[64], n = 0;
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

struct words {
    char buf[PZ_MAX_WORDS * 24];
    const char *wd[PZ_MAX_WORDS + 1];
    uint32_t tok[PZ_MAX_WORDS + 1]; /* input word -> token */
    size_t n;
};

static bool put_word(struct words *ws, size_t *used, const char *s, size_t l, uint32_t tok)
{
    if (ws->n >= PZ_MAX_WORDS || *used + l + 1 > sizeof ws->buf || l == 0)
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

/* The parser's words: each entity token becomes a placeholder proper noun
 * ("Xqab"), a coordinated group "Xqab and Xqab"; other words keep their case. */
static bool build_words(const struct work *w, const struct tk_sent *ts, struct words *ws)
{
    size_t used = 0;
    ws->n = 0;
    for (size_t i = 0; i < ts->n; i++) {
        const struct tok *t = &ts->t[i];
        if (t->kind == TK_ENT) {
            char ph[8] = {'X', 'q', (char)('a' + (i / 26) % 26), (char)('a' + i % 26), 0};
            if (!put_word(ws, &used, ph, 4, (uint32_t)i))
                return false;
            if (t->ne > 1 && (!put_word(ws, &used, "and", 3, (uint32_t)i) ||
                              !put_word(ws, &used, ph, 4, (uint32_t)i)))
                return false;
            continue;
        }
        const char *s = t->w;
        size_t l = t->wl;
        if (t->e > t->s && t->e - t->s == t->wl) {
            s = w->tx.norm + t->s;
        }
        if (!put_word(ws, &used, s, l, (uint32_t)i))
            return false;
    }
    return ws->n > 0;
}

/* Entities of a role: the first source whose words resolve to entities of an
 * accepted type. */
static size_t role_ents(const struct work *w, const struct rl_ctx *c, const struct tk_sent *ts,
                        size_t trig, char pos, const struct fr_role *r, size_t *out)
{
    for (size_t s = 0; s < r->nsrc; s++) {
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
                    if (d == n)
                        out[n++] = e;
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

static enum ex_err emit(struct work *w, size_t si, const struct tk_sent *ts,
                        const struct frame *f, size_t *const ent[FR_MAXROLE],
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
                    xp(w, "    frame %s: %s %s %s already found by the token rules\n", f->name,
                       ename(w, x), ex_pred_name((enum ex_pred)f->what), ename(w, y));
                    continue;
                }
                struct wfact fa = {.s = x, .o = y, .pred = (enum ex_pred)f->what, .conf = conf,
                                   .status = hedged ? EX_S_HEDGED : EX_S_ASSERTED, .sent = si,
                                   .rule = f->name};
                xp(w, "    frame %s FIRED: fact %s %s %s%s\n", f->name, ename(w, x),
                   ex_pred_name(fa.pred), ename(w, y), hedged ? " (hedged)" : "");
                if ((err = push_fact(w, &fa)))
                    return err;
                continue;
            }
            if (!foreign(w, x, y)) {
                xp(w, "    frame %s dropped: %s and %s are of one country\n", f->name,
                   ename(w, x), ename(w, y));
                continue;
            }
            if (sanc_exists(w, x, y, f->what)) {
                xp(w, "    frame %s: %s -> %s %s already found by the token rules\n", f->name,
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
            xp(w, "    frame %s FIRED: sanction %s -> %s %s%s\n", f->name, ename(w, x),
               ename(w, y), ex_measure_name(s.measure), hedged ? " (hedged)" : "");
            if ((err = push_sanc(w, &s)))
                return err;
        }
    (void)ts;
    return EX_OK;
}

static const char *src_name(enum fr_src s)
{
    static const char *const n[] = {"agent", "theme", "pp", "poss", "self"};
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
            xp(w, "    frame %s on '%s' dropped: not governed by its verb\n", f->name, b);
            continue;
        }
        if (rl_negated(c, t)) {
            xp(w, "    frame %s on '%s' dropped: negated\n", f->name, b);
            continue;
        }
        if (f->kind == 'S' && hypo) {
            xp(w, "    frame %s on '%s' dropped: a measure only considered\n", f->name, b);
            continue;
        }
        size_t ebuf[FR_MAXROLE][PS_MAXE], nent[FR_MAXROLE] = {0};
        size_t *ent[FR_MAXROLE];
        bool ok = true;
        for (size_t r = 0; r < f->nrole; r++) {
            ent[r] = ebuf[r];
            nent[r] = role_ents(w, c, ts, t, f->pos, &f->role[r], ebuf[r]);
            if (w->xp) {
                xp(w, "    frame %s on '%s': %c (", f->name, b, f->role[r].role);
                for (size_t s = 0; s < f->role[r].nsrc; s++)
                    xp(w, "%s%s%s%s", s ? "," : "", src_name(f->role[r].src[s]),
                       f->role[r].src[s] == FS_PP ? ":" : "",
                       f->role[r].src[s] == FS_PP ? f->role[r].prep[s] : "");
                xp(w, ") =");
                for (size_t q = 0; q < nent[r]; q++)
                    xp(w, " [%s]", ename(w, ebuf[r][q]));
                xp(w, "%s\n", nent[r] ? "" : " none");
            }
            if (!nent[r])
                ok = false;
        }
        if (!ok) {
            xp(w, "    frame %s on '%s' dropped: a role is unfilled\n", f->name, b);
            continue;
        }
        enum ex_err err = emit(w, si, ts, f, ent, nent, hedged);
        if (err)
            return err;
    }
    return EX_OK;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void explain_sentence(struct work *w, size_t si, const struct tk_sent *ts)
{
    const struct tx_sent *s = &w->sents[si];
    xp(w, "sentence %zu [%zu,%zu): %.*s\n", si, (size_t)s->s, (size_t)s->e,
       (int)(tx_byte(&w->tx, s->e) - tx_byte(&w->tx, s->s)), w->tx.orig + tx_byte(&w->tx, s->s));
    xp(w, "  mentions:");
    size_t k = 0;
    for (size_t i = 0; i < ts->n; i++) {
        const struct tok *t = &ts->t[i];
        if (t->kind != TK_ENT)
            continue;
        for (size_t j = 0; j < t->ne; j++, k++)
            xp(w, " [%s:%s%s]", ename(w, t->ent[j]), ex_type_name(w->ents[t->ent[j]].type),
               (t->flags & TF_COREF) ? ",reference" : (t->flags & TF_GROUP) ? ",group" : "");
    }
    xp(w, "%s\n", k ? "" : " none");
    for (size_t i = 0; i < w->nfacts; i++) {
        const struct wfact *f = &w->facts[i];
        if (f->sent == si)
            xp(w, "  rule %s: fact %s %s %s (%s)\n", f->rule, ename(w, f->s),
               ex_pred_name(f->pred), f->o == EX_NONE ? f->value : ename(w, f->o),
               ex_status_name(f->status));
    }
    for (size_t i = 0; i < w->nsanc; i++) {
        const struct wsanc *x = &w->sanc[i];
        if (x->sent == si)
            xp(w, "  rule %s: sanction %s -> %s %s (%s)\n", x->rule, ename(w, x->imp),
               ename(w, x->tgt), ex_measure_name(x->measure), ex_status_name(x->status));
    }
}

enum ex_err parse_stage(struct work *w)
{
    const struct rules *R = w->x->rules;
    const struct frames *fs = w->x->frames;
    size_t parses = 0;
    double spent = 0;
    if (w->xp && !w->x->pz)
        xp(w, "parse layer: off\n");
    for (size_t si = 0; si < w->nsents; si++) {
        const struct tk_sent *ts = &w->toks[si];
        if (!w->sents[si].evidence) {
            if (w->xp)
                xp(w, "sentence %zu: not evidence (headline-like or caption)\n", si);
            continue;
        }
        if (w->xp)
            explain_sentence(w, si, ts);
        if (!w->x->pz || !fs)
            continue;
        size_t nent = 0;
        bool open = open_pair(w, si, ts, &nent);
        if (nent < 2) {
            xp(w, "  parse: not a candidate (fewer than two entities)\n");
            continue;
        }
        if (!open) {
            xp(w, "  parse: not needed (the token rules connected every pair)\n");
            continue;
        }
        if (!has_trigger(fs, ts)) {
            xp(w, "  parse: not a candidate (no frame's trigger word)\n");
            continue;
        }
        if (parses >= PS_MAX_PARSES || spent >= PS_BUDGET_MS) {
            xp(w, "  parse: skipped (the article's parse budget is spent)\n");
            continue;
        }
        struct words ws;
        if (!build_words(w, ts, &ws)) {
            xp(w, "  parse: skipped (longer than %d words)\n", PZ_MAX_WORDS);
            continue;
        }
        struct pz_result p;
        double t0 = now_ms();
        enum ex_err err = pz_parse(w->x->pz, ws.wd, ws.n, &p);
        double ms = now_ms() - t0;
        parses++;
        spent += ms;
        if (err)
            return err;
        if (w->xp) {
            xp(w, "  parse: %zu words, %.1f ms, %s%s\n", ws.n, ms,
               p.nw ? (p.nulls ? "null links" : "complete") : "no linkage",
               p.timed_out ? ", timed out" : "");
            for (size_t k = 0; k < p.nk; k++)
                xp(w, "    link %s(%s, %s)\n", p.k[k].lab, p.w[p.k[k].l].text,
                   p.w[p.k[k].r].text);
        }
        uint32_t tokof[PZ_MAX_WORDS * 3 + 8];
        bool isent[PZ_MAX_WORDS + 8] = {false};
        if (p.nw == 0 || p.nw > sizeof tokof / sizeof tokof[0] || ts->n > PZ_MAX_WORDS + 8) {
            pz_result_free(&p);
            continue;
        }
        for (size_t i = 0; i < ts->n; i++)
            isent[i] = ts->t[i].kind == TK_ENT;
        for (size_t i = 0; i < p.nw; i++)
            tokof[i] = p.w[i].in == PZ_NONE ? PZ_NONE : ws.tok[p.w[i].in];
        struct rl_ctx c = {.p = &p, .tok = tokof, .isent = isent};
        bool hedged = has_lexicon(ts, rules_known(R, LX_HEDGE));
        bool hypo = has_lexicon(ts, rules_known(R, LX_HYPO));
        for (size_t i = 0; i < p.nw && !err; i++)
            err = run_frames(w, si, ts, &c, i, hedged, hypo);
        pz_result_free(&p);
        if (err)
            return err;
    }
    return EX_OK;
}
