/* tests/unit/fetcher/test_engine.c — the fetch engine against the in-process
 * fixture server on 127.0.0.1 (no other network). Callbacks keep everything
 * in memory. Timing is only ever asserted as a lower bound. */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "fetcher/fetch.h"
#include "fixture.h"
#include "tests/tap.h"

#define MAX_REC 64

struct art {
    char *url, *final_url, *canon, *title, *date, *text, *etag, *lastmod, *source;
    long status;
};

struct rep {
    char *url, *error, *note;
    enum fetch_err err;
    long status;
    bool is_feed, not_modified;
    size_t found, stored, dup, notmod, failed;
};

struct item {
    char *url, *error;
    enum fetch_err err;
    unsigned attempts;
    long status;
};

struct mem {
    struct art arts[MAX_REC];
    size_t n_arts;
    char hashes[MAX_REC][65];
    size_t n_hashes;
    struct rep reps[MAX_REC];
    size_t n_reps;
    struct item items[MAX_REC];
    size_t n_items;
    size_t lookups, progress_calls;
    struct fetch_progress last;
    struct fetch_engine *cancel_engine; /* cancel after the first finished item */
};

static char *dup_s(const char *s)
{
    return strdup(s ? s : "");
}

static bool cb_lookup(void *user, const char *url, struct fetch_validators *out)
{
    struct mem *m = user;
    m->lookups++;
    for (size_t i = m->n_arts; i-- > 0;)
        if (strcmp(m->arts[i].url, url) == 0 && (m->arts[i].etag[0] || m->arts[i].lastmod[0])) {
            ecf_strlcpy(out->etag, m->arts[i].etag, sizeof(out->etag));
            ecf_strlcpy(out->last_modified, m->arts[i].lastmod, sizeof(out->last_modified));
            return true;
        }
    return false;
}

/* Keeps every handed-over article; content seen before is a duplicate. */
static enum fetch_store_result cb_store(void *user, const struct fetch_article *a)
{
    struct mem *m = user;
    if (m->n_arts == MAX_REC)
        return FETCH_STORE_ERROR;
    struct art *r = &m->arts[m->n_arts++];
    r->url = dup_s(a->url);
    r->final_url = dup_s(a->final_url);
    r->canon = dup_s(a->canonical_url);
    r->title = dup_s(a->title);
    r->date = dup_s(a->date);
    r->text = dup_s(a->text);
    r->etag = dup_s(a->etag);
    r->lastmod = dup_s(a->last_modified);
    r->source = dup_s(a->source_url);
    r->status = a->http_status;
    char h[65];
    ecf_sha256_hex(a->text, a->text_len, h);
    for (size_t i = 0; i < m->n_hashes; i++)
        if (strcmp(m->hashes[i], h) == 0)
            return FETCH_STORE_DUPLICATE;
    memcpy(m->hashes[m->n_hashes++], h, sizeof(h));
    return FETCH_STORE_OK;
}

static void cb_report(void *user, const struct fetch_source_report *r)
{
    struct mem *m = user;
    if (m->n_reps == MAX_REC)
        return;
    struct rep *p = &m->reps[m->n_reps++];
    p->url = dup_s(r->url);
    p->error = dup_s(r->error);
    p->note = dup_s(r->note);
    p->err = r->err;
    p->status = r->http_status;
    p->is_feed = r->is_feed;
    p->not_modified = r->not_modified;
    p->found = r->items_found;
    p->stored = r->items_stored;
    p->dup = r->items_duplicate;
    p->notmod = r->items_not_modified;
    p->failed = r->items_failed;
}

static void cb_item(void *user, const struct fetch_item_report *r)
{
    struct mem *m = user;
    if (m->n_items == MAX_REC)
        return;
    struct item *p = &m->items[m->n_items++];
    p->url = dup_s(r->url);
    p->error = dup_s(r->error);
    p->err = r->err;
    p->attempts = r->attempts;
    p->status = r->http_status;
}

