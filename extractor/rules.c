/* extractor/rules.c — parsing data/rules.tsv and matching patterns. */
#include "extractor/rules.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "extractor/text.h"

#define RL_MAXFIELDS 6
#define RL_MAXGAP    40

struct parse {
    struct rules *r;
    size_t line;
    char *errbuf;
    size_t errcap;
};

static enum ex_err fail(struct parse *p, const char *what)
{
    if (p->errbuf && p->errcap)
        snprintf(p->errbuf, p->errcap, "rules.tsv:%zu: %s", p->line, what);
    return EX_E_DATA;
}

static void free_alts(char **a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(a[i]);
    free(a);
}

/* Splits s[0..n) on sep into malloc'd strings; '_' becomes ' ' when under. */
static enum ex_err split_alts(const char *s, size_t n, char sep, bool under, char ***out,
                              size_t *nout)
{
    size_t cnt = 1;
    for (size_t i = 0; i < n; i++)
        cnt += s[i] == sep;
    char **v = calloc(cnt, sizeof *v);
    if (!v)
        return EX_E_NOMEM;
    size_t k = 0, st = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != sep)
            continue;
        if (i > st) {
            v[k] = strndup(s + st, i - st);
            if (!v[k]) {
                free_alts(v, k);
                return EX_E_NOMEM;
            }
            for (char *c = v[k]; under && *c; c++)
                if (*c == '_')
                    *c = ' ';
            k++;
        }
        st = i + 1;
    }
    *out = v;
    *nout = k;
    return EX_OK;
}

const struct lexicon *rules_lex(const struct rules *r, const char *name)
{
    for (size_t i = 0; i < r->nlx; i++)
        if (strcmp(r->lx[i].name, name) == 0)
            return &r->lx[i];
    return NULL;
}

static int parse_role(char c)
{
    switch (c) {
    case 'S':
        return RR_S;
    case 'O':
        return RR_O;
    case 'I':
        return RR_I;
    case 'T':
        return RR_T;
    case 'X':
        return RR_X;
    case 'L':
        return RR_L;
    case 'V':
        return RR_V;
    default:
        return -1;
    }
}

static enum ex_err parse_slot(struct parse *p, const char *s, size_t n, struct relem *el)
{
    /* s is the inside of {...}: types[:ROLE] */
    el->kind = RE_SLOT;
    el->role = RR_ANON;
    size_t tl = n;
    const char *colon = memchr(s, ':', n);
    if (colon) {
        tl = (size_t)(colon - s);
        int role = n - tl == 2 ? parse_role(colon[1]) : -1;
        if (role < 0)
            return fail(p, "bad slot role");
        el->role = (enum re_role)role;
    }
    if (tl == 1 && s[0] == '*') {
        el->tmask = (1u << EX_T__COUNT) - 1;
        return EX_OK;
    }
    size_t st = 0;
    for (size_t i = 0; i <= tl; i++) {
        if (i < tl && s[i] != '|')
            continue;
        char buf[32];
        if (i - st == 0 || i - st >= sizeof buf)
            return fail(p, "bad slot type");
        memcpy(buf, s + st, i - st);
        buf[i - st] = '\0';
        enum ex_type t;
        if (ex_type_parse(buf, &t) != 0)
            return fail(p, "unknown slot type");
        el->tmask |= 1u << t;
        st = i + 1;
    }
    return EX_OK;
}

