/* extractor/discover.c — names the gazetteer lacks, found by their shape and
 * by cue words (lexicons in rules.tsv): organisations by suffix ("Biren
 * Technology", "SIA Lab"), companies by a preceding cue ("Chinese firm X",
 * "startups like X"), people by title ("Commerce Secretary X"), chip models
 * by pattern in a chip context ("H20 GPUs", "Nvidia's B30A"). */
#include <stdlib.h>
#include <string.h>

#include "extractor/work.h"

#define DW_MAX    512
#define DW_SHAPED 16

struct dword {
    size_t s, e;
    bool cap;     /* starts with a capital or is a digit-led name like 01.AI */
    bool covered; /* inside a known mention */
    bool adj;     /* only one space separates it from the next word */
    uint32_t km;  /* rules_kmask: the known lexicons it is an entry of */
};

/* While discovery runs, the article's mention list (sorted, no overlaps) is
 * kept in three parts: out (the sentences done), cur (this sentence's, where
 * discovery adds and extends) and w->m[r..nm) (the sentences to come, as the
 * gazetteer found them). Adding a mention only sorts cur, so the work is
 * linear in the article, not in mentions times names (issue 13); out
 * becomes w->m at the end. */
struct dctx {
    struct work *w;
    struct dword d[DW_MAX];
    size_t n;
    bool unsorted;   /* a mention of cur was extended in place: it may overlap the next */
    uint32_t km_any; /* the known lexicons some word of the sentence is in */
    struct mention *out, *cur;
    size_t nout, capout, ncur, capcur;
    size_t r; /* the first mention of w->m not yet in out or cur */
    /* chip models found by shape in context ("512 P800 chips"): a bare
     * "P800" elsewhere in the article is the same chip (code points) */
    size_t shaped[DW_SHAPED][2];
    size_t nshaped;
};

static enum ex_err push_m(struct mention **v, size_t *n, size_t *cap, const struct mention *m)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 256;
        struct mention *nv = realloc(*v, nc * sizeof *nv);
        if (!nv)
            return EX_E_NOMEM;
        *v = nv;
        *cap = nc;
    }
    (*v)[(*n)++] = *m;
    ex_wcount.ment_moved++;
    return EX_OK;
}

/* Drops the mentions of cur that overlap an earlier one (work_sort_mentions). */
static void cur_dedup(struct dctx *c)
{
    size_t k = 0, last = 0;
    ex_wcount.ment_moved += c->ncur;
    for (size_t i = 0; i < c->ncur; i++) {
        if (k && c->cur[i].s < last)
            continue;
        c->cur[k++] = c->cur[i];
        last = c->cur[i].e;
    }
    c->ncur = k;
    c->unsorted = false;
}

/* Starts sentence [s, e): cur receives its mentions (and one of the sentence
 * before that reaches into it). */
static enum ex_err cur_begin(struct dctx *c, size_t s, size_t e)
{
    struct work *w = c->w;
    c->ncur = 0;
    c->unsorted = false;
    size_t j = c->nout;
    while (j > 0 && c->out[j - 1].e > s)
        j--;
    for (size_t i = j; i < c->nout; i++) {
        enum ex_err err = push_m(&c->cur, &c->ncur, &c->capcur, &c->out[i]);
        if (err)
            return err;
    }
    c->nout = j;
    for (; c->r < w->nm && w->m[c->r].s < e; c->r++) {
        enum ex_err err = push_m(&c->cur, &c->ncur, &c->capcur, &w->m[c->r]);
        if (err)
            return err;
    }
    return EX_OK;
}

static enum ex_err cur_end(struct dctx *c)
{
    if (c->unsorted)
        cur_dedup(c);
    for (size_t i = 0; i < c->ncur; i++) {
        enum ex_err err = push_m(&c->out, &c->nout, &c->capout, &c->cur[i]);
        if (err)
            return err;
    }
    c->ncur = 0;
    return EX_OK;
}

