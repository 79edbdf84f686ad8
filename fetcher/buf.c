/* fetcher/buf.c — whitespace-normalised text, a string set. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "fetcher/fetch_int.h"

void ftext_init(struct ftext *t, size_t max)
{
    jbuf_init_max(&t->b, max + 1);
    t->pending_space = t->pending_par = false;
}

void ftext_break(struct ftext *t)
{
    if (t->b.len)
        t->pending_par = true;
}

void ftext_space(struct ftext *t)
{
    if (t->b.len)
        t->pending_space = true;
}

char *ftext_steal(struct ftext *t)
{
    size_t n;
    return jbuf_steal(&t->b, &n);
}

/* Length of the whitespace at s (ASCII space class or UTF-8 NBSP), 0 if none. */
static size_t ws_len(const char *s, size_t n)
{
    if (n && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r' || s[0] == '\f' ||
              s[0] == '\v'))
        return 1;
    if (n >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0)
        return 2;
    return 0;
}

bool ftext_add(struct ftext *t, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t w = ws_len(s + i, n - i);
        if (w) {
            ftext_space(t);
            i += w;
            continue;
        }
        size_t j = i;
        while (j < n && !ws_len(s + j, n - j))
            j++;
        if (t->b.len && t->pending_par) {
            if (!jbuf_put_fit(&t->b, "\n\n", 2))
                return false;
        } else if (t->b.len && t->pending_space) {
            if (!jbuf_put_fit(&t->b, " ", 1))
                return false;
        }
        t->pending_par = t->pending_space = false;
        if (!jbuf_put_fit(&t->b, s + i, j - i))
            return false;
        i = j;
    }
    return true;
}

char *fetch_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

bool fetch_contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    if (!n)
        return true;
    for (; *hay; hay++) {
        size_t k = 0;
        while (k < n && hay[k] &&
               tolower((unsigned char)hay[k]) == tolower((unsigned char)needle[k]))
            k++;
        if (k == n)
            return true;
    }
    return false;
}

void strset_init(struct strset *s)
{
    memset(s, 0, sizeof(*s));
}

static size_t strset_find(char *const *slot, size_t cap, const char *key)
{
    size_t i = (size_t)ecf_fnv1a64(key, strlen(key)) & (cap - 1);
    while (slot[i] && strcmp(slot[i], key) != 0)
        i = (i + 1) & (cap - 1);
    return i;
}

bool strset_has(const struct strset *s, const char *key)
{
    if (!s->cap)
        return false;
    return s->slot[strset_find(s->slot, s->cap, key)] != NULL;
}

static bool strset_grow(struct strset *s)
{
    size_t cap = s->cap ? s->cap * 2 : 64;
    char **slot = calloc(cap, sizeof(*slot));
    if (!slot)
        return false;
    for (size_t i = 0; i < s->cap; i++)
        if (s->slot[i])
            slot[strset_find(slot, cap, s->slot[i])] = s->slot[i];
    free(s->slot);
    s->slot = slot;
    s->cap = cap;
    return true;
}

int strset_add(struct strset *s, const char *key)
{
    if ((s->n + 1) * 2 > s->cap && !strset_grow(s))
        return -1;
    size_t i = strset_find(s->slot, s->cap, key);
    if (s->slot[i])
        return 0;
    s->slot[i] = fetch_strndup(key, strlen(key));
    if (!s->slot[i])
        return -1;
    s->n++;
    return 1;
}

void strset_free(struct strset *s)
{
    for (size_t i = 0; i < s->cap; i++)
        free(s->slot[i]);
    free(s->slot);
    memset(s, 0, sizeof(*s));
}

/* ---- text for reports and metadata ------------------------------------- */

/* Length of the well-formed UTF-8 sequence at s[0..n) (RFC 3629: no
 * overlongs, no surrogates, nothing past U+10FFFF), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

char *fetch_text_clean(const char *in, char *out, size_t cap)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)(in ? in : "");
    size_t n = strlen((const char *)s), o = 0;
    if (cap == 0)
        return out;
    for (size_t i = 0; i < n;) {
        char piece[4];
        const char *src = piece;
        size_t len = utf8_seq(s + i, n - i), plen, adv = len ? len : 1;
        if (len == 1 && (s[i] < 0x20 || s[i] == 0x7f)) {
            piece[0] = '\\'; /* a control character, visible and on one line */
            piece[1] = 'x';
            piece[2] = hex[s[i] >> 4];
            piece[3] = hex[s[i] & 15];
            plen = 4;
        } else if (len == 0) {
            src = "\xEF\xBF\xBD"; /* U+FFFD REPLACEMENT CHARACTER for each bad byte */
            plen = 3;
        } else {
            src = (const char *)s + i;
            plen = len;
        }
        if (o + plen > cap - 1)
            break; /* cut before a character, never inside one */
        memcpy(out + o, src, plen);
        o += plen;
        i += adv;
    }
    out[o] = '\0';
    return out;
}
