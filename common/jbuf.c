#include "common/jbuf.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jbuf_init_max(struct jbuf *b, size_t toobig)
{
    *b = (struct jbuf)JBUF_INIT;
    b->toobig = toobig;
}

void jbuf_free(struct jbuf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

bool jbuf_reserve(struct jbuf *b, size_t n)
{
    assert(!b->toobig || b->len < b->toobig); /* the cap's invariant (jbuf.h) */
    assert(!b->p || b->len < b->cap);         /* room for the NUL */
    if (b->failed)
        return false;
    if (b->toobig && n >= b->toobig - b->len) {
        b->over = b->failed = true;
        return false;
    }
    if (b->cap && n < b->cap - b->len) /* room for n bytes and the NUL */
        return true;
    size_t want = b->len + n + 1, cap = b->cap ? b->cap : 256;
    if (want < n) { /* overflow */
        b->failed = true;
        return false;
    }
    while (cap < want) {
        if (cap > ((size_t)-1) / 2) {
            b->failed = true;
            return false;
        }
        cap *= 2;
    }
    if (b->toobig && cap > b->toobig)
        cap = b->toobig; /* want <= toobig: checked above */
    char *p = realloc(b->p, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->p = p;
    b->cap = cap;
    return true;
}

void jbuf_put(struct jbuf *b, const void *p, size_t n)
{
    if (!jbuf_reserve(b, n))
        return;
    if (n)
        memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len] = '\0';
}

bool jbuf_put_fit(struct jbuf *b, const void *p, size_t n)
{
    if (b->failed)
        return false;
    if (b->toobig && n >= b->toobig - b->len) {
        b->over = true;
        return false;
    }
    jbuf_put(b, p, n);
    return !b->failed;
}

void jbuf_putc(struct jbuf *b, char c)
{
    jbuf_put(b, &c, 1);
}

void jbuf_puts(struct jbuf *b, const char *s)
{
    jbuf_put(b, s, strlen(s));
}

void jbuf_printf(struct jbuf *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    /* Formatted in place when it fits (the usual case), else again after
     * making room. */
    size_t room = b->p ? b->cap - b->len : 0;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->p ? b->p + b->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n >= room) {
        if (!jbuf_reserve(b, (size_t)n)) {
            if (b->p)
                b->p[b->len] = '\0'; /* a cut first attempt leaves nothing behind */
            return;
        }
        va_start(ap, fmt);
        n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
    }
    if (n < 0) {
        if (b->p)
            b->p[b->len] = '\0';
        b->failed = true;
        return;
    }
    b->len += (size_t)n;
}

void jbuf_put_jstr(struct jbuf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    jbuf_putc(b, '"');
    size_t run = 0; /* start of the bytes not yet copied */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        jbuf_put(b, s + run, i - run);
        run = i + 1;
        char esc[6] = {'\\', 0};
        size_t en = 2;
        switch (c) {
        case '"':
            esc[1] = '"';
            break;
        case '\\':
            esc[1] = '\\';
            break;
        case '\b':
            esc[1] = 'b';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        default:
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            en = 6;
        }
        jbuf_put(b, esc, en);
    }
    jbuf_put(b, s + run, n - run);
    jbuf_putc(b, '"');
}

void jbuf_truncate(struct jbuf *b, size_t len)
{
    if (len < b->len) {
        b->len = len;
        b->p[len] = '\0';
    }
}

char *jbuf_steal(struct jbuf *b, size_t *len)
{
    char *p = NULL;
    *len = 0;
    if (b->failed)
        free(b->p);
    else if (b->p) {
        p = b->p;
        *len = b->len;
    } else {
        p = calloc(1, 1); /* nothing appended: an empty text, still a string */
    }
    b->p = NULL;
    b->len = b->cap = 0;
    b->failed = b->over = false;
    return p;
}

/* ---- scanning compact JSON ---- */

static size_t skip_ws(const char *o, size_t n, size_t i)
{
    while (i < n && (o[i] == ' ' || o[i] == '\t' || o[i] == '\n' || o[i] == '\r'))
        i++;
    return i;
}

