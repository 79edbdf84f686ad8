/* extractor/entities.c — the working entity table and gazetteer mentions. */
#include "extractor/work.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"

enum ex_err work_entity(struct work *w, const char *name, size_t nl, enum ex_type type,
                        const char *country, size_t *idx)
{
    char id[128];
    ecf_slug(name, nl, id, sizeof id);
    return work_entity_id(w, id, name, nl, type, country, idx);
}

enum ex_err work_entity_id(struct work *w, const char *id, const char *name, size_t nl,
                           enum ex_type type, const char *country, size_t *idx)
{
    if (!id[0])
        return EX_E_DATA;
    for (size_t i = 0; i < w->nents; i++) {
        if (strcmp(w->ents[i].id, id) == 0) {
            *idx = i;
            return EX_OK;
        }
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
    *idx = w->nents++;
    return EX_OK;
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
static size_t extend_model(const struct work *w, const struct gz_entry *ge, size_t e,
                           size_t limit)
{
    const char *p = w->tx.norm;
    size_t end = e, i = e;
    bool any_digit = false;
    for (int k = 0; k < 3; k++) {
        if (i >= limit || p[i] != ' ')
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
                if (err)
                    goto out;
                w->ents[idx].mentions++;
                err = work_mention(w, s, ne, idx, false);
                if (err)
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
        err = work_mention(w, s, e, idx, false);
        if (err)
            goto out;
    }
out:
    free(gm);
    return err;
}
