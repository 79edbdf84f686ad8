/* extractor/gazetteer.c — TSV parsing and the Aho-Corasick automaton. */
#include "extractor/gazetteer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "extractor/text.h"

#define GZ_NCLS 44
#define GZ_MAXFIELD 1024

enum gz_case { GZ_C_FIRST, GZ_C_EXACT, GZ_C_ANY };

struct gz_pat {
    uint32_t entry;
    uint32_t len;   /* code points */
    uint8_t cmode;  /* enum gz_case */
    char *surf;     /* folded, case kept */
    int32_t next;   /* next pattern ending at the same node, or -1 */
};

struct gz {
    struct gz_entry *ents;
    size_t nents, capents;
    struct gz_pat *pats;
    size_t npats, cappats;
    int32_t *delta; /* nnodes * GZ_NCLS */
    int32_t *fail, *out, *dict;
    size_t nnodes, capnodes;
};

static int gz_cls(unsigned char c)
{
    if (c >= 'a' && c <= 'z')
        return c - 'a';
    if (c >= '0' && c <= '9')
        return 26 + (c - '0');
    switch (c) {
    case ' ': return 36;
    case '.': return 37;
    case '-': return 38;
    case '\'': return 39;
    case '&': return 40;
    case '+': return 41;
    case '/': return 42;
    default: return 43;
    }
}

static void set_err(char *errbuf, size_t errcap, size_t line, const char *what)
{
    if (errbuf && errcap)
        snprintf(errbuf, errcap, "gazetteer.tsv:%zu: %s", line, what);
}

static int32_t new_node(struct gz *g)
{
    if (g->nnodes == g->capnodes) {
        size_t nc = g->capnodes ? g->capnodes * 2 : 1024;
        int32_t *d = realloc(g->delta, nc * GZ_NCLS * sizeof *d);
        if (!d)
            return -1;
        g->delta = d;
        int32_t *f = realloc(g->fail, nc * sizeof *f);
        if (!f)
            return -1;
        g->fail = f;
        int32_t *o = realloc(g->out, nc * sizeof *o);
        if (!o)
            return -1;
        g->out = o;
        int32_t *di = realloc(g->dict, nc * sizeof *di);
        if (!di)
            return -1;
        g->dict = di;
        g->capnodes = nc;
    }
    size_t u = g->nnodes++;
    for (int c = 0; c < GZ_NCLS; c++)
        g->delta[u * GZ_NCLS + (size_t)c] = -1;
    g->fail[u] = 0;
    g->out[u] = -1;
    g->dict[u] = -1;
    return (int32_t)u;
}

/* Folds a UTF-8 alias to (surf, key) with single spaces, trimmed. */
static enum ex_err fold_alias(const char *s, size_t n, char **surf, char **key, size_t *klen)
{
    struct tx t;
    enum ex_err err = tx_build(&t, s, n);
    if (err)
        goto out;
    size_t o = 0;
    bool sp = false;
    for (size_t i = 0; i < t.n; i++) {
        if (tx_isspace(t.norm[i])) {
            sp = o > 0;
            continue;
        }
        if (sp) {
            t.norm[o] = ' ';
            t.low[o++] = ' ';
        }
        sp = false;
        t.norm[o] = t.norm[i];
        t.low[o++] = t.low[i];
    }
    t.norm[o] = t.low[o] = '\0';
    *surf = t.norm;
    *key = t.low;
    *klen = o;
    t.norm = t.low = NULL;
out:
    tx_free(&t);
    return err;
}

static enum ex_err add_pattern(struct gz *g, uint32_t entry, const char *a, size_t al)
{
    uint8_t cmode = GZ_C_FIRST;
    if (al && a[0] == '=') {
        cmode = GZ_C_EXACT;
        a++;
        al--;
    } else if (al && a[0] == '~') {
        cmode = GZ_C_ANY;
        a++;
        al--;
    }
    char *surf = NULL, *key = NULL;
    size_t kl = 0;
    enum ex_err err = fold_alias(a, al, &surf, &key, &kl);
    if (err)
        goto out;
    if (kl == 0)
        goto out; /* nothing to match */
    if (g->npats == g->cappats) {
        size_t nc = g->cappats ? g->cappats * 2 : 512;
        struct gz_pat *np = realloc(g->pats, nc * sizeof *np);
        if (!np) {
            err = EX_E_NOMEM;
            goto out;
        }
        g->pats = np;
        g->cappats = nc;
    }
    int32_t u = 0;
    for (size_t i = 0; i < kl; i++) {
        size_t c = (size_t)gz_cls((unsigned char)key[i]);
        int32_t v = g->delta[(size_t)u * GZ_NCLS + c];
        if (v < 0) {
            v = new_node(g);
            if (v < 0) {
                err = EX_E_NOMEM;
                goto out;
            }
            g->delta[(size_t)u * GZ_NCLS + c] = v;
        }
        u = v;
    }
    struct gz_pat *p = &g->pats[g->npats];
    *p = (struct gz_pat){.entry = entry, .len = (uint32_t)kl, .cmode = cmode, .surf = surf,
                         .next = -1};
    surf = NULL;
    /* keep entry order along the chain: earlier entries win ties */
    int32_t *link = &g->out[u];
    while (*link >= 0)
        link = &g->pats[*link].next;
    *link = (int32_t)g->npats++;
out:
    free(surf);
    free(key);
    return err;
}

