/* Unit tests: the parse layer (Link Grammar + data/frames.tsv) as a second
 * stage, one invented sentence per construction, each checked against the
 * same extractor without the layer; negation and considered measures; the
 * --explain text; the gate and the budget (parses counted); a bad frames file;
 * the word cap; and one extractor shared by threads. Sentences are written for these tests. */
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "tests/tap.h"
#include "tests/unit/extractor/exhelp.h"

static char *frames_data(size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/frames.tsv", ECF_SRC_DATA);
    return slurp(path, len);
}

static struct extractor *load_with_parse(void)
{
    struct extractor *x = ex_load_shipped();
    size_t fl = 0;
    char *f = frames_data(&fl), err[256] = "";
    if (!x || !f || extractor_parse_open(x, f, fl, NULL, err, sizeof err) != EX_OK) {
        fprintf(stderr, "# parse layer: %s\n", err);
        extractor_free(x);
        x = NULL;
    }
    free(f);
    return x;
}

static const char *fact_rule(const struct extractor *x, const char *text, const char *s,
                             const char *p, const char *o)
{
    static char rule[64];
    struct ex_result *r = ex_run_text(x, text, NULL);
    const struct ex_fact *f = ex_find_fact(r, s, p, o);
    snprintf(rule, sizeof rule, "%s", f ? f->ev.rule : "");
    ex_result_free(r);
    return f ? rule : NULL;
}

static const char *sanc_rule(const struct extractor *x, const char *text, const char *i,
                             const char *t, const char *m)
{
    static char rule[64];
    struct ex_result *r = ex_run_text(x, text, NULL);
    const struct ex_sanction *s = ex_find_sanction(r, i, t, m);
    snprintf(rule, sizeof rule, "%s", s ? s->ev.rule : "");
    ex_result_free(r);
    return s ? rule : NULL;
}

struct fcase {
    const char *what, *text, *s, *p, *o, *frame;
    bool token_too; /* the token rules' <appos> finds it first: any rule will do */
};

struct scase {
    const char *what, *text, *i, *t, *m, *frame;
    bool token_too; /* the token rules find it first: any rule will do */
};

/* Sanction constructions, each missed by the token rules (checked below). */
static const struct scase sancs[] = {
    {"relative clause under \"one of the N that\" with an inserted phrase",
     "Title\nNaura is one of the toolmakers that the Commerce Department, after a lengthy review, "
     "added to the Entity List.\n",
     "U.S. Department of Commerce", "Naura", "entity_listing", "frame:list_add", false},
    {"coordinated objects beyond an apposition with a hyphenated noun",
     "Title\nWashington added Moore Threads and Biren Technology, two Chinese start-ups, to the "
     "Entity List on Tuesday.\n",
     "United States", "Biren Technology", "entity_listing", "frame:list_add", true},
    {"relative clause with the subject inside",
     "Title\nInspur, one of the server builders that Washington blacklisted last year, sells to "
     "Alibaba.\n",
     "United States", "Inspur", "entity_listing", "frame:blacklist", false},
};

static void test_sanctions(const struct extractor *x, const struct extractor *plain)
{
    for (size_t i = 0; i < sizeof sancs / sizeof sancs[0]; i++) {
        const struct scase *c = &sancs[i];
        const char *r = sanc_rule(x, c->text, c->i, c->t, c->m);
        ok(r && (c->token_too || !strcmp(r, c->frame)), "%s: %s -> %s %s by %s (got %s)", c->what,
           c->i, c->t, c->m, c->frame, r ? r : "nothing");
        if (c->token_too)
            ok(sanc_rule(plain, c->text, c->i, c->t, c->m) != NULL,
               "%s: found by the token rules too", c->what);
        else
            ok(!sanc_rule(plain, c->text, c->i, c->t, c->m), "%s: not found without the layer",
               c->what);
    }
}

/* Each is found by a frame and, unless token_too, missed by the token rules
 * (checked below). */
static const struct fcase facts[] = {
    {"passive with a by-agent and an adverb",
     "Title\nThe Kirin 9010 is produced entirely by SMIC.\n", "SMIC", "manufactures", "Kirin 9010",
     "frame:manufacture", false},
    {"apposition with a possessor", "Title\nThe BR100, Biren's first product, rivals the A100.\n",
     "Biren Technology", "develops", "BR100", "frame:product", true},
    {"the subject beyond an apposition",
     "Title\nThe BR100, Biren's first product, rivals the A100.\n", "BR100", "rivals", "A100",
     "frame:rival", true},
    {"copula with a possessor", "Title\nAlibaba's main inference part is the Hanguang 800.\n",
     "Alibaba", "develops", "Hanguang 800", "frame:product", false},
    {"passive perfect with an inserted phrase",
     "Title\nThe Ascend 910C has, according to the filing, been fabricated by SMIC since May.\n",
     "SMIC", "manufactures", "Ascend 910C", "frame:manufacture", false},
};

