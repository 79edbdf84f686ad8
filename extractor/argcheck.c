/* extractor/argcheck.c — checks on a token rule's match that its linear
 * pattern cannot state, made once for every rule (issue 14):
 *  - the subject of a coordinated verb phrase is the clause's subject
 *    ("The A outperforms B's C and is built on 5nm": A, not C);
 *  - a body a document is addressed to does not act ("in a report to the
 *    SEC, ..." imposes nothing);
 *  - a target that merely owns the product a measure names is not the
 *    destination ("limits apply to its chips"). */
#include "extractor/argcheck.h"

#include <string.h>

/* Words that open a second verb phrase after "and" (auxiliaries, copulas and
 * the adverbs reporters put before them). */
static const char *const vp_open[] = {
    "is",   "are",   "was",    "were", "has",   "have",    "had",     "will",     "would",
    "can",  "could", "should", "may",  "might", "must",    "did",     "does",     "do",
    "also", "then",  "later",  "now",  "still", "already", "remains", "remained", NULL};

/* A past-tense verb after ", and" ("..., and stopped servicing"): a word of
 * at least five letters ending in "ed". */
static bool past_verb(const struct tok *t)
{
    return t->kind == TK_WORD && t->wl >= 5 && !memcmp(t->w + t->wl - 2, "ed", 2);
}

/* Index of the "and" opening a second verb phrase in (from, to), or SIZE_MAX. */
static size_t coord_vp(const struct tk_sent *ts, size_t from, size_t to)
{
    for (size_t k = from + 1; k + 1 < to && k + 1 < ts->n; k++)
        if (tk_word_is(&ts->t[k], "and", 3) &&
            (tk_word_in(&ts->t[k + 1], vp_open) ||
             (tk_word_is(&ts->t[k - 1], ",", 1) && past_verb(&ts->t[k + 1]))))
            return k;
    return SIZE_MAX;
}

static const char *const breaks[] = {";",      "but",     "while",     "whereas", "although",
                                     "though", "however", "meanwhile", "said",    "says",
                                     "told",   "that",    NULL};

size_t ac_subject(const struct rule *r, const struct tk_sent *ts, const struct rmatch *m,
                  enum re_role role)
{
    size_t s = m->role[role];
    if (s == SIZE_MAX || m->end == 0)
        return s;
    /* the slot is the subject when it comes before the trigger */
    unsigned want = 0;
    bool before = false;
    for (size_t e = 0; e < r->nel; e++) {
        if (r->el[e].kind == RE_SLOT && r->el[e].role == role) {
            want = r->el[e].tmask;
            before = true;
            break;
        }
        if (r->el[e].kind == RE_WORD)
            break;
    }
    if (!before || coord_vp(ts, s, m->end) == SIZE_MAX)
        return s;
    /* the clause's first entity of the slot's types, back from s, that is
     * neither a possessor ("a former head of Nvidia's unit, Moore Threads
     * sells") nor a preposition's object */
    static const char *const preps[] = {"of", "by", "for", "from", "with", "at",
                                        "in", "to", "on",  "than", "like", NULL};
    size_t first = SIZE_MAX;
    for (size_t j = s; j-- > 0;) {
        const struct tok *t = &ts->t[j];
        if (tk_word_in(t, breaks))
            break;
        if (t->kind != TK_ENT || !(t->tmask & want) || (t->flags & TF_GROUP))
            continue;
        /* "its" is a possessor too, but of the subject's own things */
        if ((!(t->flags & TF_COREF) && j + 1 < ts->n && tk_word_is(&ts->t[j + 1], "'s", 2)) ||
            (j > 0 && tk_word_in(&ts->t[j - 1], preps)))
            continue;
        first = j;
    }
    if (first == SIZE_MAX)
        return s;
    /* "A, B's unit, and ...": a word other than punctuation, "'s" and a
     * conjunction between them means s sits inside A's verb phrase */
    for (size_t j = first + 1; j < s; j++) {
        const struct tok *t = &ts->t[j];
        static const char *const glue[] = {",", "'s", "-", "(", ")", "and", "or", NULL};
        if (t->kind == TK_WORD && !tk_word_in(t, glue))
            return first;
    }
    return s;
}

/* "a report to the SEC", "a filing with the regulator": the body a
 * document or statement is addressed to. */
static const char *const addressed[] = {"to", "with", "before", NULL};
static const char *const documents[] = {
    "report",     "reports",    "filing",   "filings", "letter",    "letters",     "statement",
    "submission", "testimony",  "comments", "comment", "complaint", "petition",    "presentation",
    "briefing",   "disclosure", "request",  "appeal",  "notice",    "application", NULL};

bool ac_pp_object(const struct tk_sent *ts, const struct rmatch *m, size_t i)
{
    if (i == SIZE_MAX || i < 2 || i - 1 >= m->start)
        return false;
    /* a possessor ("to Washington's rules") is not the object itself */
    if (i + 1 < ts->n && tk_word_is(&ts->t[i + 1], "'s", 2))
        return false;
    if (!tk_word_in(&ts->t[i - 1], addressed))
        return false;
    for (size_t j = i - 1; j-- > 0 && j + 4 >= i;)
        if (tk_word_in(&ts->t[j], documents))
            return true;
    return false;
}

