/* tests/unit/store/test_fetchstate.c — what the web fetcher keeps in the
 * store: article provenance ("urls", "fetch"), the same text under another
 * URL, the HTTP validator cache, sources (put, list, paging, export), map
 * full on each of these writes, and stores created before http_cache and
 * sources existed (read-only: read as empty; writable: created). */
#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <math.h>

#include "aging.h"
#include "fixture.h"

#define TINY_MAP (256u * 1024u)

static const char *const ARTICLE_KEYS[] = {"id",          "title",  "url",   "urls",   "date",
                                           "ingested_at", "sha256", "bytes", "counts", "fetch",
                                           "published",   "byline", "site",  "lang",   NULL};
static const char *const FETCH_KEYS[] = {"source",        "fetched_at",   "http_status", "etag",
                                         "last_modified", "content_type", NULL};
static const char *const SOURCE_KEYS[] = {"url",  "is_feed",      "last_fetch", "http_status",
                                          "etag", "not_modified", "counts",     "last_error",
                                          "note", "seconds",      NULL};
static const char *const SOURCE_COUNT_KEYS[] = {"found",     "stored", "duplicates",
                                                "unchanged", "failed", NULL};

static const char U1[] = "https://news.example.com/2024/11/chips";
static const char U2[] = "https://mirror.example.org/chips?id=7";

static void build(struct fx *f, const char *lead)
{
    fx_init(f, lead);
    size_t hw = fx_ent(f, "huawei", "Huawei", "company", "CN", NULL);
    size_t a = fx_ent(f, "ascend-910c", "Ascend 910C", "chip", "", NULL);
    fx_fact(f, hw, "develops", a, NULL, 0.8, "asserted", "Huawei develops the Ascend 910C.");
}

static struct store *open_dir(const char *dir, size_t map, bool ro)
{
    struct store_opts o = {.map_size = map, .read_only = ro};
    struct store *s = NULL;
    char err[256];
    enum store_err e = store_open(dir, &o, &s, err, sizeof err);
    if (e != STORE_OK)
        printf("# store_open: %s: %s\n", store_strerror(e), err);
    return s;
}

static json_t *article(struct store *s, const char *id)
{
    struct store_txn t_r = STORE_TXN_INIT, *t = &t_r;
    json_t *o = NULL;
    if (store_read_begin(s, t) != STORE_OK)
        return NULL;
    if (tx_article_get(t, id, &o) != STORE_OK)
        o = NULL;
    store_read_end(t);
    return o;
}

static struct store_stats stats(struct store *s)
{
    struct store_txn t_r = STORE_TXN_INIT, *t = &t_r;
    struct store_stats st;
    memset(&st, 0, sizeof st);
    if (store_read_begin(s, t) == STORE_OK && store_stats(t, &st) != STORE_OK)
        memset(&st, 0, sizeof st);
    store_read_end(t);
    return st;
}

/* "u1,u2" from an article's "urls". */
static const char *urls_of(const json_t *art, char *buf, size_t cap)
{
    size_t i, n = 0;
    const json_t *x;
    buf[0] = '\0';
    json_array_foreach(json_object_get(art, "urls"), i, x)
    {
        n += (size_t)snprintf(buf + n, cap - n, "%s%s", i ? "," : "", json_string_value(x));
        if (n >= cap)
            break;
    }
    return buf;
}

