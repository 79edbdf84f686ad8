/* Unit tests: the annotation conventions (../shared/spec/annotation.md) and
 * the token-level fixes of issue 14 (coordination over descriptor nouns,
 * implicit list targets, company targets of controls, speakers are not
 * imposers, modality by clause), on sentences written for these tests. */
#include <stdbool.h>
#include <string.h>

#include "tests/tap.h"
#include "tests/unit/extractor/exhelp.h"

struct scase {
    const char *text, *imp, *tgt, *measure, *why;
    bool want;
};

static void test_sanctions(const struct extractor *x)
{
    static const struct scase cases[] = {
        {"Washington is studying curbs on memory exports to China.", "United States", "China",
         "export_restriction", "a measure studied is not taken", false},
        {"Washington threatened again to curb chip exports to Russia.", "United States", "Russia",
         "export_restriction", "an adverb inside the cue", false},
        {"Washington is reviewing a request to blacklist Sugon.", "United States", "Sugon",
         "entity_listing", "a measure under review is not taken", false},
        {"Tokyo is weighing curbs on Russia, while Washington imposed new chip controls on "
         "Iran.",
         "United States", "Iran", "export_restriction", "a cue in another clause does not govern",
         true},
        {"Washington imposed new chip controls on Iran, while Tokyo is weighing curbs on "
         "Russia.",
         "Japan", "Russia", "export_restriction", "the weighed clause", false},
        {"Officials were weighing options for months, but the Commerce Department finally added "
         "Sugon "
         "to the Entity List.",
         "U.S. Department of Commerce", "Sugon", "entity_listing",
         "a cue before 'but' governs its own clause only", true},
        {"The Netherlands announced new export controls aimed at China and Russia.", "Netherlands",
         "Russia", "export_restriction", "an implicit target list keeps every country", true},
        {"The Netherlands announced new export controls aimed at China and Russia.", "Netherlands",
         "China", "export_restriction", "the first country of the list", true},
        {"Washington tightened its controls, targeting Huawei.", "United States", "Huawei",
         "export_restriction", "a control tied to a company targets it", true},
        {"Washington tightened its controls, targeting Huawei.", "United States", "China",
         "export_restriction", "not the default country", false},
        {"Washington's commerce chief, Secretary John Smith, announced new export controls on "
         "Iran.",
         "United States", "Iran", "export_restriction", "the body a speaker speaks for", true},
        {"Washington's commerce chief, Secretary John Smith, announced new export controls on "
         "Iran.",
         "John Smith", "Iran", "export_restriction", "a speaker is not the imposer", false},
        {"Secretary John Smith announced new export controls on Iran.", "John Smith", "Iran",
         "export_restriction", "a person without a body imposes nothing", false},
        {"Tokyo will require licences for exports of etching tools to China.", "Japan", "China",
         "export_restriction", "a licence requirement is an export restriction", true},
        {"The U.S. blacklisted 13 Chinese entities, among them Sugon and Hygon.", "United States",
         "Hygon", "entity_listing", "named members are the targets", true},
        {"The U.S. blacklisted 13 Chinese entities, among them Sugon and Hygon.", "United States",
         "China", "entity_listing", "named members beat the group", false},
        {"The Commerce Department added five Huawei affiliates to the Entity List.",
         "U.S. Department of Commerce", "Huawei", "entity_listing",
         "affiliates make the parent the target", true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[512];
        snprintf(text, sizeof text, "Headline\n\n%s", cases[i].text);
        struct ex_result *r = ex_run_text(x, text, NULL);
        bool got = ex_find_sanction(r, cases[i].imp, cases[i].tgt, cases[i].measure) != NULL;
        ok(r && got == cases[i].want, "%s: %s -> %s %s%s", cases[i].why, cases[i].imp, cases[i].tgt,
           cases[i].measure, cases[i].want ? "" : " (absent)");
        ex_result_free(r);
    }
}

static void test_facts(const struct extractor *x)
{
    struct ex_result *r = ex_run_text(
        x, "Headline\n\nBaidu and search rival Sogou both rely on the Ascend 910B.", NULL);
    ok(ex_find_fact(r, "Baidu", "uses", "Ascend 910B") &&
           ex_find_fact(r, "Sogou", "uses", "Ascend 910B"),
       "a coordination goes on over a descriptor noun");
    ex_result_free(r);
    r = ex_run_text(x, "Headline\n\nAlibaba, Tencent and chipmaker Cambricon use the H20.", NULL);
    ok(ex_find_fact(r, "Alibaba", "uses", "H20") && ex_find_fact(r, "Cambricon", "uses", "H20"),
       "'A, B and chipmaker C' is one list");
    ex_result_free(r);
    r = ex_run_text(x, "Headline\n\nTencent is also said to use the H20 in its data centres.",
                    NULL);
    const struct ex_fact *f = ex_find_fact(r, "Tencent", "uses", "H20");
    ok(f && f->status == EX_S_HEDGED, "a hedge cue with an adverb inside still hedges");
    ex_result_free(r);
    r = ex_run_text(x, "Huawei unveils the Ascend 910D\n\nThe launch surprised analysts.", NULL);
    ok(ex_find_fact(r, "Huawei", "develops", "Ascend 910D") != NULL,
       "the headline is a sentence like any other");
    ex_result_free(r);
}

int main(void)
{
    struct extractor *x = ex_load_shipped();
    ok(x != NULL, "shipped data compiles");
    if (x) {
        test_sanctions(x);
        test_facts(x);
    }
    extractor_free(x);
    return done();
}
