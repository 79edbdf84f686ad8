/* extractor/work.h — the state of one extract_run() call (private to the
 * extractor): the folded text, sentences, mentions, the working entity table,
 * tokens per sentence and the facts and sanctions found so far. Nothing here
 * is shared between calls, which is what makes extract_run thread-safe. */
#ifndef ECF_EX_WORK_H
#define ECF_EX_WORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "extractor/dates.h"
#include "extractor/extract.h"
#include "extractor/gazetteer.h"
#include "extractor/rules.h"
#include "extractor/text.h"
#include "extractor/tokens.h"
#include "common/compiler.h"

/* uint64_t words of one sentence's struct rsig buffer (cand). */
#define SIG_WORDS(R) ((R)->nrw ? (R)->nrw : 1)

struct pz;
struct frames;

struct extractor {
    struct gz *gz;
    struct rules *rules;
    struct pz *pz; /* the parse layer (NULL when off), see extractor_parse_open */
    struct frames *frames;
    bool parse_all; /* bench: parse every sentence, no gate (extractor_parse_all) */
};

/* The --explain text of one run (a hard cap keeps it bounded). */
struct xbuf {
    char *s;
    size_t n, cap;
    bool full;
};

/* The most entities one article may make by name (discovered names, model
 * numbers after a family): real articles have fewer than 40 entities in all;
 * a list of 10k names would otherwise add 10k entities, their sanctions and
 * ~25 search keys each to the store (issue 13 item 3). Gazetteer entries and
 * countries are not counted (the gazetteer bounds them). */
#define WORK_MAX_NAMED 200

/* An open-addressing index from a 64-bit hash to item numbers (entities,
 * facts, sanctions): a probe yields every item added with that hash, and the
 * caller compares the items themselves. */
struct hidx {
    uint64_t *h;
    uint32_t *v; /* item + 1; 0 is an empty slot */
    size_t cap, n;
};

/* The next item added with hash h after *pos (start with *pos = SIZE_MAX), or
 * SIZE_MAX when there is none. */
size_t hidx_next(const struct hidx *x, uint64_t h, size_t *pos);
enum ex_err hidx_add(struct hidx *x, uint64_t h, size_t item) ECF_WUR;
void hidx_free(struct hidx *x);
/* FNV-1a over n bytes, continuing from h (start with WORK_HASH0). */
#define WORK_HASH0 0xcbf29ce484222325ull
uint64_t work_hash(uint64_t h, const void *p, size_t n);

struct went {
    char *id, *name;
    enum ex_type type;
    char country[3];
    char **al;
    size_t nal;
    uint32_t mentions;
    uint32_t ntgt; /* sanctions with this target (push_sanc keeps it) */
    bool used;
    bool imposer; /* the imposer of some sanction (push_sanc keeps it) */
    bool outlet;  /* gazetteer flag outlet: no rule slot, no antecedent */
};

/* Code points [s, e) of the token that filled a role; {0, 0} when none did
 * (see ex_evidence.role). */
struct wspan {
    uint32_t s, e;
};

/* The span of token t, or none for NULL. */
static inline struct wspan wspan_of(const struct tok *t)
{
    return t ? (struct wspan){t->s, t->e} : (struct wspan){0, 0};
}

struct wfact {
    size_t s, o; /* working entities; o == EX_NONE for literals */
    enum ex_pred pred;
    char value[12];
    double conf;
    enum ex_status status;
    bool viaref; /* an end came from a reference ("its", "the company") other than
                  * to the sentence's named subject */
    size_t sent;
    struct wspan span[EX_ROLE__COUNT]; /* the tokens of sent that filled s and o */
    const char *rule;                  /* borrowed from the extractor's rules */
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
    struct wspan span[EX_ROLE__COUNT]; /* the tokens of sent that filled imp and tgt */
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
    uint64_t *sigbuf;   /* nsents * SIG_WORDS: the sentences' candidate rules */
    struct rsig *sigs;  /* per sentence: its rule signature (cand NULL until computed) */
    char (*sdate)[11];  /* per sentence: its date (dates_format), when sdate_st is 2 */
    uint8_t *sdate_st;  /* per sentence: 0 not looked for yet, 1 none, 2 found */
    uint8_t *hedge_st;  /* per sentence: 0 not looked for yet, 1 not hedged, 2 hedged */
    bool headline;      /* sentence 0 is a headline (no terminal punctuation) */
    struct tok *cuetmp; /* apply.c: scratch tokens for cue scans (ncuetmp of them) */
    size_t ncuetmp;
    struct tk_wid *wid; /* the words discovery looked up, by position (tokens reuse the
                         * ids); freed (NULL, nwid 0) once tokenized */
    size_t nwid, capwid;
    struct xbuf *xp; /* NULL unless the caller asked for an explanation */
    /* look-up indexes, so that no loop is quadratic in the article (issue 13) */
    struct hidx eix;     /* entity id -> entity */
    struct hidx chipsfx; /* a chip's last word (after a space) -> chip entities */
    struct hidx fix;     /* (s, o, pred, value) -> fact */
    struct hidx six;     /* (imp, tgt, measure) -> sanction */
    size_t *ctry;        /* the country entities, in order */
    size_t nctry, capctry;
    size_t *ttgt; /* the country targets of sanctions, in order of their first one */
    size_t nttgt, capttgt;
    char (*icc)[3]; /* the countries of imposers (non-empty codes), distinct */
    size_t nicc, capicc;
    size_t nnamed;   /* entities made by name (capped at WORK_MAX_NAMED) */
    size_t ndropped; /* mentions of names not made an entity because of the cap */
};