static void test_provenance(struct store *s, struct fx *f)
{
    struct store_ingest_info info;
    struct store_fetch_meta fm = {.source = "https://news.example.com/feed.xml",
                                  .fetched_at = "2024-11-21T08:00:00Z",
                                  .http_status = 200,
                                  .etag = "",
                                  .last_modified = NULL,
                                  .content_type = "text/html; charset=utf-8"};
    build(f, "Fetched report. ");
    struct store_article a = fx_article(f, "web-1", NULL);
    a.url = U1;
    a.fetch = &fm;
    is_int(store_ingest(s, &a, &f->r, &info), STORE_OK, "ingest a fetched article");
    ok(!info.duplicate && !info.url_added, "new article: neither duplicate nor url_added");
    json_t *o = article(s, "web-1");
    char buf[1024];
    ok(o && json_is_array(json_object_get(o, "urls")), "ArticleDetail has urls");
    is_str(urls_of(o, buf, sizeof buf), U1, "urls = [url]");
    is_str(sget(o, "url"), U1, "url");
    json_t *fe = json_object_get(o, "fetch");
    ok(keys_are(fe, FETCH_KEYS), "Fetch shape and key order");
    is_str(sget(fe, "source"), fm.source, "fetch.source");
    is_str(sget(fe, "fetched_at"), fm.fetched_at, "fetch.fetched_at");
    is_int(iget(fe, "http_status"), 200, "fetch.http_status");
    ok(json_is_null(json_object_get(fe, "etag")), "empty etag is null");
    ok(json_is_null(json_object_get(fe, "last_modified")), "NULL last_modified is null");
    is_str(sget(fe, "content_type"), fm.content_type, "fetch.content_type");
    json_decref(o);

    /* a file: no URL, no provenance */
    build(f, "A file on disk. ");
    a = fx_article(f, "file-1", "From a file");
    is_int(store_ingest(s, &a, &f->r, &info), STORE_OK, "ingest a file article");
    o = article(s, "file-1");
    ok(o && json_is_null(json_object_get(o, "url")) &&
           json_array_size(json_object_get(o, "urls")) == 0 &&
           json_is_array(json_object_get(o, "urls")) && json_is_null(json_object_get(o, "fetch")),
       "file: url null, urls [], fetch null");
    json_decref(o);
    build(f, "Empty URL. ");
    a = fx_article(f, "file-2", NULL);
    a.url = "";
    is_int(store_ingest(s, &a, &f->r, &info), STORE_OK, "ingest with url \"\"");
    o = article(s, "file-2");
    ok(o && json_is_null(json_object_get(o, "url")) &&
           json_array_size(json_object_get(o, "urls")) == 0,
       "url \"\" is no URL: null, []");
    json_decref(o);

    struct store_txn t_r = STORE_TXN_INIT, *t = &t_r;
    json_t *items = NULL;
    char *next = NULL;
    struct store_page pg = {NULL, 50};
    ok(store_read_begin(s, t) == STORE_OK && tx_articles_list(t, &pg, &items, &next) == STORE_OK,
       "articles list");
    size_t i;
    json_t *x;
    int shapes = json_array_size(items) == 3;
    json_array_foreach(items, i, x)
    {
        shapes &= keys_are(x, ARTICLE_KEYS);
    }
    ok(shapes, "every listed Article has the documented keys in order");
    ok(keys_are(json_object_get(json_array_get(items, 2), "fetch"), FETCH_KEYS),
       "listed web-1 carries its Fetch");
    json_decref(items);
    free(next);
    store_read_end(t);

    /* invalid provenance */
    build(f, "Invalid provenance. ");
    a = fx_article(f, "bad-1", NULL);
    struct store_fetch_meta bad = fm;
    bad.source = NULL;
    a.fetch = &bad;
    is_int(store_ingest(s, &a, &f->r, &info), STORE_E_INVALID, "fetch without source: INVALID");
    bad = fm;
    bad.etag = "\"\xff\xfe\"";
    is_int(store_ingest(s, &a, &f->r, &info), STORE_E_INVALID, "etag not UTF-8: INVALID");
    bad = fm;
    bad.fetched_at = NULL;
    is_int(store_ingest(s, &a, &f->r, &info), STORE_E_INVALID, "fetch without fetched_at: INVALID");
}

