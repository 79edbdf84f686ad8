/* Unit tests: constructions the token rules handle for every predicate or
 * measure, each on a sentence written for this test (issue 14): a
 * parenthetical between an argument and its verb (<appos>), nominal
 * appositions that state ownership or succession, descriptions of bodies,
 * and the ways reporters phrase data, investment, divestiture, procurement,
 * licence and listing measures. */
#include <stdbool.h>
#include <string.h>

#include "tests/tap.h"
#include "tests/unit/extractor/exhelp.h"

struct fcase {
    const char *text, *s, *p, *o, *why;
    bool want;
};

struct scase {
    const char *text, *imp, *tgt, *measure, *why;
    bool want;
};

static struct ex_result *run(const struct extractor *x, const char *body)
{
    char text[1024];
    snprintf(text, sizeof text, "Headline\n\n%s", body);
    return ex_run_text(x, text, NULL);
}

static void test_facts(const struct extractor *x)
{
    static const struct fcase cases[] = {
        {"Naura, the country's biggest toolmaker, supplies etching machines to SMIC.", "Naura",
         "supplies", "SMIC", "an apposition between subject and verb", true},
        {"Hygon, which was founded in 2014 with licensed designs, uses the Ascend 910B.", "Hygon",
         "uses", "Ascend 910B", "a relative clause between subject and verb", true},
        {"Zhipu AI, said to be close to a deal, uses the Ascend 910B.", "Zhipu AI", "uses",
         "Ascend 910B", "a parenthetical must open like a noun phrase or a relative clause", false},
        {"Sugon bought from Inspur, and Tencent, a rival, ordered thousands of H20 chips.",
         "Tencent", "uses", "H20", "the subject after the parenthetical is the one meant", true},
        {"Tencent ordered $2 billion worth of H20 chips last quarter.", "Tencent", "uses", "H20",
         "a purchase measured in money's worth", true},
        {"The Ascend 910B, designed by HiSilicon, Huawei's chip unit, sold well.", "Huawei", "owns",
         "HiSilicon", "X, Y's unit: Y owns X", true},
        {"Analysts said Wingtech, whose parent, Nexperia, declined to comment, was listed.",
         "Nexperia", "owns", "Wingtech", "X, whose parent, Y: Y owns X", true},
        {"Phytium relies on Sanan Optoelectronics, a subsidiary it owns.", "Phytium", "owns",
         "Sanan Optoelectronics", "a subsidiary it owns: the pronoun is the owner", true},
        {"Sophgo, the chip designer behind the Ascend 910B, denied the report.", "Sophgo",
         "develops", "Ascend 910B", "the designer behind a product develops it", true},
        {"DeepSeek, which is funded by the investment group Tencent, released a model.", "Tencent",
         "invests_in", "DeepSeek", "funded by a described investor", true},
        {"Moonshot AI counts among its shareholders Alibaba, which led an earlier round.",
         "Alibaba", "invests_in", "Moonshot AI", "counts among its shareholders X", true},
        {"Tencent led a $300 million round in March in Zhipu AI.", "Tencent", "invests_in",
         "Zhipu AI", "led a round in X", true},
        {"The chipmaker showed the Ascend 920, the Ascend 910C's successor, in Shanghai.",
         "Ascend 920", "successor_of", "Ascend 910C", "X, the Y's successor", true},
        {"The Ascend 920 will succeed the Ascend 910C next year.", "Ascend 920", "successor_of",
         "Ascend 910C", "will succeed", true},
        {"Hygon pitches the Ascend 910B to cloud operators as an alternative to the H100.",
         "Ascend 910B", "rivals", "H100", "pitched as an alternative to", true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ex_result *r = run(x, cases[i].text);
        bool got = ex_find_fact(r, cases[i].s, cases[i].p, cases[i].o) != NULL;
        ok(r && got == cases[i].want, "%s: %s %s %s%s", cases[i].why, cases[i].s, cases[i].p,
           cases[i].o, cases[i].want ? "" : " (absent)");
        ex_result_free(r);
    }
}

static void test_sanctions(const struct extractor *x)
{
    static const struct scase cases[] = {
        {"The Commerce Department added Sugon and Hygon, two Chinese server makers, to the "
         "Entity List.",
         "U.S. Department of Commerce", "Hygon", "entity_listing",
         "an apposition between the listed firms and the list", true},
        {"The Commerce Department tightened its rules. On Friday the agency added Sugon to the "
         "Entity List.",
         "U.S. Department of Commerce", "Sugon", "entity_listing", "'the agency' is a body", true},
        {"The Commerce Department tightened its rules. On Friday the agency added Sugon to the "
         "Entity List.",
         "China", "Sugon", "entity_listing", "'the agency' is not a country", false},
        {"Sugon is one of the firms that Washington blacklisted in 2019.", "United States", "Sugon",
         "entity_listing", "a relative clause names the listing", true},
        {"The Commerce Department added Sugon to the Entity List in a move that also caught "
         "Inspur.",
         "U.S. Department of Commerce", "Inspur", "entity_listing",
         "also caught in the same listing", true},
        {"A new Justice Department rule bars U.S. firms from selling or transferring bulk "
         "personal data to China.",
         "U.S. Department of Justice", "China", "data_transfer_ban",
         "the verb before the data noun", true},
        {"Washington blacklisted Sugon in 2019. A Treasury rule bars Americans from putting money "
         "into Chinese AI companies.",
         "U.S. Department of the Treasury", "China", "investment_restriction", "putting money into",
         true},
        {"Washington blacklisted Sugon in 2019. An executive order signed by President Donald "
         "Trump barred American investors from buying Hikvision's shares.",
         "United States", "Hikvision", "investment_restriction", "buying a company's securities",
         true},
        {"Wingtech, which the British government ordered to sell its stake in Nexperia, "
         "appealed.",
         "United Kingdom", "Wingtech", "divestiture_order", "a relative clause ordering a sale",
         true},
        {"The Cyberspace Administration of China found security risks in Micron's products and "
         "told operators to stop buying from Micron.",
         "Cyberspace Administration of China", "Micron", "procurement_ban",
         "a coordinated verb phrase tells buyers to stop", true},
        {"Sugon, once a big customer, lost access to TSMC's production lines in 2019.", "TSMC",
         "Sugon", "shipment_suspension", "lost access to a foundry's lines", true},
        {"The Commerce Department revoked licences that had let Intel keep selling chips to "
         "Huawei.",
         "U.S. Department of Commerce", "Huawei", "export_restriction", "revoking export licences",
         true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ex_result *r = run(x, cases[i].text);
        bool got = ex_find_sanction(r, cases[i].imp, cases[i].tgt, cases[i].measure) != NULL;
        ok(r && got == cases[i].want, "%s: %s -> %s %s%s", cases[i].why, cases[i].imp, cases[i].tgt,
           cases[i].measure, cases[i].want ? "" : " (absent)");
        ex_result_free(r);
    }
}

static void test_entities(const struct extractor *x)
{
    struct ex_result *r = run(x, "Baidu released Ernie 4.5 in March.");
    ok(ex_find_entity(r, "ERNIE 4.5") >= 0 && ex_find_fact(r, "Baidu", "develops", "ERNIE 4.5"),
       "a model version with a decimal point is one name");
    ex_result_free(r);
}

int main(void)
{
    struct extractor *x = ex_load_shipped();
    ok(x != NULL, "shipped data compiles");
    if (x) {
        test_facts(x);
        test_sanctions(x);
        test_entities(x);
    }
    extractor_free(x);
    return done();
}
