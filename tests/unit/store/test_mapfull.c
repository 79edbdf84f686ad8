/* tests/unit/store/test_mapfull.c — a tiny map so the map-full path really
 * runs: ingest until STORE_E_MAPFULL, check that every earlier article is
 * intact and complete, reopen, then grow the map and ingest again. */
#include "fixture.h"

#define TINY_MAP (256u * 1024u)

static char names[4][32], ids[4][32], art_id[32];

/* Article i: four entities of its own plus Huawei, four facts, a sanction. */
static void build(struct fx *f, int i)
{
    char lead[128];
    snprintf(lead, sizeof lead, "Report number %d on supply chains. ", i);
    fx_init(f, lead);
    size_t e[4];
    for (int k = 0; k < 4; k++) {
        snprintf(ids[k], sizeof ids[k], "firm-%d-%d", i, k);
        snprintf(names[k], sizeof names[k], "Firm %d %c", i, 'A' + k);
        e[k] = fx_ent(f, ids[k], names[k], "company", "KR", NULL);
    }
    size_t hw = fx_ent(f, "huawei", "Huawei", "company", "CN", NULL);
    for (int k = 0; k < 3; k++)
        fx_fact(f, e[k], "supplies", e[k + 1], NULL, 0.6, "asserted",
                "A firm supplies another firm with wafers and tools for the new line.");
    fx_fact(f, e[0], "partners_with", hw, NULL, 0.5, "hedged",
            "The firm reportedly partners with Huawei on packaging.");
    fx_sanction(f, hw, e[0], "shipment_suspension", "2024", NULL, 0.7,
                "Huawei suspended shipments to the firm in 2024.");
    snprintf(art_id, sizeof art_id, "m-%03d", i);
}

/* Every article below n is present with its text, facts and sanction. */
static int verify(struct store *s, int n, struct fx *f)
{
    struct store_txn t_r = STORE_TXN_INIT, *t = &t_r;
    int good = 1;
    if (store_read_begin(s, t) != STORE_OK)
        return 0;
    struct store_stats st;
    good &= store_stats(t, &st) == STORE_OK && st.articles == (uint64_t)n &&
            st.facts == (uint64_t)n * 4 && st.sanctions == (uint64_t)n;
    for (int i = 0; i < n && good; i++) {
        json_t *o = NULL;
        build(f, i);
        good &= tx_article_get(t, art_id, &o) == STORE_OK;
        good &= sget(o, "text") && strcmp(sget(o, "text"), f->text) == 0;
        good &= json_array_size(json_object_get(o, "facts")) == 4;
        good &= json_array_size(json_object_get(o, "sanctions")) == 1;
        good &= json_array_size(json_object_get(o, "entities")) == 5;
        json_decref(o);
        struct store_fact_filter ff = {ids[0], NULL, NULL};
        struct store_page pg = {NULL, 10};
        json_t *items = NULL;
        char *next = NULL;
        good &=
            tx_facts_list(t, &ff, &pg, &items, &next) == STORE_OK && json_array_size(items) == 2;
        json_decref(items);
        free(next);
        if (!good)
            printf("# article %d incomplete\n", i);
    }
    store_read_end(t);
    return good;
}

int main(void)
{
    char *dir = tmp_dir();
    struct fx *f = malloc(sizeof *f);
    struct store *s = NULL;
    struct store_opts tiny = {.map_size = TINY_MAP}, bigger = {.map_size = 4u << 20};
    char err[256];
    if (!dir || !f) {
        skip_all("no temp dir");
        return 0;
    }
    ok(store_open(dir, &tiny, &s, err, sizeof err) == STORE_OK, "open with a 256 KiB map");
    int n_ok = 0;
    enum store_err e = STORE_OK;
    struct store_ingest_info info;
    for (int i = 0; i < 1000 && s; i++) {
        build(f, i);
        struct store_article a = fx_article(f, art_id, NULL);
        e = store_ingest(s, &a, &f->r, &info);
        if (e != STORE_OK)
            break;
        n_ok++;
    }
    is_int(e, STORE_E_MAPFULL, "ingest ends with STORE_E_MAPFULL");
    ok(n_ok >= 2, "%d articles fitted before the map was full", n_ok);
    ok(verify(s, n_ok, f), "same handle: every earlier article intact and complete");
    build(f, n_ok);
    struct store_article a = fx_article(f, art_id, NULL);
    is_int(store_ingest(s, &a, &f->r, &info), STORE_E_MAPFULL, "still full, still clean");
    struct store_txn t_r = STORE_TXN_INIT, *t = &t_r;
    json_t *o = NULL;
    ok(store_read_begin(s, t) == STORE_OK && tx_article_get(t, art_id, &o) == STORE_E_NOTFOUND,
       "the failed article left nothing behind");
    ok(tx_entity_get(t, "firm-0-0", &o) == STORE_OK && iget(o, "articles") == 1,
       "an entity of the failed article is not double counted");
    json_decref(o);
    store_read_end(t);
    store_close(s);

    s = NULL;
    ok(store_open(dir, &tiny, &s, err, sizeof err) == STORE_OK, "reopen after map full");
    ok(s && verify(s, n_ok, f), "reopened: every earlier article intact");
    store_close(s);

    s = NULL;
    ok(store_open(dir, &bigger, &s, err, sizeof err) == STORE_OK, "reopen with a 4 MiB map");
    build(f, n_ok);
    a = fx_article(f, art_id, NULL);
    is_int(store_ingest(s, &a, &f->r, &info), STORE_OK, "the failed article now fits");
    build(f, n_ok + 1);
    a = fx_article(f, art_id, NULL);
    is_int(store_ingest(s, &a, &f->r, &info), STORE_OK, "and one more");
    ok(verify(s, n_ok + 2, f), "all articles complete");
    ok(store_read_begin(s, t) == STORE_OK, "read txn");
    struct store_stats st;
    ok(store_stats(t, &st) == STORE_OK && st.map_size == (4u << 20), "map grew to 4 MiB");
    store_read_end(t);
    store_close(s);
    free(f);
    rm_dir(dir);
    free(dir);
    return done();
}
