/* tests/unit/fetcher/fixture.c — the scenario server for the engine tests. */
#include "fixture.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BIG_BODY ((size_t)200 * 1024)

int64_t fx_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void nap_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

const char *fx_url(const struct fixture *f, const char *path, char *buf, size_t cap)
{
    (void)snprintf(buf, cap, "http://127.0.0.1:%u%s", f->port, path);
    return buf;
}

/* ---- pages ---------------------------------------------------------------- */

static const char robots_txt[] = "# fixture robots.txt\n"
                                 "User-agent: otherbot\n"
                                 "Disallow: /\n"
                                 "\n"
                                 "User-agent: ecfacts\n"
                                 "Disallow: /private/\n"
                                 "Allow: /private/open\n"
                                 "\n"
                                 "User-agent: *\n"
                                 "Disallow: /\n";

/* An article page with all the usual boilerplate around the body. */
static char *article_page(const char *id)
{
    const char *fmt = "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
                      "<title>Article %s | Fixture News</title>"
                      "<meta property=\"og:title\" content=\"Export rules article %s\">"
                      "<meta property=\"article:published_time\" content=\"2025-03-14T09:00:00Z\">"
                      "<script>var tracking = 'SCRIPT-NOISE';</script>"
                      "<style>.x{color:red}</style></head><body>"
                      "<nav><a href=\"/\">NAV-NOISE Home</a> <a href=\"/world\">World</a></nav>"
                      "<header class=\"site-header\">HEADER-NOISE Fixture News</header>"
                      "<article><header><h1>Export rules article %s</h1>"
                      "<time datetime=\"2025-03-15\">March 15</time></header>"
                      "<p>The Commerce Department added   twelve companies\n to the Entity List "
                      "in article %s.</p>"
                      "<p>Nvidia said the <b>new</b> rules restrict H20 exports.</p>"
                      "<div class=\"share-buttons\">SHARE-NOISE on X</div>"
                      "<section id=\"comments\"><p>COMMENT-NOISE first!</p></section>"
                      "</article>"
                      "<aside>ASIDE-NOISE Related stories</aside>"
                      "<div class=\"newsletter-signup\"><form>NEWSLETTER-NOISE <input></form></div>"
                      "<footer>FOOTER-NOISE (c) 2025</footer>"
                      "<noscript>NOSCRIPT-NOISE</noscript></body></html>";
    size_t n = strlen(fmt) + 4 * strlen(id) + 1;
    char *p = malloc(n);
    if (p)
        (void)snprintf(p, n, fmt, id, id, id, id);
    return p;
}

static const char dup_page[] = "<html><head><title>Same story twice</title></head><body><main>"
                               "<p>Identical text served under two URLs.</p></main></body></html>";

static const char canon_page[] =
    "<html><head><title>Canonical story</title>"
    "<link rel=\"canonical\" href=\"/canon\"></head><body>"
    "<p>One story, two addresses, one canonical URL.</p></body></html>";

/* Names another site's URL as its canonical URL. */
static const char canon_evil_page[] =
    "<html><head><title>Claims another site's story</title>"
    "<link rel=\"canonical\" href=\"https://victim.example.com/story\"></head><body>"
    "<p>This page says it is somebody else's article.</p></body></html>";

static const char notitle_page[] = "<html><body><div><p>A page without any title at all.</p>"
                                   "<p>Second paragraph.</p></div></body></html>";

/* "Café “quoted” naïve – €5" in windows-1252 */
static const char latin1_page[] = "<html><head><title>Caf\xe9 news</title></head><body>"
                                  "<p>Caf\xe9 \x93quoted\x94 na\xefve \x96 \x80"
                                  "5</p></body></html>";

static const char meta_charset_page[] =
    "<html><head><meta charset=\"windows-1252\"><title>Meta charset</title></head>"
    "<body><p>Stra\xdf"
    "e \x84Zitat\x93</p></body></html>";

