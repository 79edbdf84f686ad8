/* extractor/shapes.c — chip and AI model names the gazetteer lacks, found
 * by their shape in a chip or model context: "H20 GPUs", "Nvidia's B30A",
 * "its VX-9 accelerator", "the 910B" of a family named before, "its Falcon-7
 * model"; and, once one is found, its bare mentions elsewhere. */
#include <string.h>

#include "extractor/discover_int.h"

static bool chip_shape(const char *p, size_t s, size_t e)
{
    size_t i = s, L = 0, D = 0, T = 0;
    while (i < e && tx_isupper(p[i]))
        i++, L++;
    if (i < e && p[i] == '-' && L)
        i++;
    while (i < e && tx_isdigit(p[i]))
        i++, D++;
    while (i < e && tx_isupper(p[i]))
        i++, T++;
    if (L == 0 && D >= 1 && D <= 2 && T >= 1 && T <= 2 && i < e) {
        /* "3A6000", "3C5000": a digit, a series letter, a model number */
        size_t d2 = 0;
        while (i < e && tx_isdigit(p[i]))
            i++, d2++;
        return i == e && d2 >= 3 && d2 <= 5;
    }
    if (i != e || D == 0)
        return false;
    if (L >= 1 && L <= 4)
        return D >= 2 && D <= 5 && T <= 3;
    return L == 0 && D >= 3 && D <= 5 && T >= 1 && T <= 2;
}

/* "VX-9", "M4": one to four capitals, an optional hyphen, one digit, at
 * most one capital after; not a quarter or half year ("Q3", "H2"). Only
 * with a chip word right after it (by_chip_shape). */
static bool short_model(const char *p, size_t s, size_t e)
{
    size_t i = s, L = 0;
    while (i < e && tx_isupper(p[i]))
        i++, L++;
    bool hy = i < e && p[i] == '-';
    if (hy)
        i++;
    if (L == 0 || L > 4 || i >= e || !tx_isdigit(p[i]))
        return false;
    i++;
    if (i < e && tx_isupper(p[i]))
        i++;
    if (i != e)
        return false;
    return !(L == 1 && !hy && (p[s] == 'Q' || p[s] == 'H'));
}

/* A bare model number ("9020"): 3 to 5 digits, not a year. */
static bool model_number(const char *p, size_t s, size_t e)
{
    size_t n = e - s;
    for (size_t i = s; i < e; i++)
        if (!tx_isdigit(p[i]))
            return false;
    if (n == 4 && (p[s] == '1' || p[s] == '2') && (p[s + 1] == '9' || p[s + 1] == '0'))
        return false;
    return n >= 3 && n <= 5;
}

static bool is_chip_mention(const struct dctx *c, size_t pos)
{
    const struct mention *m = dx_find_m(c, pos, true, false);
    return m && !m->demonym && c->w->ents[m->ent].type == EX_T_CHIP;
}

/* A bare model that belongs to a family named in the article: "the 910B"
 * after "Ascend 910B", and "910C" in "Ascend 910B and 910C". Sets *done when
 * word k became a mention. */
/* A chip mention of this sentence named "<family> <model>" whose model has
 * the same first three characters, digits, as word d ("Ascend 910C" for
 * "910B"): d is a model of that family. Only the sentence's first 32
 * mentions are looked at. */
static const struct mention *same_series(const struct dctx *c, const struct dword *d)
{
    const char *p = c->w->tx.norm;
    if (d->e - d->s < 4 || !tx_isdigit(p[d->s]) || !tx_isdigit(p[d->s + 1]) ||
        !tx_isdigit(p[d->s + 2]))
        return NULL;
    /* the sentence's first 32 mentions: a list of thousands of model
     * numbers costs no more than 32 looks each (issue 13) */
    for (size_t i = 0; i < c->ncur && i < 32; i++) {
        const struct went *en = &c->w->ents[c->cur[i].ent];
        const char *sp = strrchr(en->name, ' ');
        if (en->type == EX_T_CHIP && sp && sp != en->name && strlen(sp + 1) >= 4 &&
            !memcmp(sp + 1, p + d->s, 3))
            return &c->cur[i];
    }
    return NULL;
}

