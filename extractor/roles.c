/* extractor/roles.c — argument structure from a Link Grammar linkage. The
 * link types used (the English dictionary's names): S subject, SI inverted
 * subject, RS/R/B relative clauses (subject gap, head, gap), O object,
 * P{v,a,g}/PP/I/TO/IV the verb chain (passive, perfect, modals, control),
 * VJ/SJ coordinated verbs and nouns, MV+J verb PPs, M+J noun PPs, D+YS
 * possessors, MX apposition, AN/GN descriptor nouns, N/E negation. */
#include "extractor/roles.h"

#include <string.h>

#define RL_MAXCHAIN 8
#define RL_DEPTH    5

/* Whether a link label's type (its upper-case prefix) is exactly type. */
static bool lt(const char *lab, const char *type)
{
    size_t n = strlen(type);
    return !strncmp(lab, type, n) && !(lab[n] >= 'A' && lab[n] <= 'Z');
}

static const char *lsub(const char *lab)
{
    while (*lab >= 'A' && *lab <= 'Z')
        lab++;
    return lab;
}

const char *rl_base(const struct rl_ctx *c, size_t i, char *buf, size_t cap)
{
    const char *t = c->p->w[i].text;
    size_t n = 0;
    /* "." and "," are words; "U.S." never reaches here (entities are placeholders) */
    for (size_t k = 0; t[k] && n + 1 < cap; k++) {
        if ((t[k] == '.' && k > 0) || t[k] == '[')
            break;
        char ch = t[k];
        buf[n++] = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
    }
    buf[n] = '\0';
    return buf;
}

char rl_pos(const struct rl_ctx *c, size_t i)
{
    const char *t = c->p->w[i].text;
    const char *d = t[0] ? strchr(t + 1, '.') : NULL;
    if (!d || !d[1])
        return 0;
    return (d[1] == 'v' || d[1] == 'q' || d[1] == 'w') ? 'v' : 'n';
}

static bool base_is(const struct rl_ctx *c, size_t i, const char *const *set)
{
    char b[32];
    rl_base(c, i, b, sizeof b);
    for (; *set; set++)
        if (!strcmp(b, *set))
            return true;
    return false;
}

static const char *const be_forms[] = {"is",   "are",   "was", "were", "be",
                                       "been", "being", "am",  NULL};
static const char *const conj_words[] = {"and", "or", "but", NULL};
static const char *const rel_words[] = {"that", "which", "who", "whom", NULL};

static bool has(const size_t *a, size_t n, size_t x)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] == x)
            return true;
    return false;
}

static void add(size_t *a, size_t *n, size_t max, size_t x)
{
    if (*n < max && !has(a, *n, x))
        a[(*n)++] = x;
}

size_t rl_chain(const struct rl_ctx *c, size_t t, size_t *out, bool *passive)
{
    const struct pz_result *p = c->p;
    size_t n = 0;
    out[n++] = t;
    *passive = false;
    for (size_t at = 0; at < n && n < RL_MAXCHAIN; at++) {
        size_t cur = out[at];
        for (size_t k = 0; k < p->nk; k++) {
            const struct pz_link *l = &p->k[k];
            size_t next = SIZE_MAX;
            if (l->r == cur && (lt(l->lab, "PP") || lt(l->lab, "P") || lt(l->lab, "I") ||
                                lt(l->lab, "TO") || lt(l->lab, "IV"))) {
                next = l->l;
                const char *s = lsub(l->lab);
                if (lt(l->lab, "P") &&
                    (s[0] == 'v' || (s[0] == 'a' && strstr(p->w[cur].text, ".v-d"))))
                    *passive = true;
            } else if (lt(l->lab, "VJ") && (l->l == cur || l->r == cur)) {
                size_t o = l->l == cur ? l->r : l->l;
                if (base_is(c, o, conj_words))
                    next = o;
            }
            if (next != SIZE_MAX)
                add(out, &n, RL_MAXCHAIN, next);
        }
    }
    return n;
}

