/* tests/unit/fetcher/test_pages.c — article text and metadata from pages in
 * the shapes real sites have (WordPress, Ghost, an Arc-style news CMS, a
 * Medium-like blog, a forum), written for this test: share bars, cookie
 * banners, related rails, comment threads, and containers whose class names
 * contain boilerplate words as substrings or as words. */
#include <stdio.h>
#include <string.h>

#include "fetcher/fetch.h"
#include "tests/tap.h"

#define P1                                                                                         \
    "<p>The ministry said on Tuesday that exports of advanced chips, including accelerators and "  \
    "the tools to make them, would need a licence from March, a change that affects dozens of "    \
    "firms.</p>"
#define P2                                                                                         \
    "<p>Officials argued that the rule closes a gap left by earlier controls, while industry "     \
    "groups warned that suppliers in allied countries would gain business at their expense.</p>"
#define P3                                                                                         \
    "<p>Analysts expect the first licence decisions within weeks, and several companies have "     \
    "already paused shipments, according to people familiar with the matter.</p>"
#define BODY P1 P2 P3
#define RELATED                                                                                    \
    "<ul><li><a href=\"/a\">X-RELATED one</a></li><li><a href=\"/b\">X-RELATED two</a></li></ul>"

static void expect_article(const char *name, const char *html, const char *title)
{
    struct fetch_doc d;
    enum fetch_err e = fetch_html_extract(html, strlen(html), "utf-8", "https://n.example/x", &d);
    ok(e == FETCH_OK, "%s: extracted (%d)", name, (int)e);
    ok(d.body && strstr(d.body, "The ministry said on Tuesday") &&
           strstr(d.body, "Officials argued") && strstr(d.body, "Analysts expect"),
       "%s: the three paragraphs kept", name);
    ok(d.body && !strstr(d.body, "X-"), "%s: no boilerplate (%s)", name,
       d.body && strstr(d.body, "X-") ? strstr(d.body, "X-") : "none");
    if (title)
        ok(d.title && strcmp(d.title, title) == 0, "%s: title '%s'", name, d.title ? d.title : "");
    fetch_doc_free(&d);
}

static void test_shapes(void)
{
    /* WordPress: body classes naming sidebars, entry-content, share bar,
     * related posts, comment thread bigger than the article. */
    expect_article(
        "wordpress",
        "<html lang=\"en-GB\"><head><title>Chip export rule widens to tools &#8211; Policy "
        "Notes</title>"
        "<meta property=\"og:site_name\" content=\"Policy Notes\"></head>"
        "<body class=\"post-template-default single no-sidebars has-comments\">"
        "<div id=\"cookie-notice\" class=\"cn-banner\">X-COOKIE we use cookies</div>"
        "<header class=\"site-header\"><p class=\"site-title\">X-SITE Policy Notes</p></header>"
        "<div id=\"content\" class=\"site-content\"><div id=\"primary\" class=\"content-area\">"
        "<article class=\"post type-post hentry\"><header class=\"entry-header\">"
        "<h1 class=\"entry-title\">Chip export rule widens to tools</h1></header>"
        "<div class=\"entry-content\">" BODY
        "<div class=\"sharedaddy sd-sharing-enabled\"><h3>X-SHARE this</h3>"
        "<a href=\"#\">X-SHARE Twitter</a></div>"
        "<div id=\"jp-relatedposts\" class=\"jp-relatedposts\">" RELATED "</div></div></article>"
        "<div id=\"comments\" class=\"comments-area\"><h2>X-COMMENTS 3 replies</h2><ol>"
        "<li><p>X-COMMENT This is a long comment, with commas, that goes on and on, and on, "
        "about the rule, its effects, and what the writer thinks of it, at length, really.</p></li>"
        "<li><p>X-COMMENT Another long reply, with more commas, and more opinions, and more "
        "words than the article itself, perhaps, in a thread that never ends, surely.</p></li>"
        "</ol></div></div>"
        "<aside id=\"secondary\" class=\"widget-area\"><p>X-WIDGET Recent posts</p></aside></div>"
        "<footer>X-FOOTER</footer></body></html>",
        "Chip export rule widens to tools");

    /* A container whose class has boilerplate words as substrings only, and
     * a wrapper named with a boilerplate word around the article itself. */
    expect_article(
        "substrings",
        "<html><head><title>Story</title></head><body>"
        "<div class=\"is-showingReadNextSidebar\"><div id=\"contentWithSidebar\">"
        "<div class=\"js-social-anchor-start commented modalShadow\">" BODY "</div>"
        "</div></div><div class=\"share-bar\"><a href=\"#\">X-SHARE</a></div></body></html>",
        NULL);

    /* Arc-style news CMS: no <article>, divs of paragraphs, a related rail
     * with many links, a newsletter box, a sidebar whose class says content. */
    expect_article(
        "arc",
        "<html><head><meta property=\"og:title\" content=\"Export licences required\">"
        "<title>Export licences required - The Daily Example</title></head><body>"
        "<div class=\"layout-wrapper\"><div class=\"ad-slot\">X-AD</div>"
        "<div class=\"article-body-wrapper\"><div class=\"story-body\">"
        "<div class=\"byline\">By X-BYLINE Ann Writer</div>" BODY "</div>"
        "<div class=\"newsletter-signup\"><p>X-NEWS Sign up for our daily newsletter, "
        "free.</p></div>"
        "</div><div class=\"right-rail content-sidebar\">"
        "<div class=\"trending\"><a href=\"/1\">X-RAIL one</a> <a href=\"/2\">X-RAIL two</a> "
        "<a href=\"/3\">X-RAIL three</a> <a href=\"/4\">X-RAIL four</a></div></div>"
        "</div></body></html>",
        "Export licences required");

    /* Medium-like blog: everything in generic divs with hashed classes. */
    expect_article(
        "medium",
        "<html><head><title>On licences - Writer - Blog</title>"
        "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\","
        "\"@type\":\"BlogPosting\",\"headline\":\"On licences\",\"name\":\"On licences\","
        "\"datePublished\":\"2024-11-05T08:00:00Z\",\"author\":{\"@type\":\"Person\","
        "\"name\":\"Ann Writer\"},\"publisher\":{\"@type\":\"Organization\",\"name\":\"Blog\"}}"
        "</script></head><body><div class=\"a b c\"><div class=\"x9\"><nav>X-NAV</nav></div>"
        "<div class=\"q1 r2\"><section><div class=\"s3\"><h1>On licences</h1>" BODY
        "</div></section></div><div class=\"z8\"><button>X-CLAP</button>"
        "<div class=\"z9\">" RELATED "</div></div></div></body></html>",
        "On licences");

    /* A forum thread: the first post is the article. */
    struct fetch_doc d;
    static const char ghost[] =
        "<html><head><meta property=\"article:published_time\" "
        "content=\"2025-02-03T10:00:00.000Z\">"
        "<meta name=\"author\" content=\"Ann Writer\"><meta property=\"og:site_name\" "
        "content=\"Ghost Example\"></head><body class=\"post-template\">"
        "<main id=\"site-main\"><article class=\"article post\"><header class=\"article-header\">"
        "<h1>Ghost story</h1></header><section class=\"gh-content\">" BODY
        "</section></article><aside "
        "class=\"read-more-wrap\">X-READMORE</aside></main></body></html>";
    is_int(fetch_html_extract(ghost, strlen(ghost), NULL, NULL, &d), FETCH_OK, "ghost: ok");
    is_str(d.published, "2025-02-03", "ghost: published from article:published_time");
    is_str(d.date, "2025-02-03", "ghost: date is the published date");
    is_str(d.byline, "Ann Writer", "ghost: byline from meta author");
    is_str(d.site, "Ghost Example", "ghost: site from og:site_name");
    ok(d.body && !strstr(d.body, "X-"), "ghost: no read-more rail");
    fetch_doc_free(&d);
}