/* Inserts m into cur where a stable sort would put it, then drops overlaps. */
static enum ex_err cur_insert(struct dctx *c, struct mention m)
{
    size_t lo = 0, hi = c->ncur;
    while (lo < hi) { /* the first mention that sorts after m */
        size_t mid = lo + (hi - lo) / 2;
        const struct mention *x = &c->cur[mid];
        if (x->s < m.s || (x->s == m.s && x->e >= m.e))
            lo = mid + 1;
        else
            hi = mid;
    }
    enum ex_err err = push_m(&c->cur, &c->ncur, &c->capcur, &m);
    if (err)
        return err;
    memmove(&c->cur[lo + 1], &c->cur[lo], (c->ncur - 1 - lo) * sizeof *c->cur);
    ex_wcount.ment_moved += c->ncur - 1 - lo;
    c->cur[lo] = m;
    cur_dedup(c);
    return EX_OK;
}

/* The first of a sorted, non-overlapping v[0..n) that ends after i. */
static size_t ends_after(const struct mention *v, size_t n, size_t i)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].e <= i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The mention list in order: out, cur, the rest of w->m. */
static const struct mention *part(const struct dctx *c, int k, size_t *n)
{
    if (k == 0)
        return *n = c->nout, c->out;
    if (k == 1)
        return *n = c->ncur, c->cur;
    if (!c->w->m) /* no gazetteer mention at all (NULL + 0 is undefined) */
        return *n = 0, NULL;
    return *n = c->w->nm - c->r, c->w->m + c->r;
}

/* The first mention, in list order, that contains code point pos (end) or
 * ends at pos (!contains), is no demonym for the latter and, with company, is
 * of a company. Only cur can be out of order, and is then scanned whole. */
static const struct mention *find_m(const struct dctx *c, size_t pos, bool contains, bool company)
{
    ex_wcount.ment_find++;
    for (int k = 0; k < 3; k++) {
        size_t n;
        const struct mention *v = part(c, k, &n);
        size_t i = 0;
        if (!(k == 1 && c->unsorted))
            i = ends_after(v, n, contains ? pos : pos ? pos - 1 : 0);
        for (; i < n; i++) {
            ex_wcount.ment_scan++;
            const struct mention *m = &v[i];
            bool hit = contains ? m->s <= pos && pos < m->e
                                : m->e == pos && !m->demonym &&
                                      (!company || c->w->ents[m->ent].type == EX_T_COMPANY);
            if (hit)
                return m;
            if (!(k == 1 && c->unsorted))
                break; /* sorted: only the first one can hold pos */
        }
    }
    return NULL;
}

/* Word k is an entry of the known lexicon lx. */
static inline bool dw_in(const struct dctx *c, enum lx_known lx, size_t k)
{
    return k < c->n && ((c->d[k].km >> lx) & 1);
}

static bool name_word(const struct dctx *c, size_t k)
{
    return k < c->n && c->d[k].cap && !c->d[k].covered && !dw_in(c, LX_CAPSTOP, k);
}

/* Whether code point i is in a mention, for increasing i of this sentence
 * (only cur holds its mentions, sorted when split_words runs): *mi is a
 * cursor into cur. */
static bool covered_from(const struct dctx *c, size_t *mi, size_t i)
{
    while (*mi < c->ncur && c->cur[*mi].e <= i)
        (*mi)++;
    return *mi < c->ncur && c->cur[*mi].s <= i;
}

/* Remembers the id of word [s, e) for the tokenizer. */
static enum ex_err keep_wid(struct work *w, size_t s, size_t e, uint32_t id, bool plain)
{
    if (w->nwid == w->capwid) {
        size_t nc = w->capwid ? w->capwid * 2 : 1024;
        struct tk_wid *nv = realloc(w->wid, nc * sizeof *nv);
        if (!nv)
            return EX_E_NOMEM;
        w->wid = nv;
        w->capwid = nc;
    }
    w->wid[w->nwid++] = (struct tk_wid){(uint32_t)s, (uint32_t)e, id, plain};
    return EX_OK;
}

