/* extractor/work.h — the state of one extract_run() call (private to the
 * extractor): the folded text, sentences, mentions, the working entity table,
 * tokens per sentence and the facts and sanctions found so far. Nothing here
 * is shared between calls, which is what makes extract_run thread-safe. */
#ifndef ECF_EX_WORK_H
#define ECF_EX_WORK_H

#include <stdbool.h>
#include <stddef.h>

#include "extractor/dates.h"
#include "extractor/extract.h"
#include "extractor/gazetteer.h"
#include "extractor/rules.h"
#include "extractor/text.h"
#include "extractor/tokens.h"

/* uint64_t words of one sentence's struct rsig buffer (cand). */
#define SIG_WORDS(R) ((R)->nrw ? (R)->nrw : 1)

struct pz;
struct frames;

struct extractor {
    struct gz *gz;
    struct rules *rules;
    struct pz *pz;         /* the parse layer (NULL when off), see extractor_parse_open */
    struct frames *frames;
    bool parse_all;        /* bench: parse every sentence, no gate (extractor_parse_all) */
};

/* The --explain text of one run (a hard cap keeps it bounded). */
struct xbuf {
    char *s;
    size_t n, cap;
    bool full;
};

struct went {
    char *id, *name;
    enum ex_type type;
    char country[3];
    char **al;
    size_t nal;
    uint32_t mentions;
    bool used;
    bool outlet; /* gazetteer flag outlet: no rule slot, no antecedent */
};

struct wfact {
    size_t s, o; /* working entities; o == EX_NONE for literals */
    enum ex_pred pred;
    char value[12];
    double conf;
    enum ex_status status;
    size_t sent;
    const char *rule; /* borrowed from the extractor's rules */
};

struct wsanc {
    size_t imp, tgt;
    enum ex_measure measure;
    char *items[RM_MAXX];
    size_t nitems;
    char date[11];
    double conf;
    enum ex_status status;
    size_t sent;
    const char *rule;
};

struct work {
    const struct extractor *x;
    struct tx tx;
    struct tx_sent *sents;
    size_t nsents;
    struct mention *m; /* freed (NULL, nm 0) once tokenized: the tokens carry them */
    size_t nm, capm;
    struct went *ents;
    size_t nents, capents;
    long *gzent; /* gazetteer entry -> working entity, or -1 */
    unsigned *etype;
    struct tk_sent *toks; /* per sentence */
    struct dt_date anchor;
    struct wfact *facts;
    size_t nfacts, capfacts;
    struct wsanc *sanc;
    size_t nsanc, capsanc;
    uint64_t *sigbuf;  /* nsents * SIG_WORDS: the sentences' candidate rules */
    struct rsig *sigs; /* per sentence: its rule signature (cand NULL until computed) */
    char (*sdate)[11]; /* per sentence: its date (dates_format), when sdate_st is 2 */
    uint8_t *sdate_st; /* per sentence: 0 not looked for yet, 1 none, 2 found */
    uint8_t *hedge_st; /* per sentence: 0 not looked for yet, 1 not hedged, 2 hedged */
    bool headline;      /* sentence 0 is a headline (no terminal punctuation) */
    struct tok *cuetmp; /* apply.c: scratch tokens for cue scans (ncuetmp of them) */
    size_t ncuetmp;
    struct tk_wid *wid; /* the words discovery looked up, by position (tokens reuse the
                         * ids); freed (NULL, nwid 0) once tokenized */
    size_t nwid, capwid;
    struct xbuf *xp; /* NULL unless the caller asked for an explanation */
};

/* Finds (by slug of name) or creates a working entity; *idx receives it. */
enum ex_err work_entity(struct work *w, const char *name, size_t nl, enum ex_type type,
                        const char *country, size_t *idx) __attribute__((warn_unused_result));
/* work_entity with the slug of name already known (id, "" when none). */
enum ex_err work_entity_id(struct work *w, const char *id, const char *name, size_t nl,
                           enum ex_type type, const char *country, size_t *idx)
    __attribute__((warn_unused_result));
/* Records surf[0..n) as an alias of entity idx unless it is the name itself. */
enum ex_err work_alias(struct work *w, size_t idx, const char *surf, size_t n)
    __attribute__((warn_unused_result));
enum ex_err work_mention(struct work *w, size_t s, size_t e, size_t ent, bool demonym)
    __attribute__((warn_unused_result));
/* Sorts mentions by position, dropping ones that overlap an earlier one. */
void work_sort_mentions(struct work *w);
/* true when code point i lies inside a mention (binary search). */
bool work_covered(const struct work *w, size_t i);

/* entities.c: gazetteer mentions (with model extension) */
enum ex_err ents_gazetteer(struct work *w) __attribute__((warn_unused_result));
/* discover.c: names the gazetteer lacks, found by shape and cue words */
enum ex_err ents_discover(struct work *w) __attribute__((warn_unused_result));
/* apply.c: fact and sanction rules over the tokenized sentences */
enum ex_err apply_facts(struct work *w) __attribute__((warn_unused_result));
enum ex_err apply_sanctions(struct work *w) __attribute__((warn_unused_result));
/* apply.c: adds a fact / sanction, merging with an equal key (steals s's items) */
enum ex_err push_fact(struct work *w, const struct wfact *f) __attribute__((warn_unused_result));
enum ex_err push_sanc(struct work *w, struct wsanc *s) __attribute__((warn_unused_result));
/* pstage.c: the parse layer's stage on candidate sentences, and --explain */
enum ex_err parse_stage(struct work *w) __attribute__((warn_unused_result));

#endif