static void test_second_url(struct store *s, struct fx *f)
{
    struct store_ingest_info info;
    char buf[1024];
    build(f, "Fetched report. "); /* the text of web-1 */
    struct store_article a = fx_article(f, "web-1-mirror", NULL);
    a.url = U2;
    struct store_stats before = stats(s);
    is_int(store_ingest(s, &a, &f->r, &info), STORE_OK, "same text under a second URL");
    ok(info.duplicate && info.url_added, "duplicate and url_added");
    is_str(info.id, "web-1", "info.id is the stored article");
    ok(info.n_entities == 2 && info.n_facts == 1 && info.n_sanctions == 0,
       "info counts are the stored article's");
    struct store_stats after = stats(s);
    ok(after.articles == before.articles && after.entities == before.entities &&
           after.facts == before.facts && after.sanctions == before.sanctions,
       "nothing else written: counts unchanged");
    ok(after.last_txn > before.last_txn, "one write transaction");
    json_t *o = article(s, "web-1");
    char want[256];
    snprintf(want, sizeof want, "%s,%s", U1, U2);
    is_str(urls_of(o, buf, sizeof buf), want, "urls has both, in order");
    is_str(sget(o, "url"), U1, "url stays the first one");
    is_int(iget(json_object_get(o, "counts"), "facts"), 1, "article counts unchanged");
    ok(keys_are(json_object_get(o, "fetch"), FETCH_KEYS), "fetch kept");
    json_decref(o);
    struct store_txn t_r = STORE_TXN_INIT, *t = &t_r;
    ok(store_read_begin(s, t) == STORE_OK &&
           tx_article_get(t, "web-1-mirror", &o) == STORE_E_NOTFOUND,
       "no article under the second id");
    ok(tx_entity_get(t, "huawei", &o) == STORE_OK && iget(o, "mentions") == 6,
       "entity mentions unchanged (3 articles x 2)");
    json_decref(o);
    store_read_end(t);

    before = stats(s);
    is_int(store_ingest(s, &a, &f->r, &info), STORE_OK, "the second URL again");
    ok(info.duplicate && !info.url_added, "duplicate, url_added false");
    a.url = U1;
    is_int(store_ingest(s, &a, &f->r, &info), STORE_OK, "the first URL again");
    ok(info.duplicate && !info.url_added, "duplicate, url_added false");
    a.url = NULL;
    is_int(store_ingest(s, &a, &f->r, &info), STORE_OK, "the text without a URL");
    ok(info.duplicate && !info.url_added, "duplicate, url_added false");
    ok(stats(s).last_txn == before.last_txn, "none of these wrote anything");

    /* a file's text later fetched from the web: its first URL */
    build(f, "A file on disk. ");
    a = fx_article(f, "file-1-web", NULL);
    a.url = U2;
    is_int(store_ingest(s, &a, &f->r, &info), STORE_OK, "a file's text under a URL");
    ok(info.duplicate && info.url_added && strcmp(info.id, "file-1") == 0, "url added to file-1");
    o = article(s, "file-1");
    is_str(sget(o, "url"), U2, "url was null: now the first URL");
    is_str(urls_of(o, buf, sizeof buf), U2, "urls = [it]");
    is_str(sget(o, "title"), "From a file", "title kept");
    json_decref(o);
}

