/* tests/unit/store/test_store.c — open/create/reopen, schema version, ingest
 * and every read with its documented shape, merging, filters, pagination,
 * lineage, search, stats and export. */
#include <fcntl.h>
#include <lmdb.h>
#include <math.h>
#include <sys/stat.h>

#include "fixture.h"

static const char *const ENTITY_KEYS[] = {"id",      "name",     "type",     "country",
                                          "aliases", "mentions", "articles", NULL};
static const char *const DETAIL_KEYS[] = {"id",       "name",      "type",     "country",
                                          "aliases",  "mentions",  "articles", "facts_out",
                                          "facts_in", "sanctions", "sources",  NULL};
static const char *const REF_KEYS[] = {"id", "name", "type", NULL};
static const char *const FACT_KEYS[] = {"id",         "subject", "predicate", "object",   "value",
                                        "confidence", "status",  "mentions",  "evidence", NULL};
static const char *const EVIDENCE_KEYS[] = {"article",  "sentence", "start",      "end",
                                            "mentions", "rule",     "confidence", NULL};
static const char *const SANCTION_KEYS[] = {"id",       "imposer",  "target",     "measure",
                                            "items",    "date",     "confidence", "status",
                                            "mentions", "evidence", NULL};
static const char *const ARTICLE_KEYS[] = {"id",          "title",  "url",   "urls",   "date",
                                           "ingested_at", "sha256", "bytes", "counts", "fetch",
                                           "published",   "byline", "site",  "lang",   NULL};
static const char *const ARTICLE_DETAIL_KEYS[] = {
    "id",    "title",    "url",   "urls",      "date",   "ingested_at", "sha256",
    "bytes", "counts",   "fetch", "published", "byline", "site",        "lang",
    "text",  "entities", "facts", "sanctions", NULL};
static const char *const LINEAGE_KEYS[] = {"chip", "depth", "nodes", "edges", NULL};
static const char *const EDGE_KEYS[] = {"fact",  "subject",    "predicate", "object",
                                        "value", "confidence", "evidence",  NULL};
static const char *const HIT_KEYS[] = {"entity", "country", "score", "matched", NULL};

static char *huawei_aliases[] = {"Huawei Technologies", NULL};
static char *huawei_aliases2[] = {"Huawei Technologies", "Huawei Tech Co", NULL};
static char *s1_items[] = {"Huawei", NULL};
static char *s1_items2[] = {"Huawei", "Entity List", NULL};
static char *s2_items[] = {"H100", "advanced AI chips", NULL};

/* a1: entities, the chip graph and two sanctions. The lead has a non-ASCII
 * character so that code-point offsets differ from byte offsets. */
static void build_a1(struct fx *f)
{
    fx_init(f, "Café brief — ");
    f->r.title = "Huawei and the chip controls";
    size_t hw = fx_ent(f, "huawei", "Huawei", "company", "CN", huawei_aliases);
    size_t doc =
        fx_ent(f, "us-department-of-commerce", "U.S. Department of Commerce", "agency", "US", NULL);
    size_t us = fx_ent(f, "united-states", "United States", "country", "US", NULL);
    size_t cn = fx_ent(f, "china", "China", "country", "CN", NULL);
    size_t nv = fx_ent(f, "nvidia", "Nvidia", "company", "US", NULL);
    size_t b = fx_ent(f, "ascend-910b", "Ascend 910B", "chip", "", NULL);
    size_t a = fx_ent(f, "ascend-910c", "Ascend 910C", "chip", "", NULL);
    size_t c = fx_ent(f, "ascend-910c-pro", "Ascend 910C Pro", "chip", "", NULL);
    size_t h100 = fx_ent(f, "h100", "H100", "chip", "", NULL);
    size_t h20 = fx_ent(f, "h20", "H20", "chip", "", NULL);
    fx_fact(f, hw, "develops", a, NULL, 0.8, "asserted", "Huawei develops the Ascend 910C.");
    fx_fact(f, a, "successor_of", b, NULL, 0.7, "asserted",
            "The Ascend 910C succeeds the Ascend 910B.");
    fx_fact(f, c, "variant_of", a, NULL, 0.6, "hedged",
            "An Ascend 910C Pro variant is reportedly planned.");
    fx_fact(f, a, "process_node", STORE_REC_NONE, "7nm", 0.9, "asserted",
            "The 910C is made on a 7nm process.");
    fx_fact(f, nv, "develops", h20, NULL, 0.8, "asserted", "Nvidia designed the H20.");
    fx_fact(f, h20, "variant_of", h100, NULL, 0.7, "asserted", "The H20 is a cut-down H100.");
    fx_sanction(f, doc, hw, "entity_listing", "2019", s1_items, 0.9,
                "Commerce put Huawei on the Entity List in 2019.");
    fx_sanction(f, us, cn, "export_restriction", "2022-10-07", s2_items, 0.8,
                "On October 7, 2022 the U.S. restricted exports of H100 chips to China.");
}

/* a2: the develops fact again (hedged), s1 again with a finer date, a new
 * sanction and a new alias for Huawei. */