static char *rss_feed(unsigned port)
{
    const char *fmt =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel>"
        "<title>Fixture feed</title><link>http://127.0.0.1:%u/</link>"
        "<item><title>Feed item one</title><link>http://127.0.0.1:%u/a/1</link>"
        "<pubDate>Tue, 04 Mar 2025 10:00:00 GMT</pubDate></item>"
        "<item><title><![CDATA[Feed item two]]></title><link>/a/2</link>"
        "<dc:date>2025-03-05T08:00:00Z</dc:date></item>"
        "<item><title>Repeat of one</title><link>http://127.0.0.1:%u/a/1#frag</link></item>"
        "<item><title>Mail</title><link>mailto:news@example.org</link></item>"
        "<item><title>Untitled page</title><link>/notitle</link>"
        "<pubDate>Wed, 05 Mar 2025 10:00:00 GMT</pubDate></item>"
        "</channel></rss>\n";
    size_t n = strlen(fmt) + 64;
    char *p = malloc(n);
    if (p)
        (void)snprintf(p, n, fmt, port, port, port);
    return p;
}

static const char atom_feed[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Fixture atom</title>"
    "<link rel=\"self\" href=\"/feed.atom\"/>"
    "<entry><title>Atom three</title><link rel=\"alternate\" type=\"text/html\" href=\"/a/3\"/>"
    "<link rel=\"edit\" href=\"/edit/3\"/><updated>2025-02-01T00:00:00Z</updated></entry>"
    "<entry><title type=\"html\">Atom four</title><link href=\"/a/4\"/>"
    "<published>2025-02-02T00:00:00Z</published></entry>"
    "</feed>\n";

static const char broken_feed[] =
    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item><title>Broken"
    "</titl><link>/a/1</link></item></channel>";

/* Cut off in the middle of its closing tag, after two whole items. */
static const char truncated_feed[] =
    "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Cut</title>\n"
    "<item><title>Cut one</title><link>/a/6</link></item>\n"
    "<item><title>Cut two</title><link>/a/7</link></item>\n"
    "</channel></rss";

static const char empty_feed[] =
    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Nothing yet</title>"
    "</channel></rss>";

static char *mixed_feed(void)
{
    static const char s[] = "<rss version=\"2.0\"><channel>"
                            "<item><title>ok</title><link>/a/5</link></item>"
                            "<item><title>robots</title><link>/private/x</link></item>"
                            "<item><title>missing</title><link>/missing</link></item>"
                            "</channel></rss>";
    return strdup(s);
}

/* ---- responses ------------------------------------------------------------- */

static enum MHD_Result send_buf(struct MHD_Connection *c, unsigned status, const char *ctype,
                                const void *body, size_t n, const char *h1, const char *v1)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(n, (void *)(uintptr_t)body, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    if (ctype && MHD_add_response_header(r, "Content-Type", ctype) != MHD_YES) {
        MHD_destroy_response(r);
        return MHD_NO;
    }
    if (h1 && MHD_add_response_header(r, h1, v1) != MHD_YES) {
        MHD_destroy_response(r);
        return MHD_NO;
    }
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_str(struct MHD_Connection *c, unsigned status, const char *ctype,
                                const char *body)
{
    return send_buf(c, status, ctype, body, strlen(body), NULL, NULL);
}

static enum MHD_Result send_owned(struct MHD_Connection *c, unsigned status, const char *ctype,
                                  char *body)
{
    if (!body)
        return MHD_NO;
    enum MHD_Result r = send_str(c, status, ctype, body);
    free(body);
    return r;
}

static enum MHD_Result redirect(struct MHD_Connection *c, const char *to)
{
    return send_buf(c, 302, "text/plain", "moved", 5, "Location", to);
}

static ssize_t read_big(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)cls;
    if (pos >= BIG_BODY)
        return MHD_CONTENT_READER_END_OF_STREAM;
    size_t n = BIG_BODY - (size_t)pos < max ? BIG_BODY - (size_t)pos : max;
    memset(buf, 'a', n);
    return (ssize_t)n;
}

/* Sends nothing for up to 5 s (or until the fixture stops), then fails. */
static ssize_t read_stall(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct fixture *f = cls;
    (void)pos;
    (void)buf;
    (void)max;
    for (int i = 0; i < 500 && !atomic_load(&f->stopping); i++)
        nap_ms(10);
    return MHD_CONTENT_READER_END_WITH_ERROR;
}

/* 100 bytes of a promised 1000, then the connection is closed. */
static ssize_t read_reset(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)cls;
    if (pos > 0 || max < 100)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    memset(buf, ' ', 100);
    return 100;
}

