/* tests/unit/fetcher/test_html.c — HTML to article text. */
#include <stdio.h>
#include <string.h>

#include "common/util.h"
#include "fetcher/fetch.h"
#include "tests/tap.h"

static enum fetch_err extract(const char *html, const char *charset, struct fetch_doc *d)
{
    return fetch_html_extract(html, strlen(html), charset, "https://news.example/2025/story", d);
}

static void test_boilerplate(void)
{
    static const char page[] =
        "<html><head><title>Site | Headline</title>"
        "<meta name=\"date\" content=\"2024-01-01\">"
        "<link rel=\"canonical\" href=\"/2025/story-canonical#top\"></head><body>"
        "<div id=\"cookie-banner\">X-COOKIE accept</div>"
        "<header><h1>X-LOGO Site</h1></header>"
        "<nav>X-NAV</nav>"
        "<main><p>Lead  paragraph&nbsp;with&#160;nbsp.</p>"
        "<p>Second <em>emphasised</em> para<br>after break.</p>"
        "<ul><li>one</li><li>two</li></ul>"
        "<div class=\"related-posts\"><p>X-RELATED</p></div>"
        "<div class=\"promo\">X-PROMO</div>"
        "<div class=\"comments-section\"><p>X-COMMENTS</p></div>"
        "<form>X-FORM</form><noscript>X-NOSCRIPT</noscript>"
        "<script>X-SCRIPT()</script><style>p{}</style><!-- X-HTML-COMMENT -->"
        "<div aria-hidden=\"true\">X-HIDDEN</div>"
        "</main><aside>X-ASIDE</aside><footer>X-FOOTER</footer></body></html>";
    struct fetch_doc d;
    is_int(extract(page, "utf-8", &d), FETCH_OK, "boilerplate: extracted");
    is_str(d.title, "Site | Headline", "boilerplate: <title> used without og:title");
    is_str(d.body,
           "Lead paragraph with nbsp.\n\nSecond emphasised para\n\nafter break.\n\none\n\ntwo",
           "boilerplate: only the body, paragraphs separated by blank lines");
    ok(d.text && !strstr(d.text, "X-"), "boilerplate: nothing marked X- survives");
    is_str(d.canonical, "https://news.example/2025/story-canonical",
           "canonical: relative href resolved, fragment dropped");
    is_str(d.date, "2024-01-01", "date: meta name=date as the last resort");
    ok(d.text && strncmp(d.text, "Site | Headline\n\nLead", 21) == 0,
       "text: title line, blank line, body");
    fetch_doc_free(&d);
}

static void test_article_pref(void)
{
    static const char page[] = "<html><head><meta property=\"og:title\" content=\"OG title\">"
                               "<meta property=\"og:url\" content=\"https://news.example/og\">"
                               "<title>T</title></head><body>"
                               "<div class=\"teaser\"><article><p>Short teaser.</p></article></div>"
                               "<article class=\"story\"><header><h1>OG title</h1>"
                               "<time datetime=\"2025-05-06T10:00:00Z\">May 6</time></header>"
                               "<p>The real story has a much longer body than the teaser.</p>"
                               "<p>Second.</p></article>"
                               "<aside><article><p>X-ASIDE article</p></article></aside>"
                               "<p>X-OUTSIDE the article</p></body></html>";
    struct fetch_doc d;
    is_int(extract(page, NULL, &d), FETCH_OK, "article: extracted");
    is_str(d.title, "OG title", "article: og:title preferred");
    is_str(d.body, "The real story has a much longer body than the teaser.\n\nSecond.",
           "article: the longest <article>, its h1 not repeated");
    is_str(d.date, "2025-05-06", "article: <time datetime> inside the article");
    is_str(d.canonical, "https://news.example/og", "article: og:url when no rel=canonical");
    fetch_doc_free(&d);
}