static void build_a2(struct fx *f)
{
    fx_init(f, "Second report. ");
    size_t hw = fx_ent(f, "huawei", "Huawei", "company", "CN", huawei_aliases2);
    size_t a = fx_ent(f, "ascend-910c", "Ascend 910C", "chip", "", NULL);
    size_t doc =
        fx_ent(f, "us-department-of-commerce", "U.S. Department of Commerce", "agency", "US", NULL);
    size_t tsmc = fx_ent(f, "tsmc", "TSMC", "company", "TW", NULL);
    size_t so = fx_ent(f, "sophgo", "Sophgo", "company", "CN", NULL);
    fx_fact(f, hw, "develops", a, NULL, 0.6, "hedged",
            "Huawei reportedly develops the Ascend 910C.");
    fx_sanction(f, doc, hw, "entity_listing", "2019-05-16", s1_items2, 0.5,
                "On May 16, 2019 Huawei was added to the Entity List.");
    fx_sanction(f, tsmc, so, "shipment_suspension", "2024-10", NULL, 0.7,
                "TSMC suspended shipments to Sophgo in October 2024.");
}

/* a3: twelve Japanese companies, for paging. */
static char co_ids[12][16], co_names[12][24];
static void build_a3(struct fx *f)
{
    fx_init(f, "A list of suppliers. ");
    for (int i = 0; i < 12; i++) {
        snprintf(co_ids[i], sizeof co_ids[i], "co-%02d", i + 1);
        snprintf(co_names[i], sizeof co_names[i], "Co %02d", i + 1);
        fx_ent(f, co_ids[i], co_names[i], "company", "JP", NULL);
    }
    for (int i = 0; i + 1 < 12; i++)
        fx_fact(f, (size_t)i, "supplies", (size_t)i + 1, NULL, 0.5, "asserted",
                "One supplies the next.");
}

static void test_open(const char *base)
{
    char dir[512], err[512];
    struct store *s = NULL;
    snprintf(dir, sizeof dir, "%s/new/nested", base);
    s = open_ok(dir, 0);
    ok(s != NULL, "open creates a missing nested directory");
    struct store_txn t_r = STORE_TXN_INIT, *t = &t_r;
    struct store_stats st;
    ok(s && store_read_begin(s, t) == STORE_OK && store_stats(t, &st) == STORE_OK,
       "stats on an empty store");
    is_int(st.articles, 0, "empty: no articles");
    is_int(st.schema_version, STORE_SCHEMA_VERSION, "schema version reported");
    ok(st.map_size >= (1u << 30), "default map size is 1 GiB");
    store_read_end(t);
    store_close(s);
    s = open_ok(dir, 0);
    ok(s != NULL, "reopen");
    store_close(s);
    struct store_opts ro = {.read_only = true};
    ok(store_open(dir, &ro, &s, err, sizeof err) == STORE_OK, "reopen read-only");
    struct store_ingest_info info;
    struct fx *f = malloc(sizeof *f);
    build_a3(f);
    struct store_article a = fx_article(f, "ro", NULL);
    is_int(store_ingest(s, &a, &f->r, &info), STORE_E_IO, "read-only store refuses ingest");
    free(f);
    store_close(s);

    /* version mismatch: write version 2 into meta behind the store's back */
    MDB_env *env = NULL;
    MDB_txn *txn = NULL;
    MDB_dbi dbi;
    unsigned char v2[4] = {0, 0, 0, 2};
    MDB_val k = {14, (void *)"schema_version"}, v = {4, v2};
    int rc = mdb_env_create(&env);
    mdb_env_set_maxdbs(env, 32);
    rc = rc ? rc : mdb_env_open(env, dir, 0, 0644);
    rc = rc ? rc : mdb_txn_begin(env, NULL, 0, &txn);
    rc = rc ? rc : mdb_dbi_open(txn, "meta", 0, &dbi);
    rc = rc ? rc : mdb_put(txn, dbi, &k, &v, 0);
    rc = rc ? rc : mdb_txn_commit(txn);
    mdb_env_close(env);
    ok(rc == 0, "wrote schema version 2 with raw LMDB");
    s = NULL;
    is_int(store_open(dir, NULL, &s, err, sizeof err), STORE_E_VERSION,
           "another schema version: STORE_E_VERSION");
    ok(s == NULL && strstr(err, "version 2") && strstr(err, dir),
       "errbuf names the path and the version found");
    printf("# %s\n", err);

    /* an LMDB environment that is not an ecfacts store */
    snprintf(dir, sizeof dir, "%s/foreign", base);
    mkdir(dir, 0755);
    MDB_val fk = {3, (void *)"key"}, fv = {5, (void *)"value"};
    rc = mdb_env_create(&env);
    mdb_env_set_maxdbs(env, 4);
    rc = rc ? rc : mdb_env_open(env, dir, 0, 0644);
    rc = rc ? rc : mdb_txn_begin(env, NULL, 0, &txn);
    rc = rc ? rc : mdb_dbi_open(txn, "other", MDB_CREATE, &dbi);
    rc = rc ? rc : mdb_put(txn, dbi, &fk, &fv, 0);
    rc = rc ? rc : mdb_txn_commit(txn);
    mdb_env_close(env);
    is_int(store_open(dir, NULL, &s, err, sizeof err), STORE_E_VERSION,
           "a foreign LMDB environment: STORE_E_VERSION");
    ok(rc == 0 && strstr(err, "not an ecfacts store") != NULL, "errbuf says so");

    /* a path that cannot be a directory */
    snprintf(dir, sizeof dir, "%s/afile", base);
    int fd = open(dir, O_CREAT | O_WRONLY, 0644);
    close(fd);
    snprintf(dir, sizeof dir, "%s/afile/sub", base);
    is_int(store_open(dir, NULL, &s, err, sizeof err), STORE_E_IO, "unusable directory: IO");
    ok(strstr(err, dir) != NULL, "errbuf names the path");
    snprintf(dir, sizeof dir, "%s/missing", base);
    is_int(store_open(dir, &ro, &s, err, sizeof err), STORE_E_IO,
           "read-only on a missing directory: IO");
    struct stat sb;
    ok(stat(dir, &sb) != 0, "read-only does not create the directory");

    /* commands that only read never create a store; fetch only in a directory */
    struct store_opts must = {.must_exist = true}, nomk = {.no_mkdir = true};
    is_int(store_open(dir, &must, &s, err, sizeof err), STORE_E_IO, "must_exist: missing dir: IO");
    ok(strstr(err, dir) != NULL && stat(dir, &sb) != 0, "... names it, creates nothing");
    is_int(store_open(dir, &nomk, &s, err, sizeof err), STORE_E_IO, "no_mkdir: missing dir: IO");
    ok(strstr(err, dir) != NULL && stat(dir, &sb) != 0, "... names it, creates nothing");
    mkdir(dir, 0755);
    is_int(store_open(dir, &must, &s, err, sizeof err), STORE_E_IO,
           "must_exist: a directory without data.mdb: IO");
    char mdb[600];
    snprintf(mdb, sizeof mdb, "%s/data.mdb", dir);
    ok(strstr(err, "no data.mdb") != NULL && stat(mdb, &sb) != 0, "... says so, creates nothing");
    ok(store_open(dir, &nomk, &s, err, sizeof err) == STORE_OK && s,
       "no_mkdir: an existing empty directory gets a new store");
    store_close(s);
    s = NULL;
    ok(store_open(dir, &must, &s, err, sizeof err) == STORE_OK && s,
       "must_exist: opens an existing store");
    store_close(s);
}

