#include "common/util.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>
#include <xxhash.h>

uint64_t ecf_fnv1a64(const void *data, size_t n)
{
    const unsigned char *p = data;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

uint64_t ecf_hash64(const void *data, size_t n)
{
    return (uint64_t)XXH3_64bits(data, n);
}

void ecf_sha256_hex(const void *data, size_t n, char out[65])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (EVP_Digest(data, n, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32) {
        /* Only on a broken libcrypto; an all-zero digest keeps callers simple. */
        memset(md, 0, sizeof md);
        mdlen = 32;
    }
    for (unsigned i = 0; i < 32; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
}

static bool is_alnum_ascii(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

size_t ecf_slug(const char *name, size_t n, char *out, size_t cap)
{
    if (cap == 0)
        return 0;
    out[0] = '\0';
    utf8proc_uint8_t *folded = NULL;
    /* Decompose and strip marks so "Sophgo" and accented spellings slug alike. */
    utf8proc_ssize_t fl = utf8proc_map((const utf8proc_uint8_t *)name, (utf8proc_ssize_t)n, &folded,
                                       UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD);
    const unsigned char *s = fl >= 0 ? folded : (const unsigned char *)name;
    size_t len = fl >= 0 ? (size_t)fl : n;
    size_t o = 0;
    bool dash = false;
    for (size_t i = 0; i < len && o + 1 < cap; i++) {
        unsigned char c = s[i];
        if (c == '.' || c == '\'')
            continue;
        if (is_alnum_ascii(c)) {
            if (dash && o > 0 && o + 2 < cap)
                out[o++] = '-';
            dash = false;
            out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        } else if (c == '+') {
            if (dash && o > 0 && o + 2 < cap)
                out[o++] = '-';
            dash = false;
            if (o + 5 < cap) {
                memcpy(out + o, "plus", 4);
                o += 4;
            }
        } else {
            dash = true;
        }
    }
    out[o] = '\0';
    free(folded);
    return o;
}

char *ecf_name_key(const char *s, size_t n)
{
    if (!ecf_utf8_valid(s, n, NULL))
        return NULL;
    utf8proc_uint8_t *folded = NULL;
    utf8proc_ssize_t fl =
        utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &folded,
                     UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD);
    if (fl < 0)
        return NULL;
    char *out = malloc((size_t)fl + 1);
    if (!out) {
        free(folded);
        return NULL;
    }
    size_t o = 0;
    bool space = false;
    for (utf8proc_ssize_t i = 0; i < fl; i++) {
        unsigned char c = folded[i];
        /* Curly apostrophe (U+2019) folds to itself: treat it as '\''. */
        if (c == 0xE2 && i + 2 < fl && folded[i + 1] == 0x80 &&
            (folded[i + 2] == 0x99 || folded[i + 2] == 0x98)) {
            c = '\'';
            i += 2;
        }
        if (c == '\'') {
            /* possessive 's at a word end is dropped; other apostrophes vanish */
            if (i + 1 < fl && folded[i + 1] == 's' &&
                (i + 2 >= fl || !is_alnum_ascii(folded[i + 2]))) {
                i++;
            }
            continue;
        }
        if (c == '.')
            continue;
        if (is_alnum_ascii(c) || c == '+' || c >= 0x80) {
            if (space && o > 0)
                out[o++] = ' ';
            space = false;
            out[o++] = (char)c;
        } else {
            space = true;
        }
    }
    out[o] = '\0';
    free(folded);
    if (strncmp(out, "the ", 4) == 0)
        memmove(out, out + 4, o - 4 + 1);
    return out;
}

bool ecf_utf8_valid(const char *str, size_t n, size_t *bad_at)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        uint64_t w8;
        if (n - i >= 8 && (memcpy(&w8, s + i, 8), !(w8 & 0x8080808080808080u))) {
            i += 8; /* eight ASCII bytes at once: most text is ASCII */
            continue;
        }
        unsigned char c = s[i];
        size_t need;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            cp = c & 0x07;
        } else {
            goto bad;
        }
        if (n - i <= need)
            goto bad;
        for (size_t k = 1; k <= need; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                goto bad;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            goto bad;
        i += need + 1;
    }
    return true;
bad:
    if (bad_at)
        *bad_at = i;
    return false;
}

size_t ecf_utf8_count(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t ecf_b64url_encode(const void *in, size_t n, char *out, size_t cap)
{
    const unsigned char *p = in;
    size_t o = 0;
    size_t need = (n / 3) * 4 + (n % 3 ? n % 3 + 1 : 0) + 1;
    if (cap < need) {
        if (cap)
            out[0] = '\0';
        return 0;
    }
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        out[o++] = b64[v >> 18];
        out[o++] = b64[(v >> 12) & 63];
        out[o++] = b64[(v >> 6) & 63];
        out[o++] = b64[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)p[i] << 16;
        out[o++] = b64[v >> 18];
        out[o++] = b64[(v >> 12) & 63];
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
        out[o++] = b64[v >> 18];
        out[o++] = b64[(v >> 12) & 63];
        out[o++] = b64[(v >> 6) & 63];
    }
    out[o] = '\0';
    return o;
}

static int b64_val(unsigned char c)
{
    const char *p = c ? strchr(b64, c) : NULL;
    return p ? (int)(p - b64) : -1;
}

long ecf_b64url_decode(const char *in, size_t n, unsigned char *out, size_t cap)
{
    if (n % 4 == 1)
        return -1;
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64_val((unsigned char)in[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o >= cap)
                return -1;
            out[o++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    return (long)o;
}

size_t ecf_utf8_cut(const char *s, size_t n, size_t max)
{
    if (n <= max)
        return n;
    size_t k = max;
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--; /* s[k] is a continuation byte: the character starts before k */
    return k;
}

size_t ecf_title_line(const char *text, size_t len, size_t max, size_t *start)
{
    size_t i = 0;
    *start = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len) {
        size_t e = i;
        while (e < len && text[e] != '\n' && text[e] != '\r')
            e++; /* LF, CRLF and a lone CR all end a line */
        size_t s = i, t = e;
        while (s < t && (text[s] == ' ' || text[s] == '\t'))
            s++;
        while (t > s && (text[t - 1] == ' ' || text[t - 1] == '\t'))
            t--;
        if (t > s) {
            *start = s;
            return ecf_utf8_cut(text + s, t - s, max);
        }
        i = e + 1;
    }
    return 0;
}

long long ecf_mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void ecf_ts_add_ms(struct timespec *t, long ms)
{
    t->tv_sec += ms / 1000;
    t->tv_nsec += (ms % 1000) * 1000000L;
    if (t->tv_nsec >= 1000000000L) {
        t->tv_sec++;
        t->tv_nsec -= 1000000000L;
    }
}

void ecf_now_iso(char out[21])
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    if (strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        out[0] = '\0';
}

size_t ecf_strlcpy(char *dst, const char *src, size_t cap)
{
    size_t n = strlen(src);
    if (cap) {
        size_t c = n < cap - 1 ? n : cap - 1;
        memcpy(dst, src, c);
        dst[c] = '\0';
    }
    return n;
}