/* The subject word of a chain, and whether it came through a relative
 * pronoun's subject gap (RS). */
static size_t subject_of(const struct rl_ctx *c, const size_t *ch, size_t nch, bool *rel)
{
    const struct pz_result *p = c->p;
    *rel = false;
    for (size_t j = 0; j < nch; j++)
        for (size_t k = 0; k < p->nk; k++) {
            const struct pz_link *l = &p->k[k];
            if (l->r == ch[j] && lt(l->lab, "S"))
                return l->l;
            if (l->l == ch[j] && lt(l->lab, "SI"))
                return l->r;
            if (l->r == ch[j] && lt(l->lab, "RS")) {
                *rel = true;
                return l->l;
            }
        }
    return SIZE_MAX;
}

size_t rl_governor(const struct rl_ctx *c, size_t n)
{
    for (size_t k = 0; k < c->p->nk; k++) {
        const struct pz_link *l = &c->p->k[k];
        if (l->r == n && lt(l->lab, "O") && lsub(l->lab)[0] != 't')
            return l->l;
    }
    return SIZE_MAX;
}

/* J-objects of the prepositions named prep attached to word x by links of
 * type ptype (MV for verbs, M for nouns). */
static void pp_of(const struct rl_ctx *c, size_t x, const char *ptype, const char *prep,
                  size_t *out, size_t *n)
{
    const struct pz_result *p = c->p;
    char b[32];
    for (size_t k = 0; k < p->nk; k++) {
        const struct pz_link *l = &p->k[k];
        if (l->l != x || !lt(l->lab, ptype) || strcmp(rl_base(c, l->r, b, sizeof b), prep))
            continue;
        for (size_t j = 0; j < p->nk; j++)
            if (p->k[j].l == l->r && lt(p->k[j].lab, "J"))
                add(out, n, RL_MAXW, p->k[j].r);
    }
}

/* Objects of the verb chain: O links of the trigger, and the gap of a
 * relative clause (B) unless the clause's gap is its subject. */
static void objects_of(const struct rl_ctx *c, const size_t *ch, size_t nch, bool relsubj,
                       size_t *out, size_t *n)
{
    const struct pz_result *p = c->p;
    for (size_t k = 0; k < p->nk; k++) {
        const struct pz_link *l = &p->k[k];
        if (l->l == ch[0] && lt(l->lab, "O") && lsub(l->lab)[0] != 't')
            add(out, n, RL_MAXW, l->r);
        if (!relsubj && has(ch, nch, l->r) && lt(l->lab, "B"))
            add(out, n, RL_MAXW, l->l);
    }
}

static void poss_of(const struct rl_ctx *c, size_t nw, size_t *out, size_t *n)
{
    const struct pz_result *p = c->p;
    char b[8];
    for (size_t k = 0; k < p->nk; k++) {
        const struct pz_link *l = &p->k[k];
        if (l->r != nw || !lt(l->lab, "D"))
            continue;
        /* "X, whose largest shareholder is Y": the possessor is the head the
         * relative clause hangs on (MX for a non-restrictive one, R else) */
        if (!strcmp(rl_base(c, l->l, b, sizeof b), "whose")) {
            for (size_t j = 0; j < p->nk; j++)
                if (p->k[j].r == l->l && (lt(p->k[j].lab, "MX") || lt(p->k[j].lab, "R")))
                    add(out, n, RL_MAXW, p->k[j].l);
            continue;
        }
        if (strcmp(b, "'s"))
            continue;
        for (size_t j = 0; j < p->nk; j++)
            if (p->k[j].r == l->l && lt(p->k[j].lab, "YS"))
                add(out, n, RL_MAXW, p->k[j].l);
    }
}

/* What word i is said to be: its apposition, the other side of a copula,
 * and "one of the N" for N. */
