/* tests/fuzz/fuzz_router.c — server/router.c matching, and common/util.c's
 * string helpers (name key, slug, base64url, UTF-8).
 *
 * The route table is the real one (server/routes.c), linked with no-op
 * handlers from handler_stubs.c. */
#include <stdint.h>

#include "common/util.h"
#include "server/router.h"
#include "fuzz_common.h"

static const enum http_method methods[] = {HTTP_GET,    HTTP_HEAD,  HTTP_POST,    HTTP_PUT,
                                           HTTP_DELETE, HTTP_PATCH, HTTP_OPTIONS, HTTP_OTHER};

static void router(const char *path)
{
    for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++) {
        const struct route *r = NULL;
        char caps[ROUTER_MAX_CAPTURES][ROUTER_CAPTURE_MAX];
        memset(caps, 0x5A, sizeof caps);
        unsigned allow = 0;
        enum router_result rr = router_match(path, methods[m], &r, caps, &allow);
        if (rr == ROUTER_MATCH) {
            FUZZ_CHECK(r >= router_routes && r < router_routes + router_nroutes, "route ptr");
            unsigned mm = r->methods | ((r->methods & HTTP_GET) ? HTTP_HEAD : 0);
            FUZZ_CHECK(mm & methods[m], "matched a route without the method");
            /* Count captures in the pattern; each must be a non-empty,
             * terminated segment of the path without '/'. */
            int ncap = 0;
            for (const char *p = r->pattern; (p = strchr(p, '{')); p++)
                ncap++;
            for (int i = 0; i < ncap; i++) {
                size_t n = strnlen(caps[i], ROUTER_CAPTURE_MAX);
                FUZZ_CHECK(n > 0 && n < ROUTER_CAPTURE_MAX, "capture %d length %zu", i, n);
                FUZZ_CHECK(!strchr(caps[i], '/'), "capture %d contains '/'", i);
                FUZZ_CHECK(strstr(path, caps[i]) != NULL, "capture %d not in path", i);
            }
            char buf[128];
            router_allow_string(r->methods, buf, sizeof buf);
            FUZZ_CHECK(memchr(buf, '\0', sizeof buf), "allow string unterminated");
            (void)router_param_allowed(r, path);
        } else if (rr == ROUTER_BAD_METHOD) {
            /* OPTIONS is always in Allow (the dispatcher answers it). */
            FUZZ_CHECK(allow != 0 && (allow & HTTP_OPTIONS) &&
                           (methods[m] == HTTP_OPTIONS || !(allow & methods[m])),
                       "allow %#x for method %#x", allow, (unsigned)methods[m]);
            char buf[128];
            router_allow_string(allow, buf, sizeof buf);
            FUZZ_CHECK(memchr(buf, '\0', sizeof buf), "allow string unterminated");
            /* Tiny buffers must not overflow either. */
            char *t = malloc(3);
            router_allow_string(allow, t, 3);
            free(t);
        } else {
            FUZZ_CHECK(rr == ROUTER_NOT_FOUND, "router result %d", (int)rr);
        }
    }
    enum http_method pm = router_method_parse(path);
    for (size_t m = 0; m < 7; m++) {
        static const char *names[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};
        if (strcmp(path, names[m]) == 0)
            FUZZ_CHECK(pm == methods[m], "method parse %s", path);
    }
}