static void test_meta(void)
{
    struct fetch_doc d;
    static const char ld[] =
        "<html lang=\"de\"><head><title>Die Regel | Beispiel Zeitung</title>"
        "<script type=\"application/ld+json\"><![CDATA[{\"@context\":\"https://schema.org\","
        "\"@graph\":[{\"@type\":\"WebSite\",\"name\":\"Beispiel\"},{\"@type\":\"NewsArticle\","
        "\"headline\":\"Die Regel\",\"datePublished\":\"2025-03-04\",\"author\":[{\"name\":\"A\"},"
        "{\"name\":\"B\"}],\"publisher\":{\"name\":\"Beispiel Zeitung\"}}]}]]></script>"
        "</head><body>" BODY "</body></html>";
    is_int(fetch_html_extract(ld, strlen(ld), NULL, NULL, &d), FETCH_OK, "json-ld: ok");
    is_str(d.title, "Die Regel", "json-ld: headline from @graph inside CDATA");
    is_str(d.published, "2025-03-04", "json-ld: datePublished");
    is_str(d.byline, "A, B", "json-ld: several authors");
    is_str(d.site, "Beispiel Zeitung", "json-ld: publisher name");
    is_str(d.lang, "de", "lang from <html lang>");
    fetch_doc_free(&d);

    static const char cut[] = "<html><head><title>A headline of several words | Site Name</title>"
                              "</head><body>" BODY "</body></html>";
    is_int(fetch_html_extract(cut, strlen(cut), NULL, NULL, &d), FETCH_OK, "title cut: ok");
    is_str(d.title, "A headline of several words", "title: site name after a separator cut");
    is_str(d.published, "", "no published date: empty");
    fetch_doc_free(&d);

    /* Text only in JSON-LD articleBody (a script-rendered page). */
    static const char ldbody[] =
        "<html><head><script type=\"application/ld+json\">{\"@type\":\"NewsArticle\","
        "\"articleBody\":\"Rendered by script: the ministry said exports need a licence.\"}"
        "</script></head><body><div id=\"app\"></div></body></html>";
    is_int(fetch_html_extract(ldbody, strlen(ldbody), NULL, NULL, &d), FETCH_OK,
           "articleBody: page with no markup text accepted");
    is_str(d.body, "Rendered by script: the ministry said exports need a licence.",
           "articleBody: the JSON-LD text");
    fetch_doc_free(&d);

    /* UTF-8 page with a stale legacy <meta charset>. */
    static const char stale[] = "<html><head><meta charset=\"gb2312\"></head><body>"
                                "<p>\xe4\xb8\xad\xe6\x96\x87 text</p></body></html>";
    is_int(fetch_html_extract(stale, strlen(stale), NULL, NULL, &d), FETCH_OK, "stale meta: ok");
    is_str(d.body, "\xe4\xb8\xad\xe6\x96\x87 text", "stale meta: valid UTF-8 read as UTF-8");
    fetch_doc_free(&d);
}

int main(void)
{
    if (fetch_global_init() != FETCH_OK) {
        skip_all("fetch_global_init failed");
        return 0;
    }
    test_shapes();
    test_meta();
    fetch_global_cleanup();
    return done();
}
