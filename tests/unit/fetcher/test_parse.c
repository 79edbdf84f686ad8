/* tests/unit/fetcher/test_parse.c — the pure parsers: URLs, sources files,
 * robots.txt, dates and RSS/Atom feeds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fetcher/fetch.h"
#include "fetcher/fetch_int.h"
#include "tests/tap.h"

static void test_urls(void)
{
    static const struct {
        const char *in, *want; /* want NULL = invalid */
    } t[] = {
        {"http://Example.COM/a/b?x=1#frag", "http://example.com/a/b?x=1"},
        {"HTTPS://example.com:443/", "https://example.com/"},
        {"http://example.com:80", "http://example.com/"},
        {"http://example.com:8080/x", "http://example.com:8080/x"},
        {"https://example.com/a/../b/./c", "https://example.com/b/c"},
        {"http://[::1]:8080/x", "http://[::1]:8080/x"},
        {"ftp://example.com/x", NULL},
        {"file:///etc/passwd", NULL},
        {"gopher://example.com/", NULL},
        {"javascript:alert(1)", NULL},
        {"example.com/no-scheme", NULL},
        {"http://", NULL},
        {"http://user:pw@example.com/", NULL},
        {"http://exa mple.com/", NULL},
        {"http://example.com/\r\nX: y", NULL},
        {"", NULL},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        char *out = NULL;
        enum fetch_err e = fetch_url_normalize(t[i].in, &out);
        if (t[i].want)
            is_str(e == FETCH_OK ? out : "(invalid)", t[i].want, t[i].in);
        else
            ok(e == FETCH_E_INVALID && !out, "invalid URL #%zu refused", i);
        free(out);
    }
}

static void test_sources(void)
{
    static const char text[] = "\xEF\xBB\xBF# news sources\n"
                               "https://example.com/feed.xml\n"
                               "\n"
                               "   # indented comment\n"
                               "http://example.org/a#section   # trailing comment\r\n"
                               "ftp://example.com/nope\n"
                               "not a url\n"
                               "https://EXAMPLE.com/feed.xml\n"
                               "\t https://example.net/x \t\n"
                               "https://example.net/last";
    struct fetch_sources s;
    is_int(fetch_sources_parse(text, strlen(text), &s), FETCH_E_PARSE,
           "sources: bad lines make the result FETCH_E_PARSE");
    is_int(s.n_urls, 4, "sources: 4 distinct valid URLs");
    if (s.n_urls == 4) {
        is_str(s.urls[0], "https://example.com/feed.xml", "sources: first URL (after BOM)");
        is_str(s.urls[1], "http://example.org/a", "sources: fragment kept apart from comment");
        is_str(s.urls[2], "https://example.net/x", "sources: whitespace trimmed");
        is_str(s.urls[3], "https://example.net/last", "sources: last line without newline");
    }
    is_int(s.n_bad, 2, "sources: 2 invalid lines");
    if (s.n_bad == 2) {
        is_int(s.bad[0].line, 6, "sources: ftp line reported with its number");
        is_int(s.bad[1].line, 7, "sources: two-word line reported with its number");
        printf("# line %u: %s; line %u: %s\n", s.bad[0].line, s.bad[0].msg, s.bad[1].line,
               s.bad[1].msg);
    }
    fetch_sources_free(&s);

    is_int(fetch_sources_parse("# only comments\n\n", 17, &s), FETCH_OK, "sources: comments only");
    is_int(s.n_urls + s.n_bad, 0, "sources: nothing in it");
    fetch_sources_free(&s);

    char path[] = "/tmp/ecf-sources-XXXXXX";
    int fd = mkstemp(path);
    const char file[] = "https://example.com/a\nhttps://example.com/b\n";
    ok(fd >= 0 && write(fd, file, sizeof(file) - 1) == (ssize_t)(sizeof(file) - 1),
       "sources: temp file written");
    if (fd >= 0)
        close(fd);
    char why[256];
    is_int(fetch_sources_load(path, &s, why, sizeof why), FETCH_OK, "sources: file loaded");
    is_int(s.n_urls, 2, "sources: file has 2 URLs");
    fetch_sources_free(&s);
    unlink(path);
    is_int(fetch_sources_load("/nonexistent/ecf-sources", &s, why, sizeof why), FETCH_E_IO,
           "sources: missing file");
    fetch_sources_free(&s);
    /* a FIFO with no writer is refused at once (opening it would block) */
    char fifo[] = "/tmp/ecf-sources-fifo-XXXXXX";
    int ffd = mkstemp(fifo);
    if (ffd >= 0)
        close(ffd);
    ok(ffd >= 0 && unlink(fifo) == 0 && mkfifo(fifo, 0600) == 0, "sources: FIFO made");
    why[0] = '\0';
    is_int(fetch_sources_load(fifo, &s, why, sizeof why), FETCH_E_IO, "sources: a FIFO is refused");
    ok(strstr(why, "regular") != NULL, "sources: the reason says why (%s)", why);
    fetch_sources_free(&s);
    unlink(fifo);
    /* over the cap: named as such, not "nothing to fetch" */
    char big[] = "/tmp/ecf-sources-big-XXXXXX";
    int bfd = mkstemp(big);
    ok(bfd >= 0 && ftruncate(bfd, (off_t)17 << 20) == 0, "sources: 17 MiB file made");
    if (bfd >= 0)
        close(bfd);
    why[0] = '\0';
    is_int(fetch_sources_load(big, &s, why, sizeof why), FETCH_E_IO,
           "sources: over 16 MiB refused");
    ok(why[0] != '\0', "sources: with a reason (%s)", why);
    fetch_sources_free(&s);
    unlink(big);
}