static enum ex_err family_model(struct dctx *c, size_t k, bool *done)
{
    struct work *w = c->w;
    const char *p = w->tx.norm;
    const struct dword *d = &c->d[k];
    size_t ml = d->e - d->s;
    *done = false;
    ex_wcount.fam_find++;
    /* the first chip entity whose last word is this one (w->chipsfx) */
    size_t best = SIZE_MAX, pos = SIZE_MAX, i;
    uint64_t h = work_hash(WORK_HASH0, p + d->s, ml);
    while ((i = hidx_next(&w->chipsfx, h, &pos)) != SIZE_MAX) {
        const struct went *en = &w->ents[i];
        ex_wcount.fam_scan++;
        size_t nl = strlen(en->name);
        if (i > best || en->type != EX_T_CHIP || nl <= ml + 1 || en->name[nl - ml - 1] != ' ' ||
            memcmp(en->name + nl - ml, p + d->s, ml) != 0)
            continue;
        best = i;
    }
    if (best != SIZE_MAX) {
        enum ex_err err = dx_cur_insert(
            c, (struct mention){.s = (uint32_t)d->s, .e = (uint32_t)d->e, .ent = (uint32_t)best});
        if (err)
            return err;
        w->ents[best].mentions++;
        if ((err = work_alias(w, best, p + d->s, ml)))
            return err;
        c->d[k].covered = true;
        *done = true;
        return EX_OK;
    }
    /* coordinated right after a family model: "Ascend 910B and 910C"; or a
     * family model of this sentence with the same leading digits: "the
     * Ascend 910C, successor to the 910B" */
    size_t q = d->s;
    while (q > 0 && p[q - 1] == ' ')
        q--;
    const struct mention *cm = NULL;
    if (q >= 3 && !strncmp(w->tx.low + q - 3, "and", 3))
        q -= 3;
    else if (q >= 2 && !strncmp(w->tx.low + q - 2, "or", 2))
        q -= 2;
    else if (q >= 1 && p[q - 1] == ',')
        q -= 1;
    else
        cm = same_series(c, d);
    if (!cm) {
        while (q > 0 && (p[q - 1] == ' ' || p[q - 1] == ','))
            q--;
        cm = dx_find_m(c, q, false, false);
    }
    if (cm) {
        const struct went *en = &w->ents[cm->ent];
        const char *sp = strrchr(en->name, ' ');
        if (en->type != EX_T_CHIP || !sp || sp == en->name)
            return EX_OK;
        bool digit = false;
        for (const char *z = sp + 1; *z; z++)
            digit = digit || tx_isdigit(*z);
        size_t fl = (size_t)(sp - en->name) + 1;
        char name[160];
        if (!digit || fl + ml >= sizeof name)
            return EX_OK;
        memcpy(name, en->name, fl);
        memcpy(name + fl, p + d->s, ml);
        char cc[3];
        memcpy(cc, en->country, sizeof cc);
        size_t idx;
        enum ex_err err = work_entity(w, name, fl + ml, EX_T_CHIP, cc[0] ? cc : NULL, &idx);
        if (err)
            return err == EX_E_DATA ? EX_OK : err;
        w->ents[idx].mentions++;
        if ((err = dx_cur_insert(
                 c,
                 (struct mention){.s = (uint32_t)d->s, .e = (uint32_t)d->e, .ent = (uint32_t)idx})))
            return err;
        if ((err = work_alias(w, idx, p + d->s, ml)))
            return err;
        c->d[k].covered = true;
        *done = true;
        return EX_OK;
    }
    return EX_OK;
}