static void cb_progress(void *user, const struct fetch_progress *p)
{
    struct mem *m = user;
    m->progress_calls++;
    m->last = *p;
    if (m->cancel_engine && p->items_done >= 1)
        fetch_engine_cancel(m->cancel_engine);
}

static void mem_clear(struct mem *m)
{
    for (size_t i = 0; i < m->n_arts; i++) {
        struct art *a = &m->arts[i];
        free(a->url);
        free(a->final_url);
        free(a->canon);
        free(a->title);
        free(a->date);
        free(a->text);
        free(a->etag);
        free(a->lastmod);
        free(a->source);
    }
    for (size_t i = 0; i < m->n_reps; i++) {
        free(m->reps[i].url);
        free(m->reps[i].error);
        free(m->reps[i].note);
    }
    for (size_t i = 0; i < m->n_items; i++) {
        free(m->items[i].url);
        free(m->items[i].error);
    }
    memset(m, 0, sizeof(*m));
}

static struct fixture fx, fx2;
static struct mem mem;

static const struct rep *rep_for(const char *path)
{
    char u[256];
    fx_url(&fx, path, u, sizeof(u));
    for (size_t i = 0; i < mem.n_reps; i++)
        if (strcmp(mem.reps[i].url, u) == 0)
            return &mem.reps[i];
    return NULL;
}

static const struct art *art_for(const char *path)
{
    char u[256];
    fx_url(&fx, path, u, sizeof(u));
    for (size_t i = 0; i < mem.n_arts; i++)
        if (strcmp(mem.arts[i].url, u) == 0)
            return &mem.arts[i];
    return NULL;
}

static const struct item *item_for(const char *path)
{
    char u[256];
    fx_url(&fx, path, u, sizeof(u));
    for (size_t i = 0; i < mem.n_items; i++)
        if (strcmp(mem.items[i].url, u) == 0)
            return &mem.items[i];
    return NULL;
}

static void test_settings(struct fetch_settings *s)
{
    fetch_settings_default(s);
    s->allow_private = true; /* the fixture lives on 127.0.0.1 */
    s->host_delay_ms = 0;
    s->backoff_base_ms = 10;
    s->backoff_max_ms = 100;
    s->timeout_ms = 5000;
    s->connect_timeout_ms = 2000;
}

/* Runs one engine over the paths (on the fixture unless a path starts with
 * "http"); returns the run's result. The request log is reset first. */
static enum fetch_err run(const struct fetch_settings *s, const char *const *paths, bool keep_mem)
{
    struct fetch_callbacks cb = {
        .user = &mem,
        .lookup_validators = cb_lookup,
        .store_article = cb_store,
        .report_source = cb_report,
        .report_item = cb_item,
        .progress = cb_progress,
    };
    struct fetch_engine *e = NULL;
    char u[256];
    if (!keep_mem)
        mem_clear(&mem);
    fx_reset(&fx);
    fx_reset(&fx2);
    if (fetch_engine_new(s, &cb, &e) != FETCH_OK)
        return FETCH_E_NOMEM;
    for (; *paths; paths++) {
        const char *url =
            strncmp(*paths, "http", 4) == 0 ? *paths : fx_url(&fx, *paths, u, sizeof(u));
        if (fetch_engine_add(e, url) != FETCH_OK)
            printf("# cannot add %s\n", url);
    }
    if (mem.cancel_engine)
        mem.cancel_engine = e;
    enum fetch_err err = fetch_engine_run(e);
    fetch_engine_free(e);
    return err;
}

static bool has(const char *hay, const char *needle)
{
    return hay && strstr(hay, needle) != NULL;
}

static bool no_noise(const char *text)
{
    return text && !strstr(text, "NOISE");
}