/* Frees the look-up indexes above (work_free calls it). */
void work_index_free(struct work *w);

/* Work counters of the loops whose cost grows with the article (issue 13:
 * some were quadratic): deterministic, so tests bound them instead of timing
 * extraction. Per thread, only ever added to; a test zeroes them, runs one
 * extraction and reads them. */
struct wcount {
    size_t ent_find, ent_probe;   /* entity id look-ups, entries compared */
    size_t ment_add, ment_moved;  /* mentions discovery added, mentions moved or compared */
    size_t ment_find, ment_scan;  /* discovery's mention look-ups by position, mentions seen */
    size_t fam_find, fam_scan;    /* bare model numbers looked up, entities compared */
    size_t fact_push, fact_probe; /* push_fact calls, facts compared */
    size_t sanc_push, sanc_probe; /* push_sanc calls, sanctions compared */
    size_t deny_sent, deny_scan;  /* denial sentences with a denier, facts looked at */
    size_t ctry_call, ctry_scan;  /* default_country/known_imposer calls, items looked at */
    size_t ents_dropped;          /* names not made an entity (WORK_MAX_NAMED) */
};
extern _Thread_local struct wcount ex_wcount;

/* Finds (by slug of name) or creates a working entity; *idx receives it.
 * EX_E_DATA when name has no slug, or when it would be a new entity past
 * WORK_MAX_NAMED (not a country; counted in ndropped): callers skip the name. */
enum ex_err work_entity(struct work *w, const char *name, size_t nl, enum ex_type type,
                        const char *country, size_t *idx) ECF_WUR;
/* work_entity with the slug of name already known (id, "" when none); not
 * capped (gazetteer entries). */
enum ex_err work_entity_id(struct work *w, const char *id, const char *name, size_t nl,
                           enum ex_type type, const char *country, size_t *idx) ECF_WUR;
/* The gazetteer's country for an ISO code, found or added as a working
 * entity (apply.c); *out is SIZE_MAX when the gazetteer has none. */
enum ex_err work_country_by_code(struct work *w, const char *cc, size_t *out) ECF_WUR;
/* Records surf[0..n) as an alias of entity idx unless it is the name itself. */
enum ex_err work_alias(struct work *w, size_t idx, const char *surf, size_t n) ECF_WUR;
enum ex_err work_mention(struct work *w, size_t s, size_t e, size_t ent, bool demonym) ECF_WUR;
/* Sorts mentions by position, dropping ones that overlap an earlier one. */
void work_sort_mentions(struct work *w);
/* true when code point i lies inside a mention (binary search). */
bool work_covered(const struct work *w, size_t i);

/* entities.c: gazetteer mentions (with model extension) */
enum ex_err ents_gazetteer(struct work *w) ECF_WUR;
/* discover.c (with shapes.c): names the gazetteer lacks, found by shape and cue words */
enum ex_err ents_discover(struct work *w) ECF_WUR;
/* apply.c: fact and sanction rules over the tokenized sentences */
enum ex_err apply_facts(struct work *w) ECF_WUR;
enum ex_err apply_sanctions(struct work *w) ECF_WUR;
/* apply.c: adds a fact / sanction, merging with an equal key (steals s's items) */
enum ex_err push_fact(struct work *w, const struct wfact *f) ECF_WUR;
enum ex_err push_sanc(struct work *w, struct wsanc *s) ECF_WUR;
/* infer.c: facts the whole article implies (a family's developer) */
enum ex_err infer_families(struct work *w) ECF_WUR;
/* extract.c: appends to the --explain text, when the caller asked for one */
__attribute__((format(printf, 2, 3))) void work_xp(struct work *w, const char *fmt, ...);
/* pstage.c: the parse layer's stage on candidate sentences, and --explain */
enum ex_err parse_stage(struct work *w) ECF_WUR;

#endif