static void test_ingest(struct store *s, struct fx *f1, struct fx *f2, struct fx *f3)
{
    struct store_ingest_info info;
    struct store_article a = fx_article(f1, "a1", NULL);
    a.url = "https://example.com/a1";
    a.date = "2024-11-20";
    is_int(store_ingest(s, &a, &f1->r, &info), STORE_OK, "ingest a1");
    ok(!info.duplicate && strcmp(info.id, "a1") == 0 && info.n_facts == 6 &&
           info.n_sanctions == 2 && info.n_entities == 10,
       "a1 info");
    is_int(store_ingest(s, &a, &f1->r, &info), STORE_OK, "same article again");
    ok(info.duplicate && strcmp(info.id, "a1") == 0 && info.n_facts == 6, "... is a duplicate");
    a.id = "a1-copy";
    is_int(store_ingest(s, &a, &f1->r, &info), STORE_OK, "same text, other id");
    ok(info.duplicate && strcmp(info.id, "a1") == 0, "... duplicate of the earlier id");
    struct store_article b = fx_article(f2, "a1", NULL);
    is_int(store_ingest(s, &b, &f2->r, &info), STORE_E_CONFLICT, "a1 with other text: CONFLICT");
    b.id = "a2";
    b.title = "Second";
    struct store_txn before_r = STORE_TXN_INIT, *before = &before_r;
    uint64_t last = store_last_txn(s);
    ok(store_read_begin(s, before) == STORE_OK && store_txn_id(before) == last && last > 0,
       "a reader's snapshot id is the last commit's when nobody writes");
    is_int(store_ingest(s, &b, &f2->r, &info), STORE_OK, "ingest a2");
    struct store_txn after_r = STORE_TXN_INIT, *after = &after_r;
    ok(store_read_begin(s, after) == STORE_OK && store_txn_id(after) == last + 1 &&
           store_txn_id(before) == last && store_last_txn(s) == last + 1,
       "one write: new snapshots see its id, an older reader keeps its own");
    store_read_end(before);
    store_read_end(after);
    struct store_article c = fx_article(f3, "a3", NULL);
    is_int(store_ingest(s, &c, &f3->r, &info), STORE_OK, "ingest a3");
    struct store_article bad = fx_article(f3, "bad id!", NULL);
    is_int(store_ingest(s, &bad, &f3->r, &info), STORE_E_INVALID, "malformed id: INVALID");
    f3->facts[0].subject = 99;
    bad.id = "a4";
    is_int(store_ingest(s, &bad, &f3->r, &info), STORE_E_INVALID, "bad entity index: INVALID");
    f3->facts[0].subject = 0;
}

