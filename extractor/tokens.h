/* extractor/tokens.h — a sentence as the rules see it: words and punctuation
 * (lowercased), with every entity mention collapsed into one ENT token, demonym
 * groups ("several Chinese AI companies") turned into their country,
 * coordinations ("H100 and H20") merged into one group token, and references
 * ("its", "the company", "these chips") resolved to the nearest fitting
 * entity by a salience score. */
#ifndef ECF_EX_TOKENS_H
#define ECF_EX_TOKENS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "extractor/extract.h"
#include "common/compiler.h"

#define TK_MAXG 8

enum tk_kind { TK_WORD, TK_ENT };

enum tk_flag {
    TF_COREF = 1,   /* ENT resolved from a reference */
    TF_GROUP = 2,   /* ENT from a demonym group ("Chinese firms") */
    TF_DEMONYM = 4, /* WORD that is a demonym; ent[0] is its country */
    TF_NODE = 8,    /* WORD that is a process node; val holds "7nm" */
    TF_LIST = 16,   /* ENT merged from a coordination */
};

/* 64 bytes: every token of an article is kept until the rules have run, so
 * their size is most of the extractor's memory (texts are < EX_MAX_TEXT, so
 * offsets and entity indexes fit 32 bits). */
struct tok {
    uint8_t kind, flags, ne;
    uint16_t tmask; /* bit (1 << ex_type) of the entities */
    uint32_t id;    /* TK_WORD: rules_word_id() of w, 0 when no rule uses it */
    uint32_t s, e;  /* code points in the article */
    uint32_t wl;
    const char *w;             /* lowercased text (borrowed from the tx) */
    union {                    /* a token is either a node or has entities, never both */
        uint32_t ent[TK_MAXG]; /* working entity indexes: ENT, or a TF_DEMONYM word */
        char val[12];          /* TF_NODE words only */
    };
};

/* A mention of a working entity (or of a demonym) at code points [s, e);
 * 16 bytes, for the same reason as struct tok. */
struct mention {
    uint32_t s, e;
    uint32_t ent;
    bool demonym;
};

struct rules;

/* A word whose id is known already: code points [s, e), rules_word_id;
 * plain when it has no inner '-' or '&' (so it is also one raw token). */
struct tk_wid {
    uint32_t s, e, id;
    bool plain;
};

/* A growable token array. */
struct tk_vec {
    struct tok *t;
    size_t n, cap;
};

struct tk_in {
    const char *low, *norm;
    const struct mention *m; /* all mentions, sorted by s */
    size_t nm;
    const unsigned *etype; /* enum ex_type of each working entity */
    const char (*ecc)[3];  /* country code of each working entity ("" unknown; may be NULL) */
    const struct rules *rules;
    struct tk_vec *scratch;   /* two work arrays reused from sentence to sentence; the
                             * caller owns them (frees scratch[0].t and scratch[1].t) */
    const struct tk_wid *wid; /* words with known ids, sorted by s (may be NULL) */
    size_t nwid;
    uint32_t topic; /* the article's most mentioned company (what a description like
                     * "the start-up" most likely means when the names before fit
                     * about equally; not pronouns), or UINT32_MAX */
    size_t *steps;  /* when not NULL, += the tokens reference resolution looked at
                    * (tests bound it: it grows linearly with the sentence) */
};

/* A reference looks back over the first TK_HEAD and the last TK_TAIL tokens
 * of its sentence and of each of the two sentences before: the whole
 * sentence for anything shorter than TK_HEAD + TK_TAIL tokens (prose is; a
 * sentence is at most TX_SENT_MAX bytes anyway), a constant amount of work
 * per reference otherwise. */
#define TK_HEAD 64
#define TK_TAIL 256

struct tk_sent {
    struct tok *t;
    size_t n;
};

/* Tokenizes code points [s, e). prev[0..np) are the earlier sentences (most
 * recent last) used to resolve references. out->t is malloc'd (exactly
 * out->n tokens; the caller frees it). */
enum ex_err tk_sentence(const struct tk_in *in, size_t s, size_t e, const struct tk_sent *prev,
                        size_t np, struct tk_sent *out) ECF_WUR;

static inline bool tk_word_is(const struct tok *t, const char *lit, size_t l)
{
    return t->kind == TK_WORD && t->wl == l && __builtin_memcmp(t->w, lit, l) == 0;
}

/* Whether t is one of the words of set (NULL-terminated, lowercase). */
static inline bool tk_word_in(const struct tok *t, const char *const *set)
{
    for (; *set; set++)
        if (tk_word_is(t, *set, __builtin_strlen(*set)))
            return true;
    return false;
}

#endif
