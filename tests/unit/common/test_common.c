#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "tests/tap.h"

static void slug(const char *in, const char *want)
{
    char buf[128];
    ecf_slug(in, strlen(in), buf, sizeof buf);
    is_str(buf, want, in);
}

static void key(const char *in, const char *want)
{
    char *k = ecf_name_key(in, strlen(in));
    is_str(k, want, in);
    free(k);
}

/* ecf_title_line's line as a string (max bytes at most). */
static void title(const char *in, size_t max, const char *want, const char *what)
{
    char buf[128];
    size_t s, n = ecf_title_line(in, strlen(in), max, &s);
    memcpy(buf, in + s, n);
    buf[n] = '\0';
    is_str(buf, want, what);
}

int main(void)
{
    title("Huawei ships\nbody", 100, "Huawei ships", "title: the first line");
    title("\xEF\xBB\xBF  \t\r\n \nTitle here \t\nbody", 100, "Title here",
          "title: BOM, blank and CR-only lines skipped, blanks trimmed");
    title("One\rTwo\rThree", 100, "One", "title: a lone CR ends a line");
    title("Caf\xC3\xA9 chips", 4, "Caf", "title: cut before a character that does not fit");
    title("Caf\xC3\xA9 chips", 5, "Caf\xC3\xA9", "title: cut after a whole character");
    title(" \n\t\r\n", 100, "", "title: none in a blank text");
    slug("Ascend 910B", "ascend-910b");
    slug("U.S. Department of Commerce", "us-department-of-commerce");
    slug("01.AI", "01ai");
    slug("  Huawei's  ", "huaweis");
    slug("Kirin\xe2\x80\x94"
         "9000S",
         "kirin-9000s");
    slug("Caf\xc3\xa9 Chips", "cafe-chips");
    slug("C++", "cplusplus");
    slug("***", "");
    char tiny[5];
    ecf_slug("abcdefgh", 8, tiny, sizeof tiny);
    is_str(tiny, "abcd", "slug truncates to the buffer");

    key("Huawei\xe2\x80\x99s", "huawei");
    key("the U.S.", "us");
    key("NVIDIA", "nvidia");
    key("  Ascend   910B ", "ascend 910b");
    key("Semiconductor Manufacturing International Corp.",
        "semiconductor manufacturing international corp");
    key("Sophgo's", "sophgo");
    ok(ecf_name_key("\xff", 1) == NULL, "name key refuses invalid UTF-8");

    ok(ecf_utf8_valid("plain", 5, NULL), "ASCII is UTF-8");
    ok(ecf_utf8_valid("\xe2\x80\x99", 3, NULL), "a curly apostrophe is UTF-8");
    size_t bad = 99;
    ok(!ecf_utf8_valid("ab\xc0\xaf", 4, &bad) && bad == 2, "overlong form refused at its offset");
    ok(!ecf_utf8_valid("\xed\xa0\x80", 3, NULL), "surrogate refused");
    ok(!ecf_utf8_valid("\xe2\x80", 2, NULL), "truncated sequence refused");
    ok(!ecf_utf8_valid("\xf4\x90\x80\x80", 4, NULL), "beyond U+10FFFF refused");
    is_int(ecf_utf8_count("a\xe2\x80\x99"
                          "b",
                          5),
           3, "code points counted");

    unsigned char bin[7] = {0, 1, 2, 250, 251, 252, 255}, back[16];
    for (size_t n = 0; n <= sizeof bin; n++) {
        char txt[16];
        size_t tl = ecf_b64url_encode(bin, n, txt, sizeof txt);
        long bl = ecf_b64url_decode(txt, tl, back, sizeof back);
        ok(bl == (long)n && memcmp(bin, back, n) == 0, "base64url round trip of %zu bytes", n);
    }
    ok(ecf_b64url_decode("ab+c", 4, back, sizeof back) < 0, "base64url refuses '+'");
    ok(ecf_b64url_decode("a", 1, back, sizeof back) < 0, "base64url refuses an impossible length");
    ok(ecf_b64url_decode("AAAAAAAA", 8, back, 2) < 0, "base64url respects the output cap");

    char hex[65];
    ecf_sha256_hex("abc", 3, hex);
    is_str(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
           "sha256 of abc");
    ok(ecf_fnv1a64("", 0) == 0xcbf29ce484222325ULL, "fnv1a64 offset basis");
    ok(ecf_hash64("", 0) == 0x2d06800538d394c2ULL, "hash64 is XXH3-64 (empty input vector)");
    ok(ecf_hash64("ecfacts", 7) != ecf_hash64("ecfactS", 7), "hash64 sees every byte");
    char dst[4];
    is_int(ecf_strlcpy(dst, "abcdef", sizeof dst), 6, "strlcpy returns the source length");
    is_str(dst, "abc", "strlcpy truncates");
    return done();
}