static enum ex_err split_words(struct dctx *c, size_t s, size_t e)
{
    const char *p = c->w->tx.norm;
    c->n = 0;
    c->km_any = 0;
    size_t i = s, mi = ends_after(c->cur, c->ncur, s);
    while (i < e && c->n < DW_MAX) {
        if (!tx_isalnum(p[i])) {
            i++;
            continue;
        }
        size_t b = i;
        bool plain = true;
        while (i < e) {
            if (!tx_isalnum(p[i])) {
                if ((p[i] != '.' && p[i] != '-' && p[i] != '&') || i + 1 >= e ||
                    !tx_isalnum(p[i + 1]))
                    break;
                plain = plain && p[i] == '.';
            }
            i++;
        }
        struct dword *d = &c->d[c->n++];
        d->s = b;
        d->e = i;
        d->cap = tx_isupper(p[b]);
        if (!d->cap && tx_isdigit(p[b])) /* a digit-led name like 01.AI */
            for (size_t q = b; q < i && !d->cap; q++)
                d->cap = tx_isupper(p[q]);
        bool cb = covered_from(c, &mi, b);
        d->covered = cb || covered_from(c, &mi, i - 1);
        d->adj = i < e && p[i] == ' ' && i + 1 < e && tx_isalnum(p[i + 1]);
        const struct rules *r = c->w->x->rules;
        const char *lw = c->w->tx.low + b;
        uint32_t id = rules_word_id_tx(r, lw, i - b);
        d->km = rules_kmask(r, id, lw, i - b);
        c->km_any |= d->km;
        enum ex_err err = keep_wid(c->w, b, i, id, plain);
        if (err)
            return err;
    }
    return EX_OK;
}

static enum ex_err add(struct dctx *c, size_t ws, size_t we, enum ex_type type)
{
    struct work *w = c->w;
    size_t s = c->d[ws].s, e = c->d[we].e;
    for (size_t k = ws; k <= we; k++)
        if (c->d[k].covered)
            return EX_OK;
    size_t idx;
    enum ex_err err = work_entity(w, w->tx.norm + s, e - s, type, NULL, &idx);
    if (err)
        return err == EX_E_DATA ? EX_OK : err;
    w->ents[idx].mentions++;
    ex_wcount.ment_add++;
    err = cur_insert(c, (struct mention){.s = (uint32_t)s, .e = (uint32_t)e, .ent = (uint32_t)idx});
    if (err)
        return err;
    for (size_t k = ws; k <= we; k++)
        c->d[k].covered = true;
    return EX_OK;
}

/* Capitalised run ending at word k (inclusive), at most max words, joined by
 * single spaces; returns its first word. */
static size_t run_back(const struct dctx *c, size_t k, size_t max)
{
    size_t b = k;
    while (b > 0 && k - b + 1 < max && c->d[b - 1].adj && name_word(c, b - 1))
        b--;
    return b;
}

/* Capitalised words that open organisations' names but no other names. */
static bool org_opener(const struct dctx *c, size_t k)
{
    static const char *const w[] = {"national", "international", "state", "federal", "central"};
    size_t l = c->d[k].e - c->d[k].s;
    for (size_t q = 0; q < sizeof w / sizeof *w; q++)
        if (l == strlen(w[q]) && !memcmp(c->w->tx.low + c->d[k].s, w[q], l))
            return true;
    return false;
}

/* Suffixes of investment arms, whose names are not their parents' ("Intel
 * Capital", "Tencent Ventures"). */
static bool investment_suffix(const struct dctx *c, size_t k)
{
    static const char *const w[] = {"capital", "ventures", "investment", "investments"};
    size_t l = c->d[k].e - c->d[k].s;
    for (size_t q = 0; q < sizeof w / sizeof *w; q++)
        if (l == strlen(w[q]) && !memcmp(c->w->tx.low + c->d[k].s, w[q], l))
            return true;
    return false;
}

/* "National Semiconductor Integrated Circuit Research Center": the words of
 * an organisation's name before its keyword k may be ones that start no
 * other name (Research, Technology, National): up to six capitalised words,
 * the leading ones that are such words dropped unless they open names of
 * organisations ("National", "State"). False when fewer than two remain. */
static bool org_run_back(const struct dctx *c, size_t k, size_t *b)
{
    size_t s = k;
    while (s > 0 && k - s < 6 && c->d[s - 1].adj && c->d[s - 1].cap && !c->d[s - 1].covered)
        s--;
    while (s < k && dw_in(c, LX_CAPSTOP, s) && !org_opener(c, s))
        s++;
    if (s == k || k - s < 2)
        return false;
    *b = s;
    return true;
}

