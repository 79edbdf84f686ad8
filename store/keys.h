/* store/keys.h — LMDB key encoding for the store: keys are built so that
 * byte order (LMDB's default memcmp order) is the iteration order we want.
 *
 *  - strings are NUL-terminated components: "type\0id" sorts by type, then by
 *    id, and no component is a prefix-collision of another ("ab\0" < "abc\0").
 *    The last component is usually left unterminated (keys_put_last).
 *  - integers are big-endian, so numeric order is byte order.
 *  - a trigram is 3 raw bytes at the start of the key.
 *
 * Components must not contain NUL: ids are [A-Za-z0-9._-] slugs, name keys
 * come from ecf_name_key() (which never emits NUL), dates are digits and '-'.
 * No LMDB dependency: the store converts a keybuf into an MDB_val. */
#ifndef ECF_STORE_KEYS_H
#define ECF_STORE_KEYS_H

#include "common/compiler.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KEYS_MAX          511 /* LMDB's default maximum key size */
#define KEYS_NAME_MAX     200 /* bytes of a name key kept in an index */
#define KEYS_TRIGRAMS_MAX (KEYS_NAME_MAX + 3)

/* A key under construction. Overflow is sticky: once a put does not fit,
 * over is set, len stops growing and the key must not be used. */
struct keybuf {
    unsigned char b[KEYS_MAX];
    size_t len;
    bool over;
};

void keys_init(struct keybuf *k);
/* s followed by NUL: a component that more components follow. */
void keys_put_str(struct keybuf *k, const char *s);
/* s without a terminator: the last component (usually the record id). */
void keys_put_last(struct keybuf *k, const char *s);
void keys_put_raw(struct keybuf *k, const void *p, size_t n);
void keys_put_be32(struct keybuf *k, uint32_t v);
void keys_put_be64(struct keybuf *k, uint64_t v);

void keys_be32_enc(uint32_t v, unsigned char out[4]);
uint32_t keys_be32_dec(const unsigned char in[4]);
void keys_be64_enc(uint64_t v, unsigned char out[8]);
uint64_t keys_be64_dec(const unsigned char in[8]);

bool keys_has_prefix(const void *key, size_t len, const void *pre, size_t plen);

/* Splits buf[0..len) at NUL bytes into at most max parts (pointers into buf,
 * borrowed). Returns the number of parts found (may exceed max: the extra
 * ones are not stored). An empty buffer is one empty part. */
struct keys_part {
    const char *p;
    size_t n;
};
size_t keys_split(const void *buf, size_t len, struct keys_part *parts, size_t max);

/* The last component (the bytes after the last NUL) of key[0..len). */
struct keys_part keys_last(const void *key, size_t len);

/* An opaque page cursor: base64url of tag byte + key. Returns a malloc'd
 * string (caller frees) or NULL on ENOMEM. */
char *keys_cursor_encode(unsigned char tag, const void *key, size_t len);
/* Decodes a cursor into tag and key (cap >= KEYS_MAX). Returns 0, or -1 when
 * it is malformed: bad base64url, empty, longer than a key. */
int keys_cursor_decode(const char *cursor, unsigned char *tag, unsigned char *key, size_t cap,
                       size_t *len) ECF_WUR;

/* The index form of a name: ecf_name_key(s) cut to at most KEYS_NAME_MAX bytes
 * at a code-point boundary. malloc'd (caller frees); NULL on invalid UTF-8 or
 * ENOMEM. May be "" (a name without letters or digits: not indexed). */
char *keys_name(const char *s, size_t n) ECF_WUR;

/* Distinct byte trigrams of "  " + nk + " " (pg_trgm-style padding, so short
 * words and word starts weigh more), sorted by memcmp, into out; returns how
 * many (at most cap). nk is a name key (no NUL inside). */
size_t keys_trigrams(const char *nk, unsigned char (*out)[3], size_t cap);

/* The key of a URL (http_cache, sources): the URL itself when it has at most
 * KEYS_URL_INLINE bytes, else its first KEYS_URL_INLINE bytes + the 64 hex
 * digits of its SHA-256. Byte order is URL order, except among long URLs that
 * share their first KEYS_URL_INLINE bytes (ordered by hash: stable, unique).
 * Returns false (k untouched) unless url is 1..KEYS_URL_MAX bytes. */
#define KEYS_URL_MAX    2048
#define KEYS_URL_INLINE 400
bool keys_url(struct keybuf *k, const char *url) ECF_WUR;

/* Validity of caller-supplied values used as key components. */
bool keys_valid_id(const char *id);  /* [A-Za-z0-9._-]{1,127} */
bool keys_valid_date(const char *d); /* YYYY, YYYY-MM or YYYY-MM-DD, digits */

#endif