static void test_rss(void)
{
    struct fetch_settings s;
    test_settings(&s);
    const char *src[] = {"/feed.rss", NULL};
    is_int(run(&s, src, false), FETCH_OK, "rss: run ok");
    const struct rep *r = rep_for("/feed.rss");
    ok(r && r->is_feed && r->err == FETCH_OK, "rss: reported as a feed without error");
    is_int(r ? r->found : 0, 3, "rss: 3 items (fragment repeat and mailto dropped)");
    is_int(r ? r->stored : 0, 3, "rss: 3 stored");
    is_int(r ? r->failed : 9, 0, "rss: none failed");
    const struct art *a1 = art_for("/a/1");
    ok(a1 != NULL, "rss: /a/1 handed over");
    is_str(a1 ? a1->title : NULL, "Export rules article 1", "rss: page title (og:title) wins");
    is_str(a1 ? a1->date : NULL, "2025-03-14", "rss: date from article:published_time");
    ok(a1 && strncmp(a1->text, "Export rules article 1\n\n", 24) == 0,
       "rss: text starts with the title line and a blank line");
    ok(a1 && has(a1->text, "The Commerce Department added twelve companies to the Entity List "
                           "in article 1.\n\nNvidia said the new rules restrict H20 exports."),
       "rss: body paragraphs kept, whitespace normalised, blank line between");
    ok(a1 && no_noise(a1->text), "rss: nav/header/aside/footer/share/comments/script stripped");
    const struct art *a2 = art_for("/a/2");
    ok(a2 != NULL, "rss: relative link /a/2 resolved and fetched");
    const struct art *nt = art_for("/notitle");
    is_str(nt ? nt->title : NULL, "Untitled page", "rss: feed title fills a page without one");
    is_str(nt ? nt->date : NULL, "2025-03-05", "rss: feed pubDate fills a page without a date");
    ok(nt && strncmp(nt->text, "Untitled page\n\nA page without", 29) == 0,
       "rss: text of an untitled page gets the feed title line");
    is_int(fx_count(&fx, "/robots.txt"), 1, "rss: robots.txt fetched once for the host");
    is_int(fx_count(&fx, "/a/1"), 1, "rss: /a/1 fetched once");
    struct fx_hit h;
    ok(fx_hit(&fx, "/a/1", 0, &h) == 0 && strcmp(h.user_agent, FETCH_USER_AGENT) == 0,
       "rss: identifying User-Agent sent");
    ok(fx_hit(&fx, "/a/1", 0, &h) == 0 && has(h.accept_encoding, "gzip") &&
           has(h.accept_encoding, "deflate"),
       "rss: Accept-Encoding offers gzip and deflate");
    ok(mem.progress_calls > 0 && mem.last.items_done == mem.last.items_total &&
           mem.last.items_total == 4 && mem.last.sources_done == 1 && mem.last.bytes > 0 &&
           mem.last.stored == 3,
       "rss: progress counts items, sources and bytes");
}

static void test_atom(void)
{
    struct fetch_settings s;
    test_settings(&s);
    const char *src[] = {"/feed.atom", NULL};
    is_int(run(&s, src, false), FETCH_OK, "atom: run ok");
    const struct rep *r = rep_for("/feed.atom");
    ok(r && r->is_feed && r->found == 2 && r->stored == 2, "atom: 2 entries found and stored");
    ok(art_for("/a/3") && art_for("/a/4"), "atom: alternate links fetched, self/edit ignored");
    is_int(fx_count(&fx, "/edit/3"), 0, "atom: rel=edit not followed");
}

static void test_bad_feeds(void)
{
    struct fetch_settings s;
    test_settings(&s);
    const char *src[] = {"/broken.rss", "/empty.rss", NULL};
    is_int(run(&s, src, false), FETCH_OK, "feeds: run ok");
    const struct rep *b = rep_for("/broken.rss");
    ok(b && b->err == FETCH_E_PARSE && has(b->error, "broken XML"),
       "broken XML: clear parse error");
    if (b)
        printf("# broken: %s\n", b->error);
    const struct rep *e = rep_for("/empty.rss");
    ok(e && e->err == FETCH_OK && e->is_feed && e->found == 0, "empty feed: ok, zero items");
    is_int(mem.n_arts, 0, "feeds: nothing handed over");
}