/* o[*i] is '"': moves *i past the closing quote. */
static bool skip_string(const char *o, size_t n, size_t *i)
{
    for (size_t j = *i + 1; j < n; j++) {
        if (o[j] == '\\')
            j++;
        else if (o[j] == '"') {
            *i = j + 1;
            return true;
        }
    }
    return false;
}

static bool ends_scalar(char c)
{
    switch (c) {
    case ',':
    case '}':
    case ']':
    case ' ':
    case '\t':
    case '\r':
    case '\n':
    case '\0':
        return true;
    default:
        return false;
    }
}

/* Moves *i past one value starting at o[*i] (no whitespace before it). */
static bool skip_value(const char *o, size_t n, size_t *i)
{
    size_t j = *i;
    if (j >= n)
        return false;
    if (o[j] == '"')
        return skip_string(o, n, i);
    if (o[j] == '{' || o[j] == '[') {
        size_t depth = 0;
        while (j < n) {
            char c = o[j];
            if (c == '"') {
                if (!skip_string(o, n, &j))
                    return false;
                continue;
            }
            if (c == '{' || c == '[')
                depth++;
            else if (c == '}' || c == ']') {
                if (--depth == 0) {
                    *i = j + 1;
                    return true;
                }
            }
            j++;
        }
        return false;
    }
    while (j < n && !ends_scalar(o[j]))
        j++;
    if (j == *i)
        return false;
    *i = j;
    return true;
}

bool jraw_is_object(const char *o, size_t n)
{
    return n >= 2 && o[0] == '{' && o[n - 1] == '}';
}

bool jraw_members(const char *o, size_t n, const char *const *keys, size_t nk, const char **v,
                  size_t *vn)
{
    size_t i = skip_ws(o, n, 0), left = nk;
    for (size_t k = 0; k < nk; k++)
        vn[k] = 0;
    if (i >= n || o[i] != '{')
        return false;
    i = skip_ws(o, n, i + 1);
    if (i < n && o[i] == '}')
        return true;
    while (i < n && o[i] == '"') {
        size_t ks = i + 1;
        if (!skip_string(o, n, &i))
            return false;
        size_t kl = i - 1 - ks, hit = nk;
        for (size_t k = 0; k < nk && hit == nk; k++)
            if (vn[k] == 0 && strlen(keys[k]) == kl && memcmp(o + ks, keys[k], kl) == 0)
                hit = k;
        i = skip_ws(o, n, i);
        if (i >= n || o[i] != ':')
            return false;
        i = skip_ws(o, n, i + 1);
        size_t vs = i;
        if (!skip_value(o, n, &i))
            return false;
        if (hit < nk) {
            v[hit] = o + vs;
            vn[hit] = i - vs;
            if (--left == 0)
                return true;
        }
        i = skip_ws(o, n, i);
        if (i < n && o[i] == '}')
            return true;
        if (i >= n || o[i] != ',')
            return false;
        i = skip_ws(o, n, i + 1);
    }
    return false;
}

size_t jraw_array_len(const char *a, size_t n)
{
    size_t i = skip_ws(a, n, 0), count = 0;
    if (i >= n || a[i] != '[')
        return (size_t)-1;
    i = skip_ws(a, n, i + 1);
    if (i < n && a[i] == ']')
        return skip_ws(a, n, i + 1) == n ? 0 : (size_t)-1;
    while (i < n) {
        if (!skip_value(a, n, &i))
            return (size_t)-1;
        count++;
        i = skip_ws(a, n, i);
        if (i < n && a[i] == ']')
            return skip_ws(a, n, i + 1) == n ? count : (size_t)-1;
        if (i >= n || a[i] != ',')
            return (size_t)-1;
        i = skip_ws(a, n, i + 1);
    }
    return (size_t)-1;
}

bool jraw_member(const char *o, size_t n, const char *key, const char **v, size_t *vn)
{
    return jraw_members(o, n, &key, 1, v, vn) && *vn > 0;
}