static void test_http(struct store *s)
{
    char etag[256], lm[64];
    memset(etag, 'x', sizeof etag);
    memset(lm, 'x', sizeof lm);
    is_int(store_http_get(s, U1, etag, lm), STORE_E_NOTFOUND, "unknown URL: NOTFOUND");
    ok(etag[0] == '\0' && lm[0] == '\0', "outputs are \"\"");
    is_int(store_http_put(s, U1, "\"abc\"", "Thu, 21 Nov 2024 08:00:00 GMT"), STORE_OK, "put");
    ok(store_http_get(s, U1, etag, lm) == STORE_OK && strcmp(etag, "\"abc\"") == 0 &&
           strcmp(lm, "Thu, 21 Nov 2024 08:00:00 GMT") == 0,
       "get returns what was put");
    is_int(store_http_put(s, U1, "W/\"def\"", NULL), STORE_OK, "overwrite, no last_modified");
    ok(store_http_get(s, U1, etag, lm) == STORE_OK && strcmp(etag, "W/\"def\"") == 0 &&
           lm[0] == '\0',
       "overwritten; NULL stored as \"\"");
    is_int(store_http_put(s, U2, NULL, ""), STORE_OK, "put with neither validator");
    ok(store_http_get(s, U2, etag, lm) == STORE_OK && !etag[0] && !lm[0], "both \"\"");

    char e255[300], l63[80];
    memset(e255, 'e', 255);
    e255[255] = '\0';
    memset(l63, 'l', 63);
    l63[63] = '\0';
    is_int(store_http_put(s, U1, e255, l63), STORE_OK, "etag of 255, last_modified of 63 bytes");
    ok(store_http_get(s, U1, etag, lm) == STORE_OK && strcmp(etag, e255) == 0 &&
           strcmp(lm, l63) == 0,
       "maximal values round trip");
    e255[255] = 'e';
    e255[256] = '\0';
    is_int(store_http_put(s, U1, e255, ""), STORE_E_INVALID, "etag of 256 bytes: INVALID");
    l63[63] = 'l';
    l63[64] = '\0';
    is_int(store_http_put(s, U1, "", l63), STORE_E_INVALID, "last_modified of 64 bytes: INVALID");
    ok(store_http_get(s, U1, etag, lm) == STORE_OK && strlen(etag) == 255,
       "refused puts changed nothing");

    /* URLs: up to 2048 bytes; long ones sharing their first 400 bytes stay apart */
    static char la[2050], lb[2050];
    memcpy(la, "https://example.com/", 20);
    memset(la + 20, 'a', 2048 - 20);
    la[2048] = '\0';
    memcpy(lb, la, sizeof lb);
    lb[1000] = 'b';
    is_int(store_http_put(s, la, "A", ""), STORE_OK, "URL of 2048 bytes");
    is_int(store_http_put(s, lb, "B", ""), STORE_OK, "another, same first 1000 bytes");
    ok(store_http_get(s, la, etag, lm) == STORE_OK && strcmp(etag, "A") == 0, "long URL a");
    ok(store_http_get(s, lb, etag, lm) == STORE_OK && strcmp(etag, "B") == 0, "long URL b");
    la[2048] = 'a';
    la[2049] = '\0';
    is_int(store_http_put(s, la, "A", ""), STORE_E_INVALID, "URL of 2049 bytes: INVALID");
    is_int(store_http_get(s, la, etag, lm), STORE_E_INVALID, "get of 2049 bytes: INVALID");
    is_int(store_http_put(s, "", "A", ""), STORE_E_INVALID, "empty URL: INVALID");
    is_int(store_http_put(s, NULL, "A", ""), STORE_E_INVALID, "NULL URL: INVALID");
}

static struct store_source source(const char *url, unsigned found)
{
    struct store_source src = {.url = url,
                               .is_feed = true,
                               .last_fetch = "2024-11-21T08:00:00Z",
                               .http_status = 200,
                               .etag = "\"v1\"",
                               .error = NULL,
                               .not_modified = false,
                               .found = found,
                               .stored = 3,
                               .duplicates = 2,
                               .unchanged = 1,
                               .failed = 0,
                               .seconds = 1.23456};
    return src;
}

/* Every page of the sources list with limit lim: urls (their last
 * character) joined; number of pages. */
static enum store_err source_pages(struct store *s, size_t lim, char *buf, size_t cap, int *pages)
{
    struct store_txn t_r = STORE_TXN_INIT, *t = &t_r;
    char *cursor = NULL;
    size_t n = 0;
    enum store_err e = store_read_begin(s, t);
    buf[0] = '\0';
    *pages = 0;
    while (e == STORE_OK) {
        struct store_page pg = {cursor, lim};
        json_t *items = NULL, *x;
        char *next = NULL;
        size_t i;
        e = tx_sources_list(t, &pg, &items, &next);
        free(cursor);
        cursor = next;
        if (e != STORE_OK)
            break;
        (*pages)++;
        json_array_foreach(items, i, x)
        {
            const char *u = sget(x, "url");
            size_t ul = u ? strlen(u) : 0;
            if (n < cap)
                n += (size_t)snprintf(buf + n, cap - n, "%s%s", n ? "," : "",
                                      ul > 40 ? "long" : (u ? u + ul - 1 : "?"));
        }
        json_decref(items);
        if (!cursor)
            break;
    }
    free(cursor);
    store_read_end(t);
    return e;
}

