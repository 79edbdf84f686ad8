/* Store growth for an adversarial article (issue 13 item 3): a 256 KiB page
 * without a full stop, extracted with the shipped data and ingested into a
 * fresh store, must grow it by a small multiple of its size. It grew it by
 * 64 MB (every fact stored the whole page as its evidence). Links the
 * extractor and app/ (its record conversion), unlike the other store tests:
 * this is about the two together. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "app/pipeline.h"
#include "tests/unit/extractor/advgen.h"
#include "tests/unit/extractor/exhelp.h"

/* Growth allowed, as a multiple of the article: this one grows it by about
 * 5x (facts whose evidence is a piece of at most 1 KiB); bench/adversarial
 * measured 7x for a normal article of the same size, 17x for its own
 * clause-dense giant sentence, 250x before the caps. */
#define GROWTH_MAX 24

static bool used_bytes(struct store *s, uint64_t *out)
{
    struct store_txn t_r = STORE_TXN_INIT, *t = &t_r;
    struct store_stats st;
    bool good = store_read_begin(s, t) == STORE_OK && store_stats(t, &st) == STORE_OK;
    store_read_end(t);
    *out = good ? st.used_bytes : 0;
    return good;
}

int main(void)
{
    char *base = tmp_dir();
    struct extractor *x = ex_load_shipped();
    if (!base || !x) {
        skip_all("no temp dir or no shipped data");
        extractor_free(x);
        free(base);
        return 0;
    }
    const size_t len = 256 * 1024;
    char *text = adv_giant_sentence(len);
    struct ex_result *r = NULL;
    bool ran = text && extract_run(x, text, len, NULL, &r) == EX_OK;
    ok(ran && r->n_facts > 100, "extract a 256 KiB article without a full stop (%zu facts)",
       ran ? r->n_facts : 0);
    struct store_opts o = {.map_size = 256u << 20};
    struct store *s = NULL;
    char err[256];
    uint64_t before = 0, after = 0;
    ok(store_open(base, &o, &s, err, sizeof err) == STORE_OK && used_bytes(s, &before),
       "open a fresh store");
    struct store_article a = {.id = "giant", .text = text, .len = len};
    struct store_ingest_info info;
    struct store_record rec = {0};
    ok(s && r && pipeline_record(r, &rec) && store_ingest(s, &a, &rec, &info) == STORE_OK &&
           used_bytes(s, &after),
       "ingest it");
    pipeline_record_free(&rec);
    uint64_t grew = after - before;
    ok(after > before && grew <= (uint64_t)GROWTH_MAX * len,
       "the store grew by %llu bytes, %.1fx the article (at most %dx)", (unsigned long long)grew,
       (double)grew / (double)len, GROWTH_MAX);
    store_close(s);
    ex_result_free(r);
    extractor_free(x);
    free(text);
    rm_dir(base);
    free(base);
    return done();
}
