/* extractor/vocab.c — the vocabulary of a rule set: every word of its
 * lexicons and patterns, interned once (rcompile.c), so that a sentence's
 * words are looked up once each (rules_word_id_tx) and matched as integers.
 * Words are stored with 8 zero bytes after them, and the text of an article
 * is padded likewise (TX_PAD), so lookups compare whole 8-byte words. */
#include "extractor/vocab.h"

#include <stdlib.h>
#include <string.h>

#include "extractor/rules.h"

/* A hash of w[0..wl) taking 8 bytes at a time (words are short). */
static uint32_t whash(const char *w, size_t wl)
{
    uint64_t h = 0x9E3779B97F4A7C15u ^ wl;
    size_t i = 0;
    for (; i + 8 <= wl; i += 8) {
        uint64_t k;
        memcpy(&k, w + i, 8);
        h = (h ^ k) * 0xff51afd7ed558ccdu;
        h ^= h >> 32;
    }
    if (i < wl) {
        uint64_t k = 0;
        for (size_t j = 0; i + j < wl; j++)
            k |= (uint64_t)(unsigned char)w[i + j] << (8 * j);
        h = (h ^ k) * 0xff51afd7ed558ccdu;
        h ^= h >> 32;
    }
    h *= 0xc4ceb9fe1a85ec53u;
    return (uint32_t)(h >> 32);
}

static inline bool same_bytes(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

uint32_t voc_find(const struct vocab *v, const char *w, size_t wl)
{
    if (!v || !v->slot || wl > v->maxwl)
        return 0;
    uint32_t h = whash(w, wl);
    for (size_t i = h & v->mask;; i = (i + 1) & v->mask) {
        uint64_t e = v->slot[i];
        uint32_t id = (uint32_t)e;
        if (!id)
            return 0;
        if ((uint32_t)(e >> 32) == h && v->wl[id] == wl && same_bytes(v->str + v->off[id], w, wl))
            return id;
    }
}

static void voc_put(struct vocab *v, uint32_t id, uint32_t h)
{
    size_t i = h & v->mask;
    while (v->slot[i])
        i = (i + 1) & v->mask;
    v->slot[i] = (uint64_t)h << 32 | id;
}

static enum ex_err voc_grow_table(struct vocab *v)
{
    size_t cap = v->slot ? (v->mask + 1) * 2 : 1024;
    uint64_t *slot = calloc(cap, sizeof *slot);
    if (!slot)
        return EX_E_NOMEM;
    uint64_t *os = v->slot;
    size_t ocap = v->slot ? v->mask + 1 : 0;
    v->slot = slot;
    v->mask = cap - 1;
    for (size_t i = 0; i < ocap; i++)
        if (os[i])
            voc_put(v, (uint32_t)os[i], (uint32_t)(os[i] >> 32));
    free(os);
    return EX_OK;
}

enum ex_err voc_intern(struct vocab *v, const char *w, size_t wl, uint32_t *id)
{
    *id = voc_find(v, w, wl);
    if (*id)
        return EX_OK;
    if (v->n + 1 >= RW_PREFIX)
        return EX_E_DATA;
    if (!v->slot || (v->n + 1) * 2 > v->mask + 1) {
        enum ex_err err = voc_grow_table(v);
        if (err)
            return err;
    }
    if (v->n + 2 > v->capn) {
        size_t nc = v->capn ? v->capn * 2 : 1024;
        uint32_t *off = realloc(v->off, nc * sizeof *off);
        if (!off)
            return EX_E_NOMEM;
        v->off = off;
        uint32_t *l = realloc(v->wl, nc * sizeof *l);
        if (!l)
            return EX_E_NOMEM;
        v->wl = l;
        uint64_t *f8 = realloc(v->first8, nc * sizeof *f8);
        if (!f8)
            return EX_E_NOMEM;
        v->first8 = f8;
        v->capn = nc;
    }
    /* each word is followed by 8 zero bytes: whole 8-byte loads are safe */
    if (v->len + wl + 8 > v->cap) {
        size_t nc = v->cap ? v->cap * 2 : 8192;
        while (nc < v->len + wl + 8)
            nc *= 2;
        char *s = realloc(v->str, nc);
        if (!s)
            return EX_E_NOMEM;
        v->str = s;
        v->cap = nc;
    }
    memcpy(v->str + v->len, w, wl);
    memset(v->str + v->len + wl, 0, 8);
    uint32_t nid = (uint32_t)++v->n;
    v->off[nid] = (uint32_t)v->len;
    v->wl[nid] = (uint32_t)wl;
    uint64_t f8 = 0;
    for (size_t j = 0; j < wl && j < 8; j++)
        f8 |= (uint64_t)(unsigned char)w[j] << (8 * j);
    v->first8[nid] = f8;
    v->len += wl + 8;
    if (wl > v->maxwl)
        v->maxwl = wl;
    voc_put(v, nid, whash(w, wl));
    *id = nid;
    return EX_OK;
}

void voc_free(struct vocab *v)
{
    if (!v)
        return;
    free(v->str);
    free(v->off);
    free(v->wl);
    free(v->slot);
    free(v->first8);
    free(v);
}

uint32_t rules_word_id(const struct rules *r, const char *w, size_t wl)
{
    return voc_find(r->voc, w, wl);
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* The first n (1..8) bytes at p as whash reads them; 8 bytes must be readable. */
static inline uint64_t load_le(const char *p, size_t n)
{
    uint64_t k;
    memcpy(&k, p, 8);
    return n >= 8 ? k : k & (((uint64_t)1 << (8 * n)) - 1);
}

uint32_t rules_word_id_tx(const struct rules *r, const char *w, size_t wl)
{
    const struct vocab *v = r->voc;
    if (wl == 1 && (unsigned char)w[0] < 128)
        return r->id1[(unsigned char)w[0]]; /* punctuation, mostly */
    if (!v || !v->slot || wl > v->maxwl || wl == 0)
        return voc_find(v, w, wl);
    /* whash, with whole-word loads */
    uint64_t k0 = load_le(w, wl);
    uint64_t h = ((0x9E3779B97F4A7C15u ^ wl) ^ k0) * 0xff51afd7ed558ccdu;
    h ^= h >> 32;
    for (size_t i = 8; i < wl; i += 8) {
        h = (h ^ load_le(w + i, wl - i)) * 0xff51afd7ed558ccdu;
        h ^= h >> 32;
    }
    h *= 0xc4ceb9fe1a85ec53u;
    uint32_t hh = (uint32_t)(h >> 32);
    for (size_t s = hh & v->mask;; s = (s + 1) & v->mask) {
        uint64_t e = v->slot[s];
        uint32_t id = (uint32_t)e;
        if (!id)
            return 0;
        if ((uint32_t)(e >> 32) != hh || v->first8[id] != k0 || v->wl[id] != wl)
            continue;
        if (wl <= 8)
            return id;
        const char *vw = v->str + v->off[id];
        size_t i = 8;
        while (i < wl && load_le(vw + i, wl - i) == load_le(w + i, wl - i))
            i += 8;
        if (i >= wl)
            return id;
    }
}
#else
uint32_t rules_word_id_tx(const struct rules *r, const char *w, size_t wl)
{
    return voc_find(r->voc, w, wl);
}
#endif

void rules_tok_ids(const struct rules *r, struct tok *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        t[i].id = t[i].kind == TK_WORD ? voc_find(r->voc, t[i].w, t[i].wl) : 0;
}
