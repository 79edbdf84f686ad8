/* extractor/rcompile.c — compiling the parsed lexicons and rules
 * (rules_compile, called by rules_new): every word of the lexicons and
 * pattern alternatives is interned (vocab.c), each lexicon and each word
 * element becomes a struct pset (its phrases as id arrays in their original
 * order, a (first word, phrase) index and bitsets over ids), the lexicons the
 * code reads by name are looked up once, and the rule prefilter is built.
 * Everything here is owned by the struct rules and read-only afterwards. */
#include "extractor/rules.h"

#include <stdlib.h>
#include <string.h>

#include "extractor/text.h"
#include "extractor/vocab.h"

static enum ex_err push_word(struct rules *r, uint32_t code)
{
    if (r->nwords == r->capwords) {
        size_t nc = r->capwords ? r->capwords * 2 : 4096;
        uint32_t *nw = realloc(r->words, nc * sizeof *nw);
        if (!nw)
            return EX_E_NOMEM;
        r->words = nw;
        r->capwords = nc;
    }
    r->words[r->nwords++] = code;
    return EX_OK;
}

/* The words of alternative alt, split exactly as the string matcher did: a
 * leading space gives an empty first word, runs of spaces separate words, a
 * trailing '~' on a word (longer than one char) makes it a prefix; an inner
 * '-' is a word of its own, as the tokenizer makes it. */
static enum ex_err compile_phrase(struct rules *r, const char *alt, struct rphrase *p)
{
    p->off = (uint32_t)r->nwords;
    p->n = 0;
    p->spaced = strchr(alt, ' ') != NULL;
    p->keep = !strcmp(alt, "'s") || (alt[0] && !alt[1] && !tx_isalnum(alt[0]));
    const char *w = alt;
    while (*w) {
        const char *sp = strchr(w, ' ');
        size_t wl = sp ? (size_t)(sp - w) : strlen(w);
        /* "start-up" is three tokens to the tokenizer ("start", "-", "up"):
         * an inner hyphen is a word of its own here too */
        const char *hy = wl > 1 ? memchr(w + 1, '-', wl - 1) : NULL;
        if (hy && hy < w + wl - 1)
            wl = (size_t)(hy - w);
        else if (wl > 1 && w[0] == '-')
            wl = 1;
        bool pfx = wl > 1 && w[wl - 1] == '~';
        uint32_t id;
        enum ex_err err = voc_intern(r->voc, w, pfx ? wl - 1 : wl, &id);
        if (!err)
            err = push_word(r, pfx ? id | RW_PREFIX : id);
        if (err)
            return err;
        p->n++;
        w += wl;
        while (*w == ' ')
            w++;
    }
    return EX_OK;
}

static enum ex_err compile_phrases(struct rules *r, char *const *alts, size_t n, struct pset *ps)
{
    ps->ph = calloc(n ? n : 1, sizeof *ps->ph);
    if (!ps->ph)
        return EX_E_NOMEM;
    ps->n = n;
    for (size_t i = 0; i < n; i++) {
        enum ex_err err = compile_phrase(r, alts[i], &ps->ph[i]);
        if (err)
            return err;
    }
    return EX_OK;
}

struct kv {
    uint32_t key, idx;
};