/* A feed cut short: its whole items are fetched, the source says what broke. */
static void test_truncated_feed(void)
{
    struct fetch_settings s;
    test_settings(&s);
    const char *src[] = {"/truncated.rss", NULL};
    is_int(run(&s, src, false), FETCH_OK, "truncated feed: run ok");
    const struct rep *r = rep_for("/truncated.rss");
    ok(r && r->is_feed && r->err == FETCH_OK && r->error[0] == '\0',
       "truncated feed: the source is not failed");
    ok(r && r->found == 2 && r->stored == 2 && r->failed == 0,
       "truncated feed: the 2 items before the break found and stored");
    ok(r && has(r->note, "feed cut short") && has(r->note, "broken XML at line 5") &&
           has(r->note, "kept the 2 items"),
       "truncated feed: the note names the break and what was kept");
    if (r)
        printf("# note: %s\n", r->note);
    ok(art_for("/a/6") && art_for("/a/7"), "truncated feed: both articles handed over");
}

static void test_charsets(void)
{
    struct fetch_settings s;
    test_settings(&s);
    const char *src[] = {"/latin1", "/meta-charset", "/notitle", NULL};
    is_int(run(&s, src, false), FETCH_OK, "charsets: run ok");
    const struct art *l = art_for("/latin1");
    is_str(l ? l->title : NULL, "Caf\xc3\xa9 news", "latin1: title converted");
    ok(l && has(l->text, "Caf\xc3\xa9 \xe2\x80\x9cquoted\xe2\x80\x9d na\xc3\xafve \xe2\x80\x93 "
                         "\xe2\x82\xac"
                         "5"),
       "latin1: ISO-8859-1/windows-1252 bytes become UTF-8");
    ok(l && ecf_utf8_valid(l->text, strlen(l->text), NULL), "latin1: valid UTF-8");
    const struct art *mc = art_for("/meta-charset");
    ok(mc && has(mc->text, "Stra\xc3\x9f"
                           "e \xe2\x80\x9eZitat\xe2\x80\x9c"),
       "meta charset: <meta charset=windows-1252> honoured");
    const struct art *nt = art_for("/notitle");
    is_str(nt ? nt->title : NULL, "", "no title: title is empty");
    is_str(nt ? nt->text : NULL, "A page without any title at all.\n\nSecond paragraph.\n",
           "no title: text is the body alone");
    const struct rep *r = rep_for("/notitle");
    ok(r && !r->is_feed && r->found == 1 && r->stored == 1, "article source: 1 found, 1 stored");
}

static void test_conditional(void)
{
    struct fetch_settings s;
    test_settings(&s);
    const char *src[] = {"/etag", NULL};
    is_int(run(&s, src, false), FETCH_OK, "304: first run ok");
    const struct art *a = art_for("/etag");
    is_str(a ? a->etag : NULL, "\"v1\"", "304: ETag handed over with the article");
    size_t before = mem.n_arts;
    is_int(run(&s, src, true), FETCH_OK, "304: second run ok");
    const struct rep *r = NULL;
    for (size_t i = 0; i < mem.n_reps; i++)
        if (has(mem.reps[i].url, "/etag"))
            r = &mem.reps[i]; /* the last one */
    ok(r && r->not_modified && r->err == FETCH_OK && r->status == 304,
       "304: second fetch reported not modified");
    is_int(mem.n_arts, before, "304: nothing handed over the second time");
    struct fx_hit h;
    ok(fx_hit(&fx, "/etag", 0, &h) == 0 && strcmp(h.if_none_match, "\"v1\"") == 0,
       "304: If-None-Match sent from the stored validators");
}