static void test_constructions(const struct extractor *x, const struct extractor *plain)
{
    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++) {
        const struct fcase *c = &facts[i];
        const char *r = fact_rule(x, c->text, c->s, c->p, c->o);
        ok(r && (c->token_too || !strcmp(r, c->frame)), "%s: %s %s %s by %s (got %s)", c->what,
           c->s, c->p, c->o, c->frame, r ? r : "nothing");
        if (c->token_too)
            ok(fact_rule(plain, c->text, c->s, c->p, c->o) != NULL,
               "%s: found by the token rules too", c->what);
        else
            ok(!fact_rule(plain, c->text, c->s, c->p, c->o), "%s: not found without the layer",
               c->what);
    }
    const char *ban =
        "Title\nA ban by Japan on photoresist exports to South Korea lasted four years.\n";
    const char *r = sanc_rule(x, ban, "Japan", "South Korea", "export_restriction");
    ok(r && !strcmp(r, "frame:ban_noun"), "nominalisation: Japan -> South Korea (got %s)",
       r ? r : "nothing");
    ok(!sanc_rule(plain, ban, "Japan", "South Korea", "export_restriction"),
       "nominalisation: not found without the layer");
}

static void test_drops(const struct extractor *x)
{
    ok(!fact_rule(x, "Title\nSMIC does not produce the Kirin 9010.\n", "SMIC", "manufactures",
                  "Kirin 9010"),
       "a negated verb gives nothing");
    ok(!sanc_rule(x,
                  "Title\nWashington is weighing a ban by the United States on memory exports to "
                  "China.\n",
                  "United States", "China", "export_restriction"),
       "a measure only considered gives nothing");
}

static void test_explain(const struct extractor *x)
{
    const char *t = "Title\nThe Kirin 9010 is produced entirely by SMIC. SMIC is big.\n";
    struct ex_result *r = NULL;
    char *why = NULL;
    ok(extract_explain(x, t, strlen(t), NULL, &r, &why) == EX_OK && why, "explain runs");
    ok(why && strstr(why, "mentions: [Kirin 9010:chip] [SMIC:company]"), "explain: mentions");
    ok(why && strstr(why, "frame:manufacture on 'produced': S (agent) = [SMIC]"),
       "explain: the roles read");
    ok(why && strstr(why, "frame:manufacture FIRED: fact SMIC manufactures Kirin 9010"),
       "explain: the frame that fired");
    ok(why && strstr(why, " words, ") && strstr(why, " found, ") &&
           strstr(why, "parse: candidate (frame:manufacture: SMIC -> Kirin 9010 open)"),
       "explain: why a sentence is parsed, and the linkages the parser found");
    ok(why && strstr(why, "not a candidate (no frame's trigger word)"),
       "explain: why a sentence is not parsed");
    ok(r && r->n_facts >= 1, "explain returns the result too");
    free(why);
    ex_result_free(r);
}

/* How many sentences of text the layer parsed, and their words (*words,
 * when not NULL), read off its --explain lines. */
static int parsed(const struct extractor *x, const char *text, int *words)
{
    struct ex_result *r = NULL;
    char *why = NULL;
    int n = -1, nw = 0;
    if (extract_explain(x, text, strlen(text), NULL, &r, &why) == EX_OK && why) {
        n = 0;
        for (const char *p = why; (p = strstr(p, "\n  parse: ")) != NULL; p++) {
            const char *q = p + 10;
            int k = 0;
            while (*q >= '0' && *q <= '9')
                k = k * 10 + (*q++ - '0');
            if (q > p + 10 && !strncmp(q, " words, ", 8)) {
                n++;
                nw += k;
            }
        }
    }
    free(why);
    ex_result_free(r);
    if (words)
        *words = nw;
    return n;
}

static int parses(const struct extractor *x, const char *text)
{
    return parsed(x, text, NULL);
}

/* The article's parse budget (PS_WORD_BUDGET, 40 words) goes to the most
 * promising candidates first: 14 candidates of 14 words the rules miss,
 * then a short one at the end. In document order under a count cap, the
 * last was never parsed. */
static void test_budget(const struct extractor *x)
{
    static const char *const co[] = {"Huawei",    "SMIC",      "Alibaba",          "Baidu",
                                     "Tencent",   "ByteDance", "Inspur",           "Sophgo",
                                     "Cambricon", "Naura",     "Biren Technology", "Moore Threads",
                                     "Hikvision", "Xiaomi"};
    char t[4096];
    size_t o = (size_t)snprintf(t, sizeof t, "Title\n");
    for (size_t i = 0; i < sizeof co / sizeof co[0]; i++)
        o += (size_t)snprintf(t + o, sizeof t - o,
                              "The United States banned exports to %s after "
                              "a long review by officials last year. ",
                              co[i]);
    snprintf(t + o, sizeof t - o, "The Kirin 9010 is produced entirely by SMIC.\n");
    int words = 0, n = parsed(x, t, &words);
    ok(n >= 1 && words <= 40, "budget: at most 40 words parsed per article (%d in %d parses)",
       words, n);
    const char *rule = fact_rule(x, t, "SMIC", "manufactures", "Kirin 9010");
    ok(rule && !strcmp(rule, "frame:manufacture"),
       "budget: the shortest candidate the rules missed is parsed first, wherever it is (%s)",
       rule ? rule : "missed");
    int again = 0;
    ok(parsed(x, t, &again) == n && again == words, "budget: the same parses every time");
}