bool ac_owner_of_product(const struct rule *r, const struct tk_sent *ts, size_t i)
{
    /* a procurement ban or an investment limit is aimed at the maker or
     * issuer; an export or supply measure at the destination */
    if (r->what == EX_M_PROCUREMENT_BAN || r->what == EX_M_INVESTMENT_RESTRICTION ||
        r->what == EX_M_DIVESTITURE_ORDER)
        return false;
    if (i == SIZE_MAX || i + 1 >= ts->n)
        return false;
    const unsigned prod = (1u << EX_T_CHIP) | (1u << EX_T_PRODUCT) | (1u << EX_T_AI_MODEL);
    size_t k = i + 1;
    if (tk_word_is(&ts->t[k], "'s", 2))
        k++;
    else if (!(ts->t[i].flags & TF_COREF))
        return false; /* "Huawei Mate" is one name, "its Mate" a possessive */
    return k < ts->n && ts->t[k].kind == TK_ENT && (ts->t[k].tmask & prod) &&
           !(ts->t[k].tmask & (1u << EX_T_COMPANY));
}

/* Prepositions before a noun phrase whose head is another noun ("orders
 * for Nvidia processors", "demand from Huawei phones"). */
static const char *const np_preps[] = {"for",  "of",   "from",    "to",   "with",
                                       "than", "like", "against", "over", "about",
                                       "into", "on",   "at",      "in",   NULL};
/* Nouns a name modifies ("Nvidia processors", "Samsung memory"). */
static const char *const mod_heads[] = {
    "memory",      "chip",       "chips",    "design",       "designs",  "technology", "tools",
    "equipment",   "servers",    "hardware", "software",     "modems",   "wafers",     "components",
    "parts",       "processors", "gpus",     "accelerators", "products", "devices",    "phones",
    "smartphones", "machines",   "gear",     "cores",        "modules",  "cards",      "systems",
    "laptops",     "handsets",   NULL};

bool ac_account_on(const struct tk_sent *ts, size_t i)
{
    static const char *const acct[] = {"account", "accounts", "channel", "channels", "page", "feed",
                                       "handle",  "profile",  "post",    "posts",    NULL};
    return i != SIZE_MAX && i + 1 < ts->n && tk_word_in(&ts->t[i + 1], acct);
}

size_t ac_rel_head(const struct rule *r, const struct tk_sent *ts, const struct rmatch *m,
                   enum re_role role)
{
    size_t i = m->role[role];
    if (i == SIZE_MAX)
        return i;
    /* only a slot that comes before the rule's first word (a subject) */
    for (size_t e = 0; e < r->nel; e++) {
        if (r->el[e].kind == RE_SLOT && r->el[e].role == role)
            break;
        if (r->el[e].kind == RE_WORD)
            return i;
    }
    static const char *const rel[] = {"which", "who", "whose", NULL};
    static const char *const det[] = {"the", "a", "an", NULL};
    /* back from i to ", which" or to an apposition ", the successor of":
     * no other comma between */
    size_t w = SIZE_MAX;
    for (size_t k = i; k-- > 0 && k + 12 > i;) {
        if (tk_word_is(&ts->t[k], ",", 1) && k + 1 < i && tk_word_in(&ts->t[k + 1], det)) {
            w = k + 1; /* "X, the successor of Y, is made by Z": Y is inside */
            break;
        }
        if (tk_word_is(&ts->t[k], ",", 1) || tk_word_is(&ts->t[k], ";", 1))
            return i;
        if (tk_word_in(&ts->t[k], rel)) {
            w = k;
            break;
        }
    }
    if (w == SIZE_MAX || w < 2 || !tk_word_is(&ts->t[w - 1], ",", 1))
        return i;
    const struct tok *h = &ts->t[w - 2];
    if (h->kind != TK_ENT || !(h->tmask & ts->t[i].tmask))
        return i;
    /* the clause closes with a comma before the match ends */
    for (size_t k = i + 1; k < m->end && k < ts->n; k++)
        if (tk_word_is(&ts->t[k], ",", 1))
            return w - 2;
    return i;
}

bool ac_pp_modifier(const struct tk_sent *ts, const struct rmatch *m, size_t i)
{
    if (i == SIZE_MAX || i == 0 || i - 1 >= m->start || i + 1 >= ts->n)
        return false;
    /* "licensed a Cambricon design": a name after an indefinite article
     * modifies the noun that follows */
    static const char *const indef[] = {"a", "an", NULL};
    const struct tok *nx = &ts->t[i + 1], *pv = &ts->t[i - 1];
    /* "a former Nvidia executive": one adjective may come between */
    bool art = tk_word_in(pv, indef) ||
               (i >= 2 && tk_word_in(&ts->t[i - 2], indef) && pv->kind == TK_WORD && pv->wl > 2 &&
                pv->w[0] >= 'a' && pv->w[0] <= 'z');
    if (art && nx->kind == TK_WORD && nx->wl && nx->w[0] >= 'a' && nx->w[0] <= 'z')
        return true;
    return tk_word_in(&ts->t[i - 1], np_preps) && tk_word_in(&ts->t[i + 1], mod_heads);
}

