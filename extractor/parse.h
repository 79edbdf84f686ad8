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

#define PZ_MAX_WORDS 40   /* longer sentences are not parsed (the gate's cap) */
#define PZ_MAX_NULLS 3    /* the null-link fallback skips at most this many words */
#define PZ_RETRY_MS 300   /* ... and runs only when the complete attempt took less */
#define PZ_MAX_SECONDS 1  /* Link Grammar's max_parse_time, per parse attempt */
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
    uint16_t l, r;    /* word indexes, l < r */
    const char *lab;  /* "Ss*s", "MVp", ... */
};

/* A parse: words and links of the best linkage. All strings live in arena. */
struct pz_result {
    struct pz_word *w;
    size_t nw;
    struct pz_link *k;
    size_t nk;
    int nulls;      /* words left unlinked (0 for a complete linkage) */
    bool timed_out; /* a parse attempt hit PZ_MAX_SECONDS */
    char *arena;
};

/* Loads the English dictionary (data dir: LG's default, /usr/share/link-grammar).
 * Not thread-safe (the library may set the process's LC_CTYPE to a UTF-8
 * locale): call once at start-up, before threads. EX_E_DATA with errbuf
 * filled when the dictionary cannot be loaded. */
enum ex_err pz_new(struct pz **out, char *errbuf, size_t errcap) __attribute__((warn_unused_result));
void pz_free(struct pz *p);

/* Parses words[0..n) (each a NUL-terminated word without spaces). A complete
 * linkage is tried first, then (when that was quick) one with up to
 * PZ_MAX_NULLS null links; each attempt is bounded by PZ_MAX_SECONDS. Returns EX_OK with
 * out->nw == 0 when there is no linkage (or n > PZ_MAX_WORDS); free out with
 * pz_result_free either way. Thread-safe on a shared p. */
enum ex_err pz_parse(const struct pz *p, const char *const *words, size_t n, struct pz_result *out)
    __attribute__((warn_unused_result));
void pz_result_free(struct pz_result *r);

#endif