static void test_robots(void)
{
    static const char txt[] = "User-agent: Googlebot\n"
                              "Disallow: /\n"
                              "\n"
                              "User-agent: *\n"
                              "Disallow: /admin\n"
                              "\n"
                              "User-agent: ECFacts/0.1\n"
                              "User-agent: other\n"
                              "Disallow: /private/   # comment\n"
                              "Allow: /private/public\n"
                              "Disallow: /*.pdf$\n"
                              "Disallow: /tmp*/cache\n"
                              "Sitemap: https://example.com/sitemap.xml\n"
                              "Disallow:\n";
    struct robots r;
    ok(robots_parse(txt, strlen(txt), "ecfacts", &r), "robots: parsed");
    ok(!robots_allowed(&r, "/private/x"), "robots: our group's Disallow applies");
    ok(robots_allowed(&r, "/private/public/y"), "robots: the longer Allow wins");
    ok(robots_allowed(&r, "/admin"), "robots: the * group is ignored when ours exists");
    ok(!robots_allowed(&r, "/docs/a.pdf"), "robots: '*' wildcard and '$' anchor");
    ok(robots_allowed(&r, "/docs/a.pdf?x=1"), "robots: '$' anchors the end");
    ok(!robots_allowed(&r, "/tmp123/cache/x"), "robots: wildcard in the middle");
    ok(robots_allowed(&r, "/robots.txt"), "robots: robots.txt itself is always allowed");
    ok(robots_allowed(&r, "/"), "robots: unmatched paths allowed");
    robots_free(&r);

    static const char star[] = "User-agent: *\nDisallow: /search\nAllow: /search/about\n";
    ok(robots_parse(star, strlen(star), "ecfacts", &r), "robots: * only");
    ok(!robots_allowed(&r, "/search?q=x"), "robots: * group used when ours is absent");
    ok(robots_allowed(&r, "/search/about"), "robots: * group Allow");
    robots_free(&r);

    static const char eq[] = "User-agent: ecfacts\nDisallow: /page\nAllow: /page\n";
    ok(robots_parse(eq, strlen(eq), "ecfacts", &r), "robots: tie");
    ok(robots_allowed(&r, "/page"), "robots: Allow wins a tie");
    robots_free(&r);

    ok(robots_parse("", 0, "ecfacts", &r) && robots_allowed(&r, "/anything"),
       "robots: empty file allows everything");
    robots_free(&r);
}

