/* Unit tests: the thirteen invented sentences of issue 14, run through the
 * shipped extractor with the parse layer, each checked for the expected fact
 * or sanction and for the absence of the wrong one a naive reading gives;
 * then one sentence per construction fixed with them (coordinated verb
 * phrases share the subject, "whose <role noun> is X", a body a document is
 * addressed to is no imposer, the maker of a product is no export target,
 * a descriptor before a name, a name used as a modifier is no antecedent,
 * the same verb around a pair coordinates clauses, a modifier inside a PP is
 * no subject, a possessor of the meant argument is not it, news outlets are
 * companies that never act or are referred to, a person named before a
 * titled apposition, a chip model found by shape is that chip everywhere;
 * rules for units described by their owner, clusters of chips and withdrawn
 * validated-end-user status, a subject's second verb phrase, a service no
 * longer licensed).
 * Sentences are written for these tests. */
#include <stdbool.h>
#include <string.h>

#include "tests/tap.h"
#include "tests/unit/extractor/exhelp.h"

static struct extractor *load_with_parse(void)
{
    struct extractor *x = ex_load_shipped();
    char path[4096], err[256] = "";
    size_t fl = 0;
    snprintf(path, sizeof path, "%s/frames.tsv", ECF_SRC_DATA);
    char *f = slurp(path, &fl);
    if (!x || !f || extractor_parse_open(x, f, fl, NULL, err, sizeof err) != EX_OK) {
        fprintf(stderr, "# parse layer: %s\n", err);
        extractor_free(x);
        x = NULL;
    }
    free(f);
    return x;
}

/* A record wanted (want) or not: kind 'F' (a, b, c = subject, predicate,
 * object or value) or 'S' (imposer, target, measure). */
struct check {
    char kind;
    const char *a, *b, *c;
    bool want;
};

struct tcase {
    const char *why, *text;
    struct check ck[4];
};