static void test_reads(struct store *s, const struct fx *f1)
{
    struct store_txn t_r = STORE_TXN_INIT, *t = &t_r;
    json_t *o = NULL;
    char buf[1024];
    ok(store_read_begin(s, t) == STORE_OK, "read txn");

    ok(tx_entity_get(t, "huawei", &o) == STORE_OK && keys_are(o, ENTITY_KEYS),
       "Entity shape and key order");
    is_str(sget(o, "country"), "CN", "entity country");
    is_int(iget(o, "mentions"), 4, "mentions added over two articles");
    is_int(iget(o, "articles"), 2, "articles counted");
    json_t *al = json_object_get(o, "aliases");
    ok(json_array_size(al) == 2 &&
           strcmp(json_string_value(json_array_get(al, 1)), "Huawei Tech Co") == 0,
       "aliases unioned");
    json_decref(o);
    ok(tx_entity_get(t, "ascend-910b", &o) == STORE_OK &&
           json_is_null(json_object_get(o, "country")),
       "unknown country is null");
    json_decref(o);
    is_int(tx_entity_get(t, "nope", &o), STORE_E_NOTFOUND, "unknown entity: NOTFOUND");
    is_int(tx_entity_get(t, "../x", &o), STORE_E_INVALID, "malformed id: INVALID");

    ok(tx_entity_detail(t, "huawei", &o) == STORE_OK && keys_are(o, DETAIL_KEYS),
       "EntityDetail shape");
    is_str(ids_of(json_object_get(o, "sources"), buf, sizeof buf), "a1,a2", "sources");
    ok(keys_are(json_array_get(json_object_get(o, "sources"), 0),
                (const char *const[]){"id", "title", NULL}),
       "ArticleRef shape");
    is_int(json_array_size(json_object_get(o, "facts_out")), 1, "facts_out");
    is_int(json_array_size(json_object_get(o, "sanctions")), 1, "sanctions as target");
    json_decref(o);
    ok(tx_entity_detail(t, "ascend-910c", &o) == STORE_OK, "detail of a chip");
    is_int(json_array_size(json_object_get(o, "facts_out")), 2, "chip facts_out");
    is_int(json_array_size(json_object_get(o, "facts_in")), 2, "chip facts_in");
    json_decref(o);

    /* the merged fact */
    json_t *facts = NULL;
    char *next = NULL;
    struct store_fact_filter ff = {"huawei", "develops", NULL};
    struct store_page pg = {NULL, 10};
    ok(tx_facts_list(t, &ff, &pg, &facts, &next) == STORE_OK && json_array_size(facts) == 1,
       "huawei develops: one fact from two articles");
    json_t *fact = json_array_get(facts, 0);
    ok(keys_are(fact, FACT_KEYS), "Fact shape");
    ok(keys_are(json_object_get(fact, "subject"), REF_KEYS), "Fact subject is an EntityRef");
    is_int(iget(fact, "mentions"), 2, "mentions 2");
    is_int(json_array_size(json_object_get(fact, "evidence")), 2, "two evidences");
    double conf = json_number_value(json_object_get(fact, "confidence"));
    ok(fabs(conf - 0.92) < 1e-9, "confidence 1-(1-0.8)(1-0.6) = 0.92 (got %g)", conf);
    is_str(sget(fact, "status"), "asserted", "asserted + hedged = asserted");
    ok(json_is_null(json_object_get(fact, "value")), "value null for an entity object");
    const char *fid = sget(fact, "id");
    char hex[65];
    static const char fkey[] = "huawei\x1f"
                               "develops\x1f"
                               "ascend-910c";
    ecf_sha256_hex(fkey, sizeof fkey - 1, hex);
    ok(fid && strncmp(fid, "f-", 2) == 0 && strncmp(fid + 2, hex, 16) == 0 && strlen(fid) == 18,
       "fact id = f- + 16 hex of sha256(s\\x1fp\\x1fo)");
    json_t *ev = json_array_get(json_object_get(fact, "evidence"), 0);
    ok(keys_are(ev, EVIDENCE_KEYS), "Evidence shape");
    is_str(sget(ev, "sentence"), "Huawei develops the Ascend 910C.", "evidence sentence");
    const struct store_rec_span *sp = &f1->facts[0].ev.sentence;
    ok(iget(ev, "start") == (long long)sp->cstart && iget(ev, "end") == (long long)sp->cend &&
           sp->cstart != sp->start,
       "evidence offsets are code points (%lld, bytes %zu)", iget(ev, "start"), sp->start);
    is_str(sget(ev, "article"), "a1", "evidence article");
    json_t *got = NULL;
    ok(tx_fact_get(t, fid, &got) == STORE_OK && json_equal(got, fact), "fact get by id");
    json_decref(got);
    json_decref(facts);
    free(next);

    /* sanctions */
    struct store_sanction_filter sf = {"us-department-of-commerce", NULL, NULL, NULL, NULL};
    json_t *sanc = NULL;
    ok(tx_sanctions_list(t, &sf, &pg, &sanc, &next) == STORE_OK && json_array_size(sanc) == 1,
       "sanctions by imposer");
    json_t *s1 = json_array_get(sanc, 0);
    ok(keys_are(s1, SANCTION_KEYS), "Sanction shape");
    is_str(sget(s1, "date"), "2019-05-16", "most precise date wins");
    is_int(json_array_size(json_object_get(s1, "items")), 2, "items unioned");
    is_int(iget(s1, "mentions"), 2, "sanction mentions");
    ok(fabs(json_number_value(json_object_get(s1, "confidence")) - 0.95) < 1e-9,
       "sanction confidence combined");
    ok(tx_sanction_get(t, sget(s1, "id"), &got) == STORE_OK && json_equal(got, s1),
       "sanction get by id");
    json_decref(got);
    json_decref(sanc);

    /* article */
    ok(tx_article_get(t, "a1", &o) == STORE_OK && keys_are(o, ARTICLE_DETAIL_KEYS),
       "ArticleDetail shape");
    is_str(sget(o, "title"), "Huawei and the chip controls", "title from the extractor");
    is_str(sget(o, "url"), "https://example.com/a1", "url");
    is_str(sget(o, "date"), "2024-11-20", "date");
    is_str(sget(o, "text"), f1->text, "text");
    is_int(iget(o, "bytes"), f1->len, "bytes");
    ok(strlen(sget(o, "sha256") ? sget(o, "sha256") : "") == 64, "sha256 hex");
    ok(sget(o, "ingested_at") && strlen(sget(o, "ingested_at")) == 20, "ingested_at");
    is_int(iget(json_object_get(o, "counts"), "facts"), 6, "counts.facts");
    is_int(json_array_size(json_object_get(o, "entities")), 10, "article entities");
    ok(keys_are(json_array_get(json_object_get(o, "entities"), 0), REF_KEYS),
       "article entities are EntityRefs");
    is_int(json_array_size(json_object_get(o, "facts")), 6, "article facts");
    is_int(json_array_size(json_object_get(o, "sanctions")), 2, "article sanctions");
    json_decref(o);
    is_int(tx_article_get(t, "zz", &o), STORE_E_NOTFOUND, "unknown article");

    json_t *arts = NULL;
    ok(tx_articles_list(t, &pg, &arts, &next) == STORE_OK && next == NULL,
       "articles list, one page");
    is_str(ids_of(arts, buf, sizeof buf), "a1,a2,a3", "articles by id");
    ok(keys_are(json_array_get(arts, 0), ARTICLE_KEYS), "Article shape");
    is_str(sget(json_array_get(arts, 1), "title"), "Second", "title given by the caller");
    json_decref(arts);

    struct store_stats st;
    memset(&st, 0, sizeof st);
    enum store_err se = store_stats(t, &st);
    ok(se == STORE_OK && st.articles == 3 && st.entities == 24 && st.facts == 17 &&
           st.sanctions == 3,
       "stats counts (%llu %llu %llu %llu)", (unsigned long long)st.articles,
       (unsigned long long)st.entities, (unsigned long long)st.facts,
       (unsigned long long)st.sanctions);
    ok(st.used_bytes > 0 && st.used_bytes <= st.map_size && st.last_txn > 0, "stats sizes");
    store_read_end(t);
}