static void test_retries(void)
{
    struct fetch_settings s;
    test_settings(&s);
    const char *src[] = {"/flaky500", "/always503", "/reset", NULL};
    is_int(run(&s, src, false), FETCH_OK, "retry: run ok");
    ok(art_for("/flaky500") != NULL, "500 then 200: article handed over");
    is_int(fx_count(&fx, "/flaky500"), 2, "500 then 200: two requests");
    const struct item *it = item_for("/flaky500");
    is_int(it ? it->attempts : 0, 2, "500 then 200: item reports 2 attempts");
    const struct rep *r = rep_for("/always503");
    ok(r && r->err == FETCH_E_HTTP && has(r->error, "503"), "always 503: HTTP error reported");
    is_int(fx_count(&fx, "/always503"), 3, "always 503: max_attempts (3) requests");
    ok(art_for("/reset") != NULL, "connection reset mid-body: retried, then handed over");
    is_int(fx_count(&fx, "/reset"), 2, "connection reset: two requests");
}

static void test_retry_after(void)
{
    struct fetch_settings s;
    test_settings(&s);
    const char *src[] = {"/ratelimit", NULL};
    is_int(run(&s, src, false), FETCH_OK, "429: run ok");
    ok(art_for("/ratelimit") != NULL, "429: handed over after the retry");
    struct fx_hit h1, h2;
    bool both = fx_hit(&fx, "/ratelimit", 0, &h1) == 0 && fx_hit(&fx, "/ratelimit", 1, &h2) == 0;
    ok(both, "429: two requests");
    long gap_ms = both ? (long)((h2.t_us - h1.t_us) / 1000) : 0;
    ok(gap_ms >= 950, "429: Retry-After: 1 honoured (server saw %ld ms between requests)", gap_ms);
}

static void test_redirects(void)
{
    struct fetch_settings s;
    test_settings(&s);
    const char *src[] = {"/loop1", "/to-ftp", "/to-a1", NULL};
    is_int(run(&s, src, false), FETCH_OK, "redirects: run ok");
    const struct rep *r = rep_for("/loop1");
    ok(r && r->err == FETCH_E_REDIRECT, "redirect loop: error");
    if (r)
        printf("# loop: %s\n", r->error);
    ok(fx_count(&fx, "/loop1") + fx_count(&fx, "/loop2") <= 6, "redirect loop: at most 6 requests");
    r = rep_for("/to-ftp");
    ok(r && r->err == FETCH_E_PROTOCOL, "redirect to ftp: refused");
    const struct art *a = art_for("/to-a1");
    char want[256];
    ok(a && strcmp(a->final_url, fx_url(&fx, "/a/1", want, sizeof(want))) == 0,
       "redirect followed: final URL reported");
}

static void test_private(void)
{
    struct fetch_settings s;
    char exempt[64], path[128], direct[256];
    test_settings(&s);
    s.allow_private = false;
    (void)snprintf(exempt, sizeof(exempt), "127.0.0.1:%u", fx.port);
    const char *allow[] = {exempt, NULL};
    s.allow_addrs = allow;
    (void)snprintf(path, sizeof(path), "/to-port/%u/a/1", fx2.port);
    fx_url(&fx2, "/a/2", direct, sizeof(direct));
    const char *src[] = {path, direct, "/a/9", NULL};
    is_int(run(&s, src, false), FETCH_OK, "private: run ok");
    const struct rep *r = rep_for(path);
    ok(r && r->err == FETCH_E_ADDRESS && has(r->error, "127.0.0.1 is loopback"),
       "redirect to 127.0.0.1 with allow_private off: refused");
    if (r)
        printf("# private: %s\n", r->error);
    const struct rep *d = NULL;
    for (size_t i = 0; i < mem.n_reps; i++)
        if (strcmp(mem.reps[i].url, direct) == 0)
            d = &mem.reps[i];
    ok(d && d->err == FETCH_E_ADDRESS, "direct URL on a loopback address: refused");
    is_int(fx2.n_hits, 0, "private: the refused server never saw a request");
    ok(art_for("/a/9") != NULL, "private: an exempted address:port is still fetched");
}