bool ac_seller(const struct rule *r, const struct tk_sent *ts, const struct rmatch *m)
{
    size_t o = m->role[RR_O];
    if (r->kind != 'F' || (r->what != EX_P_OWNS && r->what != EX_P_INVESTS_IN) || o == SIZE_MAX ||
        o == 0)
        return false;
    /* the rule's own words before the slot decide when they say "from" */
    for (size_t e = 0; e + 1 < r->nel; e++)
        if (r->el[e + 1].kind == RE_SLOT && r->el[e + 1].role == RR_O && r->el[e].kind == RE_WORD)
            for (size_t a = 0; a < r->el[e].nalt; a++)
                if (!strcmp(r->el[e].alts[a], "from"))
                    return false;
    return tk_word_is(&ts->t[o - 1], "from", 4);
}

/* The slot element of role in r, or NULL; *next the element after it. */
static const struct relem *slot_of(const struct rule *r, enum re_role role,
                                   const struct relem **next)
{
    for (size_t e = 0; e < r->nel; e++)
        if (r->el[e].kind == RE_SLOT && r->el[e].role == role) {
            *next = e + 1 < r->nel ? &r->el[e + 1] : NULL;
            return &r->el[e];
        }
    return NULL;
}

bool ac_possessor_only(const struct rule *r, const struct tk_sent *ts, size_t i, enum re_role role)
{
    const struct relem *next = NULL, *el = slot_of(r, role, &next);
    if (!el || i == SIZE_MAX || i + 2 >= ts->n || !tk_word_is(&ts->t[i + 1], "'s", 2))
        return false;
    /* the rule reads the possessive itself ("{company:S} 's {company:O} unit") */
    if (next && next->kind == RE_WORD)
        for (size_t a = 0; a < next->nalt; a++)
            if (!strcmp(next->alts[a], "'s"))
                return false;
    const struct tok *p = &ts->t[i + 2];
    /* "Huawei's Mate 60 Pro runs on ...": the possessed name acts, of any type */
    return p->kind == TK_ENT && !(p->flags & TF_GROUP);
}

bool ac_new_subject(const struct rule *r, const struct tk_sent *ts, const struct rmatch *m,
                    enum re_role role)
{
    const struct relem *next = NULL, *el = slot_of(r, role, &next);
    size_t s = m->role[role];
    if (!el || s == SIZE_MAX)
        return false;
    for (size_t k = s + 1; k + 1 < m->end && k + 1 < ts->n; k++) {
        if (!tk_word_is(&ts->t[k], "and", 3) && !tk_word_is(&ts->t[k], "but", 3) &&
            !tk_word_is(&ts->t[k], "while", 5))
            continue;
        const struct tok *x = &ts->t[k + 1];
        bool filled = false;
        for (size_t q = 0; q < RR__COUNT; q++)
            filled = filled || m->role[q] == k + 1;
        if (k > s + 1 && tk_word_is(&ts->t[k - 1], ",", 1) && x->kind == TK_ENT &&
            (x->tmask & el->tmask) && !filled)
            return true;
    }
    return false;
}

bool ac_group_appos(const struct tk_sent *ts, size_t g)
{
    static const char *const qty[] = {"two",     "three", "four",  "five", "six",
                                      "several", "both",  "other", NULL};
    size_t b = g;
    if (b > 0 && tk_word_in(&ts->t[b - 1], qty))
        b--;
    return b >= 2 && tk_word_is(&ts->t[b - 1], ",", 1) && ts->t[b - 2].kind == TK_ENT &&
           (ts->t[b - 2].tmask & (1u << EX_T_COMPANY));
}

size_t ac_object_members(const struct rule *r, const struct tk_sent *ts, size_t o)
{
    const struct relem *next = NULL, *el = slot_of(r, RR_O, &next);
    if (!el || o == SIZE_MAX)
        return SIZE_MAX;
    /* "new Kunpeng processors, starting with the Kunpeng 950" */
    static const char *const cue1[] = {"including", "notably",   "especially", "led",
                                       "starting",  "beginning", "such",       NULL};
    static const char *const cue2[] = {"with", "by", "as", NULL};
    size_t k = o + 1;
    while (k < ts->n && k <= o + 6 && ts->t[k].kind == TK_WORD && !tk_word_in(&ts->t[k], cue1))
        k++;
    if (k >= ts->n || k > o + 6 || !tk_word_in(&ts->t[k], cue1) ||
        !tk_word_is(&ts->t[k - 1], ",", 1))
        return SIZE_MAX;
    k++;
    if (k < ts->n && tk_word_in(&ts->t[k], cue2))
        k++;
    if (k < ts->n && ts->t[k].kind == TK_ENT && (ts->t[k].tmask & el->tmask) &&
        !(ts->t[k].flags & TF_GROUP))
        return k;
    return SIZE_MAX;
}