/* Lists every page of an entity filter with limit lim; ids comma-joined. */
static enum store_err all_pages(struct store_txn *t, const struct store_entity_filter *f,
                                size_t lim, char *buf, size_t cap, int *pages)
{
    char *cursor = NULL, part[1024];
    enum store_err e;
    buf[0] = '\0';
    *pages = 0;
    do {
        struct store_page pg = {cursor, lim};
        json_t *items = NULL;
        char *next = NULL;
        e = tx_entities_list(t, f, &pg, &items, &next);
        free(cursor);
        cursor = next;
        if (e != STORE_OK)
            break;
        (*pages)++;
        if (json_array_size(items)) {
            if (buf[0])
                strncat(buf, ",", cap - strlen(buf) - 1);
            strncat(buf, ids_of(items, part, sizeof part), cap - strlen(buf) - 1);
        }
        json_decref(items);
    } while (cursor);
    free(cursor);
    return e;
}

static void test_filters(struct store *s)
{
    struct store_txn t_r = STORE_TXN_INIT, *t = &t_r;
    char buf[2048];
    int pages = 0;
    ok(store_read_begin(s, t) == STORE_OK, "read txn for filters");
    struct store_entity_filter chips = {"chip", NULL, NULL};
    all_pages(t, &chips, 50, buf, sizeof buf, &pages);
    is_str(buf, "ascend-910b,ascend-910c,ascend-910c-pro,h100,h20", "type=chip");
    struct store_entity_filter cn = {NULL, "cn", NULL};
    all_pages(t, &cn, 50, buf, sizeof buf, &pages);
    is_str(buf, "china,huawei,sophgo", "country=CN (lowercase accepted)");
    struct store_entity_filter cc = {"country", "US", NULL};
    all_pages(t, &cc, 50, buf, sizeof buf, &pages);
    is_str(buf, "united-states", "type+country");
    struct store_entity_filter hua = {NULL, NULL, "hua"};
    all_pages(t, &hua, 50, buf, sizeof buf, &pages);
    is_str(buf, "huawei", "prefix via names and aliases, entity listed once");
    struct store_entity_filter tech = {NULL, NULL, "Huawei Tech"};
    all_pages(t, &tech, 50, buf, sizeof buf, &pages);
    is_str(buf, "huawei", "alias prefix");
    struct store_entity_filter asc = {"chip", NULL, "Ascend 910C"};
    all_pages(t, &asc, 1, buf, sizeof buf, &pages);
    is_str(buf, "ascend-910c,ascend-910c-pro", "prefix + type, one per page");
    struct store_entity_filter jp = {NULL, "JP", NULL};
    enum store_err e = all_pages(t, &jp, 5, buf, sizeof buf, &pages);
    ok(e == STORE_OK && pages == 3, "12 JP companies in 3 pages of 5");
    is_str(buf, "co-01,co-02,co-03,co-04,co-05,co-06,co-07,co-08,co-09,co-10,co-11,co-12",
           "pages are contiguous and ordered by id");
    struct store_entity_filter all = {NULL, NULL, NULL};
    all_pages(t, &all, 7, buf, sizeof buf, &pages);
    ok(pages == 4 && strncmp(buf, "ascend-910b,", 12) == 0, "all 24 entities in 4 pages of 7");
    all_pages(t, &jp, 12, buf, sizeof buf, &pages);
    is_int(pages, 1, "exactly limit items: no next cursor");

    /* cursors */
    json_t *items = NULL;
    char *next = NULL;
    struct store_page pg = {NULL, 5};
    ok(tx_entities_list(t, &jp, &pg, &items, &next) == STORE_OK && next, "first page cursor");
    json_decref(items);
    struct store_page badpg = {"!!bad!!", 5};
    char *other = NULL;
    is_int(tx_entities_list(t, &jp, &badpg, &items, &other), STORE_E_CURSOR,
           "malformed cursor: CURSOR");
    badpg.cursor = next;
    is_int(tx_entities_list(t, &chips, &badpg, &items, &other), STORE_E_CURSOR,
           "cursor of another filter: CURSOR");
    struct store_fact_filter nof = {NULL, NULL, NULL};
    is_int(tx_facts_list(t, &nof, &badpg, &items, &other), STORE_E_CURSOR,
           "cursor of another list: CURSOR");
    free(next);
    struct store_page zero = {NULL, 0}, big = {NULL, STORE_MAX_LIMIT + 1};
    is_int(tx_entities_list(t, &jp, &zero, &items, &next), STORE_E_INVALID, "limit 0");
    is_int(tx_entities_list(t, &jp, &big, &items, &next), STORE_E_INVALID, "limit too big");
    struct store_entity_filter badtype = {"spaceship", NULL, NULL};
    is_int(tx_entities_list(t, &badtype, &pg, &items, &next), STORE_E_INVALID,
           "unknown type: INVALID");

    /* facts */
    struct store_fact_filter f_obj = {NULL, NULL, "ascend-910c"};
    struct store_fact_filter f_pred = {NULL, "variant_of", NULL};
    struct store_fact_filter f_sp = {"ascend-910c", "process_node", NULL};
    struct store_fact_filter f_so = {"ascend-910c-pro", NULL, "ascend-910c"};
    struct store_page p50 = {NULL, 50};
    ok(tx_facts_list(t, &f_obj, &p50, &items, &next) == STORE_OK && json_array_size(items) == 2,
       "facts by object");
    json_decref(items);
    ok(tx_facts_list(t, &f_pred, &p50, &items, &next) == STORE_OK && json_array_size(items) == 2,
       "facts by predicate");
    json_decref(items);
    ok(tx_facts_list(t, &f_sp, &p50, &items, &next) == STORE_OK && json_array_size(items) == 1 &&
           strcmp(sget(json_array_get(items, 0), "value"), "7nm") == 0 &&
           json_is_null(json_object_get(json_array_get(items, 0), "object")),
       "facts by subject+predicate: the literal fact");
    json_decref(items);
    ok(tx_facts_list(t, &f_so, &p50, &items, &next) == STORE_OK && json_array_size(items) == 1,
       "facts by subject+object");
    json_decref(items);
    struct store_fact_filter f_bad = {NULL, "likes", NULL};
    is_int(tx_facts_list(t, &f_bad, &p50, &items, &next), STORE_E_INVALID,
           "unknown predicate: INVALID");
    /* all facts in pages of 4 */
    size_t total = 0;
    int fpages = 0;
    char *cur = NULL, prev[64] = "";
    int ordered = 1;
    do {
        struct store_page fp = {cur, 4};
        if (tx_facts_list(t, &nof, &fp, &items, &next) != STORE_OK)
            break;
        free(cur);
        cur = next;
        fpages++;
        size_t i;
        json_t *x;
        json_array_foreach(items, i, x)
        {
            ordered &= strcmp(prev, sget(x, "id")) < 0;
            ecf_strlcpy(prev, sget(x, "id"), sizeof prev);
        }
        total += json_array_size(items);
        json_decref(items);
    } while (cur);
    ok(total == 17 && fpages == 5 && ordered, "17 facts over 5 pages, ordered by id");

    /* sanctions */
    struct {
        struct store_sanction_filter f;
        size_t want;
        const char *name;
    } sc[] = {
        {{NULL, "china", NULL, NULL, NULL}, 1, "sanctions by target"},
        {{NULL, NULL, "shipment_suspension", NULL, NULL}, 1, "sanctions by measure"},
        {{NULL, NULL, NULL, "2020", NULL}, 2, "since 2020"},
        {{NULL, NULL, NULL, NULL, "2022"}, 2, "until 2022 (by prefix)"},
        {{NULL, NULL, NULL, "2020", "2023"}, 1, "since 2020 until 2023"},
        {{NULL, NULL, NULL, "2019-05", "2019-05"}, 1, "one month"},
        {{NULL, "huawei", "entity_listing", "2019", NULL}, 1, "target+measure+since"},
        {{NULL, "huawei", "export_restriction", NULL, NULL}, 0, "target+other measure"},
        {{"tsmc", NULL, NULL, NULL, "2024-09"}, 0, "imposer+until excludes"},
        {{NULL, NULL, NULL, NULL, NULL}, 3, "all sanctions"},
    };
    for (size_t i = 0; i < sizeof sc / sizeof *sc; i++) {
        e = tx_sanctions_list(t, &sc[i].f, &p50, &items, &next);
        ok(e == STORE_OK && json_array_size(items) == sc[i].want, "%s", sc[i].name);
        json_decref(items);
        free(next);
    }
    struct store_sanction_filter sbad = {NULL, NULL, NULL, "2020-1", NULL};
    is_int(tx_sanctions_list(t, &sbad, &p50, &items, &next), STORE_E_INVALID,
           "malformed date: INVALID");
    struct store_sanction_filter since = {NULL, NULL, NULL, "2000", NULL};
    struct store_page p1 = {NULL, 1};
    ok(tx_sanctions_list(t, &since, &p1, &items, &next) == STORE_OK && next, "date page 1");
    is_str(sget(json_array_get(items, 0), "date"), "2019-05-16", "oldest first");
    json_decref(items);
    p1.cursor = next;
    char *next2 = NULL;
    ok(tx_sanctions_list(t, &since, &p1, &items, &next2) == STORE_OK, "date page 2");
    is_str(sget(json_array_get(items, 0), "date"), "2022-10-07", "then the next date");
    json_decref(items);
    free(next);
    free(next2);
    store_read_end(t);
}