static enum ex_err by_suffix(struct dctx *c)
{
    for (size_t k = 1; k < c->n; k++) {
        bool co = dw_in(c, LX_ORGSUFFIX, k), org = dw_in(c, LX_ORGWORD, k);
        if ((!co && !org) || !c->d[k].cap || c->d[k].covered || !c->d[k - 1].adj)
            continue;
        /* "... Integrated Circuit Design Center": a suffix inside a longer
         * name that ends in another suffix or organisation word is part of it */
        bool longer = false;
        for (size_t j = k + 1; j < c->n && j <= k + 3 && c->d[j - 1].adj && !longer; j++) {
            if (!c->d[j].cap || c->d[j].covered)
                break;
            longer = dw_in(c, LX_ORGSUFFIX, j) || dw_in(c, LX_ORGWORD, j);
        }
        if (longer)
            continue;
        size_t ob;
        if (org && org_run_back(c, k, &ob)) {
            enum ex_err err = add(c, ob, k, EX_T_ORGANIZATION);
            if (err)
                return err;
            continue;
        }
        if (!name_word(c, k - 1)) {
            /* "Moore Threads Technology": a known name plus a suffix is that name
             * (not an investment arm: "Intel Capital" is not Intel) */
            if (co && c->d[k - 1].covered && c->d[k - 1].cap && !investment_suffix(c, k)) {
                struct work *w = c->w;
                /* the word ends in this sentence: only cur can hold the mention */
                const struct mention *f = find_m(c, c->d[k - 1].e, false, false);
                if (f && f >= c->cur && f < c->cur + c->ncur) {
                    size_t i = (size_t)(f - c->cur);
                    c->cur[i].e = (uint32_t)c->d[k].e;
                    if (i + 1 < c->ncur && c->cur[i + 1].s < c->cur[i].e)
                        c->unsorted = true; /* now overlaps the next one */
                    enum ex_err err = work_alias(w, c->cur[i].ent, w->tx.norm + c->cur[i].s,
                                                 c->cur[i].e - c->cur[i].s);
                    if (err)
                        return err;
                    c->d[k].covered = true;
                }
            }
            continue;
        }
        size_t b = run_back(c, k - 1, 3);
        size_t e = k;
        /* "Institute of Computing Technology", "University of Science and ..." */
        if (org && k + 2 < c->n && c->d[k].adj && c->d[k + 1].e - c->d[k + 1].s == 2 &&
            !strncmp(c->w->tx.low + c->d[k + 1].s, "of", 2) && c->d[k + 1].adj &&
            name_word(c, k + 2)) {
            e = k + 2;
            while (e + 1 < c->n && c->d[e].adj && name_word(c, e + 1) && e - k < 4)
                e++;
        }
        enum ex_err err = add(c, b, e, org ? EX_T_ORGANIZATION : EX_T_COMPANY);
        if (err)
            return err;
    }
    return EX_OK;
}

/* "University of X", "Academy of X" with no name before the keyword. */
static enum ex_err by_org_prefix(struct dctx *c)
{
    for (size_t k = 0; k + 2 < c->n; k++) {
        if (!dw_in(c, LX_ORGWORD, k) || !c->d[k].cap || c->d[k].covered || !c->d[k].adj)
            continue;
        if (c->d[k + 1].e - c->d[k + 1].s != 2 || strncmp(c->w->tx.low + c->d[k + 1].s, "of", 2) ||
            !c->d[k + 1].adj || !name_word(c, k + 2))
            continue;
        size_t e = k + 2;
        while (e + 1 < c->n && c->d[e].adj && name_word(c, e + 1) && e - k < 5)
            e++;
        enum ex_err err = add(c, k, e, EX_T_ORGANIZATION);
        if (err)
            return err;
    }
    return EX_OK;
}

static bool person_word(const struct dctx *c, size_t k)
{
    if (!name_word(c, k))
        return false;
    const char *p = c->w->tx.norm;
    for (size_t q = c->d[k].s + 1; q < c->d[k].e; q++)
        if (!tx_islower(p[q]) && p[q] != '-' && p[q] != '.' && !tx_isupper(p[q]))
            return false;
    return tx_isupper(p[c->d[k].s]);
}

/* "Zhang Wei, a former head of ...", "Li Na, the company's chief executive":
 * a two- or three-word name before an apposition whose head is a title
 * (at most four words after the comma): its words [*ws, *we]. */
