/* extractor/rules.h — the rule language of data/rules.tsv (see data/README.md):
 * lexicons (L lines: word lists such as hedge cues), fact rules (F) and
 * sanction rules (S), each a pattern over tokens: literal words and
 * alternatives, @lexicon references, gaps (...N), typed entity slots
 * ({company|organization:S}) and a process-node slot (<node:V>).
 * Read-only after rules_new(); shared by threads. */
#ifndef ECF_EX_RULES_H
#define ECF_EX_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "extractor/extract.h"
#include "extractor/tokens.h"
#include "common/compiler.h"

/* RE_APPOS: nothing, or one parenthetical between commas right after a slot:
 * an apposition (", China's largest toolmaker,") or a non-restrictive
 * relative clause (", which ... ,"), skipped whatever entities it holds. */
enum re_kind { RE_WORD, RE_SLOT, RE_GAP, RE_NODE, RE_APPOS };

/* ---- the compiled form (built by rules_new, see rmatch.c) ----
 * Every word of the lexicons and patterns is interned into a vocabulary
 * (ids 1..nvoc; 0 is "not a rule word"); a sentence is matched on the ids
 * its tokens carry (struct tok.id). A word with a trailing '~' (any ending)
 * is the id of its stem with RW_PREFIX set. */
#define RW_PREFIX 0x80000000u

struct rphrase {
    uint32_t off; /* its words: rules->words[off .. off + n) */
    uint32_t n;
    bool keep;   /* "'s" or one punctuation mark: a gap stays tied to the slot before */
    bool spaced; /* the entry contains a space (never a single-word entry for lex_has) */
};

struct vocab;

/* Phrases in their original order, indexed by first word. Owned by the
 * lexicon or pattern element it is part of. */
struct pset {
    struct rphrase *ph;
    size_t n;
    uint32_t *key, *idx; /* (first word id, phrase index), sorted; exact first words only */
    size_t nkey;
    uint32_t *pfx; /* indexes of the phrases whose first word is a prefix */
    size_t npfx;
    uint64_t *first;         /* bitset over ids: first words of the exact-first phrases */
    uint64_t *single;        /* bitset over ids: single-word entries without spaces */
    size_t bsw;              /* uint64_t words per bitset */
    const uint32_t *words;   /* borrowed: rules->words */
    const struct vocab *voc; /* borrowed: rules->voc (prefix stems) */
};

/* Roles a slot can bind. */
enum re_role { RR_S, RR_O, RR_I, RR_T, RR_X, RR_L, RR_V, RR_ANON, RR__COUNT };

struct relem {
    enum re_kind kind;
    char quant;        /* 0, '?' or '*' */
    enum re_role role; /* RE_SLOT / RE_NODE */
    unsigned tmask;    /* RE_SLOT: accepted entity types */
    unsigned gap;      /* RE_GAP: at most this many tokens */
    char **alts;       /* RE_WORD: alternatives, words separated by ' ' */
    size_t nalt;
    struct pset ps; /* RE_WORD: the alternatives, compiled */
};

enum rule_flag {
    RF_PAIR = 1,    /* pair the members of the S group with each other */
    RF_NOCOREF = 2, /* S (a fact) or T (a sanction) may not come from a reference */
    RF_ZIP = 4,     /* S and O lists of equal length pair in order ("the A and B,
                       versions of the C and D") */
};

/* Strategies to find an implicit imposer / target, tried in order. */
enum re_strat {
    ST_NONE = 0,
    ST_AFTER,   /* "ac": a country or demonym after the cue */
    ST_COMPANY, /* "co": a company in the sentence, not of the imposer's country */
    ST_SENT,    /* "cs" / "is": in the sentence */
    ST_PREV,    /* "pv" / "ip": in the previous sentence */
    ST_DEFAULT, /* "df": the article's main foreign country */
    ST_LISTC,   /* "lc": the country of the list (program) slot */
};

#define RULE_MAXSTRAT 6

struct rule {
    char kind;     /* 'F' or 'S' */
    uint64_t *req; /* owned, compiled: the features it needs (rules->nfw words) */
    char *name;
    int what; /* enum ex_pred or enum ex_measure */
    double conf;
    struct relem *el;
    size_t nel;
    unsigned flags;
    enum re_strat tstrat[RULE_MAXSTRAT], istrat[RULE_MAXSTRAT];
};

