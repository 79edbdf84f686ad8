/* extractor/frames.h — the parse layer's second stage: frames on verb and
 * noun lemmas (data/frames.tsv, format in data/README.md) whose roles are
 * read off a Link Grammar linkage. Voice, relative clauses, apposition,
 * copula, coordination and control are resolved once, in the role
 * extraction, for every frame. Read-only after frames_new(); shared by threads. */
#ifndef ECF_EX_FRAMES_H
#define ECF_EX_FRAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "extractor/extract.h"
#include "common/compiler.h"

/* Where a role's filler is read from. */
enum fr_src {
    FS_AGENT,    /* verb: subject (active) or by-phrase (passive); noun: by-phrase, possessor,
                 modifier, or the subject of the verb that takes the noun as object */
    FS_THEME,    /* verb: object (active) or subject (passive); noun: its of-phrase */
    FS_PP,       /* a prepositional phrase of the trigger (or of its theme/PP nouns) */
    FS_POSS,     /* noun: its possessor ("Biren's first product") */
    FS_SELF,     /* noun: the entity it is said to be (apposition, copula) */
    FS_AFTER,    /* the first entity of the role's types after the trigger (the list of "add X
                 ... to the Entity List" when the parser loses the PP) */
    FS_IMPLICIT, /* sanctions' imposer left unsaid (passive without "by", nominalisation):
                    a body named in the sentence, the list's country, the article's
                    main imposer, one named in the previous sentence */
};

#define FR_MAXSRC  4
#define FR_MAXROLE 4
#define FR_MAXLEM  24

struct fr_role {
    char role;      /* 'S', 'O' (facts), 'I', 'T', 'L' (sanctions; L: a list, required) */
    unsigned tmask; /* accepted entity types */
    size_t nsrc;
    enum fr_src src[FR_MAXSRC];
    char prep[FR_MAXSRC][12]; /* for FS_PP */
};

struct frame {
    char kind;  /* 'F' or 'S' */
    char *name; /* "frame:<name>" as evidence names it */
    int what;   /* enum ex_pred or enum ex_measure */
    double conf;
    char pos; /* 'v' or 'n' */
    char *lem[FR_MAXLEM];
    size_t nlem;
    char *gov[FR_MAXLEM]; /* noun/verb governed by one of these lemmas (may be empty) */
    size_t ngov;
    struct fr_role role[FR_MAXROLE];
    size_t nrole;
};

struct frames {
    struct frame *f;
    size_t n;
};

/* Parses data/frames.tsv. EX_E_DATA names "frames.tsv:LINE" in errbuf. */
enum ex_err frames_new(const char *data, size_t len, struct frames **out, char *errbuf,
                       size_t errcap) ECF_WUR;
void frames_free(struct frames *f);

/* Whether word w[0..wl) (lowercase) is an inflection of lemma: lemma, +s,
 * +es, +ed, +d, +ing, y -> ies/ied, e dropped before -ing, a doubled final
 * consonant (ban -> banned). */
bool fr_inflects(const char *w, size_t wl, const char *lemma);

#endif
