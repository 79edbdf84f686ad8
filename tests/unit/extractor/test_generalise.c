/* Unit tests: constructions and conventions added after the devset's first
 * held-out measurement (issue 14), one or two invented sentences each, run
 * through the shipped token rules (no parse layer), each checked for the
 * record wanted and for the wrong one a naive reading gives:
 * a company named by an apposition ("X, the robotaxi unit of Y"), a unit
 * owned through "its", funding and backing in their written forms, staff
 * pulled out of a customer and service stopped, a service no longer offered
 * in a list of countries, "the list" referring back to the Entity List, a
 * relative clause with a comma, "blacklisted in 2019" as an apposition,
 * restrictions that X imposed on Y, "cannot be sold to X without a U.S.
 * licence", an order barring sales, a directive shutting out suppliers, a
 * country that owns the described company is no target, the subject of a
 * second verb phrase after ", and", a family's developer, a chip tailored by
 * its developer, versions joined by a hyphen or a point ("GLM-4.5", "V3.1"),
 * "the chip" as a reference, made on or produced on a foundry's process,
 * units described by their owner, customers and buyers in appositions and
 * relative clauses, "sold X a chip", deployments, compute on another's
 * servers, suits, a pronoun before a company verb, joint papers, products
 * pitched as rivals, plural chip models, a model launched by the subject
 * without "that", chips "called" a name, accounts on platforms, access to chips is no lease,
 * the article's topic company as the antecedent of a description; long
 * organisation names, datelines, people after judges' and officers' titles,
 * enumerations whose items are separated by semicolons, trade blacklists,
 * "barred X from selling to Y", relative clauses between a subject and its
 * verb, customers, orders and investors in their common forms, a name after
 * "a former", revoked licences of a company, export control lists, servicing
 * stopped in a country, customers told of a cut service, licences companies
 * need, "built by" a foundry, "fabricated at", machines built around a chip,
 * foundry-made parts, "whose chips power", the company behind a product,
 * shipments a supplier halted, sales halted by a government, export bans,
 * digit-led model numbers, companies relied on, possessives in appositions,
 * chips that replace, follow or are siblings of others, "Gen" in model
 * names, the possessor of a product that acts, bare models of a series.
 * Sentences are written for these tests. */
#include <stdbool.h>
#include <string.h>

#include "tests/tap.h"
#include "tests/unit/extractor/exhelp.h"