static void test_limits(void)
{
    struct fetch_settings s;
    test_settings(&s);
    s.max_body = (size_t)64 * 1024;
    const char *src[] = {"/big", "/big-chunked", NULL};
    is_int(run(&s, src, false), FETCH_OK, "size: run ok");
    const struct rep *r = rep_for("/big");
    ok(r && r->err == FETCH_E_TOOBIG, "body over max_body (Content-Length): error");
    r = rep_for("/big-chunked");
    ok(r && r->err == FETCH_E_TOOBIG, "body over max_body (chunked, cut while receiving): error");
    is_int(mem.n_arts, 0, "size: nothing handed over");
    is_int(fx_count(&fx, "/big-chunked"), 1, "size: not retried");
    const char *pdf[] = {"/doc.pdf", NULL};
    is_int(run(&s, pdf, false), FETCH_OK, "content type: run ok");
    r = rep_for("/doc.pdf");
    ok(r && r->err == FETCH_E_CONTENT && strstr(r->error, "application/pdf"),
       "content type: a PDF is not handed over as text");
}

static void test_stall(void)
{
    struct fetch_settings s;
    test_settings(&s);
    s.timeout_ms = 1000;
    s.max_attempts = 1;
    const char *src[] = {"/stall", NULL};
    int64_t t0 = fx_now_us();
    is_int(run(&s, src, false), FETCH_OK, "stall: run ok");
    long ms = (long)((fx_now_us() - t0) / 1000);
    const struct rep *r = rep_for("/stall");
    ok(r && r->err == FETCH_E_TIMEOUT, "stalled server: timeout error");
    ok(ms >= 900 && ms < 4000, "stall: gave up after the total timeout (%ld ms)", ms);
}

static void test_robots(void)
{
    struct fetch_settings s;
    test_settings(&s);
    const char *src[] = {"/private/secret", "/private/open", "/a/8", NULL};
    is_int(run(&s, src, false), FETCH_OK, "robots: run ok");
    const struct rep *r = rep_for("/private/secret");
    ok(r && r->err == FETCH_E_ROBOTS && has(r->error, "robots.txt"),
       "robots: Disallow for ecfacts refuses the URL");
    is_int(fx_count(&fx, "/private/secret"), 0, "robots: no request made to the page");
    ok(art_for("/private/open") != NULL, "robots: the longer Allow rule wins");
    ok(art_for("/a/8") != NULL, "robots: the * group (Disallow: /) does not apply to us");
    is_int(fx_count(&fx, "/robots.txt"), 1, "robots: fetched once per run");
}

static void test_dups(void)
{
    struct fetch_settings s;
    test_settings(&s);
    const char *src[] = {"/dup1", "/dup2", NULL};
    is_int(run(&s, src, false), FETCH_OK, "dup: run ok");
    const struct art *a = art_for("/dup1"), *b = art_for("/dup2");
    ok(a && b, "dup content: both URLs fetched and handed over");
    ok(a && b && strcmp(a->text, b->text) == 0, "dup content: identical text");
    const struct rep *r1 = rep_for("/dup1"), *r2 = rep_for("/dup2");
    ok(r1 && r2 && r1->stored + r2->stored == 1 && r1->dup + r2->dup == 1,
       "dup content: the callback's verdict is counted (1 stored, 1 duplicate)");

    test_settings(&s);
    s.max_per_host = 1; /* deterministic order */
    const char *src2[] = {"/canon-a", "/canon-b", "/canon", NULL};
    is_int(run(&s, src2, false), FETCH_OK, "canonical: run ok");
    is_int(mem.n_arts, 1, "canonical: one canonical URL handed over once");
    char want[256];
    ok(mem.n_arts == 1 && strcmp(mem.arts[0].canon, fx_url(&fx, "/canon", want, sizeof(want))) == 0,
       "canonical: <link rel=canonical> resolved and reported");
    const struct rep *rb = rep_for("/canon-b");
    ok(rb && rb->dup == 1 && rb->err == FETCH_OK, "canonical: second URL counted as duplicate");
    is_int(fx_count(&fx, "/canon"), 0, "canonical: the canonical URL itself is not fetched again");
}

