/* tests/unit/store/test_records.c — the write path's records at the byte
 * level: merged fact and sanction records read back with raw LMDB, a record
 * that is not ours refused as corrupt, the evidence caps (count and text),
 * and the per-entity sources index cap. (test_store.c covers the API.) */
#include <lmdb.h>
#include <math.h>

#include "fixture.h"
#include "store/store_int.h" /* STORE_JSON_FLAGS: how records are written */

/* Raw LMDB on the (closed) store at dir: a cursor on database name, in a
 * write transaction when write. raw_close ends what raw_open began (the
 * transaction aborted unless *txn was committed and set to NULL). */
struct raw {
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi dbi;
    MDB_cursor *c;
};

static bool raw_open(struct raw *r, const char *dir, const char *name, bool write)
{
    unsigned ro = write ? 0 : MDB_RDONLY;
    *r = (struct raw){NULL, NULL, 0, NULL};
    return !mdb_env_create(&r->env) && !mdb_env_set_maxdbs(r->env, 64) &&
           !mdb_env_open(r->env, dir, ro | (write ? 0 : MDB_NOLOCK), 0600) &&
           !mdb_txn_begin(r->env, NULL, ro, &r->txn) && !mdb_dbi_open(r->txn, name, 0, &r->dbi) &&
           !mdb_cursor_open(r->txn, r->dbi, &r->c);
}

static void raw_close(struct raw *r)
{
    if (r->c)
        mdb_cursor_close(r->c);
    if (r->txn)
        mdb_txn_abort(r->txn);
    mdb_env_close(r->env);
}

/* The first record of database name in the (closed) store at dir: a copy in
 * *out (malloc'd, NUL-terminated), its key in key[0..STORE_ID_MAX); or with
 * put, that record replaced by put. False when there is none. */
static bool raw_first(const char *dir, const char *name, char **out, char key[STORE_ID_MAX],
                      const char *put)
{
    struct raw r;
    MDB_val k, v;
    bool found = false;
    *out = NULL;
    if (!raw_open(&r, dir, name, put != NULL) || mdb_cursor_get(r.c, &k, &v, MDB_FIRST) ||
        k.mv_size >= STORE_ID_MAX || !(*out = malloc(v.mv_size + 1)))
        goto out;
    memcpy(*out, v.mv_data, v.mv_size);
    (*out)[v.mv_size] = '\0';
    memcpy(key, k.mv_data, k.mv_size);
    key[k.mv_size] = '\0';
    found = true;
    if (put) {
        MDB_val nv = {strlen(put), (void *)put};
        mdb_cursor_close(r.c);
        r.c = NULL;
        found = mdb_put(r.txn, r.dbi, &k, &nv, 0) == 0 && mdb_txn_commit(r.txn) == 0;
        r.txn = NULL;
    }
out:
    raw_close(&r);
    return found;
}

/* Merged fact and sanction records are spliced, not dumped whole (ingest.c):
 * each must still be the exact text jansson writes for it, evidence last. */
static void check_merged_records(const char *dir)
{
    static const char *const dbs[] = {"facts", "sanctions"};
    for (size_t i = 0; i < 2; i++) {
        char *raw = NULL, key[STORE_ID_MAX];
        json_t *rec = NULL;
        char *again = NULL;
        bool got = raw_first(dir, dbs[i], &raw, key, NULL);
        if (got && (rec = json_loads(raw, 0, NULL)))
            again = json_dumps(rec, STORE_JSON_FLAGS);
        const char *last = NULL;
        for (void *it = json_object_iter(rec); it; it = json_object_iter_next(rec, it))
            last = json_object_iter_key(it);
        ok(again && strcmp(again, raw) == 0, "a merged %s record is canonical compact JSON",
           dbs[i]);
        is_int(json_array_size(json_object_get(rec, "evidence")), STORE_EVIDENCE_MAX,
               "its evidence holds the first ones");
        is_str(last, "evidence", "and comes last");
        if (i == 1)
            is_str(sget(rec, "date"), "2019-05", "the sanction head was merged (finer date)");
        free(again);
        json_decref(rec);
        free(raw);
    }
}

/* Ingests article id (text lead + the sentence) stating "Huawei develops the
 * Ascend 910C". */
