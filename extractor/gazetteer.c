/* extractor/gazetteer.c — TSV parsing, the name trie and the scan. */
#include "extractor/gazetteer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "extractor/text.h"

#define GZ_NCLS     44
#define GZ_MAXFIELD 1024

enum gz_case { GZ_C_FIRST, GZ_C_EXACT, GZ_C_ANY };

struct gz_pat {
    uint32_t entry;
    uint32_t len;  /* code points */
    uint8_t cmode; /* enum gz_case */
    char *surf;    /* folded, case kept */
    int32_t next;  /* next pattern ending at the same node, or -1 */
};

struct gz {
    struct gz_entry *ents;
    size_t nents, capents;
    struct gz_pat *pats;
    size_t npats, cappats;
    int32_t *delta; /* nnodes * GZ_NCLS */
    int32_t *out;   /* per node: first pattern ending there, or -1 */
    size_t nnodes, capnodes;
    uint8_t cls[256]; /* gz_cls of every byte */
    /* the trie in 16 bits when nnodes <= GZ_MAX16 (else NULL: delta is used):
     * child | GZ_OUT16 when a pattern ends at the child; 0 for no child.
     * (Rows of 44 entries: a compact child list takes fewer cache lines
     * but costs more branch misses, and is slower.) */
    uint16_t *go16;
    uint8_t rootok[256]; /* some name starts with this byte (the root has a child) */
};

#define GZ_MAX16 0x8000u
#define GZ_OUT16 0x8000u

static int gz_cls(unsigned char c)
{
    if (c >= 'a' && c <= 'z')
        return c - 'a';
    if (c >= '0' && c <= '9')
        return 26 + (c - '0');
    switch (c) {
    case ' ':
        return 36;
    case '.':
        return 37;
    case '-':
        return 38;
    case '\'':
        return 39;
    case '&':
        return 40;
    case '+':
        return 41;
    case '/':
        return 42;
    default:
        return 43;
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
        int32_t *o = realloc(g->out, nc * sizeof *o);
        if (!o)
            return -1;
        g->out = o;
        g->capnodes = nc;
    }
    size_t u = g->nnodes++;
    for (int c = 0; c < GZ_NCLS; c++)
        g->delta[u * GZ_NCLS + (size_t)c] = -1;
    g->out[u] = -1;
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
    *p = (struct gz_pat){
        .entry = entry, .len = (uint32_t)kl, .cmode = cmode, .surf = surf, .next = -1};
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
            else if (field_is(w, wl, "outlet"))
                e->flags |= GZ_F_OUTLET;
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

/* The goto function in 16 bits (child node, 0 for none: the root is nobody's
 * child) when the trie is small enough, else the int32 table (-1) is used. */
static enum ex_err build_goto(struct gz *g)
{
    for (int c = 0; c < 256; c++) {
        g->cls[c] = (uint8_t)gz_cls((unsigned char)c);
        g->rootok[c] = g->delta[g->cls[c]] >= 0;
    }
    if (g->nnodes > GZ_MAX16)
        return EX_OK;
    /* nodes keep their insertion order: a name's nodes are consecutive
     * rows, which a walk along it reads in order */
    size_t nd = g->nnodes * GZ_NCLS;
    g->go16 = malloc(nd * sizeof *g->go16);
    if (!g->go16)
        return EX_E_NOMEM;
    for (size_t k = 0; k < nd; k++) {
        int32_t v = g->delta[k];
        g->go16[k] = v < 0 ? 0 : (uint16_t)((uint32_t)v | (g->out[v] >= 0 ? GZ_OUT16 : 0));
    }
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
    err = build_goto(g);
    for (size_t i = 0; i < g->nents && !err; i++) {
        struct gz_entry *e = &g->ents[i];
        char slug[128];
        ecf_slug(e->name, strlen(e->name), slug, sizeof slug);
        e->slug = strdup(slug);
        if (!e->slug)
            err = EX_E_NOMEM;
        if (e->type == GZ_DEMONYM) {
            long ci = gz_find(g, e->name);
            memcpy(e->dem_cc, ci >= 0 ? g->ents[ci].country : e->country, 3);
        }
    }
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
    for (size_t i = 0; i < g->nents; i++) {
        free(g->ents[i].name);
        free(g->ents[i].slug);
    }
    for (size_t i = 0; i < g->npats; i++)
        free(g->pats[i].surf);
    free(g->ents);
    free(g->pats);
    free(g->delta);
    free(g->go16);
    free(g->out);
    free(g);
}

const struct gz_entry *gz_entry(const struct gz *g, uint32_t i)
{
    return i < g->nents ? &g->ents[i] : NULL;
}

size_t gz_count(const struct gz *g)
{
    return g->nents;
}

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

/* Candidates (one per end position) in end order, for the leftmost-longest
 * pass: insertion, since they arrive nearly sorted. */
static void sort_by_end(struct gz_match *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        struct gz_match m = v[i];
        size_t j = i;
        while (j > 0 && v[j - 1].e > m.e) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = m;
    }
}