static void test_sources(struct store *s)
{
    static char longu[1200];
    memcpy(longu, "https://c.example/", 18);
    memset(longu + 18, 'z', 1000);
    longu[1018] = '\0';
    const char *urls[] = {"https://c.example/3", "https://a.example/1", longu,
                          "https://b.example/2"};
    for (int i = 0; i < 4; i++) {
        struct store_source src = source(urls[i], (unsigned)i + 10);
        is_int(store_source_put(s, &src), STORE_OK, "source_put");
    }
    char buf[512];
    int pages = 0;
    is_int(source_pages(s, 3, buf, sizeof buf, &pages), STORE_OK, "list in pages of 3");
    is_str(buf, "1,2,3,long", "ordered by URL");
    is_int(pages, 2, "two pages");
    source_pages(s, 1, buf, sizeof buf, &pages);
    ok(pages == 4 && strcmp(buf, "1,2,3,long") == 0, "pages of 1 are contiguous");
    source_pages(s, 4, buf, sizeof buf, &pages);
    is_int(pages, 1, "exactly limit items: no next cursor");

    struct store_txn t_r = STORE_TXN_INIT, *t = &t_r;
    json_t *items = NULL;
    char *next = NULL;
    struct store_page pg = {NULL, 10};
    ok(store_read_begin(s, t) == STORE_OK && tx_sources_list(t, &pg, &items, &next) == STORE_OK,
       "list");
    json_t *x = json_array_get(items, 0);
    ok(keys_are(x, SOURCE_KEYS), "Source shape and key order");
    ok(keys_are(json_object_get(x, "counts"), SOURCE_COUNT_KEYS), "Source counts shape");
    is_str(sget(x, "url"), "https://a.example/1", "url");
    ok(json_is_true(json_object_get(x, "is_feed")) &&
           json_is_false(json_object_get(x, "not_modified")),
       "booleans");
    is_int(iget(json_object_get(x, "counts"), "found"), 11, "counts.found");
    is_int(iget(json_object_get(x, "counts"), "unchanged"), 1, "counts.unchanged");
    is_str(sget(x, "etag"), "\"v1\"", "etag");
    ok(json_is_null(json_object_get(x, "last_error")), "no error: null");
    double sec = json_number_value(json_object_get(x, "seconds"));
    ok(fabs(sec - 1.235) < 1e-12, "seconds rounded to 3 decimals (%.10g)", sec);
    is_str(sget(json_array_get(items, 3), "url"), longu, "a long URL listed in full");
    json_decref(items);
    free(next);
    store_read_end(t);

    struct store_source upd = source("https://a.example/1", 0);
    upd.etag = "";
    upd.error = "HTTP 503";
    upd.note = "http://a.example/1: canonical URL on another site ignored (https://b.example/)";
    upd.http_status = 503;
    upd.is_feed = false;
    upd.not_modified = true;
    upd.seconds = 0.0004;
    is_int(store_source_put(s, &upd), STORE_OK, "overwrite a source");
    ok(store_read_begin(s, t) == STORE_OK && tx_sources_list(t, &pg, &items, &next) == STORE_OK &&
           json_array_size(items) == 4,
       "still four sources");
    x = json_array_get(items, 0);
    ok(json_is_string(json_object_get(x, "note")) && strstr(sget(x, "note"), "another site"),
       "the note is recorded");
    ok(json_is_null(json_object_get(x, "etag")) && strcmp(sget(x, "last_error"), "HTTP 503") == 0 &&
           iget(x, "http_status") == 503 && json_is_false(json_object_get(x, "is_feed")) &&
           json_is_true(json_object_get(x, "not_modified")) &&
           json_number_value(json_object_get(x, "seconds")) == 0.0,
       "the latest state replaced the old one");
    json_decref(items);
    free(next);

    struct store_page one = {NULL, 1}, bad = {"!!bad!!", 5}, zero = {NULL, 0},
                      big = {NULL, STORE_MAX_LIMIT + 1};
    ok(tx_sources_list(t, &one, &items, &next) == STORE_OK && next, "a cursor");
    json_decref(items);
    char *other = NULL;
    is_int(tx_sources_list(t, &bad, &items, &other), STORE_E_CURSOR, "malformed cursor");
    is_int(tx_sources_list(t, &zero, &items, &other), STORE_E_INVALID, "limit 0");
    is_int(tx_sources_list(t, &big, &items, &other), STORE_E_INVALID, "limit too big");
    struct store_page art = {next, 5};
    is_int(tx_articles_list(t, &art, &items, &other), STORE_E_CURSOR,
           "a sources cursor in the articles list: CURSOR");
    free(next);
    ok(tx_articles_list(t, &one, &items, &next) == STORE_OK && next, "an articles cursor");
    json_decref(items);
    art.cursor = next;
    is_int(tx_sources_list(t, &art, &items, &other), STORE_E_CURSOR,
           "an articles cursor in the sources list: CURSOR");
    free(next);
    store_read_end(t);

    struct store_source inv = source("https://a.example/1", 0);
    inv.seconds = NAN;
    is_int(store_source_put(s, &inv), STORE_E_INVALID, "seconds NaN: INVALID");
    inv = source("https://a.example/1", 0);
    inv.last_fetch = NULL;
    is_int(store_source_put(s, &inv), STORE_E_INVALID, "no last_fetch: INVALID");
    inv = source("https://a.example/1", 0);
    inv.error = "\xc3";
    is_int(store_source_put(s, &inv), STORE_E_INVALID, "error not UTF-8: INVALID");
    inv = source("https://a.example/1", 0);
    inv.note = "\xff";
    is_int(store_source_put(s, &inv), STORE_E_INVALID, "note not UTF-8: INVALID");
    inv = source("", 0);
    is_int(store_source_put(s, &inv), STORE_E_INVALID, "empty URL: INVALID");
}