static enum store_err ingest_develops(struct store *s, struct fx *f, const char *lead,
                                      const char *id)
{
    struct store_ingest_info info;
    fx_init(f, lead);
    size_t h = fx_ent(f, "huawei", "Huawei", "company", "CN", NULL);
    size_t c = fx_ent(f, "ascend-910c", "Ascend 910C", "chip", NULL, NULL);
    fx_fact(f, h, "develops", c, NULL, 0.5, "asserted", "Huawei develops the Ascend 910C.");
    struct store_article a = fx_article(f, id, NULL);
    return store_ingest(s, &a, &f->r, &info);
}

/* A fact record whose evidence is not its last member is not ours: the next
 * merge into it fails as corrupt, and writes nothing. */
static void test_merge_corrupt(const char *base)
{
    char dir[512], key[STORE_ID_MAX], *raw = NULL;
    snprintf(dir, sizeof dir, "%s/mcorrupt", base);
    struct store *s = open_ok(dir, 64u << 20);
    struct fx *f = malloc(sizeof *f);
    ok(s && f && ingest_develops(s, f, "First. ", "mc1") == STORE_OK, "a fact is stored");
    store_close(s);
    s = NULL;
    /* the same members, evidence second: "," before it, more after it */
    json_t *rec = raw_first(dir, "facts", &raw, key, NULL) ? json_loads(raw, 0, NULL) : NULL;
    json_t *moved = json_object();
    json_object_set(moved, "id", json_object_get(rec, "id"));
    json_object_set(moved, "evidence", json_object_get(rec, "evidence"));
    json_object_update(moved, rec);
    char *text = json_dumps(moved, STORE_JSON_FLAGS);
    char *back = NULL;
    ok(text && strstr(text, ",\"evidence\":") && raw_first(dir, "facts", &back, key, text),
       "rewrote it with its evidence second");
    free(back);
    s = open_ok(dir, 64u << 20);
    is_int(s && f ? ingest_develops(s, f, "Second. ", "mc2") : STORE_E_IO, STORE_E_CORRUPT,
           "merging into it: STORE_E_CORRUPT");
    struct store_txn t_r = STORE_TXN_INIT, *t = &t_r;
    struct store_stats st = {0};
    ok(s && store_read_begin(s, t) == STORE_OK && store_stats(t, &st) == STORE_OK &&
           st.articles == 1,
       "the failed article is not stored");
    store_read_end(t);
    store_close(s);
    char *after = NULL;
    ok(raw_first(dir, "facts", &after, key, NULL) && text && strcmp(after, text) == 0,
       "the record is left as it was");
    free(after);
    free(text);
    json_decref(moved);
    json_decref(rec);
    free(raw);
    free(f);
}

/* A fact stated by many articles: every mention counts, the evidence list
 * stays bounded, confidence follows 1 - prod(1 - c) incrementally. */
static void test_evidence_bound(const char *base)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/bound", base);
    struct store *s = open_ok(dir, 64u << 20);
    struct fx *f = malloc(sizeof *f);
    if (!s || !f) {
        ok(0, "open the bound store");
        free(f);
        store_close(s);
        return;
    }
    const int n = STORE_EVIDENCE_MAX + 5;
    bool all = true;
    double prod = 1.0;
    for (int i = 0; i < n; i++) {
        char lead[64], id[32];
        snprintf(lead, sizeof lead, "Report %d. ", i); /* distinct texts, one fact */
        snprintf(id, sizeof id, "b%02d", i);
        fx_init(f, lead);
        size_t h = fx_ent(f, "huawei", "Huawei", "company", "CN", NULL);
        size_t c = fx_ent(f, "ascend-910c", "Ascend 910C", "chip", NULL, NULL);
        /* quotes, a backslash and "},{" in the spliced evidence text */
        fx_fact(f, h, "develops", c, NULL, 0.1, "asserted",
                "Huawei \"develops\" the Ascend 910C \\ },{ chip.");
        size_t us = fx_ent(f, "united-states", "United States", "country", "US", NULL);
        fx_sanction(f, us, h, "entity_listing", i % 2 ? "2019-05" : "2019", NULL, 0.5,
                    "The United States listed Huawei in 2019.");
        struct store_article a = fx_article(f, id, NULL);
        struct store_ingest_info info;
        all = all && store_ingest(s, &a, &f->r, &info) == STORE_OK && !info.duplicate;
        prod *= 0.9;
    }
    ok(all, "%d articles stating the same fact are stored", n);
    struct store_txn t_r = STORE_TXN_INIT, *t = &t_r;
    json_t *facts = NULL;
    char *next = NULL;
    struct store_fact_filter ff = {"huawei", "develops", "ascend-910c"};
    struct store_page pg = {NULL, 10};
    if (store_read_begin(s, t) == STORE_OK &&
        tx_facts_list(t, &ff, &pg, &facts, &next) == STORE_OK && json_array_size(facts) == 1) {
        json_t *fact = json_array_get(facts, 0);
        is_int(iget(fact, "mentions"), n, "every mention is counted");
        is_int(json_array_size(json_object_get(fact, "evidence")), STORE_EVIDENCE_MAX,
               "the evidence list is bounded");
        is_str(sget(json_array_get(json_object_get(fact, "evidence"), 0), "article"), "b00",
               "the first evidences are the ones kept");
        double conf = json_number_value(json_object_get(fact, "confidence"));
        ok(fabs(conf - (1.0 - prod)) < 0.002, "confidence 1-0.9^%d = %.4f (got %g)", n, 1.0 - prod,
           conf);
    } else {
        ok(0, "read the merged fact");
    }
    json_decref(facts);
    free(next);
    store_read_end(t);
    store_close(s);
    free(f);
    check_merged_records(dir);
}

