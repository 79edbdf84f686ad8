/* extractor/actors.h — the implicit imposers and targets of sanction rules
 * (extractor/actors.c), used by apply.c. Private to the extractor. */
#ifndef ECF_EX_ACTORS_H
#define ECF_EX_ACTORS_H

#include <stdbool.h>
#include <stddef.h>

#include "extractor/work.h"

/* The country code of working entity e ("" for SIZE_MAX or none). */
const char *act_cc(const struct work *w, size_t e);
/* The implicit targets of a match for rule r in sentence si (imposer imp):
 * the first of the rule's `t=` strategies that finds one gives it and the
 * countries coordinated with it, into out (TK_MAXG). Returns how many. */
size_t act_targets(const struct work *w, const struct rule *r, size_t si, const struct rmatch *m,
                   size_t imp, size_t *out);
/* Whether token t is a single agency or country (a body that may impose;
 * not a person, not a demonym group). */
bool act_imposer_tok(const struct tok *t);
/* Whether entity e has imposed a measure in the article and is of another
 * country than target tgt (SIZE_MAX: any target). */
bool act_imposer_fits(const struct work *w, size_t e, size_t tgt);
/* The implicit imposer of a match by the rule's `i=` strategies, limited to
 * actors the article has seen imposing; *out SIZE_MAX when none. */
enum ex_err act_imposer(struct work *w, const struct rule *r, size_t si, const struct rmatch *m,
                        size_t tgt, size_t *out) ECF_WUR;

#endif
