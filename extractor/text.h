/* extractor/text.h — the article as the extractor sees it: a per-code-point
 * ASCII folding of the UTF-8 input (typographic quotes and dashes become ' " -,
 * accented Latin letters lose their accents, other non-ASCII code points become
 * TX_OTHER) with a map back to byte offsets, and the sentence splitter.
 * Index i of norm/low is code point i of the original, so a span [s, e) over
 * norm is also the span in code points; cpb[] turns it into bytes. */
#ifndef ECF_EX_TEXT_H
#define ECF_EX_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "extractor/extract.h"
#include "common/compiler.h"

#define TX_OTHER '\x7f' /* a code point with no ASCII folding */
#define TX_PAD   8      /* NUL bytes after low[n]: words in it can be read 8 bytes at a time */

struct tx {
    const char *orig; /* borrowed: the caller's text */
    size_t olen;
    char *norm;  /* n bytes + NUL, case kept */
    char *low;   /* norm with ASCII letters lowercased; n bytes + TX_PAD NULs */
    size_t *cpb; /* n + 1 byte offsets into orig; NULL for pure ASCII (use tx_byte) */
    size_t n;
};

/* Builds t over text[0..len); the text must be valid UTF-8 (checked by the
 * caller). Returns EX_OK or EX_E_NOMEM; tx_free() is safe either way. */
enum ex_err tx_build(struct tx *t, const char *text, size_t len) ECF_WUR;
void tx_free(struct tx *t);

/* One sentence in code points [s, e), trimmed. evidence is false for
 * headline-like pieces (a line without terminal punctuation, a caption). */
struct tx_sent {
    uint32_t s, e; /* 16 bytes: texts are < EX_MAX_TEXT */
    uint32_t line; /* 0-based line number */
    bool evidence;
};

/* Longest sentence, in bytes of the original text. A longer one (a page
 * with no full stops) is cut at its last space past TX_SENT_MAX / 2, or at
 * the last code point that fits when there is none: every sentence-scoped
 * pass, and every evidence, then stays bounded whatever the input. Prose
 * sentences are far shorter (the longest line of the seed corpus and devset
 * is under 800 bytes). */
#define TX_SENT_MAX 1024

/* Splits the folded text into sentences (abbreviations such as U.S., Corp.,
 * No. 5, initials and decimals do not end a sentence), none longer than
 * TX_SENT_MAX bytes. *out is malloc'd (caller frees) and may be NULL when
 * *n == 0. */
enum ex_err tx_split(const struct tx *t, struct tx_sent **out, size_t *n) ECF_WUR;

/* Byte offset in orig of code point cp (0 <= cp <= n). */
static inline size_t tx_byte(const struct tx *t, size_t cp)
{
    return t->cpb ? t->cpb[cp] : cp;
}

/* Character classes of every byte (a constant table in text.c): one load
 * instead of three range tests in the per-character loops. */
enum { TXC_DIGIT = 1, TXC_LOWER = 2, TXC_UPPER = 4 };
extern const unsigned char tx_ctab[256];

static inline bool tx_isalnum(char c)
{
    return (tx_ctab[(unsigned char)c] & (TXC_DIGIT | TXC_LOWER | TXC_UPPER)) != 0;
}
static inline bool tx_isupper(char c)
{
    return c >= 'A' && c <= 'Z';
}
static inline bool tx_islower(char c)
{
    return c >= 'a' && c <= 'z';
}
static inline bool tx_isdigit(char c)
{
    return c >= '0' && c <= '9';
}
static inline bool tx_isspace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

#endif