/* The trie walked from start s: at each end of a word it reaches, the first
 * listed entry whose case rule holds is the candidate for that end, unless
 * an earlier start (a longer name) won it already. */
static enum ex_err walk_from(const struct gz *g, const char *low, const char *norm, size_t n,
                             size_t s, const uint8_t *cls, uint64_t *won, struct gz_match **v,
                             size_t *nv, size_t *cap)
{
    size_t u = 0;
    for (size_t i = s; i < n; i++) {
        unsigned cl = cls[(unsigned char)low[i]];
        size_t k = u * GZ_NCLS + cl;
        bool ends;
        if (g->go16) {
            uint16_t x = g->go16[k];
            if (!x)
                break;
            u = x & (GZ_OUT16 - 1);
            ends = x & GZ_OUT16;
        } else {
            int32_t c = g->delta[k];
            if (c < 0)
                break;
            u = (size_t)c;
            ends = g->out[u] >= 0;
        }
        /* "H100s", "P800s": a chip model in the plural ends before its "s" */
        bool plural = i + 1 < n && low[i + 1] == 's' && (i + 2 >= n || !tx_isalnum(low[i + 2])) &&
                      (tx_isdigit(norm[i]) || tx_isupper(norm[i]));
        if (!ends || (i + 1 < n && tx_isalnum(low[i + 1]) && !plural) ||
            ((won[i / 64] >> (i % 64)) & 1))
            continue;
        for (int32_t p = g->out[u]; p >= 0; p = g->pats[p].next) {
            const struct gz_pat *pt = &g->pats[p];
            if (!case_ok(pt, norm, s))
                continue;
            if (plural && g->ents[pt->entry].type != EX_T_CHIP)
                continue;
            /* one entry per span: the first listed wins */
            enum ex_err err = push_match(v, nv, cap, (struct gz_match){s, i + 1, pt->entry});
            if (err)
                return err;
            won[i / 64] |= (uint64_t)1 << (i % 64);
            break;
        }
    }
    return EX_OK;
}

/* A name starts where a word does (or with a non-alphanumeric character)
 * and ends where a word does. So the trie is walked from each such start,
 * as far as the text follows it; at each end it reaches, the first listed
 * entry whose case rule holds is the candidate, and the first start (the
 * longest name) to reach an end wins it. This finds exactly what an
 * Aho-Corasick pass over every code point would (the longest pattern ending
 * at each word end whose start is a word start), with table steps only
 * inside names, not at every character. */
enum ex_err gz_scan(const struct gz *g, const char *low, const char *norm, size_t n,
                    struct gz_match **out, size_t *nout)
{
    enum ex_err err = EX_OK;
    struct gz_match *v = NULL;
    size_t nv = 0, cap = 0;
    uint64_t *won = calloc(n / 64 + 1, sizeof *won); /* ends that have their candidate */
    if (!won) {
        err = EX_E_NOMEM;
        goto out;
    }
    const uint8_t *cls = g->cls;
    /* the starts, 64 positions at a time without a branch per character:
     * not inside a word, and a character some name begins with */
    uint64_t carry = 0; /* whether the character before the block is alphanumeric */
    for (size_t base = 0; base < n; base += 64) {
        size_t lim = n - base < 64 ? n - base : 64;
        uint64_t an = 0, ok = 0;
        for (size_t j = 0; j < lim; j++) {
            unsigned char c = (unsigned char)low[base + j];
            an |= (uint64_t)tx_isalnum((char)c) << j;
            ok |= (uint64_t)g->rootok[c] << j;
        }
        uint64_t starts = ~((an << 1 | carry) & an) & ok;
        carry = an >> 63;
        while (starts) {
            size_t s = base + (size_t)__builtin_ctzll(starts);
            starts &= starts - 1;
            if ((err = walk_from(g, low, norm, n, s, cls, won, &v, &nv, &cap)))
                goto out;
        }
    }
    sort_by_end(v, nv);
    /* candidates by end position: a new one replaces the kept ones it
     * contains, and loses to a kept one that starts earlier */
    size_t kept = 0;
    for (size_t c = 0; c < nv; c++) {
        struct gz_match best = v[c];
        bool drop = false;
        while (kept > 0 && v[kept - 1].e > best.s) {
            if (v[kept - 1].s < best.s) {
                drop = true;
                break;
            }
            kept--;
        }
        if (!drop)
            v[kept++] = best;
    }
    nv = kept;
out:
    free(won);
    if (err) {
        free(v);
        v = NULL;
        nv = 0;
    }
    *out = v;
    *nout = nv;
    return err;
}
