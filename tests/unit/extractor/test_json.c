/* Unit tests: ex_result_json_text writes exactly the bytes of
 * json_dumps(ex_result_to_json(...), JSON_COMPACT | JSON_REAL_PRECISION(10)),
 * the line `ecfacts extract --json` prints: on the seed articles of the shared
 * corpus (when present), on an article written for these tests, and on a
 * hand-made result with the awkward cases (escapes, control characters,
 * non-ASCII, literal facts, missing references, reals of every shape). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tap.h"
#include "tests/unit/extractor/exhelp.h"

#ifndef ECF_SHARED_DIR
#define ECF_SHARED_DIR "../shared"
#endif

/* Both lines for r; ok when they are the same bytes. */
static void same_line(const struct ex_result *r, const char *id, const char *text, const char *what)
{
    json_t *j = ex_result_to_json(r, id, text);
    char *want = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
    char *got = NULL;
    size_t n = 0;
    enum ex_err e = ex_result_json_text(r, id, text, &got, &n);
    ok(want && e == EX_OK && got && strlen(got) == n && !strcmp(want, got), "same JSON line: %s",
       what);
    if (want && got && strcmp(want, got))
        fprintf(stderr, "# want %s\n#  got %s\n", want, got);
    free(want);
    free(got);
    json_decref(j);
}

static void test_seeds(const struct extractor *x)
{
    for (int i = 0; i < 5; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/corpus/seed-%03d.txt", ECF_SHARED_DIR, i);
        size_t len = 0;
        char *text = slurp(path, &len);
        if (!text) {
            ok(1, "# skip %s: not found", path);
            continue;
        }
        struct ex_result *r = NULL;
        if (extract_run(x, text, len, NULL, &r) == EX_OK)
            same_line(r, "seed", text, path);
        else
            ok(0, "extracts %s", path);
        ex_result_free(r);
        free(text);
    }
}

static void test_article(const struct extractor *x)
{
    static const char text[] = "U.S. Curbs \"Advanced\" Chips\\Tools \xE2\x80\x94 Explained\n"
                               "Washington added Huawei to the Entity List on May 16, 2019. "
                               "Huawei\xE2\x80\x99s Ascend 910B uses a 7nm process. "
                               "Nvidia supplies H20 chips to Tencent.\n";
    struct ex_result *r = NULL;
    if (extract_run(x, text, sizeof text - 1, NULL, &r) == EX_OK) {
        same_line(r, "a\"b\\c", text, "an article");
        same_line(r, NULL, NULL, "no id, no text");
    } else {
        ok(0, "article extracts");
    }
    ex_result_free(r);
}

static void test_made(void)
{
    static const char text[] =
        "Tab\there, \x01 and \x1f, quote \" and \\ / \xC3\xA9 \xF0\x9F\x98\x80.";
    char *al[] = {"Al\"ias", "Tab\tand\nnew\rline\b\f", "caf\xC3\xA9"};
    char *items[] = {"chips", "\x7f del"};
    struct ex_entity ents[2] = {
        {.id = "a-b",
         .name = "A \"B\"",
         .type = EX_T_COMPANY,
         .country = "US",
         .aliases = al,
         .n_aliases = 3,
         .mentions = 4294967295u},
        {.id = "c",
         .name = "C\\D",
         .type = EX_T_CHIP,
         .country = "",
         .aliases = NULL,
         .n_aliases = 0,
         .mentions = 0},
    };
    struct ex_evidence ev = {
        .sentence = {.start = 0, .end = sizeof text - 1, .cstart = 0, .cend = 123456789012ull},
        .rule = "r\"1"};
    struct ex_evidence ev0 = {.sentence = {.start = 5, .end = 2}, .rule = NULL};
    struct ex_fact facts[] = {
        {.subject = 0, .pred = EX_P_USES, .object = 1, .confidence = 0.85, .ev = ev},
        {.subject = 1,
         .pred = EX_P_PROCESS_NODE,
         .object = EX_NONE,
         .value = "7nm",
         .confidence = 0.7 * 0.6 * 0.85,
         .status = EX_S_HEDGED,
         .ev = ev0},
        {.subject = 0, .pred = EX_P_OWNS, .object = 7, .confidence = 1.0, .ev = ev},
        {.subject = 9,
         .pred = EX_P_RIVALS,
         .object = EX_NONE,
         .value = NULL,
         .confidence = 1e-7,
         .status = EX_S_DENIED,
         .ev = ev},
        {.subject = 0, .pred = EX_P_SUES, .object = 1, .confidence = 123456789.0, .ev = ev},
        {.subject = 0, .pred = EX_P_SUES, .object = 1, .confidence = 0.1234567891234, .ev = ev},
        {.subject = 0, .pred = EX_P_SUES, .object = 1, .confidence = 2.5e21, .ev = ev},
    };
    struct ex_sanction sancs[] = {
        {.imposer = 0,
         .target = 1,
         .measure = EX_M_ENTITY_LISTING,
         .items = items,
         .n_items = 2,
         .date = "2024-10-22",
         .confidence = 0.8 * 0.8,
         .ev = ev},
        {.imposer = 5,
         .target = 1,
         .measure = EX_M_DIVESTITURE_ORDER,
         .items = NULL,
         .n_items = 0,
         .date = "",
         .confidence = 0.5,
         .status = EX_S_HEDGED,
         .ev = ev0},
    };
    struct ex_result r = {.title = "T\xC3\xAFtle \"x\"",
                          .entities = ents,
                          .n_entities = 2,
                          .facts = facts,
                          .n_facts = sizeof facts / sizeof facts[0],
                          .sanctions = sancs,
                          .n_sanctions = 2};
    same_line(&r, "id\x02", text, "escapes, control characters, reals, null references");
    struct ex_result empty = {.title = NULL};
    same_line(&empty, "", "", "an empty result");

    /* a string jansson refuses (not UTF-8) makes no line at all */
    char bad[] = "bad \xC3";
    ents[1].name = bad;
    char *got = NULL;
    size_t n = 0;
    ok(ex_result_json_text(&r, "x", text, &got, &n) == EX_E_UTF8 && !got,
       "a string that is not UTF-8 is refused");
    json_t *j = ex_result_to_json(&r, "x", text);
    ok(j == NULL, "as ex_result_to_json refuses it");
    json_decref(j);
}

int main(void)
{
    test_made();
    struct extractor *x = ex_load_shipped();
    ok(x != NULL, "shipped data compiles");
    if (x) {
        test_article(x);
        test_seeds(x);
    }
    extractor_free(x);
    return done();
}
