/* extractor/discover.c — names the gazetteer lacks, found by their shape and
 * by cue words (lexicons in rules.tsv): organisations by suffix ("Biren
 * Technology", "SIA Lab"), companies by a preceding cue ("Chinese firm X",
 * "startups like X"), people by title ("Commerce Secretary X"); chip and
 * model names by their shape are shapes.c's. Runs the passes per sentence
 * and keeps the article's mention list (discover_int.h). */
#include <stdlib.h>
#include <string.h>

#include "extractor/discover_int.h"

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
enum ex_err dx_cur_insert(struct dctx *c, struct mention m)
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
const struct mention *dx_find_m(const struct dctx *c, size_t pos, bool contains, bool company)
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

/* Whether word k's lowercase text is one of list (NULL-terminated). */
bool dx_word_is(const struct dctx *c, size_t k, const char *const *list)
{
    size_t l = k < c->n ? c->d[k].e - c->d[k].s : 0;
    for (; l && *list; list++)
        if (strlen(*list) == l && !memcmp(c->w->tx.low + c->d[k].s, *list, l))
            return true;
    return false;
}

bool dx_name_word(const struct dctx *c, size_t k)
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

enum ex_err dx_add(struct dctx *c, size_t ws, size_t we, enum ex_type type)
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
    err = dx_cur_insert(c,
                        (struct mention){.s = (uint32_t)s, .e = (uint32_t)e, .ent = (uint32_t)idx});
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
    while (b > 0 && k - b + 1 < max && c->d[b - 1].adj && dx_name_word(c, b - 1))
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
            enum ex_err err = dx_add(c, ob, k, EX_T_ORGANIZATION);
            if (err)
                return err;
            continue;
        }
        if (!dx_name_word(c, k - 1)) {
            /* "Moore Threads Technology": a known name plus a suffix is that name
             * (not an investment arm: "Intel Capital" is not Intel) */
            if (co && c->d[k - 1].covered && c->d[k - 1].cap && !investment_suffix(c, k)) {
                struct work *w = c->w;
                /* the word ends in this sentence: only cur can hold the mention */
                const struct mention *f = dx_find_m(c, c->d[k - 1].e, false, false);
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
            dx_name_word(c, k + 2)) {
            e = k + 2;
            while (e + 1 < c->n && c->d[e].adj && dx_name_word(c, e + 1) && e - k < 4)
                e++;
        }
        enum ex_err err = dx_add(c, b, e, org ? EX_T_ORGANIZATION : EX_T_COMPANY);
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
            !c->d[k + 1].adj || !dx_name_word(c, k + 2))
            continue;
        size_t e = k + 2;
        while (e + 1 < c->n && c->d[e].adj && dx_name_word(c, e + 1) && e - k < 5)
            e++;
        enum ex_err err = dx_add(c, k, e, EX_T_ORGANIZATION);
        if (err)
            return err;
    }
    return EX_OK;
}

static bool person_word(const struct dctx *c, size_t k)
{
    if (!dx_name_word(c, k))
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
            enum ex_err err = dx_add(c, ws, we, EX_T_PERSON);
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
        enum ex_err err = dx_add(c, j, e, EX_T_PERSON);
        if (err)
            return err;
        k = e;
    }
    return EX_OK;
}

static size_t name_run(const struct dctx *c, size_t j)
{
    size_t e = j;
    while (e + 1 < c->n && c->d[e].adj && dx_name_word(c, e + 1) && e - j < 2)
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
            while (j < c->n && dx_name_word(c, j)) {
                size_t e = name_run(c, j);
                enum ex_err err = dx_add(c, j, e, EX_T_COMPANY);
                if (err)
                    return err;
                j = e + 1;
                if (j < c->n &&
                    (dw_in(c, LX_COLIKE, j) || !strncmp(c->w->tx.low + c->d[j].s, "and", 3)))
                    j++;
            }
            continue;
        }
        if (!sing || !dx_name_word(c, j))
            continue;
        enum ex_err err = dx_add(c, j, name_run(c, j), EX_T_COMPANY);
        if (err)
            return err;
    }
    return EX_OK;
}

/* Whether the text between words a and b (a < b) holds a comma. */
bool dx_comma_between(const struct dctx *c, size_t a, size_t b)
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
    static const char *const det[] = {"a", "an", "the", "its", "their", NULL};
    for (size_t k = 2; k < c->n; k++) {
        if (!dw_in(c, LX_COCUE, k) || c->d[k].cap || dw_in(c, LX_COCUE, k + 1))
            continue;
        if (k + 1 < c->n && c->d[k].adj && !dw_in(c, LX_STOPWORD, k + 1) && !c->d[k + 1].covered)
            continue; /* "the unit price", "a maker space"; not "the unit Tencent set up" */
        size_t j = k;
        bool found = false;
        while (j > 0 && k - j <= 4 && !found) {
            j--;
            found = dx_word_is(c, j, det);
            if (!found && dx_comma_between(c, j, j + 1))
                break;
        }
        if (!found || j == 0 || !dx_comma_between(c, j - 1, j) || !dx_name_word(c, j - 1))
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
        enum ex_err err = dx_add(c, b, e, EX_T_COMPANY);
        if (err)
            return err;
    }
    return EX_OK;
}

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
        err = dx_by_chip_shape(c);
        if (!err)
            err = dx_by_model_shape(c);
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
            (err = split_words(c, w->sents[si].s, w->sents[si].e)) || (err = dx_shaped_again(c)))
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