/* Issue 13: an evidence's sentence text is cut to STORE_EVIDENCE_TEXT_MAX
 * bytes on a code point, with an ellipsis; its offsets still span the whole
 * sentence in the article. */
static void test_evidence_text_cap(const char *base)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/evtext", base);
    struct store *s = open_ok(dir, 64u << 20);
    struct fx *f = malloc(sizeof *f);
    char *sent = malloc(4096);
    if (!s || !f || !sent) {
        ok(0, "open the evidence text store");
        goto out;
    }
    /* 3000 bytes: two-byte letters put a continuation byte where a cut at
     * STORE_EVIDENCE_TEXT_MAX - 3 would fall */
    size_t n = (size_t)snprintf(sent, 4096, "Huawei develops the Ascend 910C ");
    while (n + 2 < 3000) {
        memcpy(sent + n, "\xC3\xA9", 2); /* e-acute */
        n += 2;
    }
    sent[n] = '\0';
    fx_init(f, "Lead. ");
    size_t h = fx_ent(f, "huawei", "Huawei", "company", "CN", NULL);
    size_t c = fx_ent(f, "ascend-910c", "Ascend 910C", "chip", NULL, NULL);
    fx_fact(f, h, "develops", c, NULL, 0.8, "asserted", sent);
    const struct store_rec_span sp = f->facts[0].ev.sentence;
    struct store_article a = fx_article(f, "evtext", NULL);
    struct store_ingest_info info;
    ok(store_ingest(s, &a, &f->r, &info) == STORE_OK, "an article with a 3000-byte sentence");
    struct store_txn t_r = STORE_TXN_INIT, *t = &t_r;
    json_t *facts = NULL;
    char *next = NULL;
    struct store_fact_filter ff = {"huawei", "develops", "ascend-910c"};
    struct store_page pg = {NULL, 10};
    if (store_read_begin(s, t) == STORE_OK &&
        tx_facts_list(t, &ff, &pg, &facts, &next) == STORE_OK && json_array_size(facts) == 1) {
        json_t *ev = json_array_get(json_object_get(json_array_get(facts, 0), "evidence"), 0);
        const char *txt = sget(ev, "sentence");
        size_t l = txt ? strlen(txt) : 0;
        ok(txt && l <= STORE_EVIDENCE_TEXT_MAX && ecf_utf8_valid(txt, l, NULL),
           "the stored sentence is at most %d bytes of valid UTF-8 (%zu)", STORE_EVIDENCE_TEXT_MAX,
           l);
        ok(l > 3 && l > STORE_EVIDENCE_TEXT_MAX - 8 && !memcmp(txt + l - 3, "\xE2\x80\xA6", 3) &&
               !memcmp(txt, sent, l - 3),
           "it is the sentence's beginning and an ellipsis");
        ok(iget(ev, "start") == (long long)sp.cstart && iget(ev, "end") == (long long)sp.cend,
           "start/end span the whole sentence (%lld-%lld)", iget(ev, "start"), iget(ev, "end"));
    } else {
        ok(0, "read the fact");
    }
    json_decref(facts);
    free(next);
    store_read_end(t);
out:
    store_close(s);
    free(f);
    free(sent);
}

