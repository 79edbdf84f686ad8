/* tests/unit/fetcher/test_decode.c — charsets, the nesting guard, and the
 * gumbo/expat specifics: hostile pages and feeds must stay cheap and safe. */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "fetcher/fetch.h"
#include "fetcher/fetch_int.h"
#include "tests/tap.h"

static void test_labels(void)
{
    char n[64];
    ok(fetch_charset_name("ISO-8859-1", n, sizeof(n)) && strcmp(n, "WINDOWS-1252") == 0,
       "label: latin1 reads as windows-1252");
    ok(fetch_charset_name("\"utf8\"", n, sizeof(n)) && strcmp(n, "UTF-8") == 0,
       "label: quoted utf8");
    ok(fetch_charset_name("koi8-r", n, sizeof(n)), "label: koi8-r known to iconv");
    ok(!fetch_charset_name("utf-8//TRANSLIT", n, sizeof(n)) && !n[0],
       "label: iconv options refused");
    ok(!fetch_charset_name("x-no-such-charset", n, sizeof(n)), "label: unknown refused");
    ok(!fetch_charset_name(NULL, n, sizeof(n)), "label: NULL");

    char *out = NULL;
    size_t len = 0;
    is_int(fetch_to_utf8("a\xff"
                         "b\xe2\x82",
                         5, "UTF-8", &out, &len),
           FETCH_OK, "utf-8 repaired");
    is_str(out,
           "a\xef\xbf\xbd"
           "b\xef\xbf\xbd\xef\xbf\xbd",
           "utf-8: each bad byte is U+FFFD");
    free(out);
    is_int(fetch_to_utf8("\x82\xa0\x83", 3, "SHIFT_JIS", &out, &len), FETCH_OK, "sjis converted");
    ok(out && ecf_utf8_valid(out, len, NULL) && strncmp(out, "\xe3\x81\x82", 3) == 0,
       "sjis: valid character converted, truncated one replaced");
    free(out);

    static const char meta[] = "<!-- <meta charset=koi8-r> --><meta name=x content=y>"
                               "<meta http-equiv='content-type' content='text/html; "
                               "charset=windows-1251'>";
    ok(fetch_html_prescan(meta, strlen(meta), n, sizeof(n)) && strcmp(n, "windows-1251") == 0,
       "prescan: http-equiv after a comment and another meta");
    ok(!fetch_html_prescan("<meta content='charset=koi8-r'>", 31, n, sizeof(n)),
       "prescan: content without http-equiv ignored");
}

static void test_pages(void)
{
    struct fetch_doc d;
    static const char form[] = "<html><body><main><p>Kept.</p><form>X-FORM text</form>"
                               "<p>After.</p></main></body></html>";
    is_int(fetch_html_extract(form, strlen(form), NULL, NULL, &d), FETCH_OK, "form: extracted");
    is_str(d.body, "Kept.\n\nAfter.", "form: text right before </form> stays in the form");
    fetch_doc_free(&d);

    static const char bom[] = "\xef\xbb\xbf<p>\xc3\xa9t\xc3\xa9</p>";
    is_int(fetch_html_extract(bom, strlen(bom), "iso-8859-1", NULL, &d), FETCH_OK, "bom: ok");
    is_str(d.body, "\xc3\xa9t\xc3\xa9", "bom: a UTF-8 BOM beats the transport charset");
    fetch_doc_free(&d);

    static const char koi[] = "<meta charset=\"koi8-r\"><p>\xf0\xd2\xc1\xd7\xc4\xc1</p>";
    is_int(fetch_html_extract(koi, strlen(koi), NULL, NULL, &d), FETCH_OK, "koi8-r: ok");
    is_str(d.body, "\xd0\x9f\xd1\x80\xd0\xb0\xd0\xb2\xd0\xb4\xd0\xb0", "koi8-r: <meta> honoured");
    fetch_doc_free(&d);

    static const char dialog[] = "<body><p>Text.</p><dialog>X-DIALOG</dialog>"
                                 "<link rel='canonical' href=' /c#x '></body>";
    is_int(fetch_html_extract(dialog, strlen(dialog), NULL, "https://n.example/a/b", &d), FETCH_OK,
           "unknown tag: ok");
    is_str(d.body, "Text.", "unknown tag: <dialog> (unknown to gumbo 0.10.1) skipped");
    is_str(d.canonical, "https://n.example/c", "canonical: padded href trimmed and resolved");
    fetch_doc_free(&d);

    /* Hostile nesting, up to 4 MiB of it: bounded work, text kept. */
    static const char *const pats[] = {
        "<div>",       "<div/>",          "<div></b>",   "<span><div></span>",       "<b><div></b>",
        "<svg><div/>", "<a href=x><div>", "<table><td>", "<svg><foreignObject><x/>", NULL};
    for (size_t p = 0; pats[p]; p++) {
        size_t pl = strlen(pats[p]), reps = (4u << 20) / pl, n = 0;
        char *page = malloc(reps * pl + 16);
        if (!page)
            break;
        for (size_t r = 0; r < reps; r++, n += pl)
            memcpy(page + n, pats[p], pl);
        memcpy(page + n, "deep text", 9);
        n += 9;
        enum fetch_err e = fetch_html_extract(page, n, NULL, NULL, &d);
        ok((e == FETCH_OK && strstr(d.body, "deep text")) || e == FETCH_E_CONTENT,
           "nesting %s x%zu: handled (%d)", pats[p], reps, (int)e);
        fetch_doc_free(&d);
        free(page);
    }
}