static int parse_type(const char *s, size_t n)
{
    char buf[32];
    if (n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (strcmp(buf, "demonym") == 0)
        return GZ_DEMONYM;
    enum ex_type t;
    return ex_type_parse(buf, &t) == 0 ? (int)t : -1;
}

static bool field_is(const char *s, size_t n, const char *lit)
{
    return strlen(lit) == n && strncmp(s, lit, n) == 0;
}

static enum ex_err parse_line(struct gz *g, const char *l, size_t n, size_t lineno, char *errbuf,
                              size_t errcap)
{
    const char *f[5] = {0};
    size_t fl[5] = {0};
    size_t nf = 0, st = 0;
    for (size_t i = 0; i <= n && nf < 5; i++) {
        if (i == n || l[i] == '\t') {
            f[nf] = l + st;
            fl[nf++] = i - st;
            st = i + 1;
        }
    }
    if (nf < 2 || fl[1] == 0 || fl[1] > GZ_MAXFIELD) {
        set_err(errbuf, errcap, lineno, "need TYPE<TAB>NAME");
        return EX_E_DATA;
    }
    int type = parse_type(f[0], fl[0]);
    if (type < 0) {
        set_err(errbuf, errcap, lineno, "unknown type");
        return EX_E_DATA;
    }
    if (!ecf_utf8_valid(l, n, NULL)) {
        set_err(errbuf, errcap, lineno, "invalid UTF-8");
        return EX_E_DATA;
    }
    if (g->nents == g->capents) {
        size_t nc = g->capents ? g->capents * 2 : 256;
        struct gz_entry *ne = realloc(g->ents, nc * sizeof *ne);
        if (!ne)
            return EX_E_NOMEM;
        g->ents = ne;
        g->capents = nc;
    }
    struct gz_entry *e = &g->ents[g->nents];
    memset(e, 0, sizeof *e);
    e->name = strndup(f[1], fl[1]);
    if (!e->name)
        return EX_E_NOMEM;
    e->type = (unsigned)type;
    if (nf > 2 && fl[2] == 2) {
        e->country[0] = f[2][0];
        e->country[1] = f[2][1];
    } else if (nf > 2 && fl[2] != 0 && !field_is(f[2], fl[2], "-")) {
        free(e->name);
        set_err(errbuf, errcap, lineno, "country must be two letters or -");
        return EX_E_DATA;
    }
    if (nf > 4) {
        size_t s0 = 0;
        for (size_t i = 0; i <= fl[4]; i++) {
            if (i < fl[4] && f[4][i] != ',')
                continue;
            const char *w = f[4] + s0;
            size_t wl = i - s0;
            if (field_is(w, wl, "ext"))
                e->flags |= GZ_F_EXT;
            else if (field_is(w, wl, "need"))
                e->flags |= GZ_F_EXT | GZ_F_NEED;
            else if (field_is(w, wl, "nomention"))
                e->flags |= GZ_F_NOMENTION;
            else if (wl && !field_is(w, wl, "-")) {
                free(e->name);
                set_err(errbuf, errcap, lineno, "unknown flag");
                return EX_E_DATA;
            }
            s0 = i + 1;
        }
    }
    uint32_t idx = (uint32_t)g->nents++;
    enum ex_err err = add_pattern(g, idx, f[1], fl[1]);
    if (err || nf < 4)
        return err;
    size_t s0 = 0;
    for (size_t i = 0; i <= fl[3]; i++) {
        if (i < fl[3] && f[3][i] != '|')
            continue;
        if (i > s0 && !field_is(f[3] + s0, i - s0, "-")) {
            err = add_pattern(g, idx, f[3] + s0, i - s0);
            if (err)
                return err;
        }
        s0 = i + 1;
    }
    return EX_OK;
}

static enum ex_err build_links(struct gz *g)
{
    int32_t *queue = malloc(g->nnodes * sizeof *queue);
    if (!queue)
        return EX_E_NOMEM;
    size_t qh = 0, qt = 0;
    for (int c = 0; c < GZ_NCLS; c++) {
        int32_t v = g->delta[(size_t)c];
        if (v < 0) {
            g->delta[(size_t)c] = 0;
        } else {
            g->fail[v] = 0;
            queue[qt++] = v;
        }
    }
    while (qh < qt) {
        int32_t u = queue[qh++];
        int32_t fu = g->fail[u];
        g->dict[u] = g->out[fu] >= 0 ? fu : g->dict[fu];
        for (int c = 0; c < GZ_NCLS; c++) {
            size_t k = (size_t)u * GZ_NCLS + (size_t)c;
            int32_t v = g->delta[k];
            int32_t fv = g->delta[(size_t)fu * GZ_NCLS + (size_t)c];
            if (v < 0) {
                g->delta[k] = fv;
            } else {
                g->fail[v] = fv;
                queue[qt++] = v;
            }
        }
    }
    free(queue);
    return EX_OK;
}

enum ex_err gz_new(const char *data, size_t len, struct gz **out, char *errbuf, size_t errcap)
{
    enum ex_err err = EX_OK;
    struct gz *g = calloc(1, sizeof *g);
    if (!g)
        return EX_E_NOMEM;
    if (new_node(g) < 0) {
        err = EX_E_NOMEM;
        goto out;
    }
    size_t ls = 0, lineno = 0;
    while (ls < len) {
        size_t le = ls;
        while (le < len && data[le] != '\n')
            le++;
        lineno++;
        size_t e = le;
        if (e > ls && data[e - 1] == '\r')
            e--;
        if (e > ls && data[ls] != '#') {
            err = parse_line(g, data + ls, e - ls, lineno, errbuf, errcap);
            if (err)
                goto out;
        }
        ls = le + 1;
    }
    err = build_links(g);
out:
    if (err) {
        gz_free(g);
        g = NULL;
    }
    *out = g;
    return err;
}

void gz_free(struct gz *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->nents; i++)
        free(g->ents[i].name);
    for (size_t i = 0; i < g->npats; i++)
        free(g->pats[i].surf);
    free(g->ents);
    free(g->pats);
    free(g->delta);
    free(g->fail);
    free(g->out);
    free(g->dict);
    free(g);
}