static void test_lineage(struct store *s)
{
    struct store_txn t_r = STORE_TXN_INIT, *t = &t_r;
    json_t *o = NULL;
    char buf[1024];
    ok(store_read_begin(s, t) == STORE_OK, "read txn for lineage");
    ok(tx_chip_lineage(t, "ascend-910b", 1, &o) == STORE_OK && keys_are(o, LINEAGE_KEYS),
       "Lineage shape");
    is_str(ids_of(json_object_get(o, "nodes"), buf, sizeof buf), "ascend-910b,ascend-910c,huawei",
           "depth 1: the successor and its designer, not the variant");
    is_int(json_array_size(json_object_get(o, "edges")), 3,
           "depth 1 edges: successor_of, develops, process_node");
    ok(keys_are(json_array_get(json_object_get(o, "edges"), 0), EDGE_KEYS), "Edge shape");
    ok(keys_are(json_object_get(o, "chip"), REF_KEYS) && iget(o, "depth") == 1, "chip and depth");
    json_decref(o);
    ok(tx_chip_lineage(t, "ascend-910b", 2, &o) == STORE_OK, "depth 2");
    ids_of(json_object_get(o, "nodes"), buf, sizeof buf);
    ok(json_array_size(json_object_get(o, "nodes")) == 4 && strncmp(buf, "ascend-910b,", 12) == 0 &&
           strstr(buf, "ascend-910c-pro") && strstr(buf, "huawei"),
       "depth 2 reaches the variant, the chip first (%s)", buf);
    is_int(json_array_size(json_object_get(o, "edges")), 4, "depth 2 edges");
    json_decref(o);
    ok(tx_chip_lineage(t, "h100", 1, &o) == STORE_OK, "lineage of h100");
    is_str(ids_of(json_object_get(o, "nodes"), buf, sizeof buf), "h100,h20,nvidia",
           "variant found in the other direction, its designer too");
    json_decref(o);
    is_int(tx_chip_lineage(t, "huawei", 2, &o), STORE_E_KIND, "not a chip: KIND");
    is_int(tx_chip_lineage(t, "no-such-chip", 2, &o), STORE_E_NOTFOUND, "unknown: NOTFOUND");
    is_int(tx_chip_lineage(t, "h100", 6, &o), STORE_E_INVALID, "depth 6: INVALID");
    store_read_end(t);
}

