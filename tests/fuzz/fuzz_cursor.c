/* tests/fuzz/fuzz_cursor.c — the store's pure key helpers (store/keys.c):
 * keys_cursor_decode (the ?cursor= query value), keys_split/keys_last,
 * keys_name/keys_trigrams and keys_url. No LMDB involved.
 *
 * Properties: no crash; a decoded cursor re-encodes to the same string
 * (canonical) with len <= KEYS_MAX; names are valid UTF-8 of at most
 * KEYS_NAME_MAX bytes; trigram lists are sorted and unique. */
#include <stdint.h>

#include "common/util.h"
#include "store/keys.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);

    unsigned char tag = 0;
    unsigned char *key = malloc(KEYS_MAX); /* exactly the documented minimum cap */
    size_t len = 0;
    if (keys_cursor_decode(s, &tag, key, KEYS_MAX, &len) == 0) {
        FUZZ_CHECK(len >= 1 && len <= KEYS_MAX, "cursor key length %zu", len);
        char *re = keys_cursor_encode(tag, key, len);
        FUZZ_CHECK(re != NULL, "re-encode");
        FUZZ_CHECK(strcmp(re, s) == 0, "cursor not canonical: '%s' -> '%s'", s, re);
        free(re);
    }
    free(key);

    /* Splitting arbitrary bytes (with NULs) as a stored key. */
    struct keys_part parts[4];
    size_t np = keys_split(data, size, parts, 4);
    FUZZ_CHECK(np >= 1, "split gives %zu parts", np);
    size_t total = 0;
    for (size_t i = 0; i < np && i < 4; i++) {
        FUZZ_CHECK(parts[i].p >= (const char *)data &&
                       parts[i].p + parts[i].n <= (const char *)data + size,
                   "part %zu outside the buffer", i);
        total += parts[i].n;
    }
    struct keys_part last = keys_last(data, size);
    FUZZ_CHECK(last.p >= (const char *)data && last.p + last.n <= (const char *)data + size,
               "last part outside the buffer");
    FUZZ_CHECK(!memchr(last.p, '\0', last.n), "last part contains NUL");
    (void)total;

    char *nk = keys_name(s, size);
    if (nk) {
        size_t n = strlen(nk);
        FUZZ_CHECK(n <= KEYS_NAME_MAX, "keys_name length %zu", n);
        FUZZ_CHECK(ecf_utf8_valid(nk, n, NULL), "keys_name not valid UTF-8");
        unsigned char(*tri)[3] = malloc(sizeof *tri * KEYS_TRIGRAMS_MAX);
        size_t nt = keys_trigrams(nk, tri, KEYS_TRIGRAMS_MAX);
        FUZZ_CHECK(nt <= KEYS_TRIGRAMS_MAX, "trigrams %zu", nt);
        for (size_t i = 1; i < nt; i++)
            FUZZ_CHECK(memcmp(tri[i - 1], tri[i], 3) < 0, "trigrams not sorted/unique at %zu", i);
        /* A small cap must be honoured. */
        unsigned char(*few)[3] = malloc(sizeof *few * 2);
        size_t nf = keys_trigrams(nk, few, 2);
        FUZZ_CHECK(nf <= 2, "trigrams over cap: %zu", nf);
        free(few);
        free(tri);
        free(nk);
    }

    struct keybuf k;
    keys_init(&k);
    if (keys_url(&k, s)) {
        size_t ul = strlen(s);
        FUZZ_CHECK(ul >= 1 && ul <= KEYS_URL_MAX, "keys_url accepted %zu bytes", ul);
        FUZZ_CHECK(!k.over && k.len <= KEYS_MAX, "url key length %zu over %d", k.len, k.over);
        FUZZ_CHECK(memcmp(k.b, s, ul < KEYS_URL_INLINE ? ul : KEYS_URL_INLINE) == 0,
                   "url key prefix");
    }
    /* Overflow is sticky and bounded. */
    keys_init(&k);
    for (int i = 0; i < 3; i++)
        keys_put_str(&k, s);
    keys_put_raw(&k, data, size);
    FUZZ_CHECK(k.len <= KEYS_MAX, "keybuf len %zu", k.len);
    free(s);
    return 0;
}