static void util(const uint8_t *data, size_t size)
{
    /* Exact-size, unterminated copy: the helpers take a length. */
    char *s = malloc(size ? size : 1);
    if (!s)
        return;
    if (size)
        memcpy(s, data, size);

    size_t bad = (size_t)-1, rbad = (size_t)-2, rcps = 0;
    bool valid = ecf_utf8_valid(s, size, &bad);
    int rvalid = fuzz_ref_utf8(data, size, &rbad, &rcps);
    FUZZ_CHECK(valid == (bool)rvalid, "ecf_utf8_valid = %d, reference = %d", valid, rvalid);
    if (!valid)
        FUZZ_CHECK(bad == rbad, "bad_at %zu, reference %zu", bad, rbad);
    else
        FUZZ_CHECK(ecf_utf8_count(s, size) == rcps, "ecf_utf8_count %zu, reference %zu",
                   ecf_utf8_count(s, size), rcps);

    char *nk = ecf_name_key(s, size);
    if (valid)
        FUZZ_CHECK(nk != NULL, "ecf_name_key NULL on valid UTF-8");
    else
        FUZZ_CHECK(nk == NULL, "ecf_name_key accepted invalid UTF-8");
    if (nk) {
        size_t n = strlen(nk);
        FUZZ_CHECK(ecf_utf8_valid(nk, n, NULL), "name key not valid UTF-8");
        FUZZ_CHECK(n == 0 || (nk[0] != ' ' && nk[n - 1] != ' '), "name key not trimmed: '%s'", nk);
        FUZZ_CHECK(!strstr(nk, "  "), "name key has a double space: '%s'", nk);
        free(nk);
    }

    /* Slug into exact-size heap buffers of several capacities. */
    static const size_t caps[] = {1, 2, 8, 64, 128, 4096};
    size_t full = 0;
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        char *out = malloc(caps[i]);
        size_t n = ecf_slug(s, size, out, caps[i]);
        FUZZ_CHECK(n < caps[i], "slug length %zu >= cap %zu", n, caps[i]);
        FUZZ_CHECK(strlen(out) == n, "slug strlen %zu != returned %zu", strlen(out), n);
        for (size_t k = 0; k < n; k++) {
            char c = out[k];
            FUZZ_CHECK((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-',
                       "slug byte %#x", (unsigned char)c);
        }
        if (caps[i] == 4096)
            full = n;
        free(out);
    }
    (void)full;

    /* base64url: decode into an exact-size buffer; re-encode must round trip. */
    size_t dcap = size / 4 * 3 + 3;
    unsigned char *dec = malloc(dcap);
    long dn = ecf_b64url_decode(s, size, dec, dcap);
    if (dn >= 0) {
        FUZZ_CHECK((size_t)dn <= dcap, "decode length");
        size_t ecap = 4 * (((size_t)dn + 2) / 3) + 1;
        char *enc = malloc(ecap);
        size_t en = ecf_b64url_encode(dec, (size_t)dn, enc, ecap);
        FUZZ_CHECK(strlen(enc) == en, "encode length");
        /* Equal, except possibly for non-canonical low bits of the last char. */
        FUZZ_CHECK(en == size && (en == 0 || memcmp(enc, s, en - 1) == 0),
                   "b64 round trip: %zu vs %zu", en, size);
        unsigned char *dec2 = malloc((size_t)dn + 1);
        long dn2 = ecf_b64url_decode(enc, en, dec2, (size_t)dn + 1);
        FUZZ_CHECK(dn2 == dn && memcmp(dec, dec2, (size_t)dn) == 0, "b64 re-decode");
        free(dec2);
        free(enc);
        /* Too small a buffer must fail, not overflow. */
        if (dn > 0) {
            unsigned char *small = malloc((size_t)dn - 1 ? (size_t)dn - 1 : 1);
            long sn = ecf_b64url_decode(s, size, small, (size_t)dn - 1);
            FUZZ_CHECK(sn == -1, "decode into short buffer gave %ld", sn);
            free(small);
        }
    }
    free(dec);
    /* Encode arbitrary bytes and decode back. */
    size_t ecap = 4 * ((size + 2) / 3) + 1;
    char *enc = malloc(ecap);
    size_t en = ecf_b64url_encode(s, size, enc, ecap);
    FUZZ_CHECK(en == strlen(enc), "encode length");
    unsigned char *back = malloc(size ? size : 1);
    long bn = ecf_b64url_decode(enc, en, back, size);
    FUZZ_CHECK(bn == (long)size && (size == 0 || memcmp(back, s, size) == 0),
               "b64 encode/decode round trip");
    free(back);
    free(enc);
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *path = fuzz_cstr(data, size); /* stops at the first NUL for the router */
    router(path);
    free(path);
    util(data, size);
    return 0;
}