static void test_feeds(void)
{
    char err[200];
    struct fetch_feed f;
    static const char cp1252[] = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><channel>"
                                 "<item><title>Caf\xe9 \x93q\x94</title><link>http://e.example/1"
                                 "</link></item></channel></rss>";
    is_int(fetch_feed_parse(cp1252, strlen(cp1252), NULL, 0, &f, err, sizeof(err)), FETCH_OK,
           "latin1 feed: parsed");
    is_str(f.n ? f.items[0].title : "", "Caf\xc3\xa9 \xe2\x80\x9cq\xe2\x80\x9d",
           "latin1 feed: converted as windows-1252");
    fetch_feed_free(&f);

    static const char loose[] =
        "<!DOCTYPE rss PUBLIC \"-//Netscape Communications//DTD RSS 0.91//EN\" "
        "\"http://my.netscape.com/publish/formats/rss-0.91.dtd\">"
        "<rss version=\"0.91\" xmlns:a=\"http://www.w3.org/2005/Atom\">"
        "<channel><item><title>A&amp;B</title>"
        "<media:thumbnail url=\"x\"/><a:link href=\"http://e.example/alt\"/>"
        "<link></link></item></channel></rss>";
    enum fetch_err le = fetch_feed_parse(loose, strlen(loose), NULL, 0, &f, err, sizeof(err));
    ok(le == FETCH_OK, "doctype without entities, unbound prefixes: parsed (%s)", err);
    ok(f.n == 1 && strcmp(f.items[0].link, "http://e.example/alt") == 0 &&
           strcmp(f.items[0].title, "A&B") == 0,
       "atom:link (any prefix bound to Atom) fills an empty <link>; unbound media: ok");
    fetch_feed_free(&f);

    static const char lol[] = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\">"
                              "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                              "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]><rss>&c;</rss>";
    is_int(fetch_feed_parse(lol, strlen(lol), NULL, 0, &f, err, sizeof(err)), FETCH_E_PARSE,
           "entity expansion: refused");
    ok(strstr(err, "entity") != NULL, "entity expansion: says why (%s)", err);

    size_t depth = 100000, n = 0;
    char *deep = malloc(depth * 7 + 64);
    if (deep) {
        n += (size_t)snprintf(deep, 64, "<feed>");
        for (size_t i = 0; i < depth; i++, n += 3)
            memcpy(deep + n, "<a>", 3);
        enum fetch_err e = fetch_feed_parse(deep, n, NULL, 0, &f, err, sizeof(err));
        ok(e == FETCH_E_PARSE, "100,000 nested unclosed elements: parse error, no crash");
        fetch_feed_free(&f);
        free(deep);
    }

    static const char undef[] = "<rss><channel><item><title>&nbsp;x</title></item></channel></rss>";
    is_int(fetch_feed_parse(undef, strlen(undef), NULL, 0, &f, err, sizeof(err)), FETCH_E_PARSE,
           "undefined entity without a DTD: broken XML");
    ok(strstr(err, "broken XML at line 1") != NULL, "undefined entity: %s", err);

    static const char rel[] = "<rss xml:base=\"https://b.example/x/\"><channel>"
                              "<item><link xml:base=\"sub/\">p</link></item></channel></rss>";
    is_int(fetch_feed_parse(rel, strlen(rel), "https://doc.example/feed", 0, &f, err, sizeof(err)),
           FETCH_OK, "nested xml:base: parsed");
    ok(f.n == 1 && strcmp(f.items[0].link, "https://b.example/x/sub/p") == 0,
       "nested xml:base: resolved step by step");
    fetch_feed_free(&f);
}

