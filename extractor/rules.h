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

#include "extractor/extract.h"
#include "extractor/tokens.h"

enum re_kind { RE_WORD, RE_SLOT, RE_GAP, RE_NODE };

/* Roles a slot can bind. */
enum re_role { RR_S, RR_O, RR_I, RR_T, RR_X, RR_L, RR_V, RR_ANON, RR__COUNT };

struct relem {
    enum re_kind kind;
    char quant;         /* 0, '?' or '*' */
    enum re_role role;  /* RE_SLOT / RE_NODE */
    unsigned tmask;     /* RE_SLOT: accepted entity types */
    unsigned gap;       /* RE_GAP: at most this many tokens */
    char **alts;        /* RE_WORD: alternatives, words separated by ' ' */
    size_t nalt;
};

enum rule_flag {
    RF_PAIR = 1,    /* pair the members of the S group with each other */
    RF_NOCOREF = 2, /* S may not come from a reference */
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
    char kind; /* 'F' or 'S' */
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
};

struct rules {
    struct rule *r;
    size_t nr;
    struct lexicon *lx;
    size_t nlx;
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
                      size_t errcap) __attribute__((warn_unused_result));
void rules_free(struct rules *r);

/* The lexicon called name, or NULL. */
const struct lexicon *rules_lex(const struct rules *r, const char *name);

/* Tokens consumed by the longest entry of lx matching words at t[i], or 0. */
size_t lex_match(const struct lexicon *lx, const struct tok *t, size_t n, size_t i);
/* true when the single word w[0..wl) is an entry of lx. */
bool lex_has(const struct lexicon *lx, const char *w, size_t wl);

/* Matches rule r anchored at token start; the first (leftmost, lazy) match. */
bool rule_match_at(const struct rule *r, const struct tok *t, size_t n, size_t start,
                   struct rmatch *m);

#endif
