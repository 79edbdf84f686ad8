/* server/encoding.c: the Accept-Encoding parser and preference, the types
 * worth compressing, and gzip itself (inflated back with zlib). */
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "server/encoding.h"
#include "tests/tap.h"

static struct accept_encoding parse(const char *value)
{
    struct accept_encoding ae;
    encoding_accept_init(&ae);
    if (value)
        encoding_accept_parse(&ae, value);
    return ae;
}

static bool gz(const char *value)
{
    struct accept_encoding ae = parse(value);
    return encoding_accept_gzip(&ae);
}

static void test_parse(void)
{
    struct accept_encoding ae = parse("gzip;q=0.5, identity ; q=0.25,*;Q=0");
    is_int(ae.gzip, 500, "gzip's q-value in thousandths");
    is_int(ae.identity, 250, "identity's, with OWS around ';'");
    is_int(ae.star, 0, "*'s, Q in upper case");
    ae = parse("br, deflate");
    ok(ae.gzip == -1 && ae.identity == -1 && ae.star == -1, "codings not named stay -1");
    ae = parse("gzip;q=1.000");
    is_int(ae.gzip, 1000, "q=1.000");
    ae = parse("gzip;q=0.001");
    is_int(ae.gzip, 1, "q=0.001");
    ae = parse("gzip;q=1.5");
    is_int(ae.gzip, -1, "q over 1 drops the element");
    ae = parse("gzip;q=0.0001");
    is_int(ae.gzip, -1, "four decimals drop the element");
    ae = parse("gzip;q=\"0.5\"");
    is_int(ae.gzip, -1, "a quoted q-value drops the element");
    ae = parse("gzip;q=, identity");
    ok(ae.gzip == -1 && ae.identity == 1000, "an empty q drops only its element");
    ae = parse("gzip;q");
    is_int(ae.gzip, -1, "a parameter without '=' drops the element");
    ae = parse("gzip junk, identity");
    ok(ae.gzip == -1 && ae.identity == 1000, "trailing junk drops only its element");
    ae = parse("gzip;level=\"a;b,c\";q=0.7");
    is_int(ae.gzip, 700, "another parameter, quoted with ';' and ',' inside, is skipped");
    ae = parse("gzip;q=0, gzip");
    is_int(ae.gzip, 0, "a coding named twice keeps its first weight");
    ae = parse("gzipx, xgzip, gzi");
    is_int(ae.gzip, -1, "names are whole tokens");
    ae = parse("X-GZip");
    is_int(ae.gzip, 1000, "x-gzip is gzip, in any case");
    ae = parse(" ,, \t,gzip\t,");
    is_int(ae.gzip, 1000, "empty elements and tabs are skipped");
    ae = parse("");
    ok(ae.gzip == -1 && ae.identity == -1, "an empty value names nothing");
    ae = parse("\"gzip\", @, ;q=1");
    ok(ae.gzip == -1 && ae.star == -1, "non-token elements name nothing");
    /* several fields add up */
    encoding_accept_init(&ae);
    encoding_accept_parse(&ae, "br");
    encoding_accept_parse(&ae, "gzip;q=0.3");
    is_int(ae.gzip, 300, "a second field adds to the first");
}

static void test_prefer(void)
{
    ok(!gz(NULL), "no header: identity");
    ok(!gz(""), "empty header: identity");
    ok(gz("gzip"), "gzip");
    ok(gz("gzip, deflate, br"), "what curl --compressed sends");
    ok(gz("GZIP"), "case-insensitive");
    ok(!gz("gzip;q=0"), "gzip;q=0");
    ok(!gz("gzip;q=0.000"), "gzip;q=0.000");
    ok(!gz("deflate, br"), "only codings we lack");
    ok(gz("*"), "* takes gzip");
    ok(!gz("*;q=0"), "*;q=0 refuses everything, gzip too");
    ok(!gz("*, gzip;q=0"), "gzip;q=0 beats *");
    ok(gz("gzip;q=0.1"), "a weak gzip is still preferred to an identity not named");
    ok(!gz("gzip;q=0.4, identity;q=0.5"), "identity weighed above gzip");
    ok(gz("gzip;q=0.5, identity;q=0.5"), "a tie goes to gzip");
    ok(gz("identity;q=0, gzip;q=0.2"), "identity refused, gzip accepted");
    ok(!gz("identity"), "identity only");
    ok(!gz("gzip;q=0.5, *;q=0.8"), "* weighs identity above gzip");
    ok(!gz("gzip;q=oops"), "a malformed weight leaves gzip unnamed");
}