static bool appos_name(const struct dctx *c, size_t k, size_t *ws, size_t *we)
{
    const char *p = c->w->tx.norm;
    static const char *const nonhuman[] = {"partner", "investor", "leader", "fellow"};
    size_t tl = c->d[k].e - c->d[k].s;
    for (size_t q = 0; q < sizeof nonhuman / sizeof *nonhuman; q++)
        if (tl == strlen(nonhuman[q]) && !memcmp(p + c->d[k].s, nonhuman[q], tl))
            return false;
    for (size_t j = k; j-- > 0 && j + 5 > k;) {
        bool comma = false;
        for (size_t q = c->d[j].e; q < c->d[j + 1].s; q++)
            comma = comma || p[q] == ',';
        if (!comma) {
            if (c->d[j].cap && !c->d[j].covered && j + 1 < k)
                return false; /* a name between the comma and the title */
            continue;
        }
        if (j < 1 || !person_word(c, j) || !person_word(c, j - 1) || !c->d[j - 1].adj)
            return false;
        size_t b = j - 1;
        if (b > 0 && c->d[b - 1].adj && person_word(c, b - 1))
            b--;
        if (b > 0 && c->d[b - 1].adj && c->d[b - 1].cap)
            return false; /* a longer capitalised run is an organisation's name */
        for (size_t q = b; q <= j; q++)
            if (dw_in(c, LX_ORGSUFFIX, q) || dw_in(c, LX_ORGWORD, q))
                return false;
        *ws = b;
        *we = j;
        return true;
    }
    return false;
}

static enum ex_err by_title(struct dctx *c)
{
    const char *p = c->w->tx.norm;
    for (size_t k = 0; k < c->n; k++) {
        if (!dw_in(c, LX_TITLE, k))
            continue;
        size_t ws, we;
        if (appos_name(c, k, &ws, &we)) {
            enum ex_err err = add(c, ws, we, EX_T_PERSON);
            if (err)
                return err;
        }
        size_t j = k + 1;
        while (j < c->n && dw_in(c, LX_TITLE, j))
            j++;
        if (j >= c->n)
            continue;
        /* allow "spokesperson, Michael Hughes" */
        size_t gap_s = c->d[j - 1].e, gap_e = c->d[j].s;
        bool ok_gap = true;
        for (size_t q = gap_s; q < gap_e; q++)
            ok_gap = ok_gap && (p[q] == ' ' || p[q] == ',');
        /* "K. Shanmugam": an initial and its point before the surname */
        bool initial = c->d[j].e == c->d[j].s + 1 && tx_isupper(p[c->d[j].s]) &&
                       c->d[j].e + 2 < c->w->tx.n && p[c->d[j].e] == '.' &&
                       p[c->d[j].e + 1] == ' ' && j + 1 < c->n && c->d[j + 1].s == c->d[j].e + 2;
        if (!ok_gap || !person_word(c, j) || !(c->d[j].adj || initial) || !person_word(c, j + 1))
            continue;
        size_t e = j + 1;
        if (c->d[e].adj && person_word(c, e + 1) && e + 1 < c->n)
            e++;
        enum ex_err err = add(c, j, e, EX_T_PERSON);
        if (err)
            return err;
        k = e;
    }
    return EX_OK;
}

static size_t name_run(const struct dctx *c, size_t j)
{
    size_t e = j;
    while (e + 1 < c->n && c->d[e].adj && name_word(c, e + 1) && e - j < 2)
        e++;
    return e;
}

static enum ex_err by_cue(struct dctx *c)
{
    for (size_t k = 0; k + 1 < c->n; k++) {
        size_t j = k + 1;
        bool sing = dw_in(c, LX_COCUE, k) && !c->d[k].cap && c->d[k].adj;
        bool plural = dw_in(c, LX_COCUE_PLURAL, k) && !c->d[k].cap;
        if (plural) {
            /* "startups like X", "firms such as X and Y" */
            size_t g = 0;
            if (dw_in(c, LX_COLIKE, j))
                g = 1;
            else if (j + 1 < c->n && !strncmp(c->w->tx.low + c->d[j].s, "such", 4) &&
                     dw_in(c, LX_COLIKE, j + 1))
                g = 2;
            if (!g)
                continue;
            j += g;
            while (j < c->n && name_word(c, j)) {
                size_t e = name_run(c, j);
                enum ex_err err = add(c, j, e, EX_T_COMPANY);
                if (err)
                    return err;
                j = e + 1;
                if (j < c->n &&
                    (dw_in(c, LX_COLIKE, j) || !strncmp(c->w->tx.low + c->d[j].s, "and", 3)))
                    j++;
            }
            continue;
        }
        if (!sing || !name_word(c, j))
            continue;
        enum ex_err err = add(c, j, name_run(c, j), EX_T_COMPANY);
        if (err)
            return err;
    }
    return EX_OK;
}