static const struct tcase cases[] = {
    /* ---- the thirteen ---- */
    {"passive with an adverb", "The Kirin 9010 is produced entirely by SMIC.",
     {{'F', "SMIC", "manufactures", "Kirin 9010", true},
      {'F', "Kirin 9010", "manufactures", "SMIC", false}}},
    {"nominalisation: a ban by X on exports to Y",
     "A ban by Japan on photoresist exports to South Korea lasted four years.",
     {{'S', "Japan", "South Korea", "export_restriction", true},
      {'S', "South Korea", "Japan", "export_restriction", false}}},
    {"apposition between subject and verb", "The BR100, Biren's first product, rivals the A100.",
     {{'F', "BR100", "rivals", "A100", true},
      {'F', "Biren Technology", "develops", "BR100", true},
      {'F', "Biren Technology", "develops", "A100", false}}},
    {"relative clause with an inserted phrase",
     "Naura is one of the toolmakers that the Commerce Department, after a lengthy review, added "
     "to the Entity List.",
     {{'S', "U.S. Department of Commerce", "Naura", "entity_listing", true}}},
    {"whose <role noun> is X", "MiniMax, whose largest shareholder is Tencent, raised new funds.",
     {{'F', "Tencent", "invests_in", "MiniMax", true},
      {'F', "MiniMax", "invests_in", "Tencent", false}}},
    {"coordinated verb phrases share the subject",
     "The Yitian 710 outperforms Intel's Xeon chips and is built on a 5nm process.",
     {{'F', "Yitian 710", "process_node", "5nm", true},
      {'F', "Xeon", "process_node", "5nm", false},
      {'F', "Yitian 710", "rivals", "Xeon", true}}},
    {"a parenthetical between subject and verb, a pronoun object",
     "Micron, in a short statement on Friday, said it had stopped shipping to Inspur.",
     {{'S', "Micron", "Inspur", "shipment_suspension", true},
      {'S', "Inspur", "Micron", "shipment_suspension", false}}},
    {"copula with a possessive subject", "Alibaba's main inference part is the Hanguang 800.",
     {{'F', "Alibaba", "develops", "Hanguang 800", true}}},
    {"a list with a descriptor noun", "Baidu and search rival Sogou both rely on the Ascend 910B.",
     {{'F', "Baidu", "uses", "Ascend 910B", true},
      {'F', "Sogou", "uses", "Ascend 910B", true}}},
    {"a regulator addressed is no imposer; a product's maker is no target",
     "In a report to the SEC, Intel said the new limits apply to its Gaudi chips.",
     {{'F', "Intel", "develops", "Gaudi", true},
      {'S', "Securities and Exchange Commission", "Intel", "export_restriction", false}}},
    {"a description resolved by its modifier",
     "Nvidia and AMD reported results on Wednesday. The California company said its Blackwell "
     "parts would ship in June.",
     {{'F', "Nvidia", "develops", "Blackwell", true},
      {'F', "AMD", "develops", "Blackwell", false}}},
    {"a ministry in the next sentence, a target from a demonym group",
     "Japan's trade ministry said exporters of etching tools will need permits from July. The "
     "ministry said the controls were aimed at Chinese fabs.",
     {{'S', "Japan", "China", "export_restriction", true},
      {'S', "China", "Japan", "export_restriction", false}}},
    {"a measure only studied", "Washington is studying curbs on memory exports to China.",
     {{'S', "United States", "China", "export_restriction", false}}},
    /* ---- one more per construction fixed for them ---- */
    {"coordinated verb phrases: the supplier, not the customer, uses the chip",
     "Inspur sells servers to Tencent and is also using the Ascend 910B in its own cloud.",
     {{'F', "Inspur", "uses", "Ascend 910B", true},
      {'F', "Tencent", "uses", "Ascend 910B", false}}},
    {"coordinated verb phrases: a relative clause between",
     "The Kunpeng 920, which trails the Xeon, and is made on a 7nm process, ships in servers.",
     {{'F', "Kunpeng 920", "process_node", "7nm", true},
      {'F', "Xeon", "process_node", "7nm", false}}},
    {"whose <role noun> is X, another noun", "Zhipu AI, whose biggest backer is Alibaba, hired staff.",
     {{'F', "Alibaba", "invests_in", "Zhipu AI", true}}},
    {"a filing with a regulator", "In a filing with the SEC, Nvidia said new export curbs on China "
     "would cost it revenue.",
     {{'S', "Securities and Exchange Commission", "China", "export_restriction", false},
      {'S', "Securities and Exchange Commission", "Nvidia", "export_restriction", false}}},
    {"export limits on a maker's chips: the maker is no target",
     "Washington restricted sales of Nvidia's H20 to Chinese buyers.",
     {{'S', "United States", "Nvidia", "export_restriction", false}}},
    {"a description right before a name is its descriptor, not a reference",
     "Sugon, the parent of the chipmaker Hygon, was listed.",
     {{'F', "Sugon", "owns", "Hygon", true}}},
    {"a name used as a noun's modifier is not what 'its' means",
     "Alibaba stockpiled Micron memory for its Hanguang 800.",
     {{'F', "Alibaba", "develops", "Hanguang 800", true},
      {'F', "Micron", "develops", "Hanguang 800", false}}},
    {"a name after 'a' is a modifier, not what 'its' means",
     "Xiaomi licensed a Cambricon design for its Kirin 9000S.",
     {{'F', "Xiaomi", "develops", "Kirin 9000S", true},
      {'F', "Cambricon", "develops", "Kirin 9000S", false}}},
    {"the same verb around a pair coordinates clauses, not names",
     "Each generation doubles the last, the Ascend 960 succeeding the Ascend 950 and the Ascend "
     "970 succeeding the Ascend 960.",
     {{'F', "Ascend 960", "successor_of", "Ascend 950", true},
      {'F', "Ascend 970", "successor_of", "Ascend 960", true},
      {'F', "Ascend 950", "successor_of", "Ascend 960", false},
      {'F', "Ascend 960", "successor_of", "Ascend 970", false}}},
    {"a name modifying a noun inside a preposition's phrase is no subject",
     "Buyers hunting for substitutes for Nvidia processors placed orders for the Ascend 910B.",
     {{'F', "Nvidia", "uses", "Ascend 910B", false}}},
    {"a possessor is not the argument when it possesses one of the slot's type",
     "The Kirin 9000S, designed by Huawei's HiSilicon unit, ships in phones.",
     {{'F', "HiSilicon", "develops", "Kirin 9000S", true},
      {'F', "Huawei", "develops", "Kirin 9000S", false}}},
    {"'the ban' refers back to a measure: it adds none of its own",
     "Washington tightened export controls on China on Monday. Officials imposed the ban after "
     "finding that the firm had shipped U.S.-made gear to Iran.",
     {{'S', "United States", "China", "export_restriction", true},
      {'S', "United States", "Iran", "export_restriction", false}}},
    {"a news outlet is a company that reports: no antecedent of 'its'",
     "In an interview with Huawei, Bloomberg asked about its Ascend 910C.",
     {{'F', "Bloomberg", "develops", "Ascend 910C", false},
      {'F', "Huawei", "develops", "Ascend 910C", true}}},
    {"a chip model found by its shape once is that chip everywhere in the article",
     "The Q900 will succeed the Ascend 910B next year. Baidu runs a cluster of 4,000 Q900 chips.",
     {{'F', "Q900", "successor_of", "Ascend 910B", true}}},
    {"X, the Y-controlled unit whose flagship, Z: Y owns X, X develops Z",
     "Kunlunxin, the Baidu-controlled chip unit whose current flagship, the Ascend 910B, sold "
     "well, hired staff.",
     {{'F', "Baidu", "owns", "Kunlunxin", true},
      {'F', "Kunlunxin", "develops", "Ascend 910B", true},
      {'F', "Baidu", "develops", "Ascend 910B", false}}},
    {"installed units: a cluster of N chips is use",
     "In April, Baidu said it had switched on a cluster of 30,000 H20 chips.",
     {{'F', "Baidu", "uses", "H20", true}}},
    {"withdrawing a validated-end-user status is an export restriction on the named parents",
     "The Bureau of Industry and Security will withdraw the Validated End-User status of "
     "Samsung's and SK Hynix's Chinese subsidiaries.",
     {{'S', "Bureau of Industry and Security", "Samsung", "export_restriction", true},
      {'S', "Bureau of Industry and Security", "SK Hynix", "export_restriction", true}}},
    {"a second verb phrase far from its subject, another company between",
     "MetaX, which is not on the Entity List, sells its C500, which it pitches as comparable to "
     "Nvidia's A100, and is ramping up the C600, a newer part.",
     {{'F', "MetaX", "develops", "C600", true},
      {'F', "Nvidia", "develops", "C600", false}}},
    {"a second verb phrase: the clause's subject is not a possessor in a fronted phrase",
     "Founded by Zhang Wei, a former head of Nvidia's China business, Moore Threads sells its "
     "MTT S4000, a data-centre accelerator with 48 gigabytes of memory, and has begun shipping "
     "the MTT S5000.",
     {{'F', "Moore Threads", "develops", "MTT S5000", true},
      {'F', "Nvidia", "develops", "MTT S5000", false}}},
    {"'and' before another subject is no second verb phrase",
     "Huawei makes phones, and Tencent developed the Hunyuan model.",
     {{'F', "Tencent", "develops", "Hunyuan", true},
      {'F', "Huawei", "develops", "Hunyuan", false}}},
    {"a provider that stops licensing its service for a customer's products withdraws it",
     "Google stopped licensing Google Mobile Services for new Huawei phones in 2019.",
     {{'S', "Google", "Huawei", "service_withdrawal", true}}},
    {"restrictions on exports of X to Y, far from their imposer",
     "Acme said the U.S. government had brought forward the date of new restrictions on exports "
     "of advanced chips to China.",
     {{'S', "United States", "China", "export_restriction", true},
      {'S', "United States", "Acme", "export_restriction", false}}},
    {"a halt that explains the customer's trouble; a plural descriptor opens a sub-list",
     "Inspur said production had stopped after Intel and the memory makers Micron and SK Hynix "
     "halted shipments in May.",
     {{'S', "Intel", "Inspur", "shipment_suspension", true},
      {'S', "Micron", "Inspur", "shipment_suspension", true},
      {'S', "SK Hynix", "Inspur", "shipment_suspension", true}}},
    {"a description resolved across sentences: a tie goes to the more recent one, a possessor "
     "is less salient",
     "Intel's stock slid 9% on Tuesday. Analysts pointed to the Ascend 910C, which Huawei says "
     "matches the H100. In a filing, the company said it had trained the PanGu model on 4,000 "
     "Ascend 910B chips.",
     {{'F', "Huawei", "uses", "Ascend 910B", true},
      {'F', "Intel", "uses", "Ascend 910B", false}}},
    {"', and Y' opens a clause with its own subject: the first one's relation stops there",
     "Tencent trains its Hunyuan models in Shenzhen, and Baidu depends on H800 chips.",
     {{'F', "Baidu", "uses", "H800", true},
      {'F', "Tencent", "uses", "H800", false}}},
    {"'bought X from Y': Y is the seller, not what is owned",
     "Regulators approved the Dalian plant that SK Hynix bought from Intel in 2020.",
     {{'F', "SK Hynix", "owns", "Intel", false}}},
    {"a group whose members are named gets no record of its own",
     "Beijing put 14 foreign firms on its Unreliable Entity List, among them Micron, the "
     "American memory maker.",
     {{'S', "China", "Micron", "entity_listing", true},
      {'S', "China", "United States", "entity_listing", false}}},
    {"investors barred from buying securities of a named list",
     "Since 2021 Americans have been barred from buying shares of firms that Washington ties to "
     "China's army, a list that includes Huawei and Hikvision.",
     {{'S', "United States", "Huawei", "investment_restriction", true},
      {'S', "United States", "Hikvision", "investment_restriction", true}}},
    {"a data ban with a long list of kinds of data",
     "A new rule bars U.S. firms from selling or transferring Americans' bulk genomic, biometric, "
     "location and other sensitive data to China.",
     {{'S', "United States", "China", "data_transfer_ban", true}}},
    {"a hyphenated lexicon entry matches the tokens it is split into ('the start-up')",
     "DeepSeek released a model in May. The Hangzhou start-up is bankrolled by the hedge fund "
     "High-Flyer.",
     {{'F', "High-Flyer", "invests_in", "DeepSeek", true}}},
    {"a group in apposition to the names before it gets no record of its own",
     "The agency added Biren Technology and Moore Threads, two Chinese start-ups, to the Entity "
     "List.",
     {{'S', "United States", "Biren Technology", "entity_listing", true},
      {'S', "United States", "China", "entity_listing", false}}},
    {"the start-up behind an AI model develops it",
     "Investors backed Butterfly Effect, the start-up behind the AI agent Manus, in April.",
     {{'F', "Butterfly Effect", "develops", "Manus", true},
      {'F', "Butterfly Effect", "owns", "Manus", false}}},
    {"members named after the object ('..., starting with X') are objects too",
     "Huawei unveiled a range of Ascend parts on Monday, beginning with the Ascend 910C.",
     {{'F', "Huawei", "develops", "Ascend 910C", true}}},
};