static const struct ex_case cases[] = {
    /* ---- entities ---- */
    {"a name before an apposition headed by a company word",
     "Pony.ai works with Kestrel, the mapping unit of Baidu, on new routes.",
     {{'E', "Kestrel", "company", NULL, true}, {'F', "Baidu", "owns", "Kestrel", true}}},
    {"an adverb before a comma is no name",
     "Separately, the company said its Kunlun chips were ready.",
     {{'E', "Separately", "company", NULL, false}}},
    {"an organisation's long name with a suffix word inside it",
     "The list names the Hefei National Semiconductor Integrated Circuit Research Center and "
     "the National Supercomputing Center, among others.",
     {{'E', "Hefei National Semiconductor Integrated Circuit Research Center", "organization", NULL,
       true},
      {'E', "National Supercomputing Center", "organization", NULL, true},
      {'E', "Hefei National Semiconductor Integrated", "company", NULL, false}}},
    {"a dateline's city is a place, not an entity",
     "HONG KONG, May 3 - Lenovo said sales rose in Macau and Hong Kong.",
     {{'E', "Hong Kong", "country", NULL, false}, {'E', "Macau", "country", NULL, false}}},
    {"people named after a judge's title, a chief financial officer, an initial",
     "U.S. District Judge Ana Ruiz ruled on Friday. Chief Financial Officer Mark Olsen said so. "
     "Malaysia's trade minister, T. Raman, agreed.",
     {{'E', "Ana Ruiz", "person", NULL, true},
      {'E', "Mark Olsen", "person", NULL, true},
      {'E', "T. Raman", "person", NULL, true},
      {'E', "Financial Officer Mark", "person", NULL, false}}},
    /* ---- owns ---- */
    {"a unit owned through its",
     "Lenovo said on Monday that Brightwave, its Hong Kong subsidiary, would list shares.",
     {{'F', "Lenovo", "owns", "Brightwave", true}, {'F', "Brightwave", "owns", "Lenovo", false}}},
    /* ---- invests_in ---- */
    {"an apposition naming a backer with -backed",
     "StepFun, the Tencent-backed start-up, released a video model.",
     {{'F', "Tencent", "invests_in", "StepFun", true},
      {'F', "StepFun", "invests_in", "Tencent", false}}},
    {"in which X was an early investor",
     "Baichuan, in which Alibaba was an early investor, hired new engineers.",
     {{'F', "Alibaba", "invests_in", "Baichuan", true}}},
    {"funding received from X",
     "MiniMax has received fresh funding from Tencent this year.",
     {{'F', "Tencent", "invests_in", "MiniMax", true},
      {'F', "MiniMax", "invests_in", "Tencent", false}}},
    {"a capital injection led into X",
     "Xiaomi led a capital injection of 2 billion yuan into Horizon Robotics.",
     {{'F', "Xiaomi", "invests_in", "Horizon Robotics", true}}},
    {"backed by a list, after a longer apposition",
     "Zhipu, the Beijing model developer backed by Alibaba and Tencent, cut prices.",
     {{'F', "Alibaba", "invests_in", "Zhipu AI", true},
      {'F', "Tencent", "invests_in", "Zhipu AI", true}}},
    /* ---- shipment suspension ---- */
    {"staff pulled out of a customer, a list of suppliers",
     "By March, Lam Research and KLA had pulled their technicians out of CXMT.",
     {{'S', "Lam Research", "CXMT", "shipment_suspension", true},
      {'S', "KLA", "CXMT", "shipment_suspension", true}}},
    {"told staff to stop servicing a demonym group",
     "Tokyo Electron told its engineers to stop servicing Chinese customers.",
     {{'S', "Tokyo Electron", "China", "shipment_suspension", true}}},
    {"a second verb phrase after ', and' keeps the first subject",
     "Applied Materials pulled its staff out of SMIC, the Shanghai foundry, and stopped "
     "servicing its machines.",
     {{'S', "Applied Materials", "SMIC", "shipment_suspension", true},
      {'S', "SMIC", "Applied Materials", "shipment_suspension", false}}},
    {"work halted for a customer",
     "UMC halted its work for CXMT after the ruling.",
     {{'S', "UMC", "CXMT", "shipment_suspension", true}}},
    /* ---- service withdrawal ---- */
    {"no longer serve companies in a list of countries",
     "Google said it would no longer serve companies headquartered in Russia, Iran or "
     "North Korea.",
     {{'S', "Google", "Russia", "service_withdrawal", true},
      {'S', "Google", "Iran", "service_withdrawal", true},
      {'S', "Google", "North Korea", "service_withdrawal", true}}},
    {"stopped providing a service: no imposer-side country as target",
     "Microsoft stopped providing its Bing services for new Xiaomi phones in 2021, after "
     "Washington acted.",
     {{'S', "Microsoft", "United States", "service_withdrawal", false}}},
    /* ---- entity listing ---- */
    {"'the list' refers back to the Entity List",
     "The Commerce Department added Sugon to the Entity List in 2019. Hygon has been on the "
     "list since then.",
     {{'S', "United States", "Hygon", "entity_listing", true}}},
    {"a relative clause with a comma",
     "Biren, which the Commerce Department added to its Entity List in 2023, raised money.",
     {{'S', "U.S. Department of Commerce", "Biren Technology", "entity_listing", true}}},
    {"blacklisted in a year, as an apposition",
     "The Commerce Department has listed dozens of firms. Inspur, blacklisted in 2023, "
     "kept selling servers.",
     {{'S', "U.S. Department of Commerce", "Inspur", "entity_listing", true}}},
    {"kept on the list",
     "Washington has kept Hikvision on its Entity List since 2019.",
     {{'S', "United States", "Hikvision", "entity_listing", true}}},
    {"a country that owns the described company is no target",
     "The Commerce Department put China's largest memory maker on the Entity List on Monday.",
     {{'S', "U.S. Department of Commerce", "China", "entity_listing", false}}},
    {"items separated by semicolons, each with its own apposition",
     "Companies added to the Entity List include Inspur, the server maker; Sugon, a "
     "supercomputer builder backed by the state; and Hygon, its chip affiliate.",
     {{'S', "United States", "Inspur", "entity_listing", true},
      {'S', "United States", "Sugon", "entity_listing", true},
      {'S', "United States", "Hygon", "entity_listing", true}}},
    {"a semicolon before a new clause ends no enumeration",
     "The Commerce Department added Inspur to the Entity List; Sugon said it would appeal.",
     {{'S', "U.S. Department of Commerce", "Inspur", "entity_listing", true},
      {'S', "U.S. Department of Commerce", "Sugon", "entity_listing", false}}},
    /* ---- export restrictions ---- */
    {"restrictions that X imposed on Y",
     "The rules mirror restrictions that Japan imposed on South Korea in 2019.",
     {{'S', "Japan", "South Korea", "export_restriction", true},
      {'S', "South Korea", "Japan", "export_restriction", false}}},
    {"cannot be sold to X without a U.S. licence",
     "The Gaudi 3 cannot be sold to Russia without a U.S. licence.",
     {{'S', "United States", "Russia", "export_restriction", true}}},
    {"an order barring sales to a company",
     "The Commerce Department issued an order barring American firms from selling chips, "
     "software and tools to Inspur.",
     {{'S', "U.S. Department of Commerce", "Inspur", "export_restriction", true}}},
    {"curbs on flows with a long object",
     "The Commerce Department moved to restrict sales of high-end memory and several kinds of "
     "etching tools to China.",
     {{'S', "U.S. Department of Commerce", "China", "export_restriction", true}}},
    {"added to a trade blacklist, a group with its named members",
     "The Commerce Department on Monday added 12 Chinese companies, including Inspur and Sugon, "
     "to its trade blacklist.",
     {{'S', "U.S. Department of Commerce", "Inspur", "entity_listing", true},
      {'S', "U.S. Department of Commerce", "Sugon", "entity_listing", true}}},
    {"barred a company from selling to a country",
     "Washington barred AMD from selling its MI308 chips to China without a licence.",
     {{'S', "United States", "China", "export_restriction", true},
      {'S', "United States", "AMD", "export_restriction", false}}},
    {"a relative clause between a listed company and its verb",
     "SMIC, which makes chips for Huawei, was added to the Entity List in 2020.",
     {{'S', "United States", "SMIC", "entity_listing", true},
      {'S', "United States", "Huawei", "entity_listing", false},
      {'F', "SMIC", "supplies", "Huawei", true}}},
    {"a company's licences revoked; an export control list; servicing stopped in a country",
     "The Commerce Department revoked ZTE's licences to buy chips from Intel. Taiwan added Sugon "
     "and Inspur to its export control list. KLA has stopped servicing some tools in China.",
     {{'S', "U.S. Department of Commerce", "ZTE", "export_restriction", true},
      {'S', "Taiwan", "Sugon", "entity_listing", true},
      {'S', "Taiwan", "Inspur", "entity_listing", true},
      {'S', "KLA", "China", "shipment_suspension", true}}},
    {"customers in a country told a service is cut",
     "Google told developers in China it would cut off access to its Gemini models.",
     {{'S', "Google", "China", "service_withdrawal", true}}},
    {"companies that need a licence to sell to a country, once an imposer has acted",
     "The Commerce Department tightened its rules on Tuesday. Under them, Nvidia and AMD need a "
     "licence to sell their top chips to Russia.",
     {{'S', "U.S. Department of Commerce", "Russia", "export_restriction", true}}},
    {"countries that joined another in restricting sales",
     "The Netherlands and Japan later joined the U.S. in restricting sales of chipmaking tools "
     "to China.",
     {{'S', "Netherlands", "China", "export_restriction", true},
      {'S', "Japan", "China", "export_restriction", true}}},
    {"the sale of a company is no export to it",
     "The U.K. blocked the sale of Newport Wafer Fab to a Chinese buyer.",
     {{'S', "United Kingdom", "Newport Wafer Fab", "export_restriction", false}}},
    {"a customer cut off by its supplier, in the passive",
     "Sophgo, whose chip was found in a Huawei processor, was cut off by TSMC.",
     {{'S', "TSMC", "Sophgo", "shipment_suspension", true},
      {'S', "Sophgo", "TSMC", "shipment_suspension", false}}},
    {"an investment arm is not its parent",
     "Intel Capital, the venture arm, has invested in Horizon Robotics.",
     {{'F', "Intel", "invests_in", "Horizon Robotics", false}}},
    {"firms told to avoid a supplier's chips, once the imposer has acted",
     "China's cyberspace regulator told operators to stop buying Micron chips. Later it told "
     "local firms to avoid Nvidia's H20 chips.",
     {{'S', "China", "Nvidia", "procurement_ban", true}}},
    {"controls that target a country, the imposer in the sentence before",
     "The United States imposed new curbs on Huawei in 2019. Export controls announced in October "
     "target Russia's ability to make chips.",
     {{'S', "United States", "Russia", "export_restriction", true}}},
    {"a move that bars sales, the imposer in the sentence before",
     "Washington imposed new export controls on Tuesday. The move bars Nvidia from selling its "
     "A800 chips to Iran.",
     {{'S', "United States", "Iran", "export_restriction", true},
      {'S', "United States", "Nvidia", "export_restriction", false}}},
    /* ---- procurement ---- */
    {"a directive that shuts out suppliers",
     "China's industry ministry told state carriers to stop buying Micron chips. A directive "
     "issued this week shuts out Intel and AMD.",
     {{'S', "China", "Intel", "procurement_ban", true},
      {'S', "China", "AMD", "procurement_ban", true}}},
    /* ---- develops ---- */
    {"a version of its product",
     "AMD has begun selling the MI309, a cut-down version of its MI300X accelerator.",
     {{'F', "AMD", "develops", "MI309", true}}},
    {"a family's developer covers the members named after it",
     "Huawei said its Kirin 9100 would ship in May. The Kirin 9200 follows in the autumn.",
     {{'F', "Huawei", "develops", "Kirin 9100", true},
      {'F', "Huawei", "develops", "Kirin 9200", true}}},
    {"a server chip X had tailored for a market",
     "Regulators told firms to stop ordering the MI308, a server chip AMD had tailored for China.",
     {{'F', "AMD", "develops", "MI308", true}}},
    {"a possessive with an adjective the list of product adjectives lacked",
     "Analysts pointed to Huawei's coming Kirin processors.",
     {{'F', "Huawei", "develops", "Kirin", true}}},
    {"a version joined by a hyphen, a point release, a model after a family",
     "Zhipu opened its GLM-4.6 model to all. DeepSeek released V3.2 on Monday. Moonshot AI "
     "promoted its Kimi K3.",
     {{'F', "Zhipu AI", "develops", "GLM-4.6", true},
      {'F', "DeepSeek", "develops", "DeepSeek-V3.2", true},
      {'F', "Moonshot AI", "develops", "Kimi K3", true},
      {'F', "Zhipu AI", "develops", "GLM", false}}},
    /* ---- manufactures ---- */
    {"'the chip' refers back to the chip named before",
     "Biren sells the BR104 to cloud firms. The chip is made by SMIC.",
     {{'F', "SMIC", "manufactures", "BR104", true}}},
    {"'the chip' before a noun is no reference",
     "Biren sells the BR104 to cloud firms. The chip industry is made by SMIC, critics joked.",
     {{'F', "SMIC", "manufactures", "BR104", false}}},
    {"made on a foundry's process, mass production on it",
     "The Ascend 930 is still made on SMIC's N+2. The Ascend 940 will enter mass production on "
     "SMIC's 5nm process next year.",
     {{'F', "SMIC", "manufactures", "Ascend 930", true},
      {'F', "SMIC", "manufactures", "Ascend 940", true},
      {'F', "Ascend 940", "process_node", "5nm", true}}},
    {"a foundry used its process for a chip",
     "TSMC used the same 4nm process for the Kirin 9100.",
     {{'F', "TSMC", "manufactures", "Kirin 9100", true}}},
    {"an apposition, then 'and built by'",
     "It launched the Yitian 910, a server processor based on Arm designs and built by TSMC.",
     {{'F', "TSMC", "manufactures", "Yitian 910", true},
      {'F', "Arm", "manufactures", "Yitian 910", false}}},
    /* ---- owns, supplies, uses, leases, sues, partners ---- */
    {"the group's division, a unit it set up",
     "Tencent makes games. TiMi, the group's studio division, grew. Cloudlake, the chip design "
     "unit Tencent set up in 2020, hired staff.",
     {{'F', "Tencent", "owns", "TiMi", true}, {'F', "Tencent", "owns", "Cloudlake", true}}},
    {"a company's company, as the head of its phrase only",
     "Alibaba's Ant Group was fined. Huawei's Nvidia rival sold well.",
     {{'F', "Alibaba", "owns", "Ant Group", true}, {'F', "Huawei", "owns", "Nvidia", false}}},
    {"customers in an apposition, a buyer of a possessor's product",
     "The servers came from Inspur and Lenovo, two of Nvidia's biggest customers. Xiaomi, which "
     "buys Qualcomm's chips, grew.",
     {{'F', "Nvidia", "supplies", "Inspur", true},
      {'F', "Nvidia", "supplies", "Lenovo", true},
      {'F', "Qualcomm", "supplies", "Xiaomi", true}}},
    {"sold a buyer a chip: the buyer uses it (not the seller through its)",
     "Intel, which has sold Lenovo Xeon processors for years, said so. AMD sells its EPYC 9004 "
     "widely.",
     {{'F', "Lenovo", "uses", "Xeon", true}, {'F', "AMD", "uses", "EPYC 9004", false}}},
    {"a product deployed in centres run by a list",
     "Its KUAE clusters have been deployed in data centres run by China Mobile and China Telecom.",
     {{'F', "China Mobile", "uses", "KUAE", true}, {'F', "China Telecom", "uses", "KUAE", true}}},
    {"models served on another company's servers",
     "Start-ups such as MiniMax train their models on Tencent's servers.",
     {{'F', "MiniMax", "leases_compute_from", "Tencent", true}}},
    {"a participle of suing, a suit a company filed against another",
     "YMTC went on the offensive in November, suing Micron in a California court. Nvidia is "
     "fighting a lawsuit that Samsung filed against it.",
     {{'F', "YMTC", "sues", "Micron", true}, {'F', "Samsung", "sues", "Nvidia", true}}},
    {"one of a supplier's customers, an order from a supplier, an investor in an apposition",
     "Baidu is one of Nvidia's biggest customers. Tencent has ordered 2,000 Ascend 910B chips "
     "from Huawei. Alibaba, an early investor in Zhipu, said so.",
     {{'F', "Nvidia", "supplies", "Baidu", true},
      {'F', "Huawei", "supplies", "Tencent", true},
      {'F', "Alibaba", "invests_in", "Zhipu AI", true}}},
    {"a plant bought from a company is no supply",
     "The plant that SK Hynix bought from Intel makes NAND flash.",
     {{'F', "Intel", "supplies", "SK Hynix", false}}},
    {"a company's unit before a verb, a partnership announced by a pair, a modifier after 'a "
     "former'",
     "Huawei's HiSilicon designs chips. AMD and Microsoft announced a partnership on Monday. "
     "Moore Threads, founded by a former Nvidia executive, makes the MTT S80.",
     {{'F', "Huawei", "owns", "HiSilicon", true},
      {'F', "AMD", "partners_with", "Microsoft", true},
      {'F', "Nvidia", "manufactures", "MTT S80", false}}},
    {"a pronoun subject of a company verb; a second verb phrase",
     "Tencent is a big investor. It led a funding round for Baichuan last year, and has invested "
     "in StepFun and MiniMax.",
     {{'F', "Tencent", "invests_in", "Baichuan", true},
      {'F', "Tencent", "invests_in", "StepFun", true},
      {'F', "Tencent", "invests_in", "MiniMax", true}}},
    {"a joint paper pairs its authors",
     "Huawei and iFlytek said in a joint paper that they had trained a model together.",
     {{'F', "Huawei", "partners_with", "iFlytek", true}}},
    {"a product pitched as a rival to a product",
     "Huawei pitches its Atlas 900 system as a rival to Nvidia's DGX systems.",
     {{'F', "Atlas 900", "rivals", "DGX", true}}},
    {"a plural chip model, a short form of a known name",
     "Baidu bought thousands of H100s. Micron sued UMC and Jinhua.",
     {{'F', "Baidu", "uses", "H100", true}, {'F', "Micron", "sues", "Fujian Jinhua", true}}},
    {"a model the subject launched, without 'that'; an upgrade to a model",
     "Tencent released Hunyuan T2 on Friday, an upgrade to the Hunyuan T1 model it launched in "
     "March.",
     {{'F', "Tencent", "develops", "Hunyuan T1", true},
      {'F', "Hunyuan T2", "successor_of", "Hunyuan T1", true}}},
    {"a chip called by a name after the verb of developing",
     "Nvidia is developing a new chip, provisionally called the B40A, for China.",
     {{'F', "Nvidia", "develops", "B40A", true}}},
    {"an account on a platform is not its product",
     "In a post on its WeChat account, Zhipu said the model was ready.",
     {{'F', "Zhipu AI", "develops", "WeChat", false}}},
    {"access to chips from suppliers is no compute leased (they supplied them)",
     "Huawei has lost its licensed access to chips from Qualcomm and Intel.",
     {{'F', "Huawei", "leases_compute_from", "Qualcomm", false},
      {'F', "Qualcomm", "supplies", "Huawei", true}}},
    {"the article's topic company is what 'the start-up' means",
     "DeepSeek trained its model cheaply. DeepSeek said costs fell. DeepSeek hired staff. "
     "Rivals such as Moonshot AI and MiniMax cut prices. The start-up trained V3 on 2,000 H800 "
     "chips.",
     {{'F', "DeepSeek", "uses", "H800", true}, {'F', "MiniMax", "uses", "H800", false}}},
    {"a chip built by a foundry is made by it, not developed; fabricated at a foundry",
     "The Ascend 930 is built by SMIC using its N+2 process. Biren's BR104 was fabricated at TSMC.",
     {{'F', "SMIC", "manufactures", "Ascend 930", true},
      {'F', "SMIC", "develops", "Ascend 930", false},
      {'F', "TSMC", "manufactures", "BR104", true}}},
    {"a maker selling machines built around a chip uses it; a foundry-made part",
     "Lenovo sells servers built around Nvidia's Blackwell GPUs. Analysts found a TSMC-made die "
     "inside the Kirin 9100.",
     {{'F', "Lenovo", "uses", "Blackwell", true},
      {'F', "Lenovo", "manufactures", "Blackwell", false},
      {'F', "TSMC", "manufactures", "Kirin 9100", true},
      {'F', "TSMC", "develops", "Kirin 9100", false}}},
    {"a supplier whose chips power a customer's centres; a buyer of a company's chips",
     "Cambricon, whose chips power ByteDance's data centres, grew. Inspur still buys Intel chips.",
     {{'F', "Cambricon", "supplies", "ByteDance", true},
      {'F', "Intel", "supplies", "Inspur", true}}},
    {"the company behind a product, named after it",
     "The company behind the Kimi chatbot, Moonshot AI, is backed by Alibaba.",
     {{'F', "Moonshot AI", "develops", "Kimi", true},
      {'F', "Alibaba", "invests_in", "Moonshot AI", true}}},
    {"shipments a supplier halted, in a relative clause",
     "The shipments to Huawei that Samsung halted last year have not resumed.",
     {{'S', "Samsung", "Huawei", "shipment_suspension", true},
      {'S', "Huawei", "Samsung", "shipment_suspension", false}}},
    {"a sale halted by a government; an export ban on a company",
     "Nvidia's sale of H20 chips to China was halted by the U.S. government in April. The export "
     "ban on ZTE, imposed in 2018, was lifted.",
     {{'S', "United States", "China", "export_restriction", true},
      {'S', "United States", "ZTE", "export_restriction", true},
      {'S', "United States", "Nvidia", "export_restriction", false}}},
    {"a digit-led model with a series letter; a company relied on for years",
     "Loongson makes its 3A6000 processors at home. The chip designer has relied on TSMC for "
     "years.",
     {{'F', "Loongson", "develops", "3A6000", true}, {'F', "TSMC", "supplies", "Loongson", true}}},
    {"a possessive inside an apposition does not mean the name it is about",
     "Loongson sells processors. Lenovo, one of its largest customers, said so.",
     {{'F', "Loongson", "supplies", "Lenovo", true}, {'F', "Lenovo", "supplies", "Lenovo", false}}},
    {"a chip that will replace or follow another; a smaller sibling",
     "The B20 will replace the H20 in China. Nvidia's upcoming B300 will follow the B200. The "
     "BR104 is a smaller sibling of the BR100.",
     {{'F', "B20", "successor_of", "H20", true},
      {'F', "B300", "successor_of", "B200", true},
      {'F', "BR104", "variant_of", "BR100", true}}},
    {"a model with a generation after its family; the possessor of a product that acts",
     "The Snapdragon 8 Gen 3 is fast. Huawei's Mate 60 Pro runs on the Kirin 9000S.",
     {{'E', "Snapdragon 8 Gen 3", "chip", NULL, true},
      {'F', "Kirin 9000S", "powers", "Mate 60 Pro", true},
      {'F', "Huawei", "uses", "Kirin 9000S", false}}},
    {"a bare model of the series a family model of the sentence belongs to",
     "The Ascend 920C, successor to the 920B, packs two dies. The 920B rivals the A100.",
     {{'F', "Ascend 920C", "successor_of", "Ascend 920B", true},
      {'F', "Ascend 920B", "rivals", "A100", true}}},
    {"members named after a description of the group listed",
     "In March 2021, the Commerce Department added 12 Chinese organisations to the Entity List, "
     "including the chip designers Phytium and Sugon, citing military end uses.",
     {{'S', "U.S. Department of Commerce", "Phytium", "entity_listing", true},
      {'S', "U.S. Department of Commerce", "Sugon", "entity_listing", true},
      {'S', "U.S. Department of Commerce", "China", "entity_listing", false}}},
    {"an apposition between a chip and its verb is no argument of the verb",
     "Cambricon's Siyuan 590, the successor of the Siyuan 370, is made by TSMC on its 7nm process.",
     {{'F', "TSMC", "manufactures", "Siyuan 590", true},
      {'F', "Siyuan 590", "successor_of", "Siyuan 370", true},
      {'F', "TSMC", "manufactures", "Siyuan 370", false},
      {'F', "Siyuan 370", "process_node", "7nm", false}}},
    {"a one-digit model named with a chip word after it; a quarter is no chip",
     "Cambricon said its MX-5 accelerator would be made by SMIC. In Q3 chip sales rose at Baidu.",
     {{'E', "MX-5", "chip", NULL, true},
      {'F', "SMIC", "manufactures", "MX-5", true},
      {'E', "Q3", "chip", NULL, false}}},
    {"a model named by its shape before 'model'",
     "Baidu released its Orca-4 model in May. Tencent's Heron 2.5 models answer in Chinese.",
     {{'E', "Orca-4", "ai_model", NULL, true},
      {'F', "Baidu", "develops", "Orca-4", true},
      {'E', "Heron 2.5", "ai_model", NULL, true}}},
    {"members named after the list the group was put on",
     "The Commerce Department placed 30 Chinese entities on the Entity List on Friday, among them "
     "Phytium and Sugon.",
     {{'S', "U.S. Department of Commerce", "Phytium", "entity_listing", true},
      {'S', "U.S. Department of Commerce", "Sugon", "entity_listing", true},
      {'S', "U.S. Department of Commerce", "China", "entity_listing", false}}},
    {"a product named after a word is no family member",
     "Microsoft's Azure OpenAI service hosts models. Azure grew quickly.",
     {{'F', "Microsoft", "develops", "Azure OpenAI", true},
      {'F', "Microsoft", "develops", "Azure", false}}},
};

/* What a control covers: hyphenated words stay whole, a classifier ("23
 * types of", "more kinds of") gives way to what it classifies. */
static void test_items(const struct extractor *x)
{
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"In May 2024, the Commerce Department restricted exports of high-bandwidth memory to "
         "Iran.",
         "high-bandwidth memory"},
        {"In June 2024, Japan restricted exports of 23 types of wafer cleaning equipment to "
         "Russia.",
         "wafer cleaning equipment"},
        {"Canada later restricted exports of more kinds of etching tools to Iran.",
         "etching tools"},
        {"Germany restricted exports of machine tools to Russia.", "machine tools"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ex_result *r = ex_run_text(x, cases[i].text, NULL);
        const char *got = r && r->n_sanctions == 1 && r->sanctions[0].n_items == 1
                              ? r->sanctions[0].items[0]
                              : "(no single item)";
        is_str(got, cases[i].want, cases[i].want);
        ex_result_free(r);
    }
}

int main(void)
{
    struct extractor *x = ex_load_shipped();
    if (!x) {
        ok(false, "the shipped data loads");
        return done();
    }
    ex_run_cases(x, cases, sizeof cases / sizeof cases[0]);
    test_items(x);
    extractor_free(x);
    return done();
}
