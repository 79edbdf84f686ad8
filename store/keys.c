#include "store/keys.h"

#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "store/store.h"

void keys_init(struct keybuf *k)
{
    k->len = 0;
    k->over = false;
}

void keys_put_raw(struct keybuf *k, const void *p, size_t n)
{
    if (k->over || n > KEYS_MAX - k->len) {
        k->over = true;
        return;
    }
    if (n)
        memcpy(k->b + k->len, p, n);
    k->len += n;
}

void keys_put_str(struct keybuf *k, const char *s)
{
    keys_put_raw(k, s, strlen(s) + 1);
}

void keys_put_last(struct keybuf *k, const char *s)
{
    keys_put_raw(k, s, strlen(s));
}

bool keys_url(struct keybuf *k, const char *url)
{
    size_t n = url ? strlen(url) : 0;
    if (n == 0 || n > KEYS_URL_MAX)
        return false;
    keys_init(k);
    if (n <= KEYS_URL_INLINE) {
        keys_put_raw(k, url, n);
    } else {
        char hex[65];
        ecf_sha256_hex(url, n, hex);
        keys_put_raw(k, url, KEYS_URL_INLINE);
        keys_put_raw(k, hex, 64);
    }
    return !k->over;
}

void keys_be32_enc(uint32_t v, unsigned char out[4])
{
    for (int i = 3; i >= 0; i--) {
        out[i] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
}

uint32_t keys_be32_dec(const unsigned char in[4])
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v = v << 8 | in[i];
    return v;
}

void keys_be64_enc(uint64_t v, unsigned char out[8])
{
    for (int i = 7; i >= 0; i--) {
        out[i] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
}

uint64_t keys_be64_dec(const unsigned char in[8])
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | in[i];
    return v;
}

void keys_put_be32(struct keybuf *k, uint32_t v)
{
    unsigned char b[4];
    keys_be32_enc(v, b);
    keys_put_raw(k, b, sizeof b);
}

void keys_put_be64(struct keybuf *k, uint64_t v)
{
    unsigned char b[8];
    keys_be64_enc(v, b);
    keys_put_raw(k, b, sizeof b);
}

bool keys_has_prefix(const void *key, size_t len, const void *pre, size_t plen)
{
    return len >= plen && (plen == 0 || memcmp(key, pre, plen) == 0);
}

size_t keys_split(const void *buf, size_t len, struct keys_part *parts, size_t max)
{
    const char *p = buf;
    size_t n = 0, start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || p[i] == '\0') {
            if (n < max) {
                parts[n].p = p + start;
                parts[n].n = i - start;
            }
            n++;
            start = i + 1;
        }
    }
    return n;
}

struct keys_part keys_last(const void *key, size_t len)
{
    const char *p = key;
    size_t i = len;
    while (i > 0 && p[i - 1] != '\0')
        i--;
    return (struct keys_part){p + i, len - i};
}

char *keys_cursor_encode(unsigned char tag, const void *key, size_t len)
{
    unsigned char raw[1 + KEYS_MAX];
    if (len > KEYS_MAX)
        return NULL;
    raw[0] = tag;
    memcpy(raw + 1, key, len);
    size_t cap = 4 * ((len + 1 + 2) / 3) + 1;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    ecf_b64url_encode(raw, len + 1, out, cap);
    return out;
}

int keys_cursor_decode(const char *cursor, unsigned char *tag, unsigned char *key, size_t cap,
                       size_t *len)
{
    unsigned char raw[1 + KEYS_MAX];
    size_t n = strlen(cursor);
    if (n == 0 || n > 4 * ((sizeof raw + 2) / 3))
        return -1;
    long got = ecf_b64url_decode(cursor, n, raw, sizeof raw);
    if (got < 2 || (size_t)got - 1 > cap)
        return -1;
    /* Reject non-canonical encodings (stray low bits in the last character):
     * one cursor string per key keeps cursors comparable. */
    char check[4 * ((1 + KEYS_MAX + 2) / 3) + 1];
    ecf_b64url_encode(raw, (size_t)got, check, sizeof check);
    if (strcmp(check, cursor) != 0)
        return -1;
    *tag = raw[0];
    memcpy(key, raw + 1, (size_t)got - 1);
    *len = (size_t)got - 1;
    return 0;
}

char *keys_name(const char *s, size_t n)
{
    char *nk = ecf_name_key(s, n);
    if (!nk)
        return NULL;
    size_t len = strlen(nk);
    if (len > KEYS_NAME_MAX) {
        len = KEYS_NAME_MAX;
        /* back up to the start of a code point, then drop a trailing space */
        while (len > 0 && ((unsigned char)nk[len] & 0xC0) == 0x80)
            len--;
        while (len > 0 && nk[len - 1] == ' ')
            len--;
        nk[len] = '\0';
    }
    return nk;
}

static int tri_cmp(const void *a, const void *b)
{
    return memcmp(a, b, 3);
}

size_t keys_trigrams(const char *nk, unsigned char (*out)[3], size_t cap)
{
    size_t len = strlen(nk);
    if (len > KEYS_NAME_MAX)
        len = KEYS_NAME_MAX;
    unsigned char pad[KEYS_NAME_MAX + 3];
    pad[0] = ' ';
    pad[1] = ' ';
    memcpy(pad + 2, nk, len);
    pad[len + 2] = ' ';
    size_t plen = len + 3, n = 0;
    for (size_t i = 0; i + 3 <= plen && n < cap; i++)
        memcpy(out[n++], pad + i, 3);
    qsort(out, n, 3, tri_cmp);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || memcmp(out[u - 1], out[i], 3) != 0)
            memmove(out[u++], out[i], 3);
    return u;
}

bool keys_valid_id(const char *id)
{
    if (!id)
        return false;
    size_t n = 0;
    for (; id[n]; n++) {
        unsigned char c = (unsigned char)id[n];
        bool okc = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '.' || c == '_' || c == '-';
        if (!okc || n + 1 >= STORE_ID_MAX)
            return false;
    }
    return n > 0;
}

bool keys_valid_date(const char *d)
{
    static const char pat[] = "dddd-dd-dd";
    size_t n = d ? strlen(d) : 0;
    if (n != 4 && n != 7 && n != 10)
        return false;
    for (size_t i = 0; i < n; i++) {
        bool digit = d[i] >= '0' && d[i] <= '9';
        if (pat[i] == 'd' ? !digit : d[i] != '-')
            return false;
    }
    return true;
}

/* store.h: pure, so the request-body parser links it without LMDB. */
bool store_lang_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0, run = 0;
    if (n == 0 || n > STORE_LANG_MAX)
        return false;
    bool first = true;
    for (size_t i = 0; i <= n; i++) {
        char c = s[i];
        if (c == '-' || c == '\0') {
            if (run == 0 || run > 8)
                return false;
            run = 0;
            first = false;
            continue;
        }
        bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!alpha && (first || c < '0' || c > '9'))
            return false;
        run++;
    }
    return true;
}