static void test_types(void)
{
    ok(encoding_negotiable("application/json; charset=utf-8"), "JSON with charset");
    ok(encoding_negotiable("Application/JSON"), "media type case-insensitive");
    ok(encoding_negotiable("text/html; charset=utf-8"), "HTML");
    ok(encoding_negotiable("text/css"), "CSS");
    ok(encoding_negotiable("text/javascript; charset=utf-8"), "JavaScript");
    ok(encoding_negotiable("application/yaml; charset=utf-8"), "YAML");
    ok(encoding_negotiable("image/svg+xml"), "SVG");
    ok(encoding_negotiable("text/plain; version=0.0.4; charset=utf-8"), "Prometheus text");
    ok(!encoding_negotiable("application/problem+json; charset=utf-8"), "problems are not");
    ok(!encoding_negotiable("image/png"), "PNG is compressed already");
    ok(!encoding_negotiable("application/jsonx"), "a longer type is another type");
    ok(!encoding_negotiable("application/jso"), "a prefix is another type");
    ok(!encoding_negotiable(NULL), "no type");
}

static bool inflated_equals(const char *z, size_t zlen, const char *want, size_t wlen)
{
    char *out = malloc(wlen + 16);
    z_stream s;
    memset(&s, 0, sizeof s);
    bool same = false;
    if (out && inflateInit2(&s, 15 + 16) == Z_OK) {
        s.next_in = (Bytef *)(uintptr_t)z;
        s.avail_in = (uInt)zlen;
        s.next_out = (Bytef *)out;
        s.avail_out = (uInt)(wlen + 16);
        same = inflate(&s, Z_FINISH) == Z_STREAM_END && s.total_out == wlen &&
               memcmp(out, want, wlen) == 0;
        inflateEnd(&s);
    }
    free(out);
    return same;
}

static void test_gzip(void)
{
    size_t sizes[] = {1024, 5000, 70000};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k];
        char *in = malloc(n);
        for (size_t i = 0; i < n; i++)
            in[i] = "{\"id\":\"huawei\",\"name\":\"Huawei\"},"[i % 32];
        char *z = NULL;
        size_t zlen = 0;
        bool r = encoding_gzip(in, n, &z, &zlen);
        ok(r && z && zlen < n / 4, "%zu bytes of JSON-like text shrink", n);
        ok(r && (unsigned char)z[0] == 0x1f && (unsigned char)z[1] == 0x8b,
           "%zu bytes: a gzip member (magic 1f 8b)", n);
        ok(r && inflated_equals(z, zlen, in, n), "%zu bytes: inflates to the input", n);
        free(z);
        free(in);
    }
    /* incompressible bytes: nothing smaller to send */
    size_t n = 4096;
    unsigned char *rnd = malloc(n);
    unsigned x = 2463534242u;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        rnd[i] = (unsigned char)x;
    }
    char *z = (char *)1;
    size_t zlen = 1;
    ok(!encoding_gzip((const char *)rnd, n, &z, &zlen) && z == NULL && zlen == 0,
       "random bytes do not shrink: refused, nothing allocated");
    free(rnd);
}

static void test_counts(void)
{
    uint64_t n0, s0, n1, s1;
    encoding_counts(&n0, &s0);
    encoding_count(1000, 200);
    encoding_count(500, 600); /* never negative */
    encoding_counts(&n1, &s1);
    is_int(n1 - n0, 2, "two answers counted");
    is_int(s1 - s0, 800, "bytes saved add up, never below zero");
}

int main(void)
{
    test_parse();
    test_prefer();
    test_types();
    test_gzip();
    test_counts();
    return done();
}
