/* extractor/vocab.h — the interned words of a rule set (private to the
 * extractor): an open-addressing hash table from a word to its id (1..n),
 * built by rules_compile (rcompile.c), read by the tokenizer and matcher. */
#ifndef ECF_EX_VOCAB_H
#define ECF_EX_VOCAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "extractor/extract.h"
#include "common/compiler.h"

struct vocab {
    char *str; /* the words' bytes, back to back */
    size_t len, cap;
    uint32_t *off, *wl; /* per id (index 0 unused) */
    size_t n, capn;     /* ids 1..n */
    uint64_t *slot;     /* hash table: hash << 32 | id (0 = empty) */
    uint64_t *first8;   /* per id: its first 8 bytes, zero padded, as load_le reads them */
    size_t mask;
    size_t maxwl; /* the longest word */
};

/* The id of w[0..wl), or 0 when it is not interned. */
uint32_t voc_find(const struct vocab *v, const char *w, size_t wl);
/* The id of w[0..wl), added when new. */
enum ex_err voc_intern(struct vocab *v, const char *w, size_t wl, uint32_t *id) ECF_WUR;
void voc_free(struct vocab *v);

static inline void bs_set(uint64_t *b, uint32_t id)
{
    b[id >> 6] |= (uint64_t)1 << (id & 63);
}
static inline bool bs_has(const uint64_t *b, uint32_t id)
{
    return (b[id >> 6] >> (id & 63)) & 1;
}

#endif