static void test_dates(void)
{
    static const struct {
        const char *in, *want;
    } t[] = {
        {"2025-03-14T09:00:00Z", "2025-03-14"},
        {"2025-03-14", "2025-03-14"},
        {"  2024-02-29T23:59:59+05:00", "2024-02-29"},
        {"2025/01/02", "2025-01-02"},
        {"Tue, 04 Mar 2025 10:00:00 GMT", "2025-03-04"},
        {"Wed, 05 Mar 2025 10:00:00 +0000", "2025-03-05"},
        {"2023-02-29", ""},
        {"2025-13-01", ""},
        {"yesterday", ""},
        {"", ""},
        {"20250314", "2025-03-14"}, /* curl_getdate reads the compact form */
        {"1 Jan 1800", ""},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        char out[11];
        (void)fetch_date_normalize(t[i].in, out);
        is_str(out, t[i].want, t[i].in);
    }
}

static const struct fetch_feed_item *item(const struct fetch_feed *f, const char *link)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->items[i].link, link) == 0)
            return &f->items[i];
    return NULL;
}

static void test_feeds(void)
{
    char err[200];
    struct fetch_feed f;
    static const char rss[] =
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title>"
        "<item><title>  One\n  story </title><link>https://news.example/1</link>"
        "<pubDate>Tue, 04 Mar 2025 10:00:00 GMT</pubDate></item>"
        "<item><title>Two</title><link> /2 </link></item>"
        "<item><title>Guid only</title><guid>https://news.example/3</guid></item>"
        "<item><title>Not perma</title><guid "
        "isPermaLink=\"false\">https://news.example/4</guid></item>"
        "<item><title>Dup</title><link>https://NEWS.example/1#x</link></item>"
        "<item><title>JS</title><link>javascript:alert(1)</link></item>"
        "</channel></rss>";
    is_int(fetch_feed_parse(rss, strlen(rss), "https://news.example/feed", 0, &f, err, sizeof(err)),
           FETCH_OK, "rss: parsed");
    is_int(f.n, 3, "rss: 3 items (dup, non-permalink guid, javascript dropped)");
    const struct fetch_feed_item *i1 = item(&f, "https://news.example/1");
    is_str(i1 ? i1->title : NULL, "One story", "rss: title whitespace normalised");
    is_str(i1 ? i1->date : NULL, "2025-03-04", "rss: pubDate normalised");
    ok(item(&f, "https://news.example/2") != NULL, "rss: relative link resolved");
    ok(item(&f, "https://news.example/3") != NULL, "rss: permalink guid used as link");
    fetch_feed_free(&f);

    is_int(fetch_feed_parse(rss, strlen(rss), "https://news.example/feed", 2, &f, err, sizeof(err)),
           FETCH_OK, "rss: parsed with a cap");
    is_int(f.n, 2, "rss: max_items honoured");
    fetch_feed_free(&f);

    static const char rdf[] =
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
        "xmlns=\"http://purl.org/rss/1.0/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
        "<channel><title>x</title></channel>"
        "<item><title>R</title><link>http://r.example/1</link><dc:date>2024-12-31</dc:date></item>"
        "</rdf:RDF>";
    is_int(fetch_feed_parse(rdf, strlen(rdf), NULL, 0, &f, err, sizeof(err)), FETCH_OK,
           "rss 1.0: parsed");
    ok(f.n == 1 && strcmp(f.items[0].date, "2024-12-31") == 0, "rss 1.0: item with dc:date");
    fetch_feed_free(&f);

    static const char atom[] =
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"https://a.example/blog/\">"
        "<entry><title>E1</title><link rel=\"self\" href=\"/self\"/>"
        "<link rel=\"alternate\" type=\"text/html\" href=\"post1\"/>"
        "<published>2025-01-10T00:00:00Z</published><updated>2025-01-11T00:00:00Z</updated>"
        "</entry><entry><title>No link</title></entry></feed>";
    is_int(fetch_feed_parse(atom, strlen(atom), "https://a.example/feed", 0, &f, err, sizeof(err)),
           FETCH_OK, "atom: parsed");
    ok(f.n == 1 && strcmp(f.items[0].link, "https://a.example/blog/post1") == 0,
       "atom: alternate link resolved against xml:base");
    ok(f.n == 1 && strcmp(f.items[0].date, "2025-01-10") == 0, "atom: published preferred");
    fetch_feed_free(&f);

    static const char broken[] = "<rss><channel><item><title>x</item></channel></rss>";
    is_int(fetch_feed_parse(broken, strlen(broken), NULL, 0, &f, err, sizeof(err)), FETCH_E_PARSE,
           "broken XML: parse error");
    ok(strstr(err, "broken XML at line 1") != NULL, "broken XML: message names the line");
    is_int(f.n, 0, "broken XML: no items");

    is_int(fetch_feed_parse("", 0, NULL, 0, &f, err, sizeof(err)), FETCH_E_PARSE,
           "empty body: parse error");
    static const char html[] = "<html><body>hi</body></html>";
    is_int(fetch_feed_parse(html, strlen(html), NULL, 0, &f, err, sizeof(err)), FETCH_E_PARSE,
           "not a feed: parse error");
    ok(strstr(err, "not a feed") != NULL, "not a feed: says so");

    static const char empty[] = "<rss version=\"2.0\"><channel><title>e</title></channel></rss>";
    is_int(fetch_feed_parse(empty, strlen(empty), NULL, 0, &f, err, sizeof(err)), FETCH_OK,
           "empty feed: ok");
    is_int(f.n, 0, "empty feed: zero items");
    fetch_feed_free(&f);

    /* No external entities, no network, and internal entities never expanded. */
    static const char xxe[] =
        "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">"
        "<!ENTITY big \"BIGBIGBIGBIG\">]>"
        "<rss><channel><item><title>&xxe;&big;T</title><link>http://e.example/1</link></item>"
        "</channel></rss>";
    enum fetch_err e = fetch_feed_parse(xxe, strlen(xxe), NULL, 0, &f, err, sizeof(err));
    ok(e == FETCH_E_PARSE || (f.n == 1 && strcmp(f.items[0].title, "T") == 0),
       "entities: neither file contents nor entity text reach the title");
    if (e == FETCH_OK)
        printf("# entity title: '%s'\n", f.items[0].title);
    fetch_feed_free(&f);

    ok(fetch_feed_sniff("application/rss+xml", "", 0), "sniff: rss content type");
    ok(fetch_feed_sniff("text/html", "\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- c -->\n<rss>", 48),
       "sniff: an rss root wins over a text/html type");
    ok(!fetch_feed_sniff("text/html; charset=utf-8", "<!DOCTYPE html><html>", 21),
       "sniff: html page");
    ok(!fetch_feed_sniff(NULL, "<html>", 6), "sniff: no type, html body");
    ok(fetch_feed_sniff(NULL, "<feed xmlns=\"http://www.w3.org/2005/Atom\">", 42),
       "sniff: atom root");
}