/* Entries of the raw ent_articles index under "id\0" (the store closed). */
static long count_sources_index(const char *dir, const char *id)
{
    struct raw r;
    long n = -1;
    size_t pl = strlen(id) + 1;
    if (raw_open(&r, dir, "ent_articles", false)) {
        MDB_val k = {pl, (void *)id}, v;
        n = 0;
        for (int rc = mdb_cursor_get(r.c, &k, &v, MDB_SET_RANGE);
             rc == 0 && k.mv_size >= pl && memcmp(k.mv_data, id, pl) == 0;
             rc = mdb_cursor_get(r.c, &k, &v, MDB_NEXT))
            n++;
    }
    raw_close(&r);
    return n;
}

static int by_str(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

/* An entity in more articles than a detail lists: every article counts, the
 * sources are the first STORE_MAX_LIMIT ids in id order whatever order the
 * articles came in, and the index behind them keeps no more than that. */
static void test_sources_cap(const char *base)
{
    enum { N = STORE_MAX_LIMIT + 20, STEP = 263 }; /* STEP coprime with N: a permutation */
    char dir[512], ids[N][16], smic[N][16];
    size_t n_smic = 0;
    snprintf(dir, sizeof dir, "%s/sources", base);
    struct store *s = open_ok(dir, 64u << 20);
    struct fx *f = malloc(sizeof *f);
    bool all = s && f;
    for (int i = 0; i < N && all; i++) {
        int j = (i * STEP) % N; /* ids arrive out of order */
        char lead[64];
        snprintf(ids[i], sizeof ids[i], "s%04d", j);
        snprintf(lead, sizeof lead, "Report %d. ", j);
        fx_init(f, lead);
        size_t h = fx_ent(f, "huawei", "Huawei", "company", "CN", NULL);
        if (j % 7 == 0)
            fx_ent(f, "huawei", "Huawei Technologies", "company", "CN", NULL); /* twice */
        if (j % 3 == 0) {
            size_t m = fx_ent(f, "smic", "SMIC", "company", "CN", NULL);
            fx_fact(f, m, "manufactures", h, NULL, 0.5, "asserted", "SMIC makes chips.");
            ecf_strlcpy(smic[n_smic++], ids[i], sizeof smic[0]);
        }
        struct store_article a = fx_article(f, ids[i], NULL);
        all = store_ingest(s, &a, &f->r, NULL) == STORE_OK;
    }
    ok(all, "%d articles naming one entity are stored", N);
    qsort(ids, N, sizeof ids[0], by_str);
    qsort(smic, n_smic, sizeof smic[0], by_str);
    struct store_txn t_r = STORE_TXN_INIT, *t = &t_r;
    json_t *o = NULL;
    if (all && store_read_begin(s, t) == STORE_OK &&
        tx_entity_detail(t, "huawei", &o) == STORE_OK) {
        json_t *src = json_object_get(o, "sources");
        is_int(iget(o, "articles"), N, "articles counts each article once");
        is_int(json_array_size(src), STORE_MAX_LIMIT, "sources: capped");
        bool in_order = json_array_size(src) == STORE_MAX_LIMIT;
        for (size_t i = 0; in_order && i < STORE_MAX_LIMIT; i++)
            in_order = strcmp(sget(json_array_get(src, i), "id"), ids[i]) == 0;
        ok(in_order, "sources: the %d smallest ids, in order (last %s)", STORE_MAX_LIMIT,
           ids[STORE_MAX_LIMIT - 1]);
        json_decref(o);
        o = NULL;
        ok(tx_entity_detail(t, "smic", &o) == STORE_OK, "smic detail");
        src = json_object_get(o, "sources");
        is_int(iget(o, "articles"), (long long)n_smic, "under the cap: articles");
        bool every = json_array_size(src) == n_smic;
        for (size_t i = 0; every && i < n_smic; i++)
            every = strcmp(sget(json_array_get(src, i), "id"), smic[i]) == 0;
        ok(every, "under the cap: every source, in order");
    } else {
        ok(0, "read the entity in %d articles", N);
    }
    json_decref(o);
    store_read_end(t);
    store_close(s);
    is_int(count_sources_index(dir, "huawei"), STORE_MAX_LIMIT,
           "ent_articles keeps only the listed sources");
    is_int(count_sources_index(dir, "smic"), (long)n_smic, "ent_articles: all under the cap");
    free(f);
}

int main(void)
{
    char *base = tmp_dir();
    if (!base) {
        skip_all("no temp dir");
        return 0;
    }
    test_evidence_bound(base);
    test_evidence_text_cap(base);
    test_merge_corrupt(base);
    test_sources_cap(base);
    rm_dir(base);
    free(base);
    return done();
}
