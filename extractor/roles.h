/* extractor/roles.h — reading argument structure off one Link Grammar
 * linkage: the verb chain (auxiliaries, passive, control, coordinated verb
 * phrases), subjects and objects (with relative-clause gaps and inversion),
 * prepositional phrases, possessors, and the entities a word stands for
 * (through coordination, apposition, copula, "one of the N", relative
 * pronouns and descriptor nouns). Used by the frames stage only. */
#ifndef ECF_EX_ROLES_H
#define ECF_EX_ROLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "extractor/frames.h"
#include "extractor/parse.h"

#define RL_MAXW 16 /* words per role */

struct rl_ctx {
    const struct pz_result *p;
    const uint32_t *tok; /* per linkage word: the sentence token it renders, or PZ_NONE */
    const bool *isent;   /* per sentence token: it is an entity token */
};

/* The lowercase base of word i ("produced.v-d" -> "produced"), in buf. */
const char *rl_base(const struct rl_ctx *c, size_t i, char *buf, size_t cap);
/* 'v' for a verb, 'n' for anything else the dictionary tagged, 0 if untagged. */
char rl_pos(const struct rl_ctx *c, size_t i);

/* The words trigger t's role src reads (for FS_PP, preposition prep),
 * before entity resolution. *passive receives the chain's voice. */
size_t rl_role_words(const struct rl_ctx *c, size_t t, char pos, enum fr_src src, const char *prep,
                     size_t *out);
/* The words of t's verb chain (t first), and whether it is passive. */
size_t rl_chain(const struct rl_ctx *c, size_t t, size_t *out, bool *passive);
/* The verb that takes noun n as its object, or SIZE_MAX. */
size_t rl_governor(const struct rl_ctx *c, size_t n);
/* Whether a word of t's chain is negated ("not", "never"). */
bool rl_negated(const struct rl_ctx *c, size_t t);
/* The entity tokens word i stands for (deduplicated), at most max. */
size_t rl_entities(const struct rl_ctx *c, size_t i, uint32_t *out, size_t max);

#endif