/* Feeds as real servers send them: cut short, links as Atom text content,
 * permalink guids, relative links under xml:base at several levels. */
static void test_feeds_tolerant(void)
{
    char err[200];
    struct fetch_feed f;

    /* RSS 2.0 cut before its closing '>': the items before the break stay. */
    static const char cut_rss[] =
        "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Cut</title>\n"
        "<item><title>First</title><link>https://cut.example/1</link></item>\n"
        "<item><title>Second</title><link>https://cut.example/2</link>"
        "<pubDate>Mon, 03 Mar 2025 09:00:00 GMT</pubDate></item>\n"
        "</channel></rss";
    is_int(fetch_feed_parse(cut_rss, strlen(cut_rss), NULL, 0, &f, err, sizeof(err)), FETCH_OK,
           "cut rss (</rss never closed): ok");
    is_int(f.n, 2, "cut rss: both items before the break kept");
    ok(f.broken, "cut rss: marked broken");
    ok(strstr(err, "broken XML at line 5") != NULL, "cut rss: errbuf names the line of the break");
    ok(f.n == 2 && strcmp(f.items[1].date, "2025-03-03") == 0, "cut rss: items keep their dates");
    fetch_feed_free(&f);
    ok(f.n == 0 && !f.broken, "cut rss: free resets the feed");

    /* Cut inside the third item: its half-read link is not trusted. */
    static const char mid_item[] = "<rss version=\"2.0\"><channel>"
                                   "<item><title>A</title><link>https://mid.example/a</link></item>"
                                   "<item><title>B</title><guid>https://mid.example/b</guid></item>"
                                   "<item><title>C</title><link>https://mid.example/c-is-lo";
    is_int(fetch_feed_parse(mid_item, strlen(mid_item), NULL, 0, &f, err, sizeof(err)), FETCH_OK,
           "cut inside an item: ok");
    ok(f.n == 2 && item(&f, "https://mid.example/a") && item(&f, "https://mid.example/b"),
       "cut inside an item: the two whole items, not the half-read one");
    fetch_feed_free(&f);

    /* A mismatched tag after the first entry of an Atom feed. */
    static const char bad_atom[] =
        "<feed xmlns=\"http://www.w3.org/2005/Atom\">"
        "<entry><title>Good</title><link href=\"https://atom.example/good\"/></entry>"
        "<entry><title>Bad</titel><link href=\"https://atom.example/bad\"/></entry></feed>";
    is_int(fetch_feed_parse(bad_atom, strlen(bad_atom), NULL, 0, &f, err, sizeof(err)), FETCH_OK,
           "atom with a mismatched tag: ok");
    ok(f.n == 1 && strcmp(f.items[0].link, "https://atom.example/good") == 0 && f.broken,
       "atom with a mismatched tag: the entry before it, marked broken");
    ok(strstr(err, "mismatched tag") != NULL, "atom with a mismatched tag: errbuf says why");
    fetch_feed_free(&f);

    static const char cut_rdf[] =
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
        "xmlns=\"http://purl.org/rss/1.0/\"><channel><title>x</title></channel>"
        "<item><title>R1</title><link>http://rdf.example/1</link></item>"
        "<item><title>R2</title><link>http://rdf.example/2</link></item><ite";
    is_int(fetch_feed_parse(cut_rdf, strlen(cut_rdf), NULL, 0, &f, err, sizeof(err)), FETCH_OK,
           "cut rss 1.0: ok");
    ok(f.n == 2 && f.broken, "cut rss 1.0: two items, marked broken");
    fetch_feed_free(&f);

    /* A break before any whole item, a root that is no feed: still errors,
     * and nothing is returned (entity declarations: test_feeds). */
    static const char nothing[] = "<rss><channel><item><title>x</title><link>https://n.example/";
    is_int(fetch_feed_parse(nothing, strlen(nothing), NULL, 0, &f, err, sizeof(err)), FETCH_E_PARSE,
           "cut before any whole item: parse error");
    ok(f.n == 0 && strstr(err, "broken XML") != NULL, "cut before any whole item: no items");
    static const char cut_html[] = "<html><body><item><link>https://h.example/</link></item><p";
    is_int(fetch_feed_parse(cut_html, strlen(cut_html), NULL, 0, &f, err, sizeof(err)),
           FETCH_E_PARSE, "a cut document that is no feed: parse error");
    is_int(f.n, 0, "a cut document that is no feed: no items");

    /* Atom <link> with the URL as text content (no href). */
    static const char text_link[] =
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"https://t.example/news/\">"
        "<entry><title>Text link</title><link>https://t.example/text-1</link></entry>"
        "<entry><title>Relative text</title><link> story-2 </link></entry>"
        "<entry><title>Both</title><link>https://t.example/text-3</link>"
        "<link rel=\"alternate\" href=\"https://t.example/href-3\"/></entry>"
        "<entry><title>Self text</title><link rel=\"self\">https://t.example/self-4</link></entry>"
        "</feed>";
    is_int(fetch_feed_parse(text_link, strlen(text_link), NULL, 0, &f, err, sizeof(err)), FETCH_OK,
           "atom text links: ok");
    ok(item(&f, "https://t.example/text-1") != NULL, "atom: <link> text content is the link");
    ok(item(&f, "https://t.example/news/story-2") != NULL,
       "atom: relative text link resolved against xml:base, whitespace trimmed");
    ok(item(&f, "https://t.example/href-3") && !item(&f, "https://t.example/text-3"),
       "atom: an href link wins over a text one");
    ok(!item(&f, "https://t.example/self-4"), "atom: rel=self text is not the entry's link");
    is_int(f.n, 3, "atom text links: 3 entries with links");
    fetch_feed_free(&f);

    /* guid isPermaLink: true (explicit or by default) is a link, false never. */
    static const char guids[] =
        "<rss version=\"2.0\"><channel>"
        "<item><title>T</title><guid isPermaLink=\"true\">https://g.example/true</guid></item>"
        "<item><title>F</title><guid isPermaLink=\"false\">https://g.example/false</guid></item>"
        "<item><title>Fcase</title><guid isPermaLink=\"FALSE\">https://g.example/F2</guid></item>"
        "<item><title>L</title><guid isPermaLink=\"true\">https://g.example/guid-l</guid>"
        "<link>https://g.example/link-l</link></item>"
        "<item><title>Tag</title><guid>tag:g.example,2025:7</guid></item>"
        "</channel></rss>";
    is_int(fetch_feed_parse(guids, strlen(guids), NULL, 0, &f, err, sizeof(err)), FETCH_OK,
           "guids: ok");
    ok(item(&f, "https://g.example/true") != NULL, "guid isPermaLink=true: the item's link");
    ok(!item(&f, "https://g.example/false") && !item(&f, "https://g.example/F2"),
       "guid isPermaLink=false (any case): never a link");
    ok(item(&f, "https://g.example/link-l") && !item(&f, "https://g.example/guid-l"),
       "guid with a <link>: the link wins");
    is_int(f.n, 2, "guids: 2 items (a tag: URI guid is no http link)");
    fetch_feed_free(&f);

    /* xml:base on the channel, on an item, relative to its parent's. */
    static const char bases[] =
        "<rss version=\"2.0\"><channel xml:base=\"https://b.example/site/\">"
        "<item><title>1</title><link>one</link></item>"
        "<item xml:base=\"2025/\"><title>2</title><link>two</link></item>"
        "<item><title>3</title><link xml:base=\"https://other.example/x/\">three</link></item>"
        "<item><title>4</title><guid>/four</guid></item>"
        "</channel></rss>";
    is_int(
        fetch_feed_parse(bases, strlen(bases), "https://feed.example/rss", 0, &f, err, sizeof(err)),
        FETCH_OK, "xml:base rss: ok");
    ok(item(&f, "https://b.example/site/one") != NULL, "xml:base on the channel");
    ok(item(&f, "https://b.example/site/2025/two") != NULL,
       "xml:base on an item, relative to the channel's");
    ok(item(&f, "https://other.example/x/three") != NULL, "xml:base on the <link> itself");
    ok(item(&f, "https://b.example/four") != NULL, "a permalink guid resolved against xml:base");
    fetch_feed_free(&f);
    static const char atom_bases[] =
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"https://c.example/blog/\">"
        "<entry xml:base=\"posts/\"><title>E</title><link href=\"e1\"/></entry>"
        "<entry><title>F</title><link xml:base=\"/root/\" href=\"f1\"/></entry></feed>";
    is_int(fetch_feed_parse(atom_bases, strlen(atom_bases), "https://feed.example/atom", 0, &f, err,
                            sizeof(err)),
           FETCH_OK, "xml:base atom: ok");
    ok(item(&f, "https://c.example/blog/posts/e1") != NULL,
       "xml:base on an entry, relative to the feed's");
    ok(item(&f, "https://c.example/root/f1") != NULL, "xml:base on an Atom <link>");
    fetch_feed_free(&f);
}