static void equated(const struct rl_ctx *c, size_t i, size_t *out, size_t *n)
{
    const struct pz_result *p = c->p;
    char b[8];
    for (size_t k = 0; k < p->nk; k++) {
        const struct pz_link *l = &p->k[k];
        if (lt(l->lab, "MX") && (l->l == i || l->r == i))
            add(out, n, RL_MAXW, l->l == i ? l->r : l->l);
        /* i is the subject of "be": its object or inverted subject */
        if (lt(l->lab, "S") && l->l == i && base_is(c, l->r, be_forms))
            for (size_t j = 0; j < p->nk; j++)
                if (p->k[j].l == l->r && (lt(p->k[j].lab, "O") || lt(p->k[j].lab, "SI")))
                    add(out, n, RL_MAXW, p->k[j].r);
        /* i is the object (or inverted subject) of "be": its subject */
        if ((lt(l->lab, "O") || lt(l->lab, "SI")) && l->r == i && base_is(c, l->l, be_forms))
            for (size_t j = 0; j < p->nk; j++) {
                if (p->k[j].r == l->l && (lt(p->k[j].lab, "S") || lt(p->k[j].lab, "Q")))
                    add(out, n, RL_MAXW, p->k[j].l);
                if (p->k[j].l == l->l && lt(p->k[j].lab, "O") && p->k[j].r != i)
                    add(out, n, RL_MAXW, p->k[j].r);
            }
        /* "one of the N": N is what "one" is */
        if (lt(l->lab, "J") && l->r == i && !strcmp(rl_base(c, l->l, b, sizeof b), "of"))
            for (size_t j = 0; j < p->nk; j++)
                if (p->k[j].r == l->l && lt(p->k[j].lab, "M") &&
                    !strcmp(rl_base(c, p->k[j].l, b, sizeof b), "one"))
                    add(out, n, RL_MAXW, p->k[j].l);
    }
}

static void ents_rec(const struct rl_ctx *c, size_t i, int depth, bool *seen, uint32_t *out,
                     size_t *n, size_t max)
{
    const struct pz_result *p = c->p;
    if (i >= p->nw || seen[i] || depth > RL_DEPTH)
        return;
    seen[i] = true;
    uint32_t t = c->tok[i];
    if (t != PZ_NONE && c->isent[t]) {
        for (size_t k = 0; k < *n; k++)
            if (out[k] == t)
                return;
        if (*n < max)
            out[(*n)++] = t;
        return;
    }
    size_t nx[RL_MAXW], nn = 0;
    bool conj = base_is(c, i, conj_words), rel = base_is(c, i, rel_words);
    for (size_t k = 0; k < p->nk; k++) {
        const struct pz_link *l = &p->k[k];
        if (conj && (lt(l->lab, "SJ") || lt(l->lab, "MJ")) && (l->l == i || l->r == i))
            add(nx, &nn, RL_MAXW, l->l == i ? l->r : l->l);
        if ((lt(l->lab, "AN") || lt(l->lab, "GN")) && l->r == i)
            add(nx, &nn, RL_MAXW, l->l);
        if (rel && (lt(l->lab, "R") || lt(l->lab, "MX")) && l->r == i)
            add(nx, &nn, RL_MAXW, l->l);
    }
    if (!conj)
        equated(c, i, nx, &nn);
    for (size_t k = 0; k < nn; k++)
        ents_rec(c, nx[k], depth + 1, seen, out, n, max);
}

size_t rl_entities(const struct rl_ctx *c, size_t i, uint32_t *out, size_t max)
{
    bool seen[PZ_MAX_WORDS * 3 + 8] = {false};
    size_t n = 0;
    if (c->p->nw > sizeof seen / sizeof seen[0])
        return 0;
    ents_rec(c, i, 0, seen, out, &n, max);
    return n;
}

bool rl_negated(const struct rl_ctx *c, size_t t)
{
    size_t ch[RL_MAXCHAIN];
    bool passive;
    size_t nch = rl_chain(c, t, ch, &passive);
    static const char *const neg[] = {"not", "never", "n't", NULL};
    for (size_t k = 0; k < c->p->nk; k++) {
        const struct pz_link *l = &c->p->k[k];
        if ((lt(l->lab, "N") || lt(l->lab, "E") || lt(l->lab, "EB")) &&
            (has(ch, nch, l->l) || has(ch, nch, l->r)) &&
            (base_is(c, l->l, neg) || base_is(c, l->r, neg)))
            return true;
    }
    return false;
}

