/* Unit tests: references (extractor/coref.c) on sentences written for these
 * tests: pronouns, possessives and descriptions with modifiers, resolved by
 * type (an agency does not develop chips, a news outlet imposes nothing) and
 * salience (recency, subject before object). */
#include <stdbool.h>
#include <string.h>

#include "tests/tap.h"
#include "tests/unit/extractor/exhelp.h"

struct fcase {
    const char *text, *s, *pred, *o, *why;
    bool want; /* false: the fact must be absent */
};

static void test_facts(const struct extractor *x)
{
    static const struct fcase cases[] = {
        {"Headline\n\nIn a report to the SEC, Intel said the new limits apply to its Gaudi chips.",
         "Intel", "develops", "Gaudi", "'its <chip>' is the company, not the regulator before it",
         true},
        {"Headline\n\nIn a report to the SEC, Intel said the new limits apply to its Gaudi chips.",
         "Securities and Exchange Commission", "develops", "Gaudi", "an agency develops nothing",
         false},
        {"Headline\n\nNvidia and AMD reported results on Wednesday. The California company said "
         "its Blackwell parts would ship in June.",
         "Nvidia", "develops", "Blackwell", "a description with a modifier: the first subject",
         true},
        {"Headline\n\nHuawei opened a lab in Munich. The Shenzhen-based firm unveiled the Ascend "
         "910D there.",
         "Huawei", "develops", "Ascend 910D", "'the Shenzhen-based firm'", true},
        {"Headline\n\nNvidia met officials from the Commerce Department on Monday. It later "
         "unveiled the B30A.",
         "Nvidia", "develops", "B30A", "'it' + a company verb skips the nearer agency", true},
        {"Headline\n\nCiting Nikkei, Tencent said its Hunyuan model runs on H20 chips.", "Tencent",
         "develops", "Hunyuan", "'its <model>' is not the news outlet", true},
        {"Headline\n\nCiting Nikkei, Tencent said its Hunyuan model runs on H20 chips.", "Nikkei",
         "develops", "Hunyuan", "a news outlet develops nothing", false},
        {"Headline\n\nTencent and ByteDance praised the H20. They said they would keep buying "
         "it.",
         "ByteDance", "uses", "H20", "'they' is the coordinated subject, 'it' the chip", true},
        {"Headline\n\nTencent and ByteDance praised the H20. They said they would keep buying "
         "it.",
         "Tencent", "uses", "H20", "'they' covers every member", true},
        {"Headline\n\nHuawei buys modems from Qualcomm. It also designs the Kirin 9000S chip.",
         "Huawei", "develops", "Kirin 9000S", "subject before object in the sentence before", true},
        {"Headline\n\nAlibaba and Baidu tested the chip. Their Hanguang 800 and Kunlun parts "
         "were faster.",
         "Baidu", "develops", "Kunlun", "'their' with a list antecedent", true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ex_result *r = ex_run_text(x, cases[i].text, NULL);
        bool got = ex_find_fact(r, cases[i].s, cases[i].pred, cases[i].o) != NULL;
        ok(r && got == cases[i].want, "%s: %s %s %s%s", cases[i].why, cases[i].s, cases[i].pred,
           cases[i].o, cases[i].want ? "" : " (absent)");
        ex_result_free(r);
    }
}

static void test_sanctions(const struct extractor *x)
{
    struct ex_result *r = ex_run_text(
        x,
        "Headline\n\nMicron, in a short statement on Friday, said it had stopped shipping to "
        "Inspur.",
        NULL);
    ok(ex_find_sanction(r, "Micron", "Inspur", "shipment_suspension") != NULL,
       "'it' after a parenthetical is the subject that said it");
    ex_result_free(r);
    r = ex_run_text(x,
                    "Headline\n\nJapan's trade ministry said exporters of etching tools will "
                    "need permits from July. The ministry said the controls were aimed at "
                    "Chinese fabs.",
                    NULL);
    ok(ex_find_sanction(r, "Japan", "China", "export_restriction") != NULL,
       "'the ministry' is the government named before; a licence need is a restriction");
    ex_result_free(r);
    r = ex_run_text(x,
                    "Headline\n\nReuters said Washington added Sugon to the Entity List. It "
                    "also blacklisted Hygon.",
                    NULL);
    ok(ex_find_sanction(r, "United States", "Hygon", "entity_listing") &&
           !ex_find_sanction(r, "Reuters", "Hygon", "entity_listing"),
       "'it' + a government verb is the government, not the news outlet");
    ex_result_free(r);
}

int main(void)
{
    struct extractor *x = ex_load_shipped();
    ok(x != NULL, "shipped data compiles");
    if (x) {
        test_facts(x);
        test_sanctions(x);
    }
    extractor_free(x);
    return done();
}
