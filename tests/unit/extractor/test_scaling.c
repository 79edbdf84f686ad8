/* Unit tests: the extractor's per-article loops do work linear (or n log n)
 * in the article (issue 13 item 4, issue 14 "no input takes more than 10 s"):
 * entity look-up, discovery's mention list, fact and sanction dedup, denials,
 * the default country. Counted (struct wcount, work.h), never timed: an
 * article of n invented names is extracted, then one of 2n, and every counter
 * may at most about double. Then the cap on the names one article may add
 * (issue 13 item 3). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extractor/work.h"
#include "tests/tap.h"
#include "tests/unit/extractor/exhelp.h"

static const char *const syl1[] = {"Zhi", "Xin", "Tek", "Nova", "Lux", "Core", "Tron", "Sil"};
static const char *const syl2[] = {"zhi", "xin", "tek", "nova", "lux", "core", "tron", "sil"};

/* Name i: an invented company no gazetteer knows ("Novatek17 Semiconductor"). */
static void name_of(size_t i, char *out, size_t cap)
{
    snprintf(out, cap, "%s%s%zu Semiconductor", syl1[i % 8], syl2[(i / 8) % 8], i);
}

struct sb {
    char *s;
    size_t n, cap;
};

static void sb_add(struct sb *b, const char *t)
{
    size_t l = strlen(t);
    if (b->n + l + 1 > b->cap) {
        b->cap = (b->n + l + 1) * 2;
        b->s = realloc(b->s, b->cap);
        if (!b->s)
            abort();
    }
    memcpy(b->s + b->n, t, l + 1);
    b->n += l;
}

/* An article about n names: lists of 4 added to the Entity List, then per
 * name a fact, a known name with a suffix, a bare model number, a possessive
 * chip, a denial and a measure. Invented text. */
static char *article(size_t n)
{
    struct sb b = {0};
    char nm[64], line[1024];
    sb_add(&b, "Export controls reach more chipmakers\n\n");
    for (size_t g = 0; g < n; g += 4) {
        sb_add(&b, "The Commerce Department added ");
        size_t e = g + 4 < n ? g + 4 : n;
        for (size_t i = g; i < e; i++) {
            name_of(i, nm, sizeof nm);
            sb_add(&b, nm);
            sb_add(&b, i + 2 < e ? ", " : i + 1 < e ? " and " : "");
        }
        sb_add(&b, " to the Entity List.\n\n");
    }
    for (size_t i = 0; i < n; i++) {
        name_of(i, nm, sizeof nm);
        snprintf(line, sizeof line,
                 "%s uses the H100 from Huawei Technologies. %s also tested 4711 boards and the "
                 "Ascend 910B, and the 910B did well, and "
                 "%s's AB100 sold well. %s denied the reports. Japan imposed export controls. "
                 "The US imposed new export "
                 "controls on %s.\n\n",
                 nm, nm, nm, nm, nm);
        sb_add(&b, line);
    }
    return b.s;
}

static bool run(const struct extractor *x, size_t n, struct wcount *wc, size_t *nents)
{
    char *t = article(n);
    struct ex_result *r = NULL;
    memset(&ex_wcount, 0, sizeof ex_wcount);
    enum ex_err err = extract_run(x, t, strlen(t), "2024-05-01", &r);
    *wc = ex_wcount;
    *nents = r ? r->n_entities : 0;
    ex_result_free(r);
    free(t);
    return err == EX_OK;
}

#define PAIRS(X)                                                                                   \
    X(ent_find, ent_probe)                                                                         \
    X(ment_add, ment_moved)                                                                        \
    X(ment_find, ment_scan)                                                                        \
    X(fam_find, fam_scan)                                                                          \
    X(fact_push, fact_probe)                                                                       \
    X(sanc_push, sanc_probe)                                                                       \
    X(deny_sent, deny_scan)                                                                        \
    X(ctry_call, ctry_scan)

static void test_linear(const struct extractor *x)
{
    size_t n = 60, ea, eb;
    struct wcount a, b;
    if (!ok(run(x, n, &a, &ea) && run(x, 2 * n, &b, &eb), "extract %zu and %zu names", n, 2 * n))
        return;
        /* each loop is exercised, and its work at most doubles with the input
     * (a quadratic loop quadruples) */
#define CHECK(calls, work)                                                                         \
    ok(a.calls > 0 && b.calls >= a.calls, #calls ": %zu then %zu", a.calls, b.calls);              \
    ok(b.work <= a.work * 5 / 2 + 64, #work " grows linearly: %zu then %zu (%.2fx; quadratic 4x)", \
       a.work, b.work, a.work ? (double)b.work / (double)a.work : 0.0);
    PAIRS(CHECK)
#undef CHECK
}

/* Lists of n invented names (each once) added to the Entity List. */
static char *list_article(size_t n)
{
    struct sb b = {0};
    char nm[64];
    sb_add(&b, "More chipmakers on the Entity List\n\n");
    for (size_t g = 0; g < n; g += 4) {
        sb_add(&b, "The Commerce Department added ");
        size_t e = g + 4 < n ? g + 4 : n;
        for (size_t i = g; i < e; i++) {
            name_of(i, nm, sizeof nm);
            sb_add(&b, nm);
            sb_add(&b, i + 2 < e ? ", " : i + 1 < e ? " and " : "");
        }
        sb_add(&b, " to the Entity List.\n\n");
    }
    return b.s;
}

/* Issue 13 item 3: one article adds at most WORK_MAX_NAMED entities by name;
 * the rest are counted and said in the explanation. */
static void test_cap(const struct extractor *x)
{
    size_t n = WORK_MAX_NAMED + 100;
    char *t = list_article(n);
    struct ex_result *r = NULL;
    char *why = NULL;
    memset(&ex_wcount, 0, sizeof ex_wcount);
    if (!ok(extract_explain(x, t, strlen(t), "2024-05-01", &r, &why) == EX_OK,
            "extract a list of %zu names", n)) {
        free(t);
        return;
    }
    size_t kept = 0, listed = 0;
    for (size_t i = 0; i < r->n_entities; i++)
        kept += strstr(r->entities[i].name, " Semiconductor") != NULL;
    for (size_t i = 0; i < r->n_sanctions; i++)
        listed += r->sanctions[i].measure == EX_M_ENTITY_LISTING;
    ok(kept == WORK_MAX_NAMED, "%zu of the names are entities (cap %d)", kept, WORK_MAX_NAMED);
    ok(ex_wcount.ents_dropped == n - kept, "%zu names counted as dropped", ex_wcount.ents_dropped);
    ok(listed == kept, "%zu entity listings, one per kept name", listed);
    char want[128];
    snprintf(want, sizeof want, "entities: %zu name mentions not kept", n - kept);
    ok(why && strstr(why, want), "the explanation says '%s'", want);
    /* a short list is not touched */
    ex_result_free(r);
    free(why);
    free(t);
    t = list_article(40);
    r = NULL;
    memset(&ex_wcount, 0, sizeof ex_wcount);
    ok(extract_run(x, t, strlen(t), "2024-05-01", &r) == EX_OK && r->n_sanctions == 40 &&
           ex_wcount.ents_dropped == 0,
       "40 names: 40 entity listings, none dropped");
    ex_result_free(r);
    free(t);
}

int main(void)
{
    struct extractor *x = ex_load_shipped();
    ok(x != NULL, "shipped data compiles");
    if (x) {
        test_linear(x);
        test_cap(x);
    }
    extractor_free(x);
    return done();
}