/* Exports s; counts lines per kind into n[5] (article..source); checks order. */
static int export_kinds(struct store *s, const char *base, int n[5])
{
    static const char *const kinds[] = {"article", "entity", "fact", "sanction", "source"};
    char path[512], line[65536];
    int rank = 0, good = 1;
    memset(n, 0, 5 * sizeof *n);
    snprintf(path, sizeof path, "%s/export.jsonl", base);
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    good &= fd >= 0 && store_export(s, fd) == STORE_OK;
    close(fd);
    FILE *fp = fopen(path, "r");
    while (fp && fgets(line, sizeof line, fp)) {
        json_t *o = json_loads(line, 0, NULL);
        const char *k = sget(o, "kind");
        while (rank < 5 && k && strcmp(k, kinds[rank]) != 0)
            rank++;
        good &= rank < 5;
        if (rank < 5)
            n[rank]++;
        if (rank == 0)
            good &=
                keys_are(json_object_get(o, "data"),
                         (const char *const[]){"id", "title", "url", "urls", "date", "ingested_at",
                                               "sha256", "bytes", "counts", "fetch", "published",
                                               "byline", "site", "lang", "text", NULL});
        if (rank == 4)
            good &= keys_are(json_object_get(o, "data"), SOURCE_KEYS);
        json_decref(o);
    }
    if (fp)
        fclose(fp);
    unlink(path);
    return good;
}

static void test_export(struct store *s, const char *base)
{
    int n[5];
    ok(export_kinds(s, base, n), "export: kinds in order, Article and Source shapes");
    ok(n[0] == 3 && n[4] == 4, "3 articles and 4 sources exported (%d, %d)", n[0], n[4]);
}

/* Raw LMDB on a closed store: drop http_cache and sources, and rewrite
 * article id in its old shape (no "urls", no "fetch"): a store written
 * before this change. */
static int make_legacy(const char *dir, const char *id)
{
    static const char *const drop[] = {"http_cache", "sources", NULL};
    static const char *const del[] = {"urls", "fetch", NULL};
    return fx_age_store(dir, id, drop, del);
}

