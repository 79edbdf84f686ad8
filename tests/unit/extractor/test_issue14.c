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

static const struct ex_case cases[] = {
    /* ---- the thirteen ---- */
    {"passive with an adverb",
     "The Kirin 9010 is produced entirely by SMIC.",
     {{'F', "SMIC", "manufactures", "Kirin 9010", true},
      {'F', "Kirin 9010", "manufactures", "SMIC", false}}},
    {"nominalisation: a ban by X on exports to Y",
     "A ban by Japan on photoresist exports to South Korea lasted four years.",
     {{'S', "Japan", "South Korea", "export_restriction", true},
      {'S', "South Korea", "Japan", "export_restriction", false}}},
    {"apposition between subject and verb",
     "The BR100, Biren's first product, rivals the A100.",
     {{'F', "BR100", "rivals", "A100", true},
      {'F', "Biren Technology", "develops", "BR100", true},
      {'F', "Biren Technology", "develops", "A100", false}}},
    {"relative clause with an inserted phrase",
     "Naura is one of the toolmakers that the Commerce Department, after a lengthy review, added "
     "to the Entity List.",
     {{'S', "U.S. Department of Commerce", "Naura", "entity_listing", true}}},
    {"whose <role noun> is X",
     "MiniMax, whose largest shareholder is Tencent, raised new funds.",
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
    {"copula with a possessive subject",
     "Alibaba's main inference part is the Hanguang 800.",
     {{'F', "Alibaba", "develops", "Hanguang 800", true}}},
    {"a list with a descriptor noun",
     "Baidu and search rival Sogou both rely on the Ascend 910B.",
     {{'F', "Baidu", "uses", "Ascend 910B", true}, {'F', "Sogou", "uses", "Ascend 910B", true}}},
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
    {"a measure only studied",
     "Washington is studying curbs on memory exports to China.",
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
    {"whose <role noun> is X, another noun",
     "Zhipu AI, whose biggest backer is Alibaba, hired staff.",
     {{'F', "Alibaba", "invests_in", "Zhipu AI", true}}},
    {"a filing with a regulator",
     "In a filing with the SEC, Nvidia said new export curbs on China "
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
     "Alibaba bought Micron memory in bulk for its Hanguang 800.",
     {{'F', "Alibaba", "develops", "Hanguang 800", true},
      {'F', "Micron", "develops", "Hanguang 800", false}}},
    {"a name after 'a' is a modifier, not what 'its' means",
     "Xiaomi adapted a Cambricon design to suit its Kirin 9000S.",
     {{'F', "Xiaomi", "develops", "Kirin 9000S", true},
      {'F', "Cambricon", "develops", "Kirin 9000S", false}}},
    {"the same verb around a pair coordinates clauses, not names",
     "Every year brings a faster phone chip, the Kirin 9010 succeeding the Kirin 9000S and the "
     "Kirin 9020 succeeding the Kirin 9010.",
     {{'F', "Kirin 9010", "successor_of", "Kirin 9000S", true},
      {'F', "Kirin 9020", "successor_of", "Kirin 9010", true},
      {'F', "Kirin 9000S", "successor_of", "Kirin 9010", false},
      {'F', "Kirin 9010", "successor_of", "Kirin 9020", false}}},
    {"a name modifying a noun inside a preposition's phrase is no subject",
     "Start-ups looking for alternatives to AMD processors placed orders for the Ascend 910B.",
     {{'F', "AMD", "uses", "Ascend 910B", false}}},
    {"a possessor is not the argument when it possesses one of the slot's type",
     "The Kirin 9000S, designed by Huawei's HiSilicon unit, ships in phones.",
     {{'F', "HiSilicon", "develops", "Kirin 9000S", true},
      {'F', "Huawei", "develops", "Kirin 9000S", false}}},
    {"'the ban' refers back to a measure: it adds none of its own",
     "Washington tightened export controls on China on Monday. Regulators issued the ban once "
     "they found the company had sent U.S.-made parts to Iran.",
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
     "HiSilicon, the Huawei-owned design arm whose main product, the Kirin 9000S, powers phones, "
     "hired engineers.",
     {{'F', "Huawei", "owns", "HiSilicon", true},
      {'F', "HiSilicon", "develops", "Kirin 9000S", true}}},
    {"installed units: a cluster of N chips is use",
     "Tencent has assembled a cluster of 8,000 H800 chips in Shanghai.",
     {{'F', "Tencent", "uses", "H800", true}}},
    {"withdrawing a validated-end-user status is an export restriction on the named parents",
     "The Bureau of Industry and Security plans to revoke the validated end user authorization "
     "of TSMC's and Intel's plants in China.",
     {{'S', "Bureau of Industry and Security", "TSMC", "export_restriction", true},
      {'S', "Bureau of Industry and Security", "Intel", "export_restriction", true}}},
    {"a second verb phrase far from its subject, another company between",
     "Cambricon, which says little about its clients, sells its Siyuan 590, which it markets as "
     "a match for Nvidia's H100, and is already launching the Siyuan 690, a faster part.",
     {{'F', "Cambricon", "develops", "Siyuan 690", true},
      {'F', "Nvidia", "develops", "Siyuan 690", false}}},
    {"a second verb phrase: the clause's subject is not a possessor in a fronted phrase",
     "Set up in 2019 by Li Ming, a one-time manager at AMD's Shanghai office, Biren Technology "
     "markets its BR100, a training part with 64 gigabytes of memory, and has begun shipping the "
     "BR104.",
     {{'F', "Biren Technology", "develops", "BR104", true},
      {'F', "AMD", "develops", "BR104", false}}},
    {"'and' before another subject is no second verb phrase",
     "Huawei makes phones, and Tencent developed the Hunyuan model.",
     {{'F', "Tencent", "develops", "Hunyuan", true},
      {'F', "Huawei", "develops", "Hunyuan", false}}},
    {"a provider that stops licensing its service for a customer's products withdraws it",
     "Microsoft stopped licensing Windows for new Lenovo laptops last spring.",
     {{'S', "Microsoft", "Lenovo", "service_withdrawal", true}}},
    {"restrictions on exports of X to Y, far from their imposer",
     "Tencent said the U.S. government had moved up the start of fresh restrictions on sales of "
     "memory chips to China.",
     {{'S', "United States", "China", "export_restriction", true},
      {'S', "United States", "Tencent", "export_restriction", false}}},
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
     {{'F', "Huawei", "uses", "Ascend 910B", true}, {'F', "Intel", "uses", "Ascend 910B", false}}},
    {"', and Y' opens a clause with its own subject: the first one's relation stops there",
     "Tencent trains its Hunyuan models in Shenzhen, and Baidu depends on H800 chips.",
     {{'F', "Baidu", "uses", "H800", true}, {'F', "Tencent", "uses", "H800", false}}},
    {"'bought X from Y': Y is the seller, not what is owned",
     "Officials cleared the Xi'an fab that Samsung bought from Micron last year.",
     {{'F', "Samsung", "owns", "Micron", false}}},
    {"a group whose members are named gets no record of its own",
     "China's commerce ministry placed seven foreign firms on its Unreliable Entity List, among "
     "them Micron, the American chipmaker.",
     {{'S', "Ministry of Commerce", "Micron", "entity_listing", true},
      {'S', "Ministry of Commerce", "United States", "entity_listing", false}}},
    {"investors barred from buying securities of a named list",
     "U.S. pension funds have been prohibited from holding stock in groups that Washington links "
     "to the Chinese military, a list that names ZTE and Inspur.",
     {{'S', "United States", "ZTE", "investment_restriction", true},
      {'S', "United States", "Inspur", "investment_restriction", true}}},
    {"a data ban with a long list of kinds of data",
     "The Justice Department rule forbids U.S. brokers from selling or transferring Americans' "
     "bulk health, financial, geolocation and other personal data to China.",
     {{'S', "U.S. Department of Justice", "China", "data_transfer_ban", true}}},
    {"a hyphenated lexicon entry matches the tokens it is split into ('the start-up')",
     "Zhipu AI shipped a new model last week. The Beijing start-up is funded by the internet "
     "group Alibaba.",
     {{'F', "Alibaba", "invests_in", "Zhipu AI", true}}},
    {"a group in apposition to the names before it gets no record of its own",
     "Washington put Sophgo and Hygon, two Chinese start-ups, on the Entity List on Friday.",
     {{'S', "United States", "Sophgo", "entity_listing", true},
      {'S', "United States", "China", "entity_listing", false}}},
    {"the start-up behind an AI model develops it",
     "Analysts praised Moonshot AI, the start-up behind the chatbot Kimi, in a note.",
     {{'F', "Moonshot AI", "develops", "Kimi", true}, {'F', "Moonshot AI", "owns", "Kimi", false}}},
    {"members named after the object ('..., starting with X') are objects too",
     "Huawei unveiled a range of Ascend parts on Monday, beginning with the Ascend 910C.",
     {{'F', "Huawei", "develops", "Ascend 910C", true}}},
    {"a non-restrictive relative clause with its own subject: 'X, which Y designed'",
     "The Hanguang 800, which Alibaba designed for its own cloud, was fast.",
     {{'F', "Alibaba", "develops", "Hanguang 800", true}}},
    {"a restrictive 'that' clause belongs to the whole noun phrase, not the name before it",
     "The H20 is a cut-down version of the H100 that Nvidia designed for China.",
     {{'F', "Nvidia", "develops", "H100", false}}},
    {"pitched as an alternative, with a longer verb phrase between",
     "The flagship, the Kunlun P800, is built on a 7nm process and has been marketed as a "
     "domestic alternative to Nvidia's H20.",
     {{'F', "Kunlun P800", "rivals", "H20", true}}},
    {"a possessive with a country between it and the product",
     "Analysts tracked AMD's U.S. MI300X shipments.",
     {{'F', "AMD", "develops", "MI300X", true}}},
    {"a maker that builds machines with another's chips is supplied by it",
     "Inspur, which builds servers with Intel processors, won the bid.",
     {{'F', "Intel", "supplies", "Inspur", true}, {'F', "Inspur", "supplies", "Intel", false}}},
    {"a maker that sells machines running a product uses it",
     "Xiaomi, which still sells Windows notebooks, cut prices.",
     {{'F', "Xiaomi", "uses", "Windows", true}}},
};

int main(void)
{
    struct extractor *x = load_with_parse();
    if (!x) {
        ok(false, "the shipped data and frames load");
        return done();
    }
    ex_run_cases(x, cases, sizeof cases / sizeof cases[0]);
    /* annotation.md: news outlets and research firms are companies */
    struct ex_result *r = ex_run_text(x, "Headline\n\nReuters and TrendForce said so.\n", NULL);
    long e = ex_find_entity(r, "Reuters"), t = ex_find_entity(r, "TrendForce");
    ok(e >= 0 && r->entities[e].type == EX_T_COMPANY, "a news outlet is a company");
    ok(t >= 0 && r->entities[t].type == EX_T_COMPANY, "a research firm is a company");
    ex_result_free(r);
    /* a person named before an apposition headed by a title */
    r = ex_run_text(x,
                    "Headline\n\nSet up in 2018 by Wang Lei, a former executive at Intel's "
                    "Beijing arm, the company makes GPUs. Sequoia Capital, an early investor, "
                    "declined to comment.\n",
                    NULL);
    e = ex_find_entity(r, "Wang Lei");
    ok(e >= 0 && r->entities[e].type == EX_T_PERSON, "X Y, a former executive at ...: a person");
    e = ex_find_entity(r, "Sequoia Capital");
    ok(e >= 0 && r->entities[e].type == EX_T_COMPANY, "an investor with an organisation suffix "
                                                      "stays a company");
    ex_result_free(r);
    extractor_free(x);
    return done();
}