/* Error texts and header values on their way into JSON and LMDB. */
static void test_text_clean(void)
{
    char out[64], small[8];
    is_str(fetch_text_clean("plain \xc3\xa9t\xc3\xa9", out, sizeof(out)), "plain \xc3\xa9t\xc3\xa9",
           "clean: valid UTF-8 is kept");
    is_str(fetch_text_clean("not an HTML page: x/\xff\xfe", out, sizeof(out)),
           "not an HTML page: x/\xef\xbf\xbd\xef\xbf\xbd", "clean: each bad byte is U+FFFD");
    is_str(fetch_text_clean("a\xe9"
                            "b",
                            out, sizeof(out)),
           "a\xef\xbf\xbd"
           "b",
           "clean: a latin-1 byte inside ASCII is U+FFFD");
    is_str(fetch_text_clean("\xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80", out, sizeof(out)),
           "\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd "
           "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
           "clean: overlong, surrogate and > U+10FFFF sequences are replaced");
    is_str(fetch_text_clean("line1\r\nline2\t\x7f", out, sizeof(out)),
           "line1\\x0d\\x0aline2\\x09\\x7f", "clean: control characters are escaped as \\xNN");
    is_str(fetch_text_clean("ab\xe2\x82\xac", small, 5), "ab",
           "clean: cut before a character, never inside");
    is_str(fetch_text_clean("abc\x01", small, 6), "abc",
           "clean: cut before an escape, never inside");
    is_str(fetch_text_clean(NULL, out, sizeof(out)), "", "clean: NULL is empty");
    ok(ecf_utf8_valid(fetch_text_clean("\xe4\xb8\xad\xe4\xb8", small, sizeof(small)), strlen(small),
                      NULL),
       "clean: a truncated sequence at the end is replaced, the result is valid");
}

