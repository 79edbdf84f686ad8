/* extractor/parse.h — the Link Grammar wrapper of the parse layer: one
 * English dictionary shared by every thread (read-only once loaded), and a
 * bounded parse of one sentence given as words. Each call creates its own
 * Sentence and Parse_Options, which is how the library is meant to be used
 * from several threads (its own tests/multi-thread.cc does the same); the
 * library's message handler is thread-local and is set per call. */
#ifndef ECF_EX_PARSE_H
#define ECF_EX_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "extractor/extract.h"
#include "common/compiler.h"

#define PZ_MAX_WORDS                                                                               \
    32                 /* longer sentences are not parsed (the gate's cap: parse time
                             grows with the cube of the length) */
#define PZ_MAX_NULLS 3 /* the null-link fallback skips at most this many words */
#define PZ_RETRY_WORDS                                                                             \
    30                   /* ... runs when the complete attempt did not time out, on a
                             sentence of at most this many words (longer ones are
                             the slow tail and rarely give usable roles) */
#define PZ_MAX_SECONDS 1 /* Link Grammar's max_parse_time, per parse attempt */
#define PZ_LINKAGES                                                                                \
    1000          /* linkages the library post-processes and ranks (fewer: a random sample) */
#define PZ_TOPK 3 /* linkages read per parse: the best, then the next ones by cost */
#define PZ_NONE UINT32_MAX

struct pz;

/* One word of the linkage: the library's text ("produced.v-d",
 * "Xqa[!<CAPITALIZED-WORDS>]") and the input word it came from (PZ_NONE for
 * the walls and words the library split off). */
struct pz_word {
    const char *text;
    uint32_t in;
};

struct pz_link {
    uint16_t l, r;   /* word indexes, l < r */
    const char *lab; /* "Ss*s", "MVp", ... */
};

/* A parse: words and links of one linkage. All strings live in arena. */
struct pz_result {
    struct pz_word *w;
    size_t nw;
    struct pz_link *k;
    size_t nk;
    int nulls;      /* words left unlinked (0 for a complete linkage) */
    bool timed_out; /* a parse attempt hit PZ_MAX_SECONDS */
    bool retried;   /* the null-link fallback ran (the complete attempt found nothing) */
    long found;     /* linkages the library counted */
    long pp;        /* ... of which it post-processed and ranked (at most PZ_LINKAGES: a sample) */
    char *arena;
};

/* Loads the English dictionary from data_dir (a directory holding en/4.0.dict;
 * NULL or "": the library's own search, /usr/share/link-grammar on Debian).
 * Not thread-safe (the library may set the process's LC_CTYPE to a UTF-8
 * locale, and its data dir is a process global): call once at start-up,
 * before threads. EX_E_DATA with errbuf naming where it looked when the
 * dictionary cannot be loaded. */
enum ex_err pz_new(const char *data_dir, struct pz **out, char *errbuf, size_t errcap) ECF_WUR;
void pz_free(struct pz *p);

/* Parses words[0..n) (each a NUL-terminated word without spaces). A complete
 * linkage is tried first, then (when that was quick) one with up to
 * PZ_MAX_NULLS null links; each attempt is bounded by PZ_MAX_SECONDS. Fills
 * out[0..*nout) with at most k (<= PZ_TOPK) linkages, best first (the
 * library's cost order); *nout == 0 when there is no linkage (or n > max_words,
 * itself at most 3 * PZ_MAX_WORDS). Free each out[i] with pz_result_free
 * (all k of them may be freed). Thread-safe on a shared p. */
enum ex_err pz_parse_k(const struct pz *p, const char *const *words, size_t n, size_t max_words,
                       struct pz_result *out, size_t k, size_t *nout) ECF_WUR;
/* The best linkage only, at most PZ_MAX_WORDS words: out->nw == 0 when none. */
enum ex_err pz_parse(const struct pz *p, const char *const *words, size_t n,
                     struct pz_result *out) ECF_WUR;
void pz_result_free(struct pz_result *r);

#endif
