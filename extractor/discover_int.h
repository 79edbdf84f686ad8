/* extractor/discover_int.h — discovery's private state, shared by
 * discover.c (names by cue words and suffixes, the passes over an article)
 * and shapes.c (chip and model names by their shape). Not for other modules. */
#ifndef ECF_EXTRACTOR_DISCOVER_INT_H
#define ECF_EXTRACTOR_DISCOVER_INT_H

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

/* Word k is an entry of the known lexicon lx. */
static inline bool dw_in(const struct dctx *c, enum lx_known lx, size_t k)
{
    return k < c->n && ((c->d[k].km >> lx) & 1);
}

/* The first mention, in list order, that contains code point pos (contains)
 * or ends at pos, is no demonym for the latter and, with company, is of a
 * company. */
const struct mention *dx_find_m(const struct dctx *c, size_t pos, bool contains, bool company);
/* Whether word k's lowercase text is one of list (NULL-terminated). */
bool dx_word_is(const struct dctx *c, size_t k, const char *const *list);
/* Word k can be part of a name: capitalised, not yet a mention, no capstop. */
bool dx_name_word(const struct dctx *c, size_t k);
/* Inserts m into this sentence's mentions (sorted, overlaps dropped). */
enum ex_err dx_cur_insert(struct dctx *c, struct mention m) ECF_WUR;
/* Words [ws, we] become a mention of a (new or known) entity of type. */
enum ex_err dx_add(struct dctx *c, size_t ws, size_t we, enum ex_type type) ECF_WUR;
/* Whether the text between words a and b (a < b) holds a comma. */
bool dx_comma_between(const struct dctx *c, size_t a, size_t b);

/* shapes.c: the passes over one sentence's words */
enum ex_err dx_by_chip_shape(struct dctx *c) ECF_WUR;
enum ex_err dx_by_model_shape(struct dctx *c) ECF_WUR;
/* the second pass: bare mentions of the models found by shape */
enum ex_err dx_shaped_again(struct dctx *c) ECF_WUR;

#endif
