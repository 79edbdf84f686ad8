/* extractor/coref.c — what a reference may refer to, and how salient a
 * candidate antecedent is (see coref.h). */
#include "extractor/coref.h"

#include <string.h>

#include "extractor/rules.h"
#include "extractor/text.h"

#define T_BIT(t)  (1u << (t))
#define M_COMPANY T_BIT(EX_T_COMPANY)
#define M_GOV     (T_BIT(EX_T_AGENCY) | T_BIT(EX_T_COUNTRY))
#define M_ACTOR   (M_COMPANY | T_BIT(EX_T_ORGANIZATION) | M_GOV)
#define M_THING   (T_BIT(EX_T_CHIP) | T_BIT(EX_T_PRODUCT) | T_BIT(EX_T_AI_MODEL))

/* Verb classes (lexicons of data/rules.tsv) that tell who a pronoun subject
 * is: companies develop, use, make, supply and stop shipping; governments
 * impose, add to lists and curb. */
static const char *const co_verbs[] = {"devverb",  "useverb",    "makeverb", "supplyverb",
                                       "suspverb", "chooseverb", "ownverb",  "coverb"};
static const char *const gov_verbs[] = {"imposeverb", "addverb", "curbverb"};
/* Verbs whose object "it"/"them" is a company or a product. */
static const char *const obj_verbs[] = {"buyerverb", "useverb", "addverb", "curbverb",
                                        "supplyverb"};
/* Words between a subject pronoun and its verb ("it had also stopped",
 * "they would keep buying"). */
static const char *const aux[] = {
    "had",          "has",    "have",       "was",     "were",  "is",       "are",
    "would",        "will",   "could",      "may",     "might", "also",     "now",
    "then",         "later",  "still",      "already", "been",  "recently", "quickly",
    "soon",         "keep",   "continue",   "to",      "plans", "plan",     "not",
    "subsequently", "itself", "themselves", "both",    "all"};

static bool word_in(const struct tok *t, const char *const *list, size_t n)
{
    if (t->kind != TK_WORD)
        return false;
    for (size_t k = 0; k < n; k++)
        if (t->wl == strlen(list[k]) && !memcmp(t->w, list[k], t->wl))
            return true;
    return false;
}

