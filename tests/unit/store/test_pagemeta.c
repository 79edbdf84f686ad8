/* tests/unit/store/test_pagemeta.c — what a page says about itself in the
 * Article record ("published", "byline", "site", "lang"): stored, null when
 * unknown, bad values refused without harming the store, and a record
 * written by the previous version (the same shape without these four)
 * still decodes, in the current shape. */
#include <errno.h>
#include <lmdb.h>

#include "aging.h"
#include "fixture.h"

static const char *const ARTICLE_KEYS[] = {"id",          "title",  "url",   "urls",   "date",
                                           "ingested_at", "sha256", "bytes", "counts", "fetch",
                                           "published",   "byline", "site",  "lang",   NULL};

static void build(struct fx *f, const char *lead)
{
    fx_init(f, lead);
    size_t hw = fx_ent(f, "huawei", "Huawei", "company", "CN", NULL);
    size_t a = fx_ent(f, "ascend-910c", "Ascend 910C", "chip", "", NULL);
    fx_fact(f, hw, "develops", a, NULL, 0.8, "asserted", "Huawei develops the Ascend 910C.");
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

static bool all_null(const json_t *o)
{
    return o && json_is_null(json_object_get(o, "published")) &&
           json_is_null(json_object_get(o, "byline")) && json_is_null(json_object_get(o, "site")) &&
           json_is_null(json_object_get(o, "lang"));
}

static void test_stored(struct store *s, struct fx *f)
{
    struct store_ingest_info info;
    build(f, "A page with metadata. ");
    struct store_article a = fx_article(f, "meta-1", NULL);
    a.published = "2026-03-04";
    a.byline = "Jane Roe and Li Wei";
    a.site = "Chip Wire \xe2\x80\x93 Policy";
    a.lang = "en-GB";
    is_int(store_ingest(s, &a, &f->r, &info), STORE_OK, "ingest with page metadata");
    json_t *o = article(s, "meta-1");
    ok(keys_are(o,
                (const char *const[]){"id", "title", "url", "urls", "date", "ingested_at", "sha256",
                                      "bytes", "counts", "fetch", "published", "byline", "site",
                                      "lang", "text", "entities", "facts", "sanctions", NULL}),
       "ArticleDetail: the four after fetch, in order");
    is_str(sget(o, "published"), "2026-03-04", "published");
    is_str(sget(o, "byline"), "Jane Roe and Li Wei", "byline");
    is_str(sget(o, "site"), "Chip Wire \xe2\x80\x93 Policy", "site (UTF-8 kept)");
    is_str(sget(o, "lang"), "en-GB", "lang");
    json_decref(o);

    build(f, "A page without metadata. ");
    a = fx_article(f, "meta-2", NULL);
    a.byline = "";
    a.lang = "";
    is_int(store_ingest(s, &a, &f->r, &info), STORE_OK, "ingest without page metadata");
    o = article(s, "meta-2");
    ok(all_null(o), "unknown (NULL or \"\"): all four null");
    json_decref(o);
}

static void test_refused(struct store *s, struct fx *f)
{
    struct store_ingest_info info;
    char longer[STORE_PAGE_TEXT_MAX + 2];
    memset(longer, 'b', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    static const struct {
        const char *published, *byline, *site, *lang, *what;
    } bad[] = {
        {"2026-3-04", NULL, NULL, NULL, "published not YYYY-MM-DD"},
        {"2026", NULL, NULL, NULL, "published a year only"},
        {NULL, "\xff\xfe", NULL, NULL, "byline not UTF-8"},
        {NULL, NULL, "\xc3", NULL, "site cut inside a character"},
        {NULL, NULL, NULL, "en_US", "lang with '_'"},
        {NULL, NULL, NULL, "e1", "lang with a digit in the first subtag"},
        {NULL, NULL, NULL, "en--US", "lang with an empty subtag"},
        {NULL, NULL, NULL, "en-abcdefghi", "lang with a 9-letter subtag"},
        {NULL, NULL, NULL, "en US", "lang with a space"},
    };
    build(f, "Refused metadata. ");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct store_article a = fx_article(f, "bad-meta", NULL);
        a.published = bad[i].published;
        a.byline = bad[i].byline;
        a.site = bad[i].site;
        a.lang = bad[i].lang;
        char what[96];
        snprintf(what, sizeof what, "%s: INVALID", bad[i].what);
        is_int(store_ingest(s, &a, &f->r, &info), STORE_E_INVALID, what);
    }
    struct store_article a = fx_article(f, "bad-meta", NULL);
    a.byline = longer;
    is_int(store_ingest(s, &a, &f->r, &info), STORE_E_INVALID, "byline over 256 bytes: INVALID");
    longer[STORE_PAGE_TEXT_MAX] = '\0';
    a.byline = longer;
    is_int(store_ingest(s, &a, &f->r, &info), STORE_OK, "byline of exactly 256 bytes: stored");
    ok(store_lang_valid("zh-Hant-TW") && store_lang_valid("x-klingon") && store_lang_valid("EN"),
       "lang: zh-Hant-TW, x-klingon, EN are tags");
    ok(!store_lang_valid("") && !store_lang_valid(NULL) && !store_lang_valid("-en") &&
           !store_lang_valid("en-") && !store_lang_valid("abcdefghi"),
       "lang: empty, NULL, leading or trailing '-', a 9-letter language are not");
}

/* Rewrites article id the way the previous version stored it: the current
 * record without the four page members (raw LMDB on a closed store). */
static int make_previous(const char *dir, const char *id)
{
    static const char *const del[] = {"published", "byline", "site", "lang", NULL};
    return fx_age_store(dir, id, NULL, del);
}

static void test_previous(const char *base, struct fx *f)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/previous", base);
    struct store *s = open_ok(dir, 0);
    struct store_ingest_info info;
    build(f, "Written by the previous version. ");
    struct store_article a = fx_article(f, "prev-1", "Previous");
    a.url = "https://news.example.com/prev";
    a.published = "2025-12-01"; /* removed again below */
    ok(s && store_ingest(s, &a, &f->r, &info) == STORE_OK, "a store with one article");
    store_close(s);
    is_int(make_previous(dir, "prev-1"), 0, "made the record look like the previous version's");

    struct store_opts ro = {.read_only = true};
    char err[256];
    s = NULL;
    ok(store_open(dir, &ro, &s, err, sizeof err) == STORE_OK, "read-only open");
    if (!s)
        return;
    json_t *o = article(s, "prev-1");
    ok(o != NULL, "the previous version's record decodes");
    ok(all_null(o), "its page members are null");
    is_str(sget(o, "url"), "https://news.example.com/prev", "...and the rest is as stored");
    json_decref(o);
    struct store_txn t_r = STORE_TXN_INIT, *t = &t_r;
    json_t *items = NULL;
    char *next = NULL;
    struct store_page pg = {NULL, 10};
    ok(store_read_begin(s, t) == STORE_OK && tx_articles_list(t, &pg, &items, &next) == STORE_OK &&
           keys_are(json_array_get(items, 0), ARTICLE_KEYS),
       "listed in the current shape");
    json_decref(items);
    free(next);
    store_read_end(t);
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
    struct store *s = open_ok(dir, 64u << 20);
    ok(s != NULL, "open the test store");
    if (s) {
        test_stored(s, f);
        test_refused(s, f);
        store_close(s);
    }
    test_previous(base, f);
    free(f);
    rm_dir(base);
    free(base);
    return done();
}