enum ex_err dx_by_chip_shape(struct dctx *c)
{
    struct work *w = c->w;
    const char *p = w->tx.norm;
    for (size_t k = 0; k < c->n; k++) {
        const struct dword *d = &c->d[k];
        if (d->covered)
            continue;
        bool shape = chip_shape(p, d->s, d->e);
        if (shape || model_number(p, d->s, d->e)) {
            bool done;
            enum ex_err ferr = family_model(c, k, &done);
            if (ferr)
                return ferr;
            if (done)
                continue;
        }
        if (!shape && !short_model(p, d->s, d->e))
            continue;
        bool ctx = dw_in(c, LX_CHIPWORD, k + 1);
        if (!shape) {
            /* "its VX-9 accelerator", "the M4 chip": one digit needs a chip
             * word right after it, no weaker context */
            enum ex_err err = ctx ? dx_add(c, k, k, EX_T_CHIP) : EX_OK;
            if (err)
                return err;
            continue;
        }
        /* "Nvidia's H20": a possessive company right before */
        if (!ctx && d->s >= 3 && p[d->s - 1] == ' ' && p[d->s - 2] == 's' && p[d->s - 3] == '\'') {
            ctx = dx_find_m(c, d->s - 3, false, true) != NULL;
        }
        /* "H100 and H20": coordinated with a known chip */
        if (!ctx && k > 0) {
            size_t q = d->s;
            while (q > 0 && (p[q - 1] == ' ' || p[q - 1] == ','))
                q--;
            if (q >= 3 && !strncmp(w->tx.low + q - 3, "and", 3))
                q -= 3;
            while (q > 0 && p[q - 1] == ' ')
                q--;
            ctx = q > 0 && q < d->s && is_chip_mention(c, q - 1);
        }
        /* "a new chip, provisionally called the B40A": named after a chip word */
        if (!ctx && k > 0) {
            static const char *const the[] = {"the", NULL};
            static const char *const callw[] = {"called", "named", "dubbed", "codenamed", NULL};
            size_t j = k - 1;
            if (j > 0 && dx_word_is(c, j, the))
                j--;
            bool called = dx_word_is(c, j, callw);
            for (size_t q = j; called && !ctx && q-- > 0 && q + 6 >= j;)
                ctx = dw_in(c, LX_CHIPWORD, q);
        }
        /* "the MI309, a cut-down version of ...": an apposition headed by a
         * chip word or a version noun within five words */
        if (!ctx && k + 2 < c->n && dx_comma_between(c, k, k + 1)) {
            static const char *const dets[] = {"a", "an", "the", "its", NULL};
            static const char *const ver[] = {"version", "variant", "successor", "derivative",
                                              "edition", "upgrade", NULL};
            bool det = dx_word_is(c, k + 1, dets);
            for (size_t j = k + 2; det && !ctx && j < c->n && j <= k + 6; j++) {
                if (dx_comma_between(c, j - 1, j))
                    break;
                ctx = dw_in(c, LX_CHIPWORD, j) || dx_word_is(c, j, ver);
            }
        }
        if (!ctx && k + 1 < c->n) {
            size_t q = d->e;
            while (q < w->tx.n && (p[q] == ' ' || p[q] == ','))
                q++;
            if (!strncmp(w->tx.low + q, "and ", 4) || !strncmp(w->tx.low + q, "or ", 3))
                q += w->tx.low[q] == 'a' ? 4 : 3;
            ctx = q > d->e && is_chip_mention(c, q);
        }
        if (!ctx)
            continue;
        enum ex_err err = dx_add(c, k, k, EX_T_CHIP);
        if (err)
            return err;
        if (c->nshaped < DW_SHAPED && c->d[k].covered) {
            c->shaped[c->nshaped][0] = d->s;
            c->shaped[c->nshaped][1] = d->e;
            c->nshaped++;
        }
    }
    return EX_OK;
}

/* "its Falcon-7 model", "the Orca 3.5 models": a capitalised name with a
 * digit in it (or a name and a version number) right before "model(s)",
 * after a determiner or a possessive: an AI model. */
enum ex_err dx_by_model_shape(struct dctx *c)
{
    static const char *const noun[] = {"model", "models", "llm", NULL};
    static const char *const det[] = {"its", "the", "their", "a", "new", "latest", NULL};
    const char *p = c->w->tx.norm;
    for (size_t k = 1; k + 1 < c->n; k++) {
        size_t b = k, e = k;
        /* "Orca 3.5 model": a name, then a version number */
        if (tx_isdigit(p[c->d[k].s]) && c->d[k - 1].adj && dx_name_word(c, k - 1))
            b = k - 1;
        if (!c->d[e].adj || !dx_word_is(c, e + 1, noun) || !dx_name_word(c, b) || c->d[e].covered)
            continue;
        size_t pe = b ? c->d[b - 1].e : 0; /* "Kestrel's Falcon-7 model" */
        if (b == 0 ||
            !(dx_word_is(c, b - 1, det) || (pe >= 2 && p[pe - 1] == 's' && p[pe - 2] == '\'')))
            continue;
        bool digit = false, upper = tx_isupper(p[c->d[b].s]);
        for (size_t q = c->d[b].s; q < c->d[e].e; q++)
            digit = digit || tx_isdigit(p[q]);
        if (!digit || !upper || c->d[e].e - c->d[b].s > 24)
            continue;
        enum ex_err err = dx_add(c, b, e, EX_T_AI_MODEL);
        if (err)
            return err;
    }
    return EX_OK;
}

/* The bare mentions of chip models found by shape anywhere in the article. */
enum ex_err dx_shaped_again(struct dctx *c)
{
    const char *p = c->w->tx.norm;
    for (size_t k = 0; k < c->n; k++) {
        const struct dword *d = &c->d[k];
        if (d->covered || !chip_shape(p, d->s, d->e))
            continue;
        for (size_t q = 0; q < c->nshaped; q++) {
            size_t s = c->shaped[q][0], l = c->shaped[q][1] - s;
            if (d->e - d->s == l && !memcmp(p + d->s, p + s, l)) {
                enum ex_err err = dx_add(c, k, k, EX_T_CHIP);
                if (err)
                    return err;
                break;
            }
        }
    }
    return EX_OK;
}

/* Headlines in Title Case say little about which words are names. */