static enum ex_err parse_elem(struct parse *p, const char *s, size_t n, struct relem *el)
{
    memset(el, 0, sizeof *el);
    if (n >= 3 && strncmp(s, "...", 3) == 0) {
        el->kind = RE_GAP;
        el->gap = 6;
        if (n > 3) {
            unsigned v = 0;
            for (size_t i = 3; i < n; i++) {
                if (s[i] < '0' || s[i] > '9')
                    return fail(p, "bad gap");
                v = v * 10 + (unsigned)(s[i] - '0');
                if (v > RL_MAXGAP)
                    return fail(p, "gap too long");
            }
            el->gap = v;
        }
        return EX_OK;
    }
    if (n > 1 && (s[n - 1] == '?' || s[n - 1] == '*')) {
        el->quant = s[n - 1];
        n--;
    }
    if (s[0] == '{') {
        if (s[n - 1] != '}' || n < 3)
            return fail(p, "unclosed slot");
        return parse_slot(p, s + 1, n - 2, el);
    }
    if (s[0] == '<') {
        if (n == 6 && strncmp(s, "<node>", 6) == 0) {
            el->kind = RE_NODE;
            el->role = RR_ANON;
            return EX_OK;
        }
        if (n == 7 && strncmp(s, "<appos>", 7) == 0) {
            el->kind = RE_APPOS;
            return EX_OK;
        }
        if (n == 8 && strncmp(s, "<node:V>", 8) == 0) {
            el->kind = RE_NODE;
            el->role = RR_V;
            return EX_OK;
        }
        return fail(p, "unknown <element>");
    }
    el->kind = RE_WORD;
    char **raw = NULL;
    size_t nraw = 0;
    enum ex_err err = split_alts(s, n, '|', true, &raw, &nraw);
    if (err)
        return err;
    /* an alternative "@name" stands for every entry of lexicon name */
    size_t total = 0;
    for (size_t i = 0; i < nraw; i++) {
        const struct lexicon *lx = raw[i][0] == '@' ? rules_lex(p->r, raw[i] + 1) : NULL;
        if (raw[i][0] == '@' && !lx) {
            free_alts(raw, nraw);
            return fail(p, "unknown lexicon (define L lines before use)");
        }
        total += lx ? lx->n : 1;
    }
    el->alts = calloc(total ? total : 1, sizeof *el->alts);
    if (!el->alts) {
        free_alts(raw, nraw);
        return EX_E_NOMEM;
    }
    for (size_t i = 0; i < nraw && !err; i++) {
        if (raw[i][0] != '@') {
            el->alts[el->nalt++] = raw[i];
            raw[i] = NULL;
            continue;
        }
        const struct lexicon *lx = rules_lex(p->r, raw[i] + 1);
        for (size_t k = 0; k < lx->n; k++) {
            el->alts[el->nalt] = strdup(lx->words[k]);
            if (!el->alts[el->nalt]) {
                err = EX_E_NOMEM;
                break;
            }
            el->nalt++;
        }
    }
    free_alts(raw, nraw);
    return err;
}

static void free_rule(struct rule *r)
{
    for (size_t i = 0; i < r->nel; i++)
        free_alts(r->el[i].alts, r->el[i].nalt);
    free(r->el);
    free(r->name);
}

static enum ex_err parse_strats(struct parse *p, const char *s, size_t n, enum re_strat *out)
{
    size_t k = 0, st = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != ',')
            continue;
        if (i - st != 2 || k >= RULE_MAXSTRAT - 1)
            return fail(p, "bad strategy list");
        const char *c = s + st;
        enum re_strat v = ST_NONE;
        if (!strncmp(c, "ac", 2))
            v = ST_AFTER;
        else if (!strncmp(c, "co", 2))
            v = ST_COMPANY;
        else if (!strncmp(c, "cs", 2) || !strncmp(c, "is", 2))
            v = ST_SENT;
        else if (!strncmp(c, "pv", 2) || !strncmp(c, "ip", 2))
            v = ST_PREV;
        else if (!strncmp(c, "df", 2))
            v = ST_DEFAULT;
        else if (!strncmp(c, "lc", 2))
            v = ST_LISTC;
        else
            return fail(p, "unknown strategy");
        out[k++] = v;
        st = i + 1;
    }
    out[k] = ST_NONE;
    return EX_OK;
}

static enum ex_err parse_opts(struct parse *p, const char *s, size_t n, struct rule *r)
{
    size_t st = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != ' ')
            continue;
        const char *o = s + st;
        size_t ol = i - st;
        st = i + 1;
        if (ol == 0)
            continue;
        enum ex_err err = EX_OK;
        if (ol == 4 && !strncmp(o, "pair", 4))
            r->flags |= RF_PAIR;
        else if (ol == 7 && !strncmp(o, "nocoref", 7))
            r->flags |= RF_NOCOREF;
        else if (ol == 3 && !strncmp(o, "zip", 3))
            r->flags |= RF_ZIP;
        else if (ol > 2 && !strncmp(o, "t=", 2))
            err = parse_strats(p, o + 2, ol - 2, r->tstrat);
        else if (ol > 2 && !strncmp(o, "i=", 2))
            err = parse_strats(p, o + 2, ol - 2, r->istrat);
        else
            err = fail(p, "unknown option");
        if (err)
            return err;
    }
    return EX_OK;
}

