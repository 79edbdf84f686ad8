/* extractor/entities.c — the working entity table and gazetteer mentions. */
#include "extractor/work.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"

_Thread_local struct wcount ex_wcount;

uint64_t work_hash(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

size_t hidx_next(const struct hidx *x, uint64_t h, size_t *pos)
{
    if (!x->cap)
        return SIZE_MAX;
    size_t mask = x->cap - 1;
    size_t p = *pos == SIZE_MAX ? (size_t)(h ^ (h >> 29)) & mask : (*pos + 1) & mask;
    for (; x->v[p]; p = (p + 1) & mask) {
        if (x->h[p] == h) {
            *pos = p;
            return x->v[p] - 1;
        }
    }
    return SIZE_MAX;
}

static void hidx_put(uint64_t *hs, uint32_t *vs, size_t cap, uint64_t h, uint32_t v)
{
    size_t mask = cap - 1, p = (size_t)(h ^ (h >> 29)) & mask;
    while (vs[p])
        p = (p + 1) & mask;
    hs[p] = h;
    vs[p] = v;
}

enum ex_err hidx_add(struct hidx *x, uint64_t h, size_t item)
{
    if (item >= UINT32_MAX)
        return EX_E_NOMEM;
    if ((x->n + 1) * 2 > x->cap) {
        size_t nc = x->cap ? x->cap * 2 : 64;
        uint64_t *nh = malloc(nc * sizeof *nh);
        uint32_t *nv = calloc(nc, sizeof *nv);
        if (!nh || !nv) {
            free(nh);
            free(nv);
            return EX_E_NOMEM;
        }
        for (size_t i = 0; i < x->cap; i++)
            if (x->v[i])
                hidx_put(nh, nv, nc, x->h[i], x->v[i]);
        free(x->h);
        free(x->v);
        x->h = nh;
        x->v = nv;
        x->cap = nc;
    }
    hidx_put(x->h, x->v, x->cap, h, (uint32_t)item + 1);
    x->n++;
    return EX_OK;
}

void hidx_free(struct hidx *x)
{
    free(x->h);
    free(x->v);
    memset(x, 0, sizeof *x);
}

void work_index_free(struct work *w)
{
    hidx_free(&w->eix);
    hidx_free(&w->chipsfx);
    hidx_free(&w->fix);
    hidx_free(&w->six);
    free(w->ctry);
    free(w->ttgt);
    free(w->icc);
    w->ctry = w->ttgt = NULL;
    w->icc = NULL;
    w->nctry = w->capctry = w->nttgt = w->capttgt = w->nicc = w->capicc = 0;
}

static size_t find_id(const struct work *w, const char *id, uint64_t h)
{
    ex_wcount.ent_find++;
    size_t pos = SIZE_MAX, i;
    while ((i = hidx_next(&w->eix, h, &pos)) != SIZE_MAX) {
        ex_wcount.ent_probe++;
        if (strcmp(w->ents[i].id, id) == 0)
            return i;
    }
    return SIZE_MAX;
}

/* Indexes the new entity idx: by id, a chip by its last word, a country. */
static enum ex_err index_entity(struct work *w, size_t idx, uint64_t h)
{
    const struct went *e = &w->ents[idx];
    enum ex_err err = hidx_add(&w->eix, h, idx);
    if (err)
        return err;
    const char *sp = strrchr(e->name, ' ');
    if (e->type == EX_T_CHIP && sp && sp > e->name &&
        (err = hidx_add(&w->chipsfx, work_hash(WORK_HASH0, sp + 1, strlen(sp + 1)), idx)))
        return err;
    if (e->type == EX_T_COUNTRY) {
        if (w->nctry == w->capctry) {
            size_t nc = w->capctry ? w->capctry * 2 : 16;
            size_t *nv = realloc(w->ctry, nc * sizeof *nv);
            if (!nv)
                return EX_E_NOMEM;
            w->ctry = nv;
            w->capctry = nc;
        }
        w->ctry[w->nctry++] = idx;
    }
    return EX_OK;
}

static enum ex_err entity(struct work *w, const char *id, const char *name, size_t nl,
                          enum ex_type type, const char *country, bool capped, size_t *idx)
{
    if (!id[0])
        return EX_E_DATA;
    uint64_t h = work_hash(WORK_HASH0, id, strlen(id));
    size_t at = find_id(w, id, h);
    if (at != SIZE_MAX) {
        *idx = at;
        return EX_OK;
    }
    if (capped && type != EX_T_COUNTRY) {
        if (w->nnamed >= WORK_MAX_NAMED) {
            w->ndropped++;
            ex_wcount.ents_dropped++;
            return EX_E_DATA;
        }
        w->nnamed++;
    }
    if (w->nents == w->capents) {
        size_t nc = w->capents ? w->capents * 2 : 64;
        struct went *ne = realloc(w->ents, nc * sizeof *ne);
        if (!ne)
            return EX_E_NOMEM;
        w->ents = ne;
        w->capents = nc;
    }
    struct went *e = &w->ents[w->nents];
    memset(e, 0, sizeof *e);
    e->id = strdup(id);
    e->name = strndup(name, nl);
    if (!e->id || !e->name) {
        free(e->id);
        free(e->name);
        return EX_E_NOMEM;
    }
    e->type = type;
    if (country && strlen(country) == 2)
        memcpy(e->country, country, 3);
    enum ex_err err = index_entity(w, w->nents, h);
    if (err) {
        free(e->id);
        free(e->name);
        return err;
    }
    *idx = w->nents++;
    return EX_OK;
}

enum ex_err work_entity(struct work *w, const char *name, size_t nl, enum ex_type type,
                        const char *country, size_t *idx)
{
    char id[128];
    ecf_slug(name, nl, id, sizeof id);
    return entity(w, id, name, nl, type, country, true, idx);
}

enum ex_err work_entity_id(struct work *w, const char *id, const char *name, size_t nl,
                           enum ex_type type, const char *country, size_t *idx)
{
    return entity(w, id, name, nl, type, country, false, idx);
}

enum ex_err work_alias(struct work *w, size_t idx, const char *surf, size_t n)
{
    struct went *e = &w->ents[idx];
    while (n && (surf[n - 1] == ' ' || surf[n - 1] == ','))
        n--;
    if (n == 0 || (strlen(e->name) == n && strncasecmp(e->name, surf, n) == 0))
        return EX_OK;
    for (size_t i = 0; i < e->nal; i++)
        if (strlen(e->al[i]) == n && strncasecmp(e->al[i], surf, n) == 0)
            return EX_OK;
    char **na = realloc(e->al, (e->nal + 1) * sizeof *na);
    if (!na)
        return EX_E_NOMEM;
    e->al = na;
    e->al[e->nal] = strndup(surf, n);
    if (!e->al[e->nal])
        return EX_E_NOMEM;
    e->nal++;
    return EX_OK;
}

enum ex_err work_mention(struct work *w, size_t s, size_t e, size_t ent, bool demonym)
{
    if (w->nm == w->capm) {
        size_t nc = w->capm ? w->capm * 2 : 128;
        struct mention *nm = realloc(w->m, nc * sizeof *nm);
        if (!nm)
            return EX_E_NOMEM;
        w->m = nm;
        w->capm = nc;
    }
    w->m[w->nm++] = (struct mention){.s = s, .e = e, .ent = ent, .demonym = demonym};
    return EX_OK;
}

static int cmp_mention(const void *a, const void *b)
{
    const struct mention *x = a, *y = b;
    if (x->s != y->s)
        return x->s < y->s ? -1 : 1;
    return x->e > y->e ? -1 : x->e < y->e;
}

/* Sorts the mentions as a stable sort would (qsort here is glibc's merge
 * sort; keys only tie for identical spans): they usually arrive in order,
 * or in order but for the last one, added by discovery. */
static void sort_mentions(struct work *w)
{
    size_t n = w->nm, k = 1;
    while (k < n && cmp_mention(&w->m[k - 1], &w->m[k]) <= 0)
        k++;
    if (k >= n)
        return; /* already sorted */
    if (k == n - 1) {
        struct mention last = w->m[n - 1];
        size_t at = n - 1;
        while (at > 0 && cmp_mention(&w->m[at - 1], &last) > 0)
            at--;
        memmove(&w->m[at + 1], &w->m[at], (n - 1 - at) * sizeof *w->m);
        ex_wcount.ment_moved += n - 1 - at;
        w->m[at] = last;
        return;
    }
    qsort(w->m, n, sizeof *w->m, cmp_mention);
}

void work_sort_mentions(struct work *w)
{
    if (w->nm > 1)
        sort_mentions(w);
    size_t k = 0, last = 0;
    ex_wcount.ment_moved += w->nm;
    for (size_t i = 0; i < w->nm; i++) {
        if (k && w->m[i].s < last)
            continue;
        w->m[k++] = w->m[i];
        last = w->m[i].e;
    }
    w->nm = k;
}

bool work_covered(const struct work *w, size_t i)
{
    size_t lo = 0, hi = w->nm;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (w->m[mid].e <= i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < w->nm && w->m[lo].s <= i && i < w->m[lo].e;
}

/* A model token after a family name: has a digit, or is a suffix word. */
static bool model_token(const struct work *w, size_t s, size_t e, bool *digit)
{
    const char *p = w->tx.norm;
    bool d = false;
    for (size_t i = s; i < e; i++)
        d = d || tx_isdigit(p[i]);
    *digit = d;
    if (d) {
        /* a year is not a model ("Ascend in 2024" aside, "Mate 2024" is rare) */
        if (e - s == 4 && (p[s] == '1' || p[s] == '2') && tx_isdigit(p[s + 1]) &&
            tx_isdigit(p[s + 2]) && tx_isdigit(p[s + 3]) && (p[s + 1] == '9' || p[s + 1] == '0'))
            return false;
        return true;
    }
    const struct lexicon *sx = rules_known(w->x->rules, LX_MODELSUFFIX);
    return tx_isupper(p[s]) && lex_has(sx, w->tx.low + s, e - s);
}

/* Extends a family match over its model tokens; returns the new end, or 0
 * when the family needs a model and none follows. */
static size_t extend_model(const struct work *w, const struct gz_entry *ge, size_t e, size_t limit)
{
    const char *p = w->tx.norm;
    size_t end = e, i = e;
    bool any_digit = false;
    for (int k = 0; k < 3; k++) {
        /* "GLM-4.5", "Qwen-2": a version joined by a hyphen to the family */
        bool joined = k == 0 && i + 1 < limit && p[i] == '-' && tx_isdigit(p[i + 1]);
        if (i >= limit || (p[i] != ' ' && !joined))
            break;
        size_t s = i + 1;
        size_t t = s;
        /* "Ernie 4.5", "HiBL 1.0": a decimal point between digits is part of it */
        while (t < limit && (tx_isalnum(p[t]) ||
                             (p[t] == '-' && t + 1 < limit && tx_isalnum(p[t + 1]) && t > s) ||
                             (p[t] == '.' && t > s && tx_isdigit(p[t - 1]) && t + 1 < limit &&
                              tx_isdigit(p[t + 1]))))
            t++;
        bool digit;
        if (t == s || !model_token(w, s, t, &digit))
            break;
        if (!digit && !any_digit && k > 0)
            break;
        any_digit = any_digit || digit;
        i = t;
        if (any_digit)
            end = t;
    }
    if (!any_digit)
        return (ge->flags & GZ_F_NEED) ? 0 : e;
    return end;
}

enum ex_err ents_gazetteer(struct work *w)
{
    enum ex_err err = EX_OK;
    struct gz_match *gm = NULL;
    size_t ngm = 0;
    const struct gz *g = w->x->gz;
    err = gz_scan(g, w->tx.low, w->tx.norm, w->tx.n, &gm, &ngm);
    if (err)
        goto out;
    for (size_t i = 0; i < ngm; i++) {
        const struct gz_entry *ge = gz_entry(g, gm[i].entry);
        size_t s = gm[i].s, e = gm[i].e;
        if (ge->flags & GZ_F_NOMENTION)
            continue;
        if (ge->type == GZ_DEMONYM) {
            /* the country it names: found once per article */
            if (w->gzent[gm[i].entry] < 0) {
                size_t ci;
                err = work_entity_id(w, ge->slug, ge->name, strlen(ge->name), EX_T_COUNTRY,
                                     ge->dem_cc, &ci);
                if (err)
                    goto out;
                w->gzent[gm[i].entry] = (long)ci;
            }
            size_t idx = (size_t)w->gzent[gm[i].entry];
            err = work_mention(w, s, e, idx, true);
            if (err)
                goto out;
            continue;
        }
        size_t idx;
        if (ge->flags & GZ_F_EXT) {
            size_t limit = i + 1 < ngm ? gm[i + 1].s : w->tx.n;
            size_t ne = extend_model(w, ge, e, limit);
            if (ne == 0)
                continue;
            if (ne > e) {
                /* canonical: family name + the model as written */
                size_t nl = strlen(ge->name);
                char name[160];
                size_t ml = ne - e;
                if (nl + ml >= sizeof name)
                    continue;
                memcpy(name, ge->name, nl);
                memcpy(name + nl, w->tx.norm + e, ml);
                err = work_entity(w, name, nl + ml, (enum ex_type)ge->type, ge->country, &idx);
                if (err == EX_E_DATA) { /* past WORK_MAX_NAMED */
                    err = EX_OK;
                    continue;
                }
                if (err)
                    goto out;
                w->ents[idx].mentions++;
                err = work_mention(w, s, ne, idx, false);
                if (err)
                    goto out;
                continue;
            }
        }
        /* "V3.1" after the known "V3": a point release is a model of its own,
         * named after the known one ("DeepSeek-V3.1"), the text's form an alias */
        size_t limit = i + 1 < ngm ? gm[i + 1].s : w->tx.n;
        if ((ge->type == EX_T_AI_MODEL || ge->type == EX_T_CHIP) && e + 1 < limit &&
            w->tx.norm[e] == '.' && tx_isdigit(w->tx.norm[e - 1]) &&
            tx_isdigit(w->tx.norm[e + 1])) {
            size_t ne = e + 1, nl = strlen(ge->name);
            while (ne < limit && tx_isdigit(w->tx.norm[ne]))
                ne++;
            /* the known name when the text's form ends it ("V3" of
             * "DeepSeek-V3"), else the text's form ("GLM-4" + ".5") */
            const char *base = ge->name;
            if (nl < e - s || strncasecmp(ge->name + nl - (e - s), w->tx.norm + s, e - s)) {
                base = w->tx.norm + s;
                nl = e - s;
            }
            char name[160];
            if (nl + (ne - e) < sizeof name) {
                memcpy(name, base, nl);
                memcpy(name + nl, w->tx.norm + e, ne - e);
                err =
                    work_entity(w, name, nl + (ne - e), (enum ex_type)ge->type, ge->country, &idx);
                if (err == EX_E_DATA) {
                    err = EX_OK;
                    continue;
                }
                if (err || (err = work_alias(w, idx, w->tx.norm + s, ne - s)))
                    goto out;
                w->ents[idx].mentions++;
                if ((err = work_mention(w, s, ne, idx, false)))
                    goto out;
                continue;
            }
        }
        if (w->gzent[gm[i].entry] < 0) {
            err = work_entity_id(w, ge->slug, ge->name, strlen(ge->name), (enum ex_type)ge->type,
                                 ge->country, &idx);
            if (err)
                goto out;
            w->gzent[gm[i].entry] = (long)idx;
            w->ents[idx].outlet = (ge->flags & GZ_F_OUTLET) != 0;
        }
        idx = (size_t)w->gzent[gm[i].entry];
        w->ents[idx].mentions++;
        err = work_alias(w, idx, w->tx.norm + s, e - s);
        if (err)
            goto out;
        /* "H100s": the plural's "s" is part of the mention (gz_scan allowed it) */
        size_t me = e;
        if (ge->type == EX_T_CHIP && e < limit && w->tx.low[e] == 's' &&
            (e + 1 >= w->tx.n || !tx_isalnum(w->tx.low[e + 1])))
            me = e + 1;
        err = work_mention(w, s, me, idx, false);
        if (err)
            goto out;
    }
out:
    free(gm);
    return err;
}