/* robots.txt far past the 512 KiB the fetcher reads: the rules, 600 KiB of
 * comments at once, then a comment line every 50 ms for up to 10 s. */
#define BIG_ROBOTS_FAST ((uint64_t)600 * 1024)
static ssize_t read_robots_big(void *cls, uint64_t pos, char *buf, size_t max)
{
    static const char head[] = "User-agent: ecfacts\nDisallow: /private/\n";
    static const char pad[] = "# padding padding padding padding padding padding padding\n";
    const size_t plen = sizeof(pad) - 1;
    struct fixture *f = cls;
    if (pos == 0 && max >= sizeof(head)) {
        memcpy(buf, head, sizeof(head) - 1);
        return (ssize_t)(sizeof(head) - 1);
    }
    size_t n = 0;
    if (pos + plen > BIG_ROBOTS_FAST) { /* the trickle: one line per call */
        if (atomic_load(&f->stopping) || pos >= BIG_ROBOTS_FAST + 200 * plen)
            return MHD_CONTENT_READER_END_OF_STREAM;
        nap_ms(50);
        if (max >= plen) {
            memcpy(buf, pad, plen);
            n = plen;
        }
    } else {
        while (n + plen <= max && pos + n + plen <= BIG_ROBOTS_FAST) {
            memcpy(buf + n, pad, plen);
            n += plen;
        }
    }
    return n ? (ssize_t)n : MHD_CONTENT_READER_END_WITH_ERROR;
}

static enum MHD_Result send_cb(struct MHD_Connection *c, uint64_t size,
                               MHD_ContentReaderCallback cb, void *cls)
{
    struct MHD_Response *r = MHD_create_response_from_callback(size, 4096, cb, cls, NULL);
    if (!r)
        return MHD_NO;
    if (MHD_add_response_header(r, "Content-Type", "text/html") != MHD_YES) {
        MHD_destroy_response(r);
        return MHD_NO;
    }
    enum MHD_Result ret = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ret;
}

/* ---- routing ---------------------------------------------------------------- */

static void header_copy(struct MHD_Connection *c, const char *name, char *out, size_t cap)
{
    const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
    (void)snprintf(out, cap, "%s", v ? v : "");
}

/* Logs the request; returns how many earlier requests the path had. */
static size_t record(struct fixture *f, struct MHD_Connection *c, const char *path)
{
    struct fx_hit h;
    memset(&h, 0, sizeof(h));
    (void)snprintf(h.path, sizeof(h.path), "%s", path);
    h.t_us = fx_now_us();
    header_copy(c, "If-None-Match", h.if_none_match, sizeof(h.if_none_match));
    header_copy(c, "If-Modified-Since", h.if_modified_since, sizeof(h.if_modified_since));
    header_copy(c, "User-Agent", h.user_agent, sizeof(h.user_agent));
    header_copy(c, "Accept-Encoding", h.accept_encoding, sizeof(h.accept_encoding));
    pthread_mutex_lock(&f->mu);
    size_t before = 0;
    for (size_t i = 0; i < f->n_hits; i++)
        before += strcmp(f->hits[i].path, path) == 0;
    if (f->n_hits < FX_MAX_HITS)
        f->hits[f->n_hits++] = h;
    pthread_mutex_unlock(&f->mu);
    return before;
}

