/* extractor/coref.h — references ("it", "they", "its", "their", "the company",
 * "the US chip giant", "the Shenzhen-based firm", "the ministry") and what
 * they may refer to: the entity types the reference and its context allow
 * (an agency does not develop chips, a news outlet is not an imposer), and
 * the salience of a candidate antecedent by recency and grammatical role.
 * Pure functions over the tokens of tokens.c; the search over earlier
 * sentences stays in tokens.c. */
#ifndef ECF_EX_COREF_H
#define ECF_EX_COREF_H

#include <stdbool.h>
#include <stddef.h>

#include "extractor/tokens.h"

struct rules;

/* A reference starting at a token: how many tokens it covers and what it
 * may refer to. */
struct cr_ref {
    size_t len;      /* tokens covered (the reference becomes one ENT token) */
    unsigned mask;   /* entity types (bits 1 << enum ex_type) it may refer to */
    bool plural;     /* they, them, their, "the companies": a list antecedent */
    bool poss;       /* its, their: a possessive "'s" follows the resolved token */
    bool desc;       /* a description ("the [modifiers] company"), not a pronoun */
    bool obj;        /* a pronoun object ("stop buying them", "filed against it"): not
                    * the subject of its own clause */
    uint32_t cc_ent; /* a country named in the description ("the US chip giant"),
                      * UINT32_MAX when none: the antecedent must be of it */
};

/* Whether a reference starts at t[i] (tokens of one sentence, leading
 * articles before names already dropped); fills *ref. Pronouns count only
 * where their context says what they are ("it said" does not; "it
 * unveiled", "its H20", "stop buying them" do). */
bool coref_detect(const struct rules *R, const struct tok *t, size_t n, size_t i,
                  struct cr_ref *ref);

/* Whether candidate token c (an ENT) fits ref: type, number, the country of
 * the description (etype: the type of each working entity; ecc: its country
 * code, may be NULL). *ent receives the antecedent (the first fitting member
 * of a list). */
bool coref_fits(const struct tok *c, const struct cr_ref *ref, const unsigned *etype,
                const char (*ecc)[3], uint32_t *ent);

/* Salience of candidate t[i] for a reference at position upto of the current
 * sentence (sidx 0) or of the sidx-th sentence before (then upto == n):
 * recency, subject before object (the first name of a clause, not after a
 * preposition, not the possessor of another name, for a pronoun not a
 * noun's modifier). Higher is better. */
int coref_score(const struct tok *t, size_t n, size_t i, size_t upto, size_t sidx, bool first,
                bool pron);

/* true when the token before t[i] is a preposition or "(" (an object, a
 * re-mention), so t[i] is not a subject. */
bool coref_prep_before(const struct tok *t, size_t i);

#endif