static bool has(const struct ex_result *r, const struct check *c)
{
    return c->kind == 'F' ? ex_find_fact(r, c->a, c->b, c->c) != NULL
                          : ex_find_sanction(r, c->a, c->b, c->c) != NULL;
}

int main(void)
{
    struct extractor *x = load_with_parse();
    if (!x) {
        ok(false, "the shipped data and frames load");
        return done();
    }
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[1024];
        snprintf(text, sizeof text, "Headline\n\n%s\n", cases[i].text);
        struct ex_result *r = ex_run_text(x, text, NULL);
        for (size_t k = 0; k < 4 && cases[i].ck[k].kind; k++) {
            const struct check *c = &cases[i].ck[k];
            ok(r && has(r, c) == c->want, "%s: %s %s %s%s", cases[i].why, c->a, c->b, c->c,
               c->want ? "" : " (absent)");
        }
        ex_result_free(r);
    }
    /* annotation.md: news outlets and research firms are companies */
    struct ex_result *r = ex_run_text(x, "Headline\n\nReuters and TrendForce said so.\n", NULL);
    long e = ex_find_entity(r, "Reuters"), t = ex_find_entity(r, "TrendForce");
    ok(e >= 0 && r->entities[e].type == EX_T_COMPANY, "a news outlet is a company");
    ok(t >= 0 && r->entities[t].type == EX_T_COMPANY, "a research firm is a company");
    ex_result_free(r);
    /* a person named before an apposition headed by a title */
    r = ex_run_text(x, "Headline\n\nFounded in 2020 by Zhang Wei, a former head of Intel's "
                       "China unit, the start-up sells chips. Sequoia Capital, an early investor, "
                       "declined to comment.\n", NULL);
    e = ex_find_entity(r, "Zhang Wei");
    ok(e >= 0 && r->entities[e].type == EX_T_PERSON, "X Y, a former head of ...: a person");
    e = ex_find_entity(r, "Sequoia Capital");
    ok(e >= 0 && r->entities[e].type == EX_T_COMPANY, "an investor with an organisation suffix "
                                                       "stays a company");
    ex_result_free(r);
    extractor_free(x);
    return done();
}