static enum MHD_Result route(struct fixture *f, struct MHD_Connection *c, const char *path)
{
    static const char html[] = "text/html; charset=utf-8";
    size_t seen = record(f, c, path);
    char url[128];

    if (strcmp(path, "/robots.txt") == 0 && atomic_load(&f->big_robots))
        return send_cb(c, MHD_SIZE_UNKNOWN, read_robots_big, f);
    if (strcmp(path, "/robots.txt") == 0)
        return send_str(c, 200, "text/plain", robots_txt);
    if (strcmp(path, "/feed.rss") == 0)
        return send_owned(c, 200, "application/rss+xml", rss_feed(f->port));
    if (strcmp(path, "/feed.atom") == 0)
        return send_str(c, 200, "application/atom+xml", atom_feed);
    if (strcmp(path, "/broken.rss") == 0)
        return send_str(c, 200, "application/rss+xml", broken_feed);
    if (strcmp(path, "/truncated.rss") == 0)
        return send_str(c, 200, "application/rss+xml", truncated_feed);
    if (strcmp(path, "/empty.rss") == 0)
        return send_str(c, 200, "application/rss+xml", empty_feed);
    if (strcmp(path, "/mixed.rss") == 0)
        return send_owned(c, 200, "text/xml", mixed_feed());
    if (strncmp(path, "/a/", 3) == 0 || strncmp(path, "/private/", 9) == 0)
        return send_owned(c, 200, html, article_page(strrchr(path, '/') + 1));
    if (strcmp(path, "/dup1") == 0 || strcmp(path, "/dup2") == 0)
        return send_str(c, 200, html, dup_page);
    if (strcmp(path, "/canon-a") == 0 || strcmp(path, "/canon-b") == 0 ||
        strcmp(path, "/canon") == 0)
        return send_str(c, 200, html, canon_page);
    if (strcmp(path, "/canon-evil") == 0)
        return send_str(c, 200, html, canon_evil_page);
    if (strcmp(path, "/doc.pdf") == 0)
        return send_str(c, 200, "application/pdf", "%PDF-1.4 binary");
    if (strcmp(path, "/notitle") == 0)
        return send_str(c, 200, html, notitle_page);
    if (strcmp(path, "/latin1") == 0)
        return send_str(c, 200, "text/html; charset=ISO-8859-1", latin1_page);
    if (strcmp(path, "/meta-charset") == 0)
        return send_str(c, 200, "text/html", meta_charset_page);
    if (strcmp(path, "/etag") == 0) {
        const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
        if (inm && strcmp(inm, "\"v1\"") == 0)
            return send_buf(c, 304, NULL, "", 0, "ETag", "\"v1\"");
        char *page = article_page("etag");
        if (!page)
            return MHD_NO;
        enum MHD_Result r = send_buf(c, 200, html, page, strlen(page), "ETag", "\"v1\"");
        free(page);
        return r;
    }
    if (strcmp(path, "/flaky500") == 0) {
        if (seen == 0)
            return send_str(c, 500, "text/plain", "server error");
        return send_owned(c, 200, html, article_page("flaky"));
    }
    if (strcmp(path, "/always503") == 0)
        return send_str(c, 503, "text/plain", "unavailable");
    if (strcmp(path, "/ratelimit") == 0) {
        if (seen == 0)
            return send_buf(c, 429, "text/plain", "slow down", 9, "Retry-After", "1");
        return send_owned(c, 200, html, article_page("ratelimit"));
    }
    if (strcmp(path, "/loop1") == 0)
        return redirect(c, "/loop2");
    if (strcmp(path, "/loop2") == 0)
        return redirect(c, "/loop1");
    if (strcmp(path, "/to-ftp") == 0)
        return redirect(c, "ftp://127.0.0.1/file");
    if (strncmp(path, "/to-port/", 9) == 0) {
        /* /to-port/N/rest -> http://127.0.0.1:N/rest */
        char *end = NULL;
        unsigned long port = strtoul(path + 9, &end, 10);
        (void)snprintf(url, sizeof(url), "http://127.0.0.1:%lu%s", port, end ? end : "/");
        return redirect(c, url);
    }
    if (strcmp(path, "/to-a1") == 0)
        return redirect(c, fx_url(f, "/a/1", url, sizeof(url)));
    if (strcmp(path, "/big") == 0) {
        char *p = malloc(BIG_BODY);
        if (!p)
            return MHD_NO;
        memset(p, 'b', BIG_BODY);
        enum MHD_Result r = send_buf(c, 200, html, p, BIG_BODY, NULL, NULL);
        free(p);
        return r;
    }
    if (strcmp(path, "/big-chunked") == 0)
        return send_cb(c, MHD_SIZE_UNKNOWN, read_big, f);
    if (strcmp(path, "/stall") == 0)
        return send_cb(c, MHD_SIZE_UNKNOWN, read_stall, f);
    if (strcmp(path, "/reset") == 0) {
        if (seen == 0)
            return send_cb(c, 1000, read_reset, f);
        return send_owned(c, 200, html, article_page("reset"));
    }
    if (strncmp(path, "/slow/", 6) == 0) {
        pthread_mutex_lock(&f->mu);
        if (++f->active > f->max_active)
            f->max_active = f->active;
        pthread_mutex_unlock(&f->mu);
        nap_ms(150);
        pthread_mutex_lock(&f->mu);
        f->active--;
        pthread_mutex_unlock(&f->mu);
        return send_owned(c, 200, html, article_page(path + 6));
    }
    return send_str(c, 404, "text/plain", "not found");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **req_cls)
{
    static int first_call_marker;
    (void)version;
    (void)upload;
    (void)upload_size;
    /* Answer on the second call: an early response would force Connection: close. */
    if (!*req_cls) {
        *req_cls = &first_call_marker;
        return MHD_YES;
    }
    if (strcmp(method, "GET") != 0)
        return send_str(c, 405, "text/plain", "GET only");
    return route(cls, c, url);
}

