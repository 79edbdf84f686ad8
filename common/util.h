/* common/util.h — small pure helpers shared by every module: hashing, slugs,
 * base64url, UTF-8 checks and the normalised key used for name matching.
 * No I/O, no globals; every function is thread-safe. */
#ifndef ECF_COMMON_UTIL_H
#define ECF_COMMON_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/compiler.h"

/* FNV-1a 64-bit hash of n bytes. Not cryptographic: short keys, buckets. */
uint64_t ecf_fnv1a64(const void *data, size_t n);

/* XXH3 64-bit hash of n bytes (libxxhash): for large inputs such as
 * response bodies (ETags), where byte-wise FNV was measured at ~18% of the
 * CPU of an uncached 24 KB answer. Not cryptographic. */
uint64_t ecf_hash64(const void *data, size_t n);

/* SHA-256 of n bytes as 64 lowercase hex digits plus NUL into out[65]. */
void ecf_sha256_hex(const void *data, size_t n, char out[65]);

/* Stable lowercase ASCII slug of a display name ("Ascend 910B" -> "ascend-910b",
 * "U.S. Department of Commerce" -> "us-department-of-commerce"). Accents are
 * stripped, '.' and '\'' vanish, other runs of non-alphanumerics become one '-'.
 * Writes at most cap bytes including NUL; returns the slug length, 0 if the
 * name has no alphanumeric character (out is then ""). Truncates at cap-1. */
size_t ecf_slug(const char *name, size_t n, char *out, size_t cap);

/* Matching key of a name: NFKD, accents stripped, case-folded, a possessive
 * "'s" dropped, punctuation except '+' removed, '.' deleted, whitespace runs
 * collapsed to one space, trimmed, a leading "the " dropped. Mirrors the
 * evaluation's normalisation so aliases match the way users type them.
 * Returns a malloc'd string (caller frees) or NULL on invalid UTF-8 / ENOMEM. */
char *ecf_name_key(const char *s, size_t n) ECF_WUR;

/* true when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates). If not,
 * *bad_at (when non-NULL) receives the offset of the first bad byte. */
bool ecf_utf8_valid(const char *s, size_t n, size_t *bad_at);

/* Number of code points in the first n bytes of valid UTF-8. */
size_t ecf_utf8_count(const char *s, size_t n);

/* base64url without padding. encode writes NUL-terminated text into out (needs
 * 4*ceil(n/3)+1 bytes) and returns its length. decode returns the decoded
 * length or -1 on a character outside the alphabet or an impossible length. */
size_t ecf_b64url_encode(const void *in, size_t n, char *out, size_t cap);
long ecf_b64url_decode(const char *in, size_t n, unsigned char *out, size_t cap);

/* How many bytes of s[0..n) to keep so as to cut at a UTF-8 character
 * boundary at or below max (n itself when n <= max). */
size_t ecf_utf8_cut(const char *s, size_t n, size_t max);

/* An article's title: the first line of text[0..len) that is not blank, a
 * leading byte order mark skipped, LF, CRLF and a lone CR all ending a line,
 * spaces and tabs trimmed, cut to at most max bytes at a character
 * boundary. *start receives its offset; returns its length (0: none). */
size_t ecf_title_line(const char *text, size_t len, size_t max, size_t *start);

/* CLOCK_MONOTONIC in milliseconds (deadlines, rate limits). */
long long ecf_mono_ms(void);

struct timespec;
/* t += ms milliseconds, normalised (for pthread_cond_timedwait deadlines). */
void ecf_ts_add_ms(struct timespec *t, long ms);

/* Current UTC time as "YYYY-MM-DDTHH:MM:SSZ" into out[21]. */
void ecf_now_iso(char out[21]);

/* Copies at most cap-1 bytes of src and NUL-terminates; returns strlen(src).
 * (strlcpy semantics, which C11 lacks.) */
size_t ecf_strlcpy(char *dst, const char *src, size_t cap);

#endif