static void test_legacy(const char *base, struct fx *f)
{
    char dir[512], buf[1024], etag[256], lm[64];
    snprintf(dir, sizeof dir, "%s/legacy", base);
    struct store *s = open_dir(dir, 0, false);
    struct store_ingest_info info;
    build(f, "Old report. ");
    struct store_article a = fx_article(f, "old-1", NULL);
    a.url = U1;
    ok(s && store_ingest(s, &a, &f->r, &info) == STORE_OK, "a store with one article");
    store_close(s);
    is_int(make_legacy(dir, "old-1"), 0, "made it look older: no http_cache, sources, urls, fetch");

    s = open_dir(dir, 0, true);
    ok(s != NULL, "read-only open of the older store");
    if (!s)
        return;
    is_int(store_http_get(s, U1, etag, lm), STORE_E_NOTFOUND, "http_get: NOTFOUND");
    struct store_txn t_r = STORE_TXN_INIT, *t = &t_r;
    json_t *items = NULL, *o = NULL;
    char *next = NULL;
    struct store_page pg = {NULL, 10}, bad = {"!!", 10};
    ok(store_read_begin(s, t) == STORE_OK && tx_sources_list(t, &pg, &items, &next) == STORE_OK &&
           json_is_array(items) && json_array_size(items) == 0 && !next,
       "sources list: empty");
    json_decref(items);
    is_int(tx_sources_list(t, &bad, &items, &next), STORE_E_CURSOR, "bad cursor still CURSOR");
    ok(tx_article_get(t, "old-1", &o) == STORE_OK, "old article readable");
    is_str(urls_of(o, buf, sizeof buf), U1, "old record: urls = [url]");
    ok(json_is_null(json_object_get(o, "fetch")) &&
           keys_are(json_object_get(o, "counts"),
                    (const char *const[]){"entities", "facts", "sanctions", NULL}),
       "old record: fetch null");
    json_decref(o);
    ok(tx_articles_list(t, &pg, &items, &next) == STORE_OK &&
           keys_are(json_array_get(items, 0), ARTICLE_KEYS),
       "old record listed in the current shape");
    json_decref(items);
    store_read_end(t);
    int n[5];
    ok(export_kinds(s, base, n) && n[0] == 1 && n[4] == 0, "export without sources");
    is_int(store_http_put(s, U1, "x", ""), STORE_E_IO, "read-only: http_put IO");
    struct store_source src = source(U1, 1);
    is_int(store_source_put(s, &src), STORE_E_IO, "read-only: source_put IO");
    store_close(s);

    s = open_dir(dir, 0, false);
    ok(s != NULL, "writable open creates the new databases");
    ok(s && store_http_put(s, U1, "x", "") == STORE_OK && store_source_put(s, &src) == STORE_OK,
       "and they take writes");
    a.id = "old-1-b";
    a.url = U2;
    ok(s && store_ingest(s, &a, &f->r, &info) == STORE_OK && info.url_added,
       "a second URL for the old record");
    o = s ? article(s, "old-1") : NULL;
    snprintf(etag, sizeof etag, "%s,%s", U1, U2);
    is_str(urls_of(o, buf, sizeof buf), etag, "old record rewritten with both URLs");
    ok(keys_are(o,
                (const char *const[]){"id", "title", "url", "urls", "date", "ingested_at", "sha256",
                                      "bytes", "counts", "fetch", "published", "byline", "site",
                                      "lang", "text", "entities", "facts", "sanctions", NULL}),
       "in the current shape");
    json_decref(o);
    store_close(s);
    s = open_dir(dir, 0, true);
    ok(s && store_http_get(s, U1, etag, lm) == STORE_OK && strcmp(etag, "x") == 0,
       "read-only again: the new databases are read");
    store_close(s);
}

static size_t count_sources(struct store *s)
{
    struct store_txn t_r = STORE_TXN_INIT, *t = &t_r;
    json_t *items = NULL;
    char *next = NULL;
    struct store_page pg = {NULL, STORE_MAX_LIMIT};
    size_t n = 0;
    if (store_read_begin(s, t) == STORE_OK && tx_sources_list(t, &pg, &items, &next) == STORE_OK)
        n = json_array_size(items);
    json_decref(items);
    free(next);
    store_read_end(t);
    return n;
}

static void long_url(char *buf, size_t cap, const char *kind, int i)
{
    int n = snprintf(buf, cap, "https://%s.example/%05d/", kind, i);
    memset(buf + n, 'p', 2000 - (size_t)n);
    buf[2000] = '\0';
}

enum mf_kind { MF_HTTP, MF_SOURCE, MF_URL };

/* One write of kind k, number i, on the tiny store. */
static enum store_err mf_write(struct store *s, struct fx *f, enum mf_kind k, int i,
                               const char *val, struct store_ingest_info *info)
{
    static char url[2100];
    static const char *const tag[] = {"h", "s", "u"};
    long_url(url, sizeof url, tag[k], i);
    if (k == MF_HTTP)
        return store_http_put(s, url, val, "Thu, 21 Nov 2024 08:00:00 GMT");
    if (k == MF_SOURCE) {
        struct store_source src = source(url, (unsigned)i);
        src.etag = val;
        return store_source_put(s, &src);
    }
    struct store_article a = fx_article(f, "mf-dup", NULL);
    a.url = url;
    return store_ingest(s, &a, &f->r, info);
}