size_t rl_role_words(const struct rl_ctx *c, size_t t, char pos, enum fr_src src, const char *prep,
                     size_t *out)
{
    size_t n = 0, ch[RL_MAXCHAIN], nch = 0;
    bool passive = false, relsubj = false;
    size_t gov = SIZE_MAX;
    if (pos == 'v') {
        nch = rl_chain(c, t, ch, &passive);
    } else {
        gov = rl_governor(c, t);
        if (gov != SIZE_MAX)
            nch = rl_chain(c, gov, ch, &passive);
    }
    switch (src) {
    case FS_AGENT:
        if (pos == 'v') {
            if (passive) {
                for (size_t j = 0; j < nch; j++)
                    pp_of(c, ch[j], "MV", "by", out, &n);
            } else {
                size_t s = subject_of(c, ch, nch, &relsubj);
                if (s != SIZE_MAX)
                    add(out, &n, RL_MAXW, s);
            }
            break;
        }
        pp_of(c, t, "M", "by", out, &n);
        poss_of(c, t, out, &n);
        for (size_t k = 0; k < c->p->nk; k++)
            if (c->p->k[k].r == t && (lt(c->p->k[k].lab, "AN") || lt(c->p->k[k].lab, "GN")))
                add(out, &n, RL_MAXW, c->p->k[k].l);
        if (gov != SIZE_MAX && !passive) {
            size_t s = subject_of(c, ch, nch, &relsubj);
            if (s != SIZE_MAX)
                add(out, &n, RL_MAXW, s);
        }
        break;
    case FS_THEME:
        if (pos == 'v') {
            size_t s = subject_of(c, ch, nch, &relsubj);
            if (passive) {
                if (s != SIZE_MAX)
                    add(out, &n, RL_MAXW, s);
            } else {
                objects_of(c, ch, nch, relsubj, out, &n);
            }
            break;
        }
        pp_of(c, t, "M", "of", out, &n);
        break;
    case FS_PP: {
        size_t heads[RL_MAXW], nh = 0;
        add(heads, &nh, RL_MAXW, t);
        if (pos == 'v') {
            for (size_t j = 0; j < nch; j++)
                pp_of(c, ch[j], "MV", prep, out, &n);
            (void)subject_of(c, ch, nch, &relsubj);
            objects_of(c, ch, nch, relsubj, heads, &nh);
        } else {
            pp_of(c, t, "M", prep, out, &n);
            for (size_t j = 0; j < nch; j++)
                pp_of(c, ch[j], "MV", prep, out, &n);
        }
        /* inside the phrase: "a ban by X on exports to Y", "restricts sales of chips to Y"
         * (the parser attaches such PPs to any noun before them) */
        size_t mid[RL_MAXW], nm = 0;
        for (size_t h = 0; h < nh; h++)
            add(mid, &nm, RL_MAXW, heads[h]);
        for (size_t q = 0; q < nm; q++) {
            size_t before = nm;
            static const char *const inner[] = {"on", "of", "for", "in", "against", "by"};
            for (size_t k = 0; k < sizeof inner / sizeof inner[0]; k++)
                pp_of(c, mid[q], pos == 'v' && mid[q] == t ? "MV" : "M", inner[k], mid, &nm);
            if (q > 0 || pos != 'v')
                pp_of(c, mid[q], "M", prep, out, &n);
            if (nm > 6)
                nm = before > 6 ? before : 6;
        }
        break;
    }
    case FS_POSS:
        poss_of(c, t, out, &n);
        break;
    case FS_SELF:
        equated(c, t, out, &n);
        break;
    case FS_IMPLICIT: /* not in the linkage: pstage.c fills these */
    case FS_AFTER:
        break;
    }
    return n;
}
