/* tests/fuzz/fuzz_html.c — fetcher/html.c: HTML bytes to article text
 * (gumbo + iconv), once without a charset and once with one picked from the
 * input's hash. Properties: no crash/leak; on FETCH_OK every output string is
 * valid UTF-8, text_len == strlen(text), date is "" or YYYY-MM-DD, published
 * "" or the date. Replayed on corpus/html by meson (fuzz-regressions-html). */
#include <stdint.h>

#include "common/util.h"
#include "fetcher/fetch.h"
#include "fuzz_common.h"

static const char *charsets[] = {"utf-8",    "windows-1252", "iso-8859-1", "shift_jis",
                                 "utf-16le", "utf-16",       "gb18030",    "koi8-r",
                                 "euc-kr",   "utf-7",        "x-bogus",    "",
                                 "UTF-32BE", "iso-2022-jp",  "big5",       "us-ascii"};

static void check(const char *s, const char *what)
{
    FUZZ_CHECK(s != NULL, "%s is NULL", what);
    size_t bad = 0;
    FUZZ_CHECK(ecf_utf8_valid(s, strlen(s), &bad), "%s is not valid UTF-8 (byte %zu)", what, bad);
}

static void one(const char *html, size_t n, const char *charset)
{
    struct fetch_doc d;
    memset(&d, 0, sizeof d);
    enum fetch_err e =
        fetch_html_extract(html, n, charset, "https://news.example.com/a/b.html", &d);
    if (e == FETCH_OK) {
        check(d.title, "title");
        check(d.date, "date");
        check(d.canonical, "canonical");
        check(d.body, "body");
        check(d.text, "text");
        check(d.published, "published");
        check(d.byline, "byline");
        check(d.site, "site");
        check(d.lang, "lang");
        FUZZ_CHECK(strlen(d.text) == d.text_len, "text_len %zu vs strlen %zu", d.text_len,
                   strlen(d.text));
        size_t dl = strlen(d.date);
        FUZZ_CHECK(dl == 0 || (dl == 10 && d.date[4] == '-' && d.date[7] == '-'), "date '%s'",
                   d.date);
        size_t pl = strlen(d.published);
        FUZZ_CHECK(pl == 0 || (pl == 10 && strcmp(d.published, d.date) == 0),
                   "published '%s' (date '%s')", d.published, d.date);
    }
    fetch_doc_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *html = malloc(size ? size : 1); /* exact size, not terminated */
    if (!html)
        return 0;
    if (size)
        memcpy(html, data, size);
    one(html, size, NULL);
    uint64_t h = ecf_fnv1a64(data, size);
    one(html, size, charsets[h % (sizeof charsets / sizeof charsets[0])]);
    free(html);
    return 0;
}