/* A page may not claim another site's URL as its canonical URL. */
static void test_canonical_site(void)
{
    struct fetch_settings s;
    char want[256];
    test_settings(&s);
    const char *src[] = {"/canon-evil", "/canon", NULL};
    is_int(run(&s, src, false), FETCH_OK, "canonical site: run ok");
    const struct art *a = art_for("/canon-evil");
    ok(a && strcmp(a->canon, fx_url(&fx, "/canon-evil", want, sizeof(want))) == 0,
       "canonical on another site: ignored, the page goes under its own URL");
    if (a)
        printf("# canonical handed over: %s\n", a->canon);
    const struct rep *r = rep_for("/canon-evil");
    ok(r && r->err == FETCH_OK && r->stored == 1 && has(r->note, "another site") &&
           has(r->note, "victim.example.com"),
       "canonical on another site: stored, and the source report says it was ignored");
    if (r)
        printf("# note: %s\n", r->note);
    const struct art *c = art_for("/canon");
    ok(c && strcmp(c->canon, fx_url(&fx, "/canon", want, sizeof(want))) == 0,
       "canonical on the same host: still trusted");
    const struct rep *rc = rep_for("/canon");
    ok(rc && rc->note[0] == '\0', "canonical on the same host: no note");
}

/* robots.txt past 512 KiB: the prefix is parsed, the transfer is not read to
 * the timeout (which would disallow the whole host). */
static void test_robots_big(void)
{
    struct fetch_settings s;
    char page[256], priv[256];
    test_settings(&s);
    s.timeout_ms = 3000;
    s.max_attempts = 1;
    atomic_store(&fx2.big_robots, 1);
    fx_url(&fx2, "/a/77", page, sizeof(page));
    fx_url(&fx2, "/private/x", priv, sizeof(priv));
    const char *src[] = {page, priv, NULL};
    int64_t t0 = fx_now_us();
    is_int(run(&s, src, false), FETCH_OK, "big robots.txt: run ok");
    printf("# big robots.txt: the run took %ld ms (timeout %u ms)\n",
           (long)((fx_now_us() - t0) / 1000), s.timeout_ms);
    const struct rep *r = NULL, *p = NULL;
    for (size_t i = 0; i < mem.n_reps; i++) {
        if (strcmp(mem.reps[i].url, page) == 0)
            r = &mem.reps[i];
        if (strcmp(mem.reps[i].url, priv) == 0)
            p = &mem.reps[i];
    }
    ok(r && r->err == FETCH_OK && r->stored == 1,
       "big robots.txt: cut at the cap and parsed, the host is not disallowed");
    if (r && r->err)
        printf("# %s\n", r->error);
    ok(p && p->err == FETCH_E_ROBOTS, "big robots.txt: the rules in the prefix apply");
    atomic_store(&fx2.big_robots, 0);
}

static void test_mixed_feed(void)
{
    struct fetch_settings s;
    test_settings(&s);
    const char *src[] = {"/mixed.rss", NULL};
    is_int(run(&s, src, false), FETCH_OK, "mixed: run ok");
    const struct rep *r = rep_for("/mixed.rss");
    ok(r && r->found == 3 && r->stored == 1 && r->failed == 2,
       "mixed feed: 3 found, 1 stored, 2 failed");
    const struct item *p = item_for("/private/x"), *m = item_for("/missing");
    ok(p && p->err == FETCH_E_ROBOTS, "mixed feed: robots refusal reported per item");
    ok(m && m->err == FETCH_E_HTTP && m->status == 404 && has(m->error, "404"),
       "mixed feed: 404 reported per item");
    is_int(fx_count(&fx, "/missing"), 1, "mixed feed: 404 not retried");
}