/* Whether the text between words a and b (a < b) holds a comma. */
static bool comma_between(const struct dctx *c, size_t a, size_t b)
{
    for (size_t q = c->d[a].e; q < c->d[b].s; q++)
        if (c->w->tx.norm[q] == ',')
            return true;
    return false;
}

/* "Waymo, the robotaxi unit of Alphabet", "SiCarrier, a Shenzhen equipment
 * developer that ...", "Tongmei, its Beijing subsidiary": a name of at most
 * three capitalised words, then a comma and a determiner, at most three
 * modifiers and a singular company cue that heads the apposition (not a
 * modifier of a longer noun phrase: the next word is no cue and is not
 * joined to it). The name is a company. */
static enum ex_err by_appos_cue(struct dctx *c)
{
    const char *low = c->w->tx.low;
    static const char *const det[] = {"a", "an", "the", "its", "their"};
    for (size_t k = 2; k < c->n; k++) {
        if (!dw_in(c, LX_COCUE, k) || c->d[k].cap || dw_in(c, LX_COCUE, k + 1))
            continue;
        if (k + 1 < c->n && c->d[k].adj && !dw_in(c, LX_STOPWORD, k + 1) && !c->d[k + 1].covered)
            continue; /* "the unit price", "a maker space"; not "the unit Tencent set up" */
        size_t j = k;
        bool found = false;
        while (j > 0 && k - j <= 4 && !found) {
            j--;
            size_t l = c->d[j].e - c->d[j].s;
            for (size_t q = 0; q < sizeof det / sizeof *det && !found; q++)
                found = l == strlen(det[q]) && !memcmp(low + c->d[j].s, det[q], l);
            if (!found && comma_between(c, j, j + 1))
                break;
        }
        if (!found || j == 0 || !comma_between(c, j - 1, j) || !name_word(c, j - 1))
            continue;
        size_t e = j - 1, b = run_back(c, e, 3);
        if (b > 0 && c->d[b - 1].adj && c->d[b - 1].cap)
            continue; /* part of a longer capitalised run */
        const char *w0 = low + c->d[b].s;
        size_t l0 = c->d[b].e - c->d[b].s;
        if (b == e && l0 > 2 && !memcmp(w0 + l0 - 2, "ly", 2))
            continue; /* "Separately, the company" */
        if (dw_in(c, LX_CUE_ADVERB, b) || dw_in(c, LX_CLAUSE, b) || dw_in(c, LX_TITLE, b))
            continue;
        enum ex_err err = add(c, b, e, EX_T_COMPANY);
        if (err)
            return err;
    }
    return EX_OK;
}

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
    const struct mention *m = find_m(c, pos, true, false);
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
        enum ex_err err = cur_insert(
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
        cm = find_m(c, q, false, false);
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
        if ((err = cur_insert(
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

static enum ex_err by_chip_shape(struct dctx *c)
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
            enum ex_err err = ctx ? add(c, k, k, EX_T_CHIP) : EX_OK;
            if (err)
                return err;
            continue;
        }
        /* "Nvidia's H20": a possessive company right before */
        if (!ctx && d->s >= 3 && p[d->s - 1] == ' ' && p[d->s - 2] == 's' && p[d->s - 3] == '\'') {
            ctx = find_m(c, d->s - 3, false, true) != NULL;
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
            size_t j = k - 1;
            if (j > 0 && c->d[j].e - c->d[j].s == 3 && !memcmp(w->tx.low + c->d[j].s, "the", 3))
                j--;
            static const char *const callw[] = {"called", "named", "dubbed", "codenamed"};
            bool called = false;
            for (size_t v = 0; v < sizeof callw / sizeof *callw && !called; v++)
                called = c->d[j].e - c->d[j].s == strlen(callw[v]) &&
                         !memcmp(w->tx.low + c->d[j].s, callw[v], strlen(callw[v]));
            for (size_t q = j; called && !ctx && q-- > 0 && q + 6 >= j;)
                ctx = dw_in(c, LX_CHIPWORD, q);
        }
        /* "the MI309, a cut-down version of ...": an apposition headed by a
         * chip word or a version noun within five words */
        if (!ctx && k + 2 < c->n && comma_between(c, k, k + 1)) {
            const char *lw = w->tx.low + c->d[k + 1].s;
            size_t l = c->d[k + 1].e - c->d[k + 1].s;
            bool det = (l == 1 && lw[0] == 'a') || (l == 2 && !memcmp(lw, "an", 2)) ||
                       (l == 3 && !memcmp(lw, "the", 3)) || (l == 3 && !memcmp(lw, "its", 3));
            static const char *const ver[] = {"version",    "variant", "successor",
                                              "derivative", "edition", "upgrade"};
            for (size_t j = k + 2; det && !ctx && j < c->n && j <= k + 6; j++) {
                if (comma_between(c, j - 1, j))
                    break;
                ctx = dw_in(c, LX_CHIPWORD, j);
                for (size_t v = 0; v < sizeof ver / sizeof *ver && !ctx; v++)
                    ctx = c->d[j].e - c->d[j].s == strlen(ver[v]) &&
                          !memcmp(w->tx.low + c->d[j].s, ver[v], strlen(ver[v]));
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
        enum ex_err err = add(c, k, k, EX_T_CHIP);
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

/* Whether word k's lowercase text is one of list. */
static bool word_is(const struct dctx *c, size_t k, const char *const *list)
{
    size_t l = c->d[k].e - c->d[k].s;
    for (; *list; list++)
        if (strlen(*list) == l && !memcmp(c->w->tx.low + c->d[k].s, *list, l))
            return true;
    return false;
}

/* "its Falcon-7 model", "the Orca 3.5 models": a capitalised name with a
 * digit in it (or a name and a version number) right before "model(s)",
 * after a determiner or a possessive: an AI model. */
static enum ex_err by_model_shape(struct dctx *c)
{
    static const char *const noun[] = {"model", "models", "llm", NULL};
    static const char *const det[] = {"its", "the", "their", "a", "new", "latest", NULL};
    const char *p = c->w->tx.norm;
    for (size_t k = 1; k + 1 < c->n; k++) {
        size_t b = k, e = k;
        /* "Orca 3.5 model": a name, then a version number */
        if (tx_isdigit(p[c->d[k].s]) && c->d[k - 1].adj && name_word(c, k - 1))
            b = k - 1;
        if (!c->d[e].adj || !word_is(c, e + 1, noun) || !name_word(c, b) || c->d[e].covered)
            continue;
        size_t pe = b ? c->d[b - 1].e : 0; /* "Kestrel's Falcon-7 model" */
        if (b == 0 ||
            !(word_is(c, b - 1, det) || (pe >= 2 && p[pe - 1] == 's' && p[pe - 2] == '\'')))
            continue;
        bool digit = false, upper = tx_isupper(p[c->d[b].s]);
        for (size_t q = c->d[b].s; q < c->d[e].e; q++)
            digit = digit || tx_isdigit(p[q]);
        if (!digit || !upper || c->d[e].e - c->d[b].s > 24)
            continue;
        enum ex_err err = add(c, b, e, EX_T_AI_MODEL);
        if (err)
            return err;
    }
    return EX_OK;
}

/* The bare mentions of chip models found by shape anywhere in the article. */
static enum ex_err shaped_again(struct dctx *c)
{
    const char *p = c->w->tx.norm;
    for (size_t k = 0; k < c->n; k++) {
        const struct dword *d = &c->d[k];
        if (d->covered || !chip_shape(p, d->s, d->e))
            continue;
        for (size_t q = 0; q < c->nshaped; q++) {
            size_t s = c->shaped[q][0], l = c->shaped[q][1] - s;
            if (d->e - d->s == l && !memcmp(p + d->s, p + s, l)) {
                enum ex_err err = add(c, k, k, EX_T_CHIP);
                if (err)
                    return err;
                break;
            }
        }
    }
    return EX_OK;
}

/* Headlines in Title Case say little about which words are names. */
static bool title_case(const struct dctx *c)
{
    size_t caps = 0, words = 0;
    for (size_t k = 0; k < c->n; k++) {
        if (c->d[k].e - c->d[k].s <= 3 && !c->d[k].cap)
            continue; /* "of", "and", "to" */
        words++;
        caps += c->d[k].cap;
    }
    return words >= 2 && caps * 10 >= words * 7;
}

/* Says in the --explain text how many names the entity cap dropped. */
static void note_dropped(struct work *w)
{
    struct xbuf *b = w->xp;
    char line[160];
    int k = snprintf(line, sizeof line,
                     "entities: %zu name mentions not kept: an article makes at most %d "
                     "entities by name\n",
                     w->ndropped, WORK_MAX_NAMED);
    if (!b || b->full || !w->ndropped || k < 0 || (size_t)k >= sizeof line)
        return;
    if (b->n + (size_t)k + 1 > b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 4096;
        char *ns = realloc(b->s, nc);
        if (!ns) {
            b->full = true;
            return;
        }
        b->s = ns;
        b->cap = nc;
    }
    memcpy(b->s + b->n, line, (size_t)k + 1);
    b->n += (size_t)k;
}

/* Moves what is left of w->m after the last sentence into out, and makes
 * out the article's mention list (sorted, non-overlapping). */
static enum ex_err pass_end(struct dctx *c)
{
    struct work *w = c->w;
    enum ex_err err = cur_end(c);
    for (; !err && c->r < w->nm; c->r++)
        err = push_m(&c->out, &c->nout, &c->capout, &w->m[c->r]);
    if (err)
        return err;
    free(w->m);
    w->m = c->out;
    w->nm = c->nout;
    w->capm = c->capout;
    c->out = NULL;
    c->nout = c->capout = 0;
    c->r = 0;
    return EX_OK;
}

enum ex_err ents_discover(struct work *w)
{
    enum ex_err err = EX_OK;
    struct dctx *c = calloc(1, sizeof *c);
    if (!c)
        return EX_E_NOMEM;
    c->w = w;
    for (size_t si = 0; si < w->nsents; si++) {
        if (si && (err = cur_end(c)))
            goto out;
        if ((err = cur_begin(c, w->sents[si].s, w->sents[si].e)))
            goto out;
        if ((err = split_words(c, w->sents[si].s, w->sents[si].e)))
            goto out;
        bool headline = !w->sents[si].evidence && title_case(c);
        /* each pass needs a cue word; most sentences have none */
        uint32_t km = c->km_any;
        if (!headline) {
            if ((km & (1u << LX_TITLE)) && (err = by_title(c)))
                goto out;
            if ((km & ((1u << LX_ORGSUFFIX) | (1u << LX_ORGWORD))) && (err = by_suffix(c)))
                goto out;
            if ((km & (1u << LX_ORGWORD)) && (err = by_org_prefix(c)))
                goto out;
            if ((km & ((1u << LX_COCUE) | (1u << LX_COCUE_PLURAL))) && (err = by_cue(c)))
                goto out;
            if ((km & (1u << LX_COCUE)) && (err = by_appos_cue(c)))
                goto out;
        }
        err = by_chip_shape(c);
        if (!err)
            err = by_model_shape(c);
        if (err)
            goto out;
    }
    if ((err = pass_end(c)))
        goto out;
    /* a second pass, only when a chip model was found by its shape: its bare
     * mentions in every sentence (at most DW_SHAPED models) */
    for (size_t si = 0; c->nshaped && si < w->nsents; si++) {
        if (si && (err = cur_end(c)))
            goto out;
        if ((err = cur_begin(c, w->sents[si].s, w->sents[si].e)) ||
            (err = split_words(c, w->sents[si].s, w->sents[si].e)) || (err = shaped_again(c)))
            goto out;
    }
    if (c->nshaped && (err = pass_end(c)))
        goto out;
    note_dropped(w);
out:
    free(c->out);
    free(c->cur);
    free(c);
    return err;
}