struct lexicon {
    char *name;
    char **words; /* entries; multiword entries separated by ' ' */
    size_t n;
    struct pset ps; /* the entries, compiled */
};

/* Lexicons the code reads by name (data/README.md), looked up once. */
/* The rules each pass runs (bits over rule indexes, rules->rset). */
enum rule_set {
    RS_FACTS,         /* F rules */
    RS_SANC_NAMED,    /* S rules naming their imposer (run first) */
    RS_SANC_IMPLICIT, /* S rules inferring it */
    RS__COUNT
};

enum lx_known {
    LX_HEDGE,
    LX_NEGATOR,
    LX_DENY,
    LX_COREF_ITS,
    LX_COREF_COMPANY,
    LX_COREF_COUNTRY,
    LX_COREF_CHIPS,
    LX_GROUPNOUN,
    LX_STOPWORD,
    LX_CONJ,
    LX_MODELSUFFIX,
    LX_CAPSTOP,
    LX_ORGSUFFIX,
    LX_ORGWORD,
    LX_TITLE,
    LX_COCUE,
    LX_COCUE_PLURAL,
    LX_COLIKE,
    LX_CHIPWORD,
    LX_HYPO,
    LX_COREF_PRON,
    LX_DESC_COMPANY,
    LX_DESC_GOV,
    LX_CUE_ADVERB,
    LX_CLAUSE,
    LX_COREF_LIST,
    LX_COREF_CHIP,
    LX__COUNT
};

struct rules {
    struct rule *r;
    size_t nr;
    struct lexicon *lx;
    size_t nlx;
    /* compiled (rmatch.c) */
    struct vocab *voc; /* owned: the interned words */
    size_t nvoc;       /* ids are 1..nvoc */
    size_t bswords;    /* uint64_t words in a bitset over ids */
    uint32_t *words;   /* owned: words of all phrases (ids, maybe | RW_PREFIX) */
    size_t nwords, capwords;
    const struct lexicon *known[LX__COUNT]; /* borrowed from lx; NULL when absent */
    /* the rule prefilter (rmatch.c, compile_features): features 0..nwfeat-1
     * are "a word that can start required word element ...", then nslotf
     * "an entity of a type in slotmask[k]", then nodef "a process node" */
    size_t nfeat, nfw, nwfeat, nslotf, nodef;
    uint64_t *featmap;  /* owned: per id, the word features it gives ((nvoc + 1) * nfw) */
    unsigned *slotmask; /* owned: nslotf entity type masks */
    size_t nrw;         /* uint64_t words in a bitset over rules */
    uint64_t *rset[3];  /* owned: the rules of each enum rule_set (nrw words each) */
    uint32_t *kmask;    /* owned, per id: the known lexicons it is a single-word entry of */
    uint32_t kpfx;      /* the known lexicons with '~' entries (checked by text) */
    uint32_t *kfirst;   /* owned, per id: the known lexicons with an entry starting with it */
    uint32_t id1[128];  /* the id of each one-character ASCII word */
};

#define RM_MAXX 6

/* One match: token index per role (SIZE_MAX when unbound). */
struct rmatch {
    size_t role[RR__COUNT];
    size_t x[RM_MAXX];
    size_t nx;
    size_t start, end; /* tokens [start, end) */
};

enum ex_err rules_new(const char *data, size_t len, struct rules **out, char *errbuf,
                      size_t errcap) ECF_WUR;
void rules_free(struct rules *r);

/* The lexicon called name, or NULL. */
const struct lexicon *rules_lex(const struct rules *r, const char *name);
/* A lexicon the code reads by name, or NULL (O(1)). */
static inline const struct lexicon *rules_known(const struct rules *r, enum lx_known k)
{
    return r->known[k];
}

/* A required word element: no quantifier, no prefix word (whose matches a
 * set of ids cannot describe). */
static inline bool rel_required_word(const struct relem *el)
{
    return el->kind == RE_WORD && !el->quant && !el->ps.npfx;
}