/* Whose canonical URL a page may name. */
static void test_same_site(void)
{
    ok(fetch_url_same_site("http://example.com/a", "https://example.com/b"),
       "same site: same host (scheme may differ)");
    ok(fetch_url_same_site("https://www.example.com/a", "https://example.com/b"),
       "same site: www and the bare domain");
    ok(fetch_url_same_site("https://news.example.co.uk/a", "https://www.example.co.uk/b"),
       "same site: one registrable domain under a two-label public suffix");
    ok(!fetch_url_same_site("https://example.co.uk/a", "https://other.co.uk/a"),
       "other site: two domains under co.uk");
    ok(!fetch_url_same_site("https://evil.example/a", "https://victim.example.com/story"),
       "other site: another domain");
    ok(!fetch_url_same_site("https://alice.github.io/a", "https://bob.github.io/a"),
       "other site: two users of a private suffix (github.io)");
    ok(fetch_url_same_site("http://127.0.0.1:8080/a", "http://127.0.0.1:9090/b"),
       "same site: the same IP address");
    ok(!fetch_url_same_site("http://127.0.0.1/a", "http://10.0.0.1/b"),
       "other site: two IP addresses sharing no domain (not '0.1')");
    ok(!fetch_url_same_site("http://localhost/a", "http://127.0.0.1/b"),
       "other site: localhost and 127.0.0.1");
    ok(!fetch_url_same_site("http://example.com/a", "not a url"), "unparsable: not the same site");
}