/* The gate parses a sentence only when a triggered frame could add a result
 * the article does not hold; counted, not timed. */
static void test_gate(const struct extractor *x)
{
    int n = parses(x, "Title\nThe United States banned exports to Huawei.\n");
    ok(n == 1, "gate: a sentence the token rules miss is parsed (%d)", n);
    n = parses(x, "Title\nThe United States banned exports to Huawei. Huawei said the ban hurt "
                  "its exports and that the United States would regret it.\n");
    ok(n == 1, "gate: a pair the article already holds for the frame is not parsed again (%d)", n);
    n = parses(x, "Title\nWashington added Moore Threads to the Entity List, a step Japan may "
                  "follow.\n");
    ok(n == 0, "gate: a frame whose measure the token rules found in the sentence is spent (%d)",
       n);
    n = parses(x, "Title\nTSMC's shipments to Sophgo grew in March.\n");
    ok(n == 0, "gate: a frame under governing verbs needs one of them (%d)", n);
    n = parses(x, "Title\nWashington included Huawei in the talks.\n");
    ok(n == 0, "gate: every role needs a candidate of its types (no list here) (%d)", n);
    n = parses(x, "Title\nJapan limited the role of Samsung in its chip plans.\n");
    ok(n == 0, "gate: a role read only from 'to'/'for' phrases needs the preposition (%d)", n);
}

static void test_bounds(const struct extractor *x)
{
    /* one sentence of 3,000 words: over the cap, so never parsed */
    size_t n = 3000, cap = n * 12 + 64, o = 0;
    char *t = malloc(cap);
    if (!t) {
        ok(0, "alloc");
        return;
    }
    o += (size_t)snprintf(t + o, cap - o, "Title\nSMIC produced ");
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(t + o, cap - o, "%s",
                              i % 50 == 0 ? "the Kirin 9010 for Huawei " : "and chips ");
    o += (size_t)snprintf(t + o, cap - o, ".\n");
    struct ex_result *r = NULL;
    char *why = NULL;
    ok(extract_explain(x, t, o, NULL, &r, &why) == EX_OK && why &&
           strstr(why, "skipped (longer than"),
       "a sentence over the word cap is not parsed");
    free(why);
    ex_result_free(r);
    free(t);
    struct extractor *y = ex_load_shipped();
    char err[128] = "";
    ok(y &&
           extractor_parse_open(y, "F\tx\tmakes\t0.5\tv\tmake\n", 22, NULL, err, sizeof err) ==
               EX_E_DATA &&
           strstr(err, "frames.tsv:1"),
       "a malformed frame is EX_E_DATA naming the line (%s)", err);
    extractor_free(y);
}

struct job {
    const struct extractor *x;
    int good;
};

static void *worker(void *arg)
{
    struct job *j = arg;
    for (int i = 0; i < 10; i++) {
        const char *r =
            fact_rule(j->x, facts[i % 5].text, facts[i % 5].s, facts[i % 5].p, facts[i % 5].o);
        (void)r;
        struct ex_result *res = ex_run_text(j->x, facts[i % 5].text, NULL);
        j->good += ex_find_fact(res, facts[i % 5].s, facts[i % 5].p, facts[i % 5].o) != NULL;
        ex_result_free(res);
    }
    return NULL;
}

static void test_threads(const struct extractor *x)
{
    pthread_t th[4];
    struct job jobs[4];
    int started = 0;
    for (int i = 0; i < 4; i++) {
        jobs[i] = (struct job){.x = x};
        started += pthread_create(&th[i], NULL, worker, &jobs[i]) == 0;
    }
    int good = 0;
    for (int i = 0; i < started; i++) {
        pthread_join(th[i], NULL);
        good += jobs[i].good;
    }
    ok(started == 4 && good == 40, "four threads share one dictionary (%d/40)", good);
}

int main(void)
{
    struct extractor *x = load_with_parse(), *plain = ex_load_shipped();
    if (!x || !plain) {
        printf("1..0 # SKIP the parse layer cannot load (Link Grammar's English dictionary)\n");
        extractor_free(x);
        extractor_free(plain);
        return 0;
    }
    test_constructions(x, plain);
    test_sanctions(x, plain);
    test_drops(x);
    test_explain(x);
    test_gate(x);
    test_budget(x);
    test_bounds(x);
    test_threads(x);
    extractor_free(x);
    extractor_free(plain);
    return done();
}