static bool verb_in(const struct rules *R, const char *const *names, size_t nn, const struct tok *t,
                    size_t n, size_t j)
{
    for (size_t k = 0; k < nn; k++)
        if (lex_match(rules_lex(R, names[k]), t, n, j))
            return true;
    return false;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The verb class after a subject pronoun at i: the mask of its subject, or 0. */
static unsigned subject_mask(const struct rules *R, const struct tok *t, size_t n, size_t i)
{
    for (size_t j = i + 1; j < n && j <= i + 5; j++) {
        if (verb_in(R, co_verbs, NELEM(co_verbs), t, n, j))
            return M_COMPANY;
        if (verb_in(R, gov_verbs, NELEM(gov_verbs), t, n, j) ||
            tk_word_is(&t[j], "blacklisted", 11))
            return M_GOV;
        if (!word_in(&t[j], aux, NELEM(aux)))
            return 0;
    }
    return 0;
}

/* What "its"/"their" at i may be: the developer of a named thing or a
 * product noun that follows ("its Gaudi chips", "their new phones"). */
static unsigned poss_mask(const struct rules *R, const struct tok *t, size_t n, size_t i)
{
    const struct lexicon *adj = rules_lex(R, "possadj");
    const struct lexicon *prod = rules_lex(R, "prodnoun");
    for (size_t j = i + 1; j < n && j <= i + 4; j++) {
        if (t[j].kind == TK_ENT)
            return (t[j].tmask & M_THING) ? M_COMPANY : M_ACTOR;
        if (lex_match(prod, t, n, j))
            return M_COMPANY;
        if (!lex_match(adj, t, n, j))
            break;
    }
    return M_ACTOR;
}

static bool gov_body(const struct tok *t)
{
    static const char *const body[] = {"agency",     "bureau",    "department",
                                       "commission", "regulator", "watchdog"};
    return word_in(t, body, NELEM(body));
}

/* "the [modifiers] head": modifiers are plain words, "-", a country or a
 * demonym; the head says the kind. Returns the tokens covered or 0. */
static size_t description(const struct rules *R, const struct tok *t, size_t n, size_t i,
                          struct cr_ref *ref)
{
    if (!tk_word_is(&t[i], "the", 3))
        return 0;
    const struct lexicon *stop = rules_known(R, LX_STOPWORD);
    const struct lexicon *co = rules_known(R, LX_DESC_COMPANY);
    const struct lexicon *gov = rules_known(R, LX_DESC_GOV);
    const struct lexicon *pl = rules_known(R, LX_COCUE_PLURAL);
    ref->cc_ent = UINT32_MAX;
    for (size_t j = i + 1; j < n && j <= i + 5; j++) {
        size_t k;
        if ((k = lex_match(co, t, n, j)) || (k = lex_match(pl, t, n, j))) {
            /* "the company's rivals" is fine; "the firm X" names X */
            if (j + k < n && t[j + k].kind == TK_ENT)
                return 0;
            ref->mask = M_COMPANY;
            ref->plural = lex_match(pl, t, n, j) == k && !lex_match(co, t, n, j);
            return j + k - i;
        }
        if ((k = lex_match(gov, t, n, j))) {
            if (j + k < n && t[j + k].kind == TK_ENT)
                return 0;
            /* "the agency", "the bureau", "the department" is a body; "the
             * government", "the ministry", "the authorities" may stand for
             * its country when the body itself was not named */
            ref->mask = gov_body(&t[j]) ? T_BIT(EX_T_AGENCY) : M_GOV;
            return j + k - i;
        }
        const struct tok *m = &t[j];
        if (m->kind == TK_ENT) {
            if (m->ne != 1 || !(m->tmask & T_BIT(EX_T_COUNTRY)) || (m->flags & TF_GROUP))
                return 0;
            ref->cc_ent = m->ent[0];
        } else if (m->flags & TF_DEMONYM) {
            ref->cc_ent = m->ent[0];
        } else if (!(tk_word_is(m, "-", 1) ||
                     (m->wl && tx_isalnum(m->w[0]) && !lex_has_id(stop, m->id, m->w, m->wl)))) {
            return 0;
        }
    }
    return 0;
}

/* "the chip" is a reference when it heads its noun phrase: a verb, a clause
 * or the sentence's end follows, not a noun ("the chip industry", "the chip
 * curbs"). j is the token after it. */
static bool chip_ref_head(const struct tok *t, size_t n, size_t j)
{
    static const char *const after[] = {
        "is",     "was",      "has",      "had",     "will",   "would",    "could",
        "can",    "may",      "also",     "itself",  ",",      ".",        "which",
        "that",   "uses",     "runs",     "powers",  "relies", "remains",  "appears",
        "offers", "delivers", "performs", "matches", "rivals", "competes", "ships",
        ")",      "in",       "on",       "at",      "with",   "from"};
    return j >= n || word_in(&t[j], after, NELEM(after));
}

bool coref_detect(const struct rules *R, const struct tok *t, size_t n, size_t i,
                  struct cr_ref *ref)
{
    memset(ref, 0, sizeof *ref);
    ref->cc_ent = UINT32_MAX;
    size_t k;
    if ((k = lex_match(rules_known(R, LX_COREF_ITS), t, n, i))) {
        ref->len = k;
        ref->poss = true;
        ref->mask = poss_mask(R, t, n, i + k - 1);
        return true;
    }
    if ((k = lex_match(rules_known(R, LX_COREF_CHIPS), t, n, i))) {
        ref->len = k;
        ref->plural = true;
        ref->desc = true;
        ref->mask = T_BIT(EX_T_CHIP);
        return true;
    }
    if ((k = lex_match(rules_known(R, LX_COREF_CHIP), t, n, i)) && chip_ref_head(t, n, i + k)) {
        /* "the chip is made by SMIC", "the processor, which ...": one chip */
        ref->len = k;
        ref->desc = true;
        ref->mask = T_BIT(EX_T_CHIP);
        return true;
    }
    if ((k = lex_match(rules_known(R, LX_COREF_LIST), t, n, i))) {
        /* "the list", "the blacklist": the restricted-party list named before */
        ref->len = k;
        ref->desc = true;
        ref->mask = T_BIT(EX_T_PROGRAM);
        return true;
    }
    if ((k = lex_match(rules_known(R, LX_COREF_COUNTRY), t, n, i))) {
        ref->len = k;
        ref->desc = true;
        ref->mask = T_BIT(EX_T_COUNTRY);
        return true;
    }
    if ((k = description(R, t, n, i, ref))) {
        ref->len = k;
        ref->desc = true;
        return true;
    }
    if ((k = lex_match(rules_known(R, LX_COREF_COMPANY), t, n, i))) {
        /* "the chipmaker Nexperia" names Nexperia: a descriptor, no reference;
         * "the company behind X", "the firm that makes Y": a restrictive
         * modifier describes a company still to be named */
        static const char *const restrictive[] = {"behind", "that", "whose", "who"};
        if (i + k < n &&
            (t[i + k].kind == TK_ENT || word_in(&t[i + k], restrictive, NELEM(restrictive))))
            return false;
        ref->len = k;
        ref->desc = true;
        ref->mask = M_COMPANY;
        return true;
    }
    if (!lex_match(rules_known(R, LX_COREF_PRON), t, n, i))
        return false;
    ref->len = 1;
    if (tk_word_is(&t[i], "their", 5)) {
        ref->plural = ref->poss = true;
        ref->mask = poss_mask(R, t, n, i);
        return true;
    }
    bool obj = i > 0 && verb_in(R, obj_verbs, NELEM(obj_verbs), t, n, i - 1);
    if (!obj && i > 1 && tk_word_is(&t[i - 1], "added", 5))
        obj = true;
    if (obj && !tk_word_is(&t[i], "they", 4)) {
        ref->mask = M_COMPANY | M_THING;
        ref->obj = true;
        return true;
    }
    /* "a lawsuit filed against it", "a deal with them": a preposition's
     * object is an actor or a thing */
    static const char *const obj_preps[] = {"against", "with", "from", "to", "for"};
    if (i > 0 && !tk_word_is(&t[i], "they", 4) && word_in(&t[i - 1], obj_preps, NELEM(obj_preps))) {
        ref->mask = M_ACTOR | M_THING;
        ref->obj = true;
        return true;
    }
    if (tk_word_is(&t[i], "them", 4))
        return false;
    ref->plural = tk_word_is(&t[i], "they", 4);
    ref->mask = subject_mask(R, t, n, i);
    return ref->mask != 0;
}

bool coref_fits(const struct tok *c, const struct cr_ref *ref, const unsigned *etype,
                const char (*ecc)[3], uint32_t *ent)
{
    if (c->kind != TK_ENT || (c->flags & TF_GROUP) || !(c->tmask & ref->mask))
        return false;
    /* a list is what "they" means; "it" and "its" mean one of a kind */
    if (ref->plural ? c->ne < 2 && !ref->poss && !ref->desc : c->ne != 1 && !ref->desc)
        return false;
    for (size_t k = 0; k < c->ne; k++) {
        uint32_t e = c->ent[k];
        if (!(T_BIT(etype[e]) & ref->mask))
            continue;
        if (ref->cc_ent != UINT32_MAX && ecc &&
            (!ecc[e][0] || strcmp(ecc[e], ecc[ref->cc_ent]) != 0))
            continue;
        *ent = e;
        return true;
    }
    return false;
}

bool coref_prep_before(const struct tok *t, size_t i)
{
    static const char *const preps[] = {
        "of", "from", "by",    "with",      "like",    "as",   "than", "to",     "for", "on",
        "in", "at",   "among", "including", "against", "over", "via",  "citing", "told"};
    if (i == 0 || t[i - 1].kind != TK_WORD)
        return false;
    if (tk_word_is(&t[i - 1], "(", 1))
        return true; /* "(SMIC)": a re-mention, not a new subject */
    return word_in(&t[i - 1], preps, NELEM(preps)) ||
           (i >= 2 && tk_word_is(&t[i - 1], "to", 2) && tk_word_is(&t[i - 2], "according", 9));
}

int coref_score(const struct tok *t, size_t n, size_t i, size_t upto, size_t sidx, bool first,
                bool pron)
{
    int sc = sidx == 0 ? 0 : -3 - 2 * (int)sidx;
    /* "Baidu develops its own ...": the subject right before the reference,
     * with no comma or other name between, is meant */
    if (sidx == 0 && upto - i <= 5) {
        bool clear = true;
        for (size_t q = i + 1; q < upto; q++)
            clear = clear && t[q].kind == TK_WORD && !tk_word_is(&t[q], ",", 1);
        sc += clear ? 3 : 0;
    }
    /* the subject of the sentence */
    sc += first ? 2 : 0;
    /* "A did this, and B ... its": the subject of the later clause */
    if (sidx == 0 && i >= 2 && tk_word_is(&t[i - 2], ",", 1) &&
        (tk_word_is(&t[i - 1], "and", 3) || tk_word_is(&t[i - 1], "but", 3) ||
         tk_word_is(&t[i - 1], "while", 5)))
        sc += 2;
    /* objects of prepositions are rarely what a later pronoun means */
    sc -= coref_prep_before(t, i) ? 2 : 0;
    /* "stockpiled Samsung memory for its ...", "a Cambricon design for its
     * ...": a name used as a noun's modifier is not what a pronoun means */
    static const char *const modnoun[] = {
        "memory",   "chip",       "chips",   "design",      "designs",  "technology",
        "tools",    "equipment",  "servers", "hardware",    "software", "modems",
        "wafers",   "components", "parts",   "processors",  "gpus",     "accelerators",
        "products", "devices",    "phones",  "smartphones", "machines", "gear",
        "licence",  "license",    "patents", "cores",       "modules",  "cards"};
    if (pron && sidx == 0 &&
        ((i + 1 < n && word_in(&t[i + 1], modnoun, NELEM(modnoun))) ||
         (i > 0 && (tk_word_is(&t[i - 1], "a", 1) || tk_word_is(&t[i - 1], "an", 2)))))
        sc -= 3;
    /* "Intel's Gaudi", "Nvidia's shares fell": the possessor is less salient
     * than its thing */
    if (i + 1 < n && tk_word_is(&t[i + 1], "'s", 2))
        sc -= 1;
    return sc;
}