/* ftext (buf.c): text of at most max bytes; a piece that does not fit is
 * refused whole, and a later one that fits is still kept. */
static void test_text_cap(void)
{
    struct ftext t;
    ftext_init(&t, 10);
    ok(ftext_add(&t, "0123456789", 10) && t.b.len == 10, "text cap 10: 10 bytes fit");
    ok(!ftext_add(&t, "a", 1) && t.b.len == 10 && strcmp(t.b.p, "0123456789") == 0,
       "text cap 10: the 11th byte is refused, the text kept");
    free(t.b.p);
    ftext_init(&t, 10);
    ok(!ftext_add(&t, "0123456789a", 11) && t.b.len == 0,
       "text cap 10: an 11-byte word is refused");
    ok(ftext_add(&t, "abc", 3) && t.b.len == 3 && strcmp(t.b.p, "abc") == 0,
       "text cap 10: a smaller word after it still fits");
    free(t.b.p);
}

int main(void)
{
    if (fetch_global_init() != FETCH_OK) {
        skip_all("fetch_global_init failed");
        return 0;
    }
    test_urls();
    test_sources();
    test_robots();
    test_dates();
    test_feeds();
    test_feeds_tolerant();
    test_text_clean();
    test_text_cap();
    test_same_site();
    fetch_global_cleanup();
    return done();
}
