#include "server/encoding.h"

#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zlib.h>

static atomic_uint_fast64_t gzip_responses, gzip_saved;

void encoding_accept_init(struct accept_encoding *ae)
{
    ae->gzip = ae->identity = ae->star = -1;
}

/* RFC 9110 tchar: the characters of a token. */
static bool is_tchar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

static const char *skip_ows(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), in
 * thousandths; -1 when malformed. */
static int parse_q(const char *p, size_t n)
{
    if (n == 0 || (p[0] != '0' && p[0] != '1'))
        return -1;
    int v = (p[0] - '0') * 1000;
    if (n == 1)
        return v;
    if (p[1] != '.' || n > 5)
        return -1;
    int scale = 100;
    for (size_t i = 2; i < n; i++, scale /= 10) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v += (p[i] - '0') * scale;
    }
    return v > 1000 ? -1 : v;
}

static bool name_is(const char *name, size_t n, const char *want)
{
    return strlen(want) == n && strncasecmp(name, want, n) == 0;
}

static void name_set(int *slot, int q)
{
    if (*slot < 0)
        *slot = q;
}

void encoding_accept_parse(struct accept_encoding *ae, const char *value)
{
    const char *p = value;
    while (*p) {
        p = skip_ows(p);
        const char *name = p;
        while (is_tchar(*p))
            p++;
        size_t nlen = (size_t)(p - name);
        int q = 1000;
        bool bad = nlen == 0;
        p = skip_ows(p);
        while (!bad && *p == ';') {
            p = skip_ows(p + 1);
            const char *pn = p;
            while (is_tchar(*p))
                p++;
            size_t pnlen = (size_t)(p - pn);
            p = skip_ows(p);
            if (pnlen == 0 || *p != '=') {
                bad = true;
                break;
            }
            p = skip_ows(p + 1);
            const char *pv = p;
            bool quoted = *p == '"';
            if (quoted) {
                for (p++; *p && *p != '"'; p++)
                    if (*p == '\\' && p[1])
                        p++;
                if (*p != '"') {
                    bad = true;
                    break;
                }
                p++;
            } else {
                while (is_tchar(*p))
                    p++;
            }
            size_t pvlen = (size_t)(p - pv);
            if (pnlen == 1 && (pn[0] == 'q' || pn[0] == 'Q')) {
                /* weight = OWS ";" OWS "q=" qvalue: never quoted */
                q = quoted ? -1 : parse_q(pv, pvlen);
                bad = q < 0;
            }
            p = skip_ows(p);
        }
        if (*p && *p != ',')
            bad = true;
        while (*p && *p != ',')
            p++;
        if (*p == ',')
            p++;
        if (bad)
            continue;
        if (name_is(name, nlen, "gzip") || name_is(name, nlen, "x-gzip"))
            name_set(&ae->gzip, q);
        else if (name_is(name, nlen, "identity"))
            name_set(&ae->identity, q);
        else if (name_is(name, nlen, "*"))
            name_set(&ae->star, q);
    }
}

bool encoding_accept_gzip(const struct accept_encoding *ae)
{
    int qg = ae->gzip >= 0 ? ae->gzip : ae->star >= 0 ? ae->star : 0;
    /* identity is acceptable unless excluded, but a client that names
     * gzip and not identity prefers gzip whatever its weight */
    int qi = ae->identity >= 0 ? ae->identity : ae->star >= 0 ? ae->star : 1;
    return qg > 0 && qg >= qi;
}

bool encoding_negotiable(const char *content_type)
{
    static const char *const types[] = {
        "application/json",
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/yaml",
        "text/yaml",
        "image/svg+xml",
        "text/plain",
    };
    if (!content_type)
        return false;
    size_t n = strcspn(content_type, "; \t");
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (name_is(content_type, n, types[i]))
            return true;
    return false;
}

bool encoding_gzip(const char *in, size_t len, char **out, size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    if (len < 32 || len > UINT_MAX)
        return false;
    /* A window no larger than the input: deflateInit2 then allocates and
     * clears less (the stream is the same for any window >= len). */
    int wbits = 9;
    while (wbits < 15 && ((size_t)1 << wbits) < len)
        wbits++;
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, ENCODING_GZIP_LEVEL, Z_DEFLATED, wbits + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK)
        return false;
    /* Only a smaller result is of use: room for len - 1 bytes, and a
     * stream that does not end in it is given up. */
    size_t cap = len - 1;
    char *buf = malloc(cap);
    int r = Z_MEM_ERROR;
    if (buf) {
        z.next_in = (Bytef *)(uintptr_t)in;
        z.avail_in = (uInt)len;
        z.next_out = (Bytef *)buf;
        z.avail_out = (uInt)cap;
        r = deflate(&z, Z_FINISH);
    }
    size_t n = z.total_out;
    deflateEnd(&z);
    if (r != Z_STREAM_END) {
        free(buf);
        return false;
    }
    char *shrunk = realloc(buf, n); /* kept in the response cache: give the rest back */
    *out = shrunk ? shrunk : buf;
    *outlen = n;
    return true;
}

void encoding_count(size_t plain_len, size_t gzip_len)
{
    atomic_fetch_add_explicit(&gzip_responses, 1, memory_order_relaxed);
    if (plain_len > gzip_len)
        atomic_fetch_add_explicit(&gzip_saved, plain_len - gzip_len, memory_order_relaxed);
}

void encoding_counts(uint64_t *responses, uint64_t *saved)
{
    *responses = atomic_load_explicit(&gzip_responses, memory_order_relaxed);
    *saved = atomic_load_explicit(&gzip_saved, memory_order_relaxed);
}