/* Whether exactly writes 0..n-1 of kind k are in the store, whole. */
static int mf_verify(struct store *s, struct fx *f, enum mf_kind k, int n, const char *val)
{
    char url[2100], etag[256], lm[64];
    int good = 1;
    if (k == MF_HTTP) {
        for (int i = 0; i <= n; i++) {
            long_url(url, sizeof url, "h", i);
            enum store_err e = store_http_get(s, url, etag, lm);
            good &= i < n ? e == STORE_OK && strcmp(etag, val) == 0 : e == STORE_E_NOTFOUND;
        }
        return good;
    }
    if (k == MF_SOURCE)
        return count_sources(s) == (size_t)n;
    json_t *o = article(s, "mf-1");
    json_t *urls = json_object_get(o, "urls");
    good = o && json_array_size(urls) == (size_t)n + 1 && strcmp(sget(o, "text"), f->text) == 0 &&
           strcmp(json_string_value(json_array_get(urls, 0)), U1) == 0;
    for (int i = 0; good && i < n; i++) {
        long_url(url, sizeof url, "u", i);
        good &= strcmp(json_string_value(json_array_get(urls, (size_t)i + 1)), url) == 0;
    }
    json_decref(o);
    return good;
}

/* A fresh 256 KiB store with one article; writes of kind k until the map is
 * full; everything before intact, the failed write absent, on the same
 * handle and after a reopen. */
static void test_mapfull(const char *base, struct fx *f, enum mf_kind k)
{
    static const char *const name[] = {"http_put", "source_put", "a URL added to a duplicate"};
    char dir[512], val[201];
    struct store_ingest_info info;
    snprintf(dir, sizeof dir, "%s/tiny-%d", base, (int)k);
    struct store *s = open_dir(dir, TINY_MAP, false);
    memset(val, 'e', 200);
    val[200] = '\0';
    build(f, "Map full report. ");
    struct store_article a = fx_article(f, "mf-1", NULL);
    a.url = U1;
    ok(s && store_ingest(s, &a, &f->r, &info) == STORE_OK, "%s: a 256 KiB store, one article",
       name[k]);
    if (!s)
        return;
    enum store_err e = STORE_OK;
    int n = 0;
    while (n < 2000 && (e = mf_write(s, f, k, n, val, &info)) == STORE_OK)
        n++;
    is_int(e, STORE_E_MAPFULL, "... ends with STORE_E_MAPFULL");
    ok(n >= 5, "... after %d writes", n);
    if (k == MF_URL)
        ok(info.duplicate && !info.url_added, "... url_added false on failure");
    ok(mf_verify(s, f, k, n, val), "... earlier writes intact, the failed one absent");
    is_int(mf_write(s, f, k, n, val, &info), STORE_E_MAPFULL, "... still full, still clean");
    ok(mf_verify(s, f, k, n, val), "... nothing changed");
    store_close(s);
    s = open_dir(dir, TINY_MAP, false);
    ok(s && mf_verify(s, f, k, n, val), "... reopened: intact");
    store_close(s);
}

int main(void)
{
    char *base = tmp_dir();
    struct fx *f = malloc(sizeof *f);
    if (!base || !f) {
        skip_all("no temp dir");
        return 0;
    }
    char dir[512];
    snprintf(dir, sizeof dir, "%s/kb", base);
    struct store *s = open_dir(dir, 64u << 20, false);
    ok(s != NULL, "open the test store");
    if (s) {
        test_provenance(s, f);
        test_second_url(s, f);
        test_http(s);
        test_sources(s);
        test_export(s, base);
        store_close(s);
    }
    test_legacy(base, f);
    test_mapfull(base, f, MF_HTTP);
    test_mapfull(base, f, MF_SOURCE);
    test_mapfull(base, f, MF_URL);
    free(f);
    rm_dir(base);
    free(base);
    return done();
}