/* rcompile.c: compiles the parsed lexicons and rules (called by rules_new). */
enum ex_err rules_compile(struct rules *r) ECF_WUR;
void rules_compiled_free(struct rules *r);
/* The id of word w[0..wl) (already lowercased), or 0 when no rule uses it. */
uint32_t rules_word_id(const struct rules *r, const char *w, size_t wl);
/* rules_word_id of a word inside a struct tx text (tx_build pads it, so whole
 * 8-byte words may be read past w[wl - 1]). */
uint32_t rules_word_id_tx(const struct rules *r, const char *w, size_t wl);
/* The known lexicons (bit 1 << enum lx_known) of which the single word w of
 * id (rules_word_id) is an entry: lex_has_id for all of them at once. */
uint32_t rules_kmask_pfx(const struct rules *r, const char *w, size_t wl);
static inline uint32_t rules_kmask(const struct rules *r, uint32_t id, const char *w, size_t wl)
{
    uint32_t m = r->kmask[id];
    return r->kpfx ? m | rules_kmask_pfx(r, w, wl) : m;
}
/* Whether some entry of a known lexicon in mask (bits 1 << enum lx_known)
 * may start at token t: false means lex_match is 0 for all of them. */
static inline bool rules_may_start(const struct rules *r, uint32_t mask, const struct tok *t)
{
    if (r->kpfx & mask)
        return true; /* a '~' entry: no shortcut */
    return t->kind == TK_WORD && (r->kfirst[t->id] & mask);
}
/* Sets t[i].id of every TK_WORD token from its text (0 for other tokens). */
void rules_tok_ids(const struct rules *r, struct tok *t, size_t n);

/* What a sentence contains (the entity types of its ENT tokens, whether it
 * has a process node) and so the rules it may match: cand, r->nrw words, in
 * rule order; the caller provides it. */
struct rsig {
    unsigned tmask;
    bool node;
    uint64_t *cand;
};

/* Features of a rule set at most 64 * RS_MAXFW (rules_compile checks). */
#define RS_MAXFW 32
void rules_sig(const struct rules *r, const struct tok *t, size_t n, struct rsig *sig);
/* false when rule ri cannot match a sentence with signature sig (a required
 * word, slot or node is absent); true means it may (its bit in sig->cand). */
bool rule_may_match(const struct rules *r, size_t ri, const struct rsig *sig);

/* lex_match past its quick test (no entry can start with t[i]'s word). */
size_t lex_match_at(const struct lexicon *lx, const struct tok *t, size_t n, size_t i);

/* Tokens consumed by the longest entry of lx matching words at t[i], or 0. */
static inline size_t lex_match(const struct lexicon *lx, const struct tok *t, size_t n, size_t i)
{
    if (!lx || i >= n)
        return 0;
    const struct pset *ps = &lx->ps;
    if (!ps->npfx) {
        const struct tok *k = &t[i];
        if (k->kind != TK_WORD || !k->id || !((ps->first[k->id >> 6] >> (k->id & 63)) & 1))
            return 0;
    }
    return lex_match_at(lx, t, n, i);
}
/* true when the single word w[0..wl) is an entry of lx. */
bool lex_has(const struct lexicon *lx, const char *w, size_t wl);
/* lex_has for the entries ending in '~' only. */
bool lex_has_pfx(const struct lexicon *lx, const char *w, size_t wl);
/* lex_has for a word whose id (rules_word_id) is known. */
static inline bool lex_has_id(const struct lexicon *lx, uint32_t id, const char *w, size_t wl)
{
    if (!lx)
        return false;
    if (id && ((lx->ps.single[id >> 6] >> (id & 63)) & 1))
        return true;
    return lx->ps.npfx && lex_has_pfx(lx, w, wl);
}

/* The first token index >= st where rule r may start (its first element, when
 * a required slot or word, fits), or n: the starts rule_match_at can accept. */
size_t rule_next_start(const struct rule *r, const struct tok *t, size_t n, size_t st);

/* Matches rule r anchored at token start; the first (leftmost, lazy) match. */
bool rule_match_at(const struct rule *r, const struct tok *t, size_t n, size_t start,
                   struct rmatch *m);

#endif
