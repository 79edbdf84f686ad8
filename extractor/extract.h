/* extractor/extract.h — the extractor's public contract.
 *
 * A pure module: text in, entities/facts/sanctions out. No I/O, no globals,
 * no locale dependence; one `struct extractor` (the compiled gazetteer and
 * rules, read-only after creation) may be shared by any number of threads.
 * The vocabulary is exactly ../shared/spec/knowledge-model.md. */
#ifndef ECF_EXTRACT_H
#define ECF_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include "common/compiler.h"

enum ex_type {
    EX_T_COMPANY,
    EX_T_AGENCY,
    EX_T_COUNTRY,
    EX_T_ORGANIZATION,
    EX_T_CHIP,
    EX_T_PRODUCT,
    EX_T_AI_MODEL,
    EX_T_PROGRAM,
    EX_T_PERSON,
    EX_T__COUNT
};

enum ex_pred {
    EX_P_OWNS,
    EX_P_DEVELOPS,
    EX_P_MANUFACTURES,
    EX_P_USES,
    EX_P_SUPPLIES,
    EX_P_PARTNERS_WITH,
    EX_P_INVESTS_IN,
    EX_P_LEASES_COMPUTE_FROM,
    EX_P_SUES,
    EX_P_SUCCESSOR_OF,
    EX_P_VARIANT_OF,
    EX_P_RIVALS,
    EX_P_POWERS,
    EX_P_PROCESS_NODE,
    EX_P__COUNT
};

enum ex_measure {
    EX_M_ENTITY_LISTING,
    EX_M_EXPORT_RESTRICTION,
    EX_M_SHIPMENT_SUSPENSION,
    EX_M_SERVICE_WITHDRAWAL,
    EX_M_DATA_TRANSFER_BAN,
    EX_M_DIVESTITURE_ORDER,
    EX_M_INVESTMENT_RESTRICTION,
    EX_M_PROCUREMENT_BAN, /* a government bars its agencies or firms from buying a target's products */
    EX_M__COUNT
};

/* asserted: stated as fact; hedged: "reportedly", "plans to", "according to
 * sources"; denied: the text reports a denial ("X denied these reports"). */
enum ex_status { EX_S_ASSERTED, EX_S_HEDGED, EX_S_DENIED, EX_S__COUNT };

enum ex_err {
    EX_OK = 0,
    EX_E_UTF8, /* input is not valid UTF-8 (ex_result not produced) */
    EX_E_NOMEM,
    EX_E_DATA,  /* gazetteer or rules data malformed (extractor_new only) */
    EX_E_TOOBIG /* input longer than EX_MAX_TEXT */
};

#define EX_MAX_TEXT (16u * 1024u * 1024u)
#define EX_NONE     SIZE_MAX /* "no entity" in an index field */

/* Names as in the knowledge model ("ai_model", "successor_of", ...). The
 * parse functions return 0 and set *out, or -1 for an unknown name. */
const char *ex_type_name(enum ex_type t);
const char *ex_pred_name(enum ex_pred p);
const char *ex_measure_name(enum ex_measure m);
const char *ex_status_name(enum ex_status s);
int ex_type_parse(const char *s, enum ex_type *out);
int ex_pred_parse(const char *s, enum ex_pred *out);
int ex_measure_parse(const char *s, enum ex_measure *out);

/* A sentence of the article: byte offsets [start, end) into the text given to
 * extract_run, and the same span in Unicode code points (cstart, cend), which
 * is what the JSON contract calls "start"/"end". */
struct ex_span {
    size_t start, end;
    size_t cstart, cend;
};

/* The roles of an evidence's mentions: a fact's subject and object, a
 * sanction's imposer and target (ex_evidence.role[EX_ROLE_A], [EX_ROLE_B]). */
enum { EX_ROLE_A, EX_ROLE_B, EX_ROLE__COUNT };

struct ex_evidence {
    struct ex_span sentence;
    /* The tokens of the sentence that filled the roles, in the same units
     * as sentence: a name, a reference as written ("it", "the company"), a
     * literal fact's value; a list "A and B" is one token, so its span
     * covers the list. A role filled with no token of the sentence (a fact
     * the whole article implies, an implicit imposer or target) has an
     * empty span (all zero): never one that was not read. */
    struct ex_span role[EX_ROLE__COUNT];
    const char *rule; /* static string naming the rule or method; never NULL */
};

struct ex_entity {
    char *id;   /* slug of name, see ecf_slug() */
    char *name; /* canonical display name */
    enum ex_type type;
    char country[3]; /* ISO 3166-1 alpha-2 or "" when unknown */
    char **aliases;  /* other surface forms seen in this article or known */
    size_t n_aliases;
    uint32_t mentions; /* times seen in this article */
};