static void test_politeness(void)
{
    struct fetch_settings s;
    test_settings(&s);
    const char *src[] = {"/slow/1", "/slow/2", "/slow/3", "/slow/4", "/slow/5", "/slow/6", NULL};
    is_int(run(&s, src, false), FETCH_OK, "per host: run ok");
    is_int(mem.n_arts, 6, "per host: all 6 handed over");
    ok(fx.max_active >= 1 && fx.max_active <= 2,
       "per host: at most 2 requests in flight to one host (saw %d)", fx.max_active);

    test_settings(&s);
    s.host_delay_ms = 100;
    const char *src2[] = {"/a/11", "/a/12", "/a/13", NULL};
    int64_t t0 = fx_now_us();
    is_int(run(&s, src2, false), FETCH_OK, "host delay: run ok");
    long ms = (long)((fx_now_us() - t0) / 1000);
    ok(ms >= 300, "host delay: 4 requests (robots + 3) spaced 100 ms take >= 300 ms (%ld)", ms);
}

static void test_api(void)
{
    struct fetch_callbacks cb = {.user = &mem, .store_article = cb_store};
    struct fetch_callbacks none = {0};
    struct fetch_engine *e = NULL;
    is_int(fetch_engine_new(NULL, &none, &e), FETCH_E_INVALID, "api: store_article is required");
    struct fetch_settings s;
    test_settings(&s);
    s.max_in_flight = 0;
    is_int(fetch_engine_new(&s, &cb, &e), FETCH_E_INVALID, "api: zero limit refused");
    is_int(fetch_engine_new(NULL, &cb, &e), FETCH_OK, "api: defaults");
    is_int(fetch_engine_add(e, "ftp://example.org/x"), FETCH_E_INVALID, "api: ftp source refused");
    is_int(fetch_engine_add(e, "file:///etc/passwd"), FETCH_E_INVALID, "api: file source refused");
    is_int(fetch_engine_add(e, "not a url"), FETCH_E_INVALID, "api: garbage refused");
    fetch_engine_free(e);
}

static void test_cancel(void)
{
    struct fetch_settings s;
    test_settings(&s);
    s.timeout_ms = 4000;
    mem_clear(&mem);
    mem.cancel_engine = (struct fetch_engine *)&mem; /* armed; run() sets the engine */
    const char *src[] = {"/stall", "/a/20", NULL};
    int64_t t0 = fx_now_us();
    enum fetch_err err = run(&s, src, true);
    long ms = (long)((fx_now_us() - t0) / 1000);
    mem.cancel_engine = NULL;
    is_int(err, FETCH_E_CANCELLED, "cancel: run returns cancelled");
    ok(ms < 3000, "cancel: returned promptly (%ld ms)", ms);
    const struct rep *r = rep_for("/stall");
    ok(r && r->err == FETCH_E_CANCELLED, "cancel: unfinished source reported as cancelled");
    is_int(mem.n_reps, 2, "cancel: every source reported");
}

int main(void)
{
    if (fetch_global_init() != FETCH_OK || fx_start(&fx) != 0 || fx_start(&fx2) != 0) {
        skip_all("cannot start the fixture server");
        return 0;
    }
    printf("# fixture on 127.0.0.1:%u (and :%u)\n", fx.port, fx2.port);
    test_api();
    test_rss();
    test_atom();
    test_bad_feeds();
    test_truncated_feed();
    test_charsets();
    test_conditional();
    test_retries();
    test_retry_after();
    test_redirects();
    test_private();
    test_limits();
    test_stall();
    test_robots();
    test_dups();
    test_mixed_feed();
    test_canonical_site();
    test_robots_big();
    test_politeness();
    test_cancel();
    mem_clear(&mem);
    fx_stop(&fx);
    fx_stop(&fx2);
    fetch_global_cleanup();
    return done();
}