static int cmp_kv(const void *a, const void *b)
{
    const struct kv *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The index and bitsets of ps, once the vocabulary is complete. */
static enum ex_err index_pset(const struct rules *r, struct pset *ps)
{
    ps->words = r->words;
    ps->voc = r->voc;
    ps->bsw = r->bswords;
    ps->first = calloc(r->bswords, sizeof *ps->first);
    ps->single = calloc(r->bswords, sizeof *ps->single);
    ps->key = malloc((ps->n ? ps->n : 1) * sizeof *ps->key);
    ps->idx = malloc((ps->n ? ps->n : 1) * sizeof *ps->idx);
    ps->pfx = malloc((ps->n ? ps->n : 1) * sizeof *ps->pfx);
    struct kv *kv = malloc((ps->n ? ps->n : 1) * sizeof *kv);
    if (!ps->first || !ps->single || !ps->key || !ps->idx || !ps->pfx || !kv) {
        free(kv);
        return EX_E_NOMEM;
    }
    size_t nk = 0;
    for (size_t i = 0; i < ps->n; i++) {
        const struct rphrase *p = &ps->ph[i];
        if (p->n == 0)
            continue; /* matches nothing */
        uint32_t c = r->words[p->off];
        if (c & RW_PREFIX) {
            ps->pfx[ps->npfx++] = (uint32_t)i;
            continue;
        }
        kv[nk++] = (struct kv){c, (uint32_t)i};
        bs_set(ps->first, c);
        if (p->n == 1 && !p->spaced)
            bs_set(ps->single, c);
    }
    qsort(kv, nk, sizeof *kv, cmp_kv);
    for (size_t i = 0; i < nk; i++) {
        ps->key[i] = kv[i].key;
        ps->idx[i] = kv[i].idx;
    }
    ps->nkey = nk;
    free(kv);
    return EX_OK;
}

static void free_pset(struct pset *ps)
{
    free(ps->ph);
    free(ps->key);
    free(ps->idx);
    free(ps->pfx);
    free(ps->first);
    free(ps->single);
    memset(ps, 0, sizeof *ps);
}

static const char *const known_names[LX__COUNT] = {
    [LX_HEDGE] = "hedge",
    [LX_NEGATOR] = "negator",
    [LX_HYPO] = "hypothetical",
    [LX_DENY] = "deny",
    [LX_COREF_ITS] = "coref_its",
    [LX_COREF_COMPANY] = "coref_company",
    [LX_COREF_COUNTRY] = "coref_country",
    [LX_COREF_CHIPS] = "coref_chips",
    [LX_GROUPNOUN] = "groupnoun",
    [LX_STOPWORD] = "stopword",
    [LX_CONJ] = "conj",
    [LX_MODELSUFFIX] = "modelsuffix",
    [LX_CAPSTOP] = "capstop",
    [LX_ORGSUFFIX] = "orgsuffix",
    [LX_ORGWORD] = "orgword",
    [LX_TITLE] = "title",
    [LX_COCUE] = "cocue",
    [LX_COCUE_PLURAL] = "cocue_plural",
    [LX_COLIKE] = "colike",
    [LX_CHIPWORD] = "chipword",
    [LX_COREF_PRON] = "coref_pron",
    [LX_DESC_COMPANY] = "desc_company",
    [LX_DESC_GOV] = "desc_gov",
    [LX_CUE_ADVERB] = "cue_adverb",
    [LX_CLAUSE] = "clause_break",
    [LX_COREF_LIST] = "coref_list",
    [LX_COREF_CHIP] = "coref_chip",
};

/* The rule prefilter. A feature is something a sentence has or lacks: "a
 * word that can start this required word element" (elements with the same
 * first words share one), "an entity of one of these types" (per distinct
 * required slot), "a process node". featmap gives the word features of each
 * id; a rule needs all the features in its req bitset. */
static enum ex_err compile_features(struct rules *r)
{
    size_t total = 0;
    for (size_t i = 0; i < r->nr; i++)
        total += r->r[i].nel;
    const uint64_t **fs = malloc((total ? total : 1) * sizeof *fs);
    unsigned *sm = malloc((total ? total : 1) * sizeof *sm);
    /* per element: its feature kind (0 none, 1 word, 2 slot, 3 node) and index */
    size_t *elf = malloc((total ? total : 1) * sizeof *elf);
    unsigned char *elk = malloc(total ? total : 1);
    enum ex_err err = EX_OK;
    if (!fs || !sm || !elf || !elk) {
        err = EX_E_NOMEM;
        goto out;
    }
    size_t nwf = 0, nsf = 0, q = 0;
    bool node = false;
    for (size_t i = 0; i < r->nr; i++)
        for (size_t e = 0; e < r->r[i].nel; e++) {
            const struct relem *el = &r->r[i].el[e];
            size_t f = 0;
            unsigned char kind = 0;
            if (rel_required_word(el)) {
                kind = 1;
                for (f = 0; f < nwf; f++)
                    if (!memcmp(fs[f], el->ps.first, r->bswords * sizeof *fs[f]))
                        break;
                if (f == nwf)
                    fs[nwf++] = el->ps.first;
            } else if (el->kind == RE_SLOT && el->quant != '?') {
                for (f = 0; f < nsf && sm[f] != el->tmask; f++)
                    ;
                if (f == nsf)
                    sm[nsf++] = el->tmask;
                kind = 2; /* numbered after the word features */
            } else if (el->kind == RE_NODE && el->quant != '?') {
                node = true;
                kind = 3;
            }
            elk[q] = kind;
            elf[q++] = f;
        }
    if (nwf + nsf + node > 64 * RS_MAXFW) {
        /* too many to track: no prefilter, every rule is tried */
        nwf = nsf = 0;
        node = false;
        memset(elk, 0, total);
    }
    r->nwfeat = nwf;
    r->nslotf = nsf;
    r->nodef = node ? nwf + nsf : SIZE_MAX;
    r->nfeat = nwf + nsf + node;
    r->nfw = (r->nfeat + 63) / 64;
    r->nrw = (r->nr + 63) / 64;
    size_t nfw = r->nfw ? r->nfw : 1, nrw = r->nrw ? r->nrw : 1;
    r->featmap = calloc((r->nvoc + 1) * nfw, sizeof *r->featmap);
    r->slotmask = malloc((nsf ? nsf : 1) * sizeof *r->slotmask);
    for (size_t k = 0; k < RS__COUNT; k++)
        r->rset[k] = calloc(nrw, sizeof *r->rset[k]);
    if (!r->featmap || !r->slotmask || !r->rset[0] || !r->rset[1] || !r->rset[2]) {
        err = EX_E_NOMEM;
        goto out;
    }
    memcpy(r->slotmask, sm, nsf * sizeof *sm);
    for (size_t f = 0; f < nwf; f++)
        for (uint32_t id = 1; id <= r->nvoc; id++)
            if (bs_has(fs[f], id))
                r->featmap[(size_t)id * nfw + f / 64] |= (uint64_t)1 << (f % 64);
    q = 0;
    for (size_t i = 0; i < r->nr && !err; i++) {
        struct rule *ru = &r->r[i];
        ru->req = calloc(nfw, sizeof *ru->req);
        if (!ru->req) {
            err = EX_E_NOMEM;
            break;
        }
        for (size_t e = 0; e < ru->nel; e++, q++) {
            size_t f = elf[q];
            if (elk[q] == 0)
                continue;
            if (elk[q] == 2)
                f += nwf;
            else if (elk[q] == 3)
                f = r->nodef;
            ru->req[f / 64] |= (uint64_t)1 << (f % 64);
        }
        enum rule_set set = ru->kind == 'F'            ? RS_FACTS
                            : ru->istrat[0] == ST_NONE ? RS_SANC_NAMED
                                                       : RS_SANC_IMPLICIT;
        r->rset[set][i / 64] |= (uint64_t)1 << (i % 64);
    }
out:
    free(fs);
    free(sm);
    free(elf);
    free(elk);
    return err;
}

enum ex_err rules_compile(struct rules *r)
{
    enum ex_err err = EX_OK;
    r->voc = calloc(1, sizeof *r->voc);
    if (!r->voc)
        return EX_E_NOMEM;
    /* the words every tokenizer output may need an id for */
    uint32_t id;
    if ((err = voc_intern(r->voc, "'s", 2, &id)))
        return err;
    for (size_t i = 0; i < r->nlx && !err; i++)
        err = compile_phrases(r, r->lx[i].words, r->lx[i].n, &r->lx[i].ps);
    for (size_t i = 0; i < r->nr && !err; i++)
        for (size_t e = 0; e < r->r[i].nel && !err; e++)
            if (r->r[i].el[e].kind == RE_WORD)
                err = compile_phrases(r, r->r[i].el[e].alts, r->r[i].el[e].nalt, &r->r[i].el[e].ps);
    if (err)
        return err;
    r->nvoc = r->voc->n;
    r->bswords = (r->nvoc + 1 + 63) / 64;
    for (size_t i = 0; i < r->nlx && !err; i++)
        err = index_pset(r, &r->lx[i].ps);
    for (size_t i = 0; i < r->nr && !err; i++)
        for (size_t e = 0; e < r->r[i].nel && !err; e++)
            if (r->r[i].el[e].kind == RE_WORD)
                err = index_pset(r, &r->r[i].el[e].ps);
    for (size_t k = 0; k < LX__COUNT; k++)
        r->known[k] = rules_lex(r, known_names[k]);
    for (int c = 0; c < 128; c++) {
        char ch = (char)c;
        r->id1[c] = voc_find(r->voc, &ch, 1);
    }
    if (!err) {
        r->kmask = calloc(r->nvoc + 1, sizeof *r->kmask);
        r->kfirst = calloc(r->nvoc + 1, sizeof *r->kfirst);
        if (!r->kmask || !r->kfirst)
            return EX_E_NOMEM;
        for (size_t k = 0; k < LX__COUNT; k++) {
            const struct lexicon *lx = r->known[k];
            if (!lx)
                continue;
            for (uint32_t id = 1; id <= r->nvoc; id++) {
                if (bs_has(lx->ps.single, id))
                    r->kmask[id] |= (uint32_t)1 << k;
                if (bs_has(lx->ps.first, id))
                    r->kfirst[id] |= (uint32_t)1 << k;
            }
            if (lx->ps.npfx)
                r->kpfx |= (uint32_t)1 << k;
        }
    }
    return err ? err : compile_features(r);
}

void rules_compiled_free(struct rules *r)
{
    for (size_t i = 0; i < r->nlx; i++)
        free_pset(&r->lx[i].ps);
    for (size_t i = 0; i < r->nr; i++) {
        for (size_t e = 0; e < r->r[i].nel; e++)
            free_pset(&r->r[i].el[e].ps);
        free(r->r[i].req);
        r->r[i].req = NULL;
    }
    free(r->featmap);
    r->featmap = NULL;
    free(r->slotmask);
    r->slotmask = NULL;
    for (size_t k = 0; k < RS__COUNT; k++) {
        free(r->rset[k]);
        r->rset[k] = NULL;
    }
    free(r->kmask);
    r->kmask = NULL;
    free(r->kfirst);
    r->kfirst = NULL;
    free(r->words);
    r->words = NULL;
    r->nwords = r->capwords = 0;
    voc_free(r->voc);
    r->voc = NULL;
}