struct ex_fact {
    size_t subject; /* index into ex_result.entities */
    enum ex_pred pred;
    size_t object;     /* index into entities, or EX_NONE for literal facts */
    char *value;       /* literal object ("7nm") when object == EX_NONE, else NULL */
    double confidence; /* [0, 1] */
    enum ex_status status;
    struct ex_evidence ev;
};

struct ex_sanction {
    size_t imposer, target; /* indexes into ex_result.entities */
    enum ex_measure measure;
    char **items; /* restricted things: entity names or words */
    size_t n_items;
    char date[11]; /* "YYYY", "YYYY-MM" or "YYYY-MM-DD"; "" when not stated */
    double confidence;
    enum ex_status status;
    struct ex_evidence ev;
};

/* Everything found in one article. Owned by the caller once returned; free
 * with ex_result_free(). Entities are unique by id; facts unique by
 * (subject, pred, object/value); sanctions by (imposer, target, measure). */
struct ex_result {
    char *title;   /* first non-empty line, trimmed; never NULL (may be "") */
    char date[11]; /* article date when the text states one, else "" */
    struct ex_entity *entities;
    size_t n_entities;
    struct ex_fact *facts;
    size_t n_facts;
    struct ex_sanction *sanctions;
    size_t n_sanctions;
};

struct extractor;

/* Compiles the gazetteer and rules (formats documented in data/README.md).
 * Buffers are borrowed for the call only. On EX_E_DATA, errbuf (if non-NULL)
 * names the file line at fault. */
enum ex_err extractor_new(const char *gazetteer, size_t glen, const char *rules, size_t rlen,
                          struct extractor **out, char *errbuf, size_t errcap) ECF_WUR;
void extractor_free(struct extractor *x);

/* Adds the parse layer (a second stage after the token rules, see
 * extractor/pstage.c): the frames (data/frames.tsv) and Link Grammar's English
 * dictionary, loaded once and shared by all threads. Call before x is shared;
 * not thread-safe (the library may set LC_CTYPE to a UTF-8 locale). data_dir:
 * the directory holding Link Grammar's en/ dictionary (NULL: the library's
 * default). On EX_E_DATA errbuf names the frames line or the missing
 * dictionary, and x stays as it was (token rules only). */
enum ex_err extractor_parse_open(struct extractor *x, const char *frames, size_t flen,
                                 const char *data_dir, char *errbuf, size_t errcap) ECF_WUR;
/* For bench/extract-throughput only: parse every evidence sentence (up to
 * 120 words), without the gate or the per-article budget. Before sharing x. */
void extractor_parse_all(struct extractor *x, bool all);

/* Runs the extractor on text[0..len). article_date ("YYYY-MM-DD" or NULL) anchors
 * relative dates ("last week", "October 22" without a year); when NULL the
 * extractor looks for a date in the text itself. Thread-safe on a shared x. */
enum ex_err extract_run(const struct extractor *x, const char *text, size_t len,
                        const char *article_date, struct ex_result **out) ECF_WUR;
void ex_result_free(struct ex_result *r);

/* extract_run that also explains itself: *explain (malloc'd, the caller
 * frees) says per sentence the mentions, the rules that fired, whether the
 * sentence went to the parser (and why not), the links and roles read, each
 * frame that fired and why a candidate was dropped. Capped at 8 MB. */
enum ex_err extract_explain(const struct extractor *x, const char *text, size_t len,
                            const char *article_date, struct ex_result **out,
                            char **explain) ECF_WUR;

/* The `ecfacts extract --json` line for one article (the contract
 * ../shared/eval/score.py reads):
 * {"article":{"id","title"},"entities":[{"id","name","type","country","aliases","mentions"}],
 *  "facts":[{"subject":{"id","name"},"predicate","object":{"id","name"}|null,"value":str|null,
 *            "confidence","status","evidence":{"sentence","start","end","rule"}}],
 *  "sanctions":[{"imposer":{"id","name"},"target":{"id","name"},"measure","items":[str],
 *                "date":str|null,"confidence","status","evidence":{...}}]}
 * text must be the same buffer given to extract_run (for evidence sentences).
 * Returns a new reference or NULL on ENOMEM. */
json_t *ex_result_to_json(const struct ex_result *r, const char *article_id, const char *text);

/* The same line as text, without building a jansson tree: exactly the bytes
 * json_dumps(ex_result_to_json(r, article_id, text), JSON_COMPACT |
 * JSON_REAL_PRECISION(10)) returns, several times faster. On EX_OK *out is a
 * malloc'd NUL-terminated string of *len bytes (the caller frees it); on
 * EX_E_NOMEM or EX_E_UTF8 (a string that is not valid UTF-8, where the tree
 * would be NULL) *out is NULL. */
enum ex_err ex_result_json_text(const struct ex_result *r, const char *article_id, const char *text,
                                char **out, size_t *len) ECF_WUR;

#endif