int fx_start(struct fixture *f)
{
    memset(f, 0, sizeof(*f));
    pthread_mutex_init(&f->mu, NULL);
    atomic_store(&f->stopping, 0);
    atomic_store(&f->big_robots, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = 0;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    f->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0,
                            NULL, NULL, on_request, f, MHD_OPTION_SOCK_ADDR, &sa,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10, MHD_OPTION_END);
    if (!f->d)
        return -1;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(f->d, MHD_DAEMON_INFO_BIND_PORT);
    if (!info || !info->port) {
        MHD_stop_daemon(f->d);
        f->d = NULL;
        return -1;
    }
    f->port = info->port;
    return 0;
}

void fx_stop(struct fixture *f)
{
    atomic_store(&f->stopping, 1);
    if (f->d)
        MHD_stop_daemon(f->d);
    f->d = NULL;
    pthread_mutex_destroy(&f->mu);
}

void fx_reset(struct fixture *f)
{
    pthread_mutex_lock(&f->mu);
    f->n_hits = 0;
    f->active = f->max_active = 0;
    pthread_mutex_unlock(&f->mu);
}

size_t fx_count(struct fixture *f, const char *path)
{
    size_t n = 0;
    pthread_mutex_lock(&f->mu);
    for (size_t i = 0; i < f->n_hits; i++)
        n += strcmp(f->hits[i].path, path) == 0;
    pthread_mutex_unlock(&f->mu);
    return n;
}

int fx_hit(struct fixture *f, const char *path, size_t nth, struct fx_hit *out)
{
    int rc = -1;
    pthread_mutex_lock(&f->mu);
    for (size_t i = 0; i < f->n_hits; i++)
        if (strcmp(f->hits[i].path, path) == 0 && nth-- == 0) {
            *out = f->hits[i];
            rc = 0;
            break;
        }
    pthread_mutex_unlock(&f->mu);
    return rc;
}