static void test_search(struct store *s)
{
    struct store_txn t_r = STORE_TXN_INIT, *t = &t_r;
    json_t *o = NULL;
    ok(store_read_begin(s, t) == STORE_OK, "read txn for search");
    ok(tx_search(t, "Huawie", 10, &o) == STORE_OK && json_array_size(o) >= 1, "search Huawie");
    json_t *h = json_array_get(o, 0);
    ok(keys_are(h, HIT_KEYS), "SearchHit shape");
    is_str(sget(json_object_get(h, "entity"), "id"), "huawei", "Huawie finds Huawei first");
    double sc = json_number_value(json_object_get(h, "score"));
    ok(sc < 1.0 && sc >= 0.5, "typo score below 1 (%g)", sc);
    is_str(sget(h, "matched"), "Huawei", "matched the name");
    is_str(sget(h, "country"), "CN", "hit country");
    json_decref(o);
    ok(tx_search(t, "huawei", 10, &o) == STORE_OK, "search exact");
    h = json_array_get(o, 0);
    ok(json_number_value(json_object_get(h, "score")) == 1.0 &&
           strcmp(sget(json_object_get(h, "entity"), "id"), "huawei") == 0,
       "exact name scores 1");
    json_decref(o);
    ok(tx_search(t, "huawei technologes", 10, &o) == STORE_OK, "search an alias with a typo");
    h = json_array_get(o, 0);
    is_str(sget(h, "matched"), "Huawei Technologies", "matched the alias");
    json_decref(o);
    ok(tx_search(t, "ascend 910", 2, &o) == STORE_OK && json_array_size(o) == 2, "limit respected");
    json_decref(o);
    ok(tx_search(t, "910C", 10, &o) == STORE_OK && json_array_size(o) >= 1 &&
           strcmp(sget(json_object_get(json_array_get(o, 0), "entity"), "id"), "ascend-910c") == 0,
       "word inside a name");
    json_decref(o);
    ok(tx_search(t, "Comerce", 10, &o) == STORE_OK && json_array_size(o) >= 1 &&
           strcmp(sget(json_object_get(json_array_get(o, 0), "entity"), "id"),
                  "us-department-of-commerce") == 0,
       "a misspelt word of a long name");
    json_decref(o);
    ok(tx_search(t, "zzqqxx", 10, &o) == STORE_OK && json_array_size(o) == 0, "no match");
    json_decref(o);
    is_int(tx_search(t, "H", 10, &o), STORE_E_QUERY, "one character: QUERY");
    store_read_end(t);
}