static enum ex_err parse_rule(struct parse *p, const char *const *f, const size_t *fl, size_t nf,
                              struct rule *r)
{
    memset(r, 0, sizeof *r);
    enum ex_err err = EX_OK;
    if (nf < 5)
        return fail(p, "rule needs KIND NAME WHAT CONF PATTERN");
    r->kind = f[0][0];
    r->name = strndup(f[1], fl[1]);
    if (!r->name)
        return EX_E_NOMEM;
    char buf[64];
    if (fl[2] >= sizeof buf) {
        err = fail(p, "predicate too long");
        goto out;
    }
    memcpy(buf, f[2], fl[2]);
    buf[fl[2]] = '\0';
    if (r->kind == 'F') {
        enum ex_pred pr;
        if (ex_pred_parse(buf, &pr) != 0) {
            err = fail(p, "unknown predicate");
            goto out;
        }
        r->what = (int)pr;
    } else {
        enum ex_measure ms;
        if (ex_measure_parse(buf, &ms) != 0) {
            err = fail(p, "unknown measure");
            goto out;
        }
        r->what = (int)ms;
    }
    char *end = NULL;
    char cbuf[16];
    if (fl[3] == 0 || fl[3] >= sizeof cbuf) {
        err = fail(p, "bad confidence");
        goto out;
    }
    memcpy(cbuf, f[3], fl[3]);
    cbuf[fl[3]] = '\0';
    r->conf = strtod(cbuf, &end);
    if (*end || r->conf <= 0 || r->conf > 1) {
        err = fail(p, "confidence must be in (0, 1]");
        goto out;
    }
    size_t cnt = 1;
    for (size_t i = 0; i < fl[4]; i++)
        cnt += f[4][i] == ' ';
    r->el = calloc(cnt, sizeof *r->el);
    if (!r->el) {
        err = EX_E_NOMEM;
        goto out;
    }
    size_t st = 0;
    for (size_t i = 0; i <= fl[4]; i++) {
        if (i < fl[4] && f[4][i] != ' ')
            continue;
        if (i > st) {
            err = parse_elem(p, f[4] + st, i - st, &r->el[r->nel]);
            r->nel++;
            if (err)
                goto out;
        }
        st = i + 1;
    }
    if (r->nel == 0) {
        err = fail(p, "empty pattern");
        goto out;
    }
    if (nf > 5)
        err = parse_opts(p, f[5], fl[5], r);
out:
    if (err)
        free_rule(r);
    return err;
}

static enum ex_err parse_line(struct parse *p, const char *l, size_t n)
{
    const char *f[RL_MAXFIELDS];
    size_t fl[RL_MAXFIELDS];
    size_t nf = 0, st = 0;
    for (size_t i = 0; i <= n && nf < RL_MAXFIELDS; i++) {
        if (i == n || l[i] == '\t') {
            f[nf] = l + st;
            fl[nf++] = i - st;
            st = i + 1;
        }
    }
    if (fl[0] != 1)
        return fail(p, "first field must be L, F or S");
    struct rules *r = p->r;
    if (f[0][0] == 'L') {
        if (nf < 3 || fl[1] == 0)
            return fail(p, "lexicon needs L NAME WORDS");
        struct lexicon *nl = realloc(r->lx, (r->nlx + 1) * sizeof *nl);
        if (!nl)
            return EX_E_NOMEM;
        r->lx = nl;
        struct lexicon *lx = &r->lx[r->nlx];
        memset(lx, 0, sizeof *lx);
        lx->name = strndup(f[1], fl[1]);
        if (!lx->name)
            return EX_E_NOMEM;
        r->nlx++;
        return split_alts(f[2], fl[2], '|', false, &lx->words, &lx->n);
    }
    if (f[0][0] != 'F' && f[0][0] != 'S')
        return fail(p, "first field must be L, F or S");
    struct rule *nr = realloc(r->r, (r->nr + 1) * sizeof *nr);
    if (!nr)
        return EX_E_NOMEM;
    r->r = nr;
    enum ex_err err = parse_rule(p, f, fl, nf, &r->r[r->nr]);
    if (!err)
        r->nr++;
    return err;
}

enum ex_err rules_new(const char *data, size_t len, struct rules **out, char *errbuf, size_t errcap)
{
    enum ex_err err = EX_OK;
    struct rules *r = calloc(1, sizeof *r);
    if (!r)
        return EX_E_NOMEM;
    struct parse p = {.r = r, .errbuf = errbuf, .errcap = errcap};
    if (!ecf_utf8_valid(data, len, NULL)) {
        err = fail(&p, "invalid UTF-8");
        goto out;
    }
    size_t ls = 0;
    while (ls < len) {
        size_t le = ls;
        while (le < len && data[le] != '\n')
            le++;
        p.line++;
        size_t e = le;
        if (e > ls && data[e - 1] == '\r')
            e--;
        if (e > ls && data[ls] != '#') {
            err = parse_line(&p, data + ls, e - ls);
            if (err)
                goto out;
        }
        ls = le + 1;
    }
    err = rules_compile(r);
out:
    if (err) {
        rules_free(r);
        r = NULL;
    }
    *out = r;
    return err;
}

void rules_free(struct rules *r)
{
    if (!r)
        return;
    rules_compiled_free(r); /* before the elements it lives in */
    for (size_t i = 0; i < r->nr; i++)
        free_rule(&r->r[i]);
    for (size_t i = 0; i < r->nlx; i++) {
        free(r->lx[i].name);
        free_alts(r->lx[i].words, r->lx[i].n);
    }
    free(r->r);
    free(r->lx);
    free(r);
}