static void test_titles_dates(void)
{
    struct fetch_doc d;
    static const char h1[] = "<html><body><h1>Only  an h1</h1><p>Text.</p></body></html>";
    is_int(extract(h1, NULL, &d), FETCH_OK, "h1: extracted");
    is_str(d.title, "Only an h1", "h1: first h1 as title");
    is_str(d.body, "Text.", "h1: not repeated in the body");
    is_str(d.date, "", "h1: no date");
    is_str(d.canonical, "", "h1: no canonical");
    fetch_doc_free(&d);

    static const char pub[] =
        "<html><head><meta property=\"article:published_time\" content=\"2023-07-08T00:00:00Z\">"
        "<meta name=\"pubdate\" content=\"2020-01-01\"></head>"
        "<body><time datetime=\"2021-01-01\">x</time><p>Body.</p></body></html>";
    is_int(extract(pub, NULL, &d), FETCH_OK, "published_time: extracted");
    is_str(d.date, "2023-07-08", "published_time beats <time> and meta pubdate");
    fetch_doc_free(&d);

    static const char none[] = "<html><body><p>Untitled body.</p></body></html>";
    is_int(extract(none, NULL, &d), FETCH_OK, "no title: extracted");
    is_str(d.title, "", "no title: empty title");
    is_str(d.text, "Untitled body.\n", "no title: text is the body");
    fetch_doc_free(&d);

    static const char empty[] =
        "<html><head><title>T</title></head><body><nav>x</nav></body></html>";
    is_int(extract(empty, NULL, &d), FETCH_E_CONTENT, "no body text: FETCH_E_CONTENT");
    fetch_doc_free(&d);
    is_int(fetch_html_extract("", 0, NULL, NULL, &d), FETCH_E_CONTENT, "empty input");
    fetch_doc_free(&d);
}

static void test_charsets(void)
{
    struct fetch_doc d;
    static const char latin1[] = "<html><body><p>Gr\xfc\xdf"
                                 "e aus K\xf6ln \x93zitiert\x94</p></body></html>";
    is_int(extract(latin1, "ISO-8859-1", &d), FETCH_OK, "latin1 header: extracted");
    is_str(d.body,
           "Gr\xc3\xbc\xc3\x9f"
           "e aus K\xc3\xb6ln \xe2\x80\x9czitiert\xe2\x80\x9d",
           "latin1 header: converted (windows-1252 superset)");
    fetch_doc_free(&d);

    static const char meta[] = "<html><head><meta http-equiv=\"Content-Type\" "
                               "content=\"text/html; charset=iso-8859-1\"></head>"
                               "<body><p>Caf\xe9</p></body></html>";
    is_int(extract(meta, NULL, &d), FETCH_OK, "http-equiv charset: extracted");
    is_str(d.body, "Caf\xc3\xa9", "http-equiv charset: converted");
    fetch_doc_free(&d);

    static const char utf8[] =
        "<html><body><p>\xe2\x82\xac and \xe4\xb8\xad\xe6\x96\x87</p></body></html>";
    is_int(extract(utf8, "utf-8", &d), FETCH_OK, "utf-8: extracted");
    is_str(d.body, "\xe2\x82\xac and \xe4\xb8\xad\xe6\x96\x87", "utf-8: unchanged");
    fetch_doc_free(&d);

    is_int(extract(utf8, "x-no-such-charset", &d), FETCH_OK, "unknown charset: falls back");
    ok(d.text && ecf_utf8_valid(d.text, d.text_len, NULL), "unknown charset: output is UTF-8");
    fetch_doc_free(&d);

    static const char junk[] = "<p>\xff\xfe\xfd broken \x80 bytes</p>";
    is_int(extract(junk, NULL, &d), FETCH_OK, "invalid UTF-8 without charset: recovered");
    ok(d.text && ecf_utf8_valid(d.text, d.text_len, NULL), "invalid bytes: output is UTF-8");
    fetch_doc_free(&d);
}

static void test_malformed(void)
{
    struct fetch_doc d;
    static const char tag_soup[] = "<p>Unclosed <b>bold <i>both</p><p>Next</div></span>";
    is_int(extract(tag_soup, NULL, &d), FETCH_OK, "tag soup: recovered");
    ok(d.body && strstr(d.body, "Unclosed bold both") && strstr(d.body, "Next"),
       "tag soup: text kept");
    fetch_doc_free(&d);

    /* Deep nesting must neither crash nor recurse without bound. */
    static char deep[200000];
    size_t n = 0;
    for (int i = 0; i < 20000 && n + 16 < sizeof(deep); i++)
        n += (size_t)snprintf(deep + n, sizeof(deep) - n, "<div>");
    n += (size_t)snprintf(deep + n, sizeof(deep) - n, "deep");
    enum fetch_err e = fetch_html_extract(deep, n, NULL, NULL, &d);
    ok(e == FETCH_OK || e == FETCH_E_CONTENT, "deep nesting: handled (%d)", (int)e);
    fetch_doc_free(&d);
}

int main(void)
{
    if (fetch_global_init() != FETCH_OK) {
        skip_all("fetch_global_init failed");
        return 0;
    }
    test_boilerplate();
    test_article_pref();
    test_titles_dates();
    test_charsets();
    test_malformed();
    fetch_global_cleanup();
    return done();
}