static void test_export(struct store *s, const char *base)
{
    char path[512];
    snprintf(path, sizeof path, "%s/export.jsonl", base);
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    ok(fd >= 0 && store_export(s, fd) == STORE_OK, "export");
    close(fd);
    FILE *fp = fopen(path, "r");
    char line[65536];
    int n = 0, kinds_ok = 1, rank = 0;
    static const char *const kinds[] = {"article", "entity", "fact", "sanction"};
    while (fp && fgets(line, sizeof line, fp)) {
        json_t *o = json_loads(line, 0, NULL);
        const char *k = sget(o, "kind");
        while (rank < 4 && k && strcmp(k, kinds[rank]) != 0)
            rank++;
        kinds_ok &= rank < 4 && json_is_object(json_object_get(o, "data"));
        if (k && strcmp(k, "article") == 0)
            kinds_ok &= sget(json_object_get(o, "data"), "text") != NULL;
        json_decref(o);
        n++;
    }
    if (fp)
        fclose(fp);
    is_int(n, 3 + 24 + 17 + 3, "one line per record");
    ok(kinds_ok, "kinds in order, articles with text");
    is_int(store_export(s, -1), STORE_E_IO, "write failure: IO");
}

int main(void)
{
    char *base = tmp_dir();
    if (!base) {
        skip_all("no temp dir");
        return 0;
    }
    test_open(base);
    char dir[512];
    snprintf(dir, sizeof dir, "%s/kb", base);
    struct store *s = open_ok(dir, 64u << 20);
    struct fx *f1 = malloc(sizeof *f1), *f2 = malloc(sizeof *f2), *f3 = malloc(sizeof *f3);
    build_a1(f1);
    build_a2(f2);
    build_a3(f3);
    ok(s != NULL, "open the test store");
    if (s) {
        test_ingest(s, f1, f2, f3);
        test_reads(s, f1);
        test_filters(s);
        test_lineage(s);
        test_search(s);
        test_export(s, base);
        store_close(s);
    }
    free(f1);
    free(f2);
    free(f3);
    rm_dir(base);
    free(base);
    return done();
}