/* Labels iconv knows but no browser reads a page in: UTF-7 would turn
 * "+ADw-" into '<' (markup out of plain text), UTF-32, UCS-2 and EBCDIC
 * would turn an ASCII page into garbage. */
static void test_hostile_charsets(void)
{
    char n[64];
    static const char *const refused[] = {"utf-7", "UTF-7",     "utf-32",     "ucs-2",
                                          "cp037", "ebcdic-us", "hz-gb-2312", NULL};
    static const char *const kept[] = {"iso-2022-jp", "koi8-r", "shift_jis", "windows-1251",
                                       "big5",        "euc-jp", "utf-16le",  NULL};
    for (size_t i = 0; refused[i]; i++)
        ok(!fetch_charset_name(refused[i], n, sizeof(n)) && !n[0], "label: %s refused", refused[i]);
    for (size_t i = 0; kept[i]; i++)
        ok(fetch_charset_name(kept[i], n, sizeof(n)), "label: %s known", kept[i]);

    static const char page[] = "<html><body><p>Plain +ADw-b+AD4-text+ADw-/b+AD4- and "
                               "enough words to be a paragraph of an article.</p></body></html>";
    static const char *const transport[] = {"utf-7", "utf-16le", "utf-32", NULL};
    for (size_t i = 0; transport[i]; i++) {
        struct fetch_doc d;
        is_int(fetch_html_extract(page, strlen(page), transport[i], NULL, &d), FETCH_OK,
               "ASCII page served as another charset: extracted");
        ok(d.body && strstr(d.body, "Plain +ADw-b+AD4-text"), "served as %s: read as ASCII (%s)",
           transport[i], d.body ? d.body : "");
        fetch_doc_free(&d);
    }
    char *out = NULL;
    size_t len = 0;
    static const char u16[] = "<\0p\0>\0h\0i\0<\0/\0p\0>\0";
    is_int(fetch_html_decode(u16, sizeof u16 - 1, "utf-16le", &out, &len), FETCH_OK,
           "real UTF-16LE without a byte order mark: decoded");
    is_str(out, "<p>hi</p>", "real UTF-16LE served as such: read as UTF-16LE");
    free(out);
}

/* A page of more start tags than FETCH_HTML_MAX_TAGS is read up to the cap:
 * gumbo's tree for 8 MiB of "<p>x</p>" took half a gigabyte. */
static void test_tag_cap(void)
{
    static const char head[] = "<html><body><p>The first paragraph of the page, long enough to "
                               "count as the article, with commas, clauses, and words.</p>";
    size_t reps = FETCH_HTML_MAX_TAGS + 10, n = sizeof head - 1 + reps * 8 + 32;
    char *page = malloc(n), *prep = NULL;
    size_t len = sizeof head - 1, plen = 0;
    if (!ok(page != NULL, "tag cap: page allocated"))
        return;
    memcpy(page, head, len);
    for (size_t i = 0; i < reps; i++, len += 8)
        memcpy(page + len, "<p>x</p>", 8);
    memcpy(page + len, "<p>X-AFTER-CAP</p>", 18);
    len += 18;
    is_int(fetch_html_prepare(page, len, &prep, &plen), FETCH_OK, "tag cap: prepared");
    ok(plen < len - (size_t)5 * 8 && prep && !memmem(prep, plen, "X-AFTER-CAP", 11),
       "tag cap: the page ends before start tag %d (%zu of %zu bytes)", FETCH_HTML_MAX_TAGS + 1,
       plen, len);
    free(prep);
    struct fetch_doc d;
    is_int(fetch_html_extract(page, len, "utf-8", NULL, &d), FETCH_OK,
           "tag cap: a page of many elements is extracted, not out of memory");
    ok(d.body && strstr(d.body, "The first paragraph") && !strstr(d.body, "X-AFTER-CAP"),
       "tag cap: text before the cap kept, after it left out");
    fetch_doc_free(&d);
    free(page);
}

int main(void)
{
    if (fetch_global_init() != FETCH_OK) {
        skip_all("fetch_global_init failed");
        return 0;
    }
    test_labels();
    test_pages();
    test_feeds();
    test_hostile_charsets();
    test_tag_cap();
    fetch_global_cleanup();
    return done();
}
