/* extractor/argcheck.h — checks on a token rule's match its pattern cannot
 * state: the subject of a coordinated verb phrase, a body that is only a
 * preposition's object, a target that only owns the product named. */
#ifndef ECF_EX_ARGCHECK_H
#define ECF_EX_ARGCHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "extractor/rules.h"
#include "extractor/tokens.h"

/* The token that fills role (S or I, a slot before the trigger) of m: its own
 * when it is the subject, else the first entity of the slot's types in the
 * clause when the trigger's verb phrase is coordinated with one before it
 * ("A beats B and is built on ...": A). */
size_t ac_subject(const struct rule *r, const struct tk_sent *ts, const struct rmatch *m,
                  enum re_role role);
/* Whether token i, outside the match, is the body a document or statement
 * is addressed to ("a report to the SEC", "a filing with the regulator"). */
bool ac_pp_object(const struct tk_sent *ts, const struct rmatch *m, size_t i);
/* Whether token i only owns the product after it ("its Gaudi", "Intel's
 * Gaudi"), for sanction rule r's measure (export and supply measures). */
bool ac_owner_of_product(const struct rule *r, const struct tk_sent *ts, size_t i);
/* "SMIC, which makes chips for Huawei, was added to ...": a slot before the
 * rule's first word that sits inside a relative clause closed before the
 * trigger is the clause's head (SMIC); returns the token to use. */
size_t ac_rel_head(const struct rule *r, const struct tk_sent *ts, const struct rmatch *m,
                   enum re_role role);

/* Whether the product at token i names a platform the subject has a presence
 * on ("its WeChat account", "its YouTube channel"): developed by nobody here. */
bool ac_account_on(const struct tk_sent *ts, size_t i);

/* Whether token i (outside the match) modifies a noun inside a preposition's
 * phrase ("orders for Nvidia processors") or after "a" ("a Cambricon
 * design"): no subject. */
bool ac_pp_modifier(const struct tk_sent *ts, const struct rmatch *m, size_t i);
/* Whether token i, bound to role of r, only possesses an entity of the
 * slot's types ("designed by Huawei's HiSilicon unit": HiSilicon is meant). */
bool ac_possessor_only(const struct rule *r, const struct tk_sent *ts, size_t i, enum re_role role);
/* Whether m spans ", and Y" with Y an entity of role's slot types that the
 * match leaves unbound: Y is the subject of a second clause ("A trains B,
 * and Y relies on C"), so A's relation does not reach past it. */
bool ac_new_subject(const struct rule *r, const struct tk_sent *ts, const struct rmatch *m,
                    enum re_role role);
/* Whether an ownership or investment match's object follows "from": the
 * seller ("a plant that X bought from Y"), not what is owned. */
bool ac_seller(const struct rule *r, const struct tk_sent *ts, const struct rmatch *m);
/* Whether group token g is an apposition to the names before it ("A and B,
 * two Chinese start-ups"). */
bool ac_group_appos(const struct tk_sent *ts, size_t g);
/* The token of the members named after fact object o (", starting with X",
 * ", including X", ", such as X"), or SIZE_MAX. */
size_t ac_object_members(const struct rule *r, const struct tk_sent *ts, size_t o);

#endif