const struct gz_entry *gz_entry(const struct gz *g, uint32_t i)
{
    return i < g->nents ? &g->ents[i] : NULL;
}

size_t gz_count(const struct gz *g) { return g->nents; }

long gz_find(const struct gz *g, const char *name)
{
    for (size_t i = 0; i < g->nents; i++)
        if (strcasecmp(g->ents[i].name, name) == 0 && g->ents[i].type != GZ_DEMONYM)
            return (long)i;
    return -1;
}

static bool case_ok(const struct gz_pat *p, const char *norm, size_t s)
{
    switch (p->cmode) {
    case GZ_C_EXACT:
        return strncmp(norm + s, p->surf, p->len) == 0;
    case GZ_C_ANY:
        return true;
    default:
        return !tx_isupper(p->surf[0]) || tx_isupper(norm[s]) || tx_isdigit(norm[s]);
    }
}

static enum ex_err push_match(struct gz_match **v, size_t *n, size_t *cap, struct gz_match m)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 256;
        struct gz_match *nv = realloc(*v, nc * sizeof *nv);
        if (!nv)
            return EX_E_NOMEM;
        *v = nv;
        *cap = nc;
    }
    (*v)[(*n)++] = m;
    return EX_OK;
}

enum ex_err gz_scan(const struct gz *g, const char *low, const char *norm, size_t n,
                    struct gz_match **out, size_t *nout)
{
    enum ex_err err = EX_OK;
    struct gz_match *v = NULL;
    size_t nv = 0, cap = 0;
    int32_t st = 0;
    for (size_t i = 0; i < n; i++) {
        st = g->delta[(size_t)st * GZ_NCLS + (size_t)gz_cls((unsigned char)low[i])];
        if (g->out[st] < 0 && g->dict[st] < 0)
            continue;
        if (i + 1 < n && tx_isalnum(low[i + 1]))
            continue;
        /* the deepest node with output holds the longest pattern ending here;
         * one candidate per end position is enough for leftmost-longest */
        struct gz_match best = {0, 0, 0};
        bool found = false;
        for (int32_t u = g->out[st] >= 0 ? st : g->dict[st]; u >= 0 && !found; u = g->dict[u]) {
            for (int32_t p = g->out[u]; p >= 0; p = g->pats[p].next) {
                const struct gz_pat *pt = &g->pats[p];
                size_t s = i + 1 - pt->len;
                if (s > 0 && tx_isalnum(low[s - 1]) && tx_isalnum(low[s]))
                    break; /* same key, same span: no other entry fits either */
                if (!case_ok(pt, norm, s))
                    continue;
                best = (struct gz_match){s, i + 1, pt->entry};
                found = true;
                break; /* one entry per span: the first listed wins */
            }
        }
        if (!found)
            continue;
        /* candidates arrive by end position: a new one replaces the kept
         * ones it contains, and loses to a kept one that starts earlier */
        bool drop = false;
        while (nv > 0 && v[nv - 1].e > best.s) {
            if (v[nv - 1].s < best.s) {
                drop = true;
                break;
            }
            nv--;
        }
        if (drop)
            continue;
        err = push_match(&v, &nv, &cap, best);
        if (err)
            goto out;
    }
out:
    if (err) {
        free(v);
        v = NULL;
        nv = 0;
    }
    *out = v;
    *nout = nv;
    return err;
}
