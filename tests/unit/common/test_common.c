#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file.h"
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

/* Writes n bytes of 'x' to dir/name; returns the path in path. */
static void write_x(const char *dir, const char *name, size_t n, char *path, size_t cap)
{
    snprintf(path, cap, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    for (size_t i = 0; f && i < n; i++)
        fputc('x', f);
    if (f)
        fclose(f);
}

/* ecf_read_file: whole files up to the cap, nothing past it, only regular
 * files (the buffer grows in 16 KiB reads, so sizes across a read's edge). */
static void test_read_file(void)
{
    char dir[] = "/tmp/ecf-common-XXXXXX", path[256], err[128];
    char *buf = NULL;
    size_t len = 0;
    if (!mkdtemp(dir)) {
        ok(0, "mkdtemp");
        return;
    }
    const size_t cap = 40000; /* not a multiple of the 16 KiB read */
    write_x(dir, "cap", cap, path, sizeof path);
    ok(ecf_read_file(path, cap, &buf, &len, err, sizeof err) == 0 && len == cap &&
           buf[cap] == '\0' && buf[cap - 1] == 'x',
       "a file of exactly the cap is read whole, NUL-terminated");
    free(buf);
    buf = NULL;
    write_x(dir, "over", cap + 1, path, sizeof path);
    ok(ecf_read_file(path, cap, &buf, &len, err, sizeof err) == -1 && !buf &&
           strstr(err, "larger than the 40000-byte limit"),
       "one byte over the cap is refused, naming the limit");
    ok(ecf_read_file(path, 16384, &buf, &len, err, sizeof err) == -1 && !buf,
       "a cap at a read's edge: refused too");
    write_x(dir, "edge", 16384, path, sizeof path);
    ok(ecf_read_file(path, 16384, &buf, &len, err, sizeof err) == 0 && len == 16384,
       "a file of one whole read at the cap");
    free(buf);
    buf = NULL;
    write_x(dir, "empty", 0, path, sizeof path);
    ok(ecf_read_file(path, cap, &buf, &len, err, sizeof err) == 0 && buf && len == 0 &&
           buf[0] == '\0',
       "an empty file is an empty string");
    free(buf);
    buf = NULL;
    ok(ecf_read_file(dir, cap, &buf, &len, err, sizeof err) == -1 && strstr(err, "directory"),
       "a directory is refused");
    snprintf(path, sizeof path, "%s/fifo", dir);
    ok(mkfifo(path, 0600) == 0 && ecf_read_file(path, cap, &buf, &len, err, sizeof err) == -1 &&
           strstr(err, "a FIFO"),
       "a FIFO is refused without waiting for a writer");
    snprintf(path, sizeof path, "%s/missing", dir);
    ok(ecf_read_file(path, cap, &buf, &len, err, sizeof err) == -1 && strstr(err, "No such file"),
       "a missing file says so");
    const char *names[] = {"cap", "over", "edge", "empty", "fifo"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

int main(void)
{
    test_read_file();
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
