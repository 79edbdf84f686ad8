/* Unit tests: the mention spans of an evidence (ex_evidence.role): the
 * token that filled each role, a reference ("it", "the Shenzhen-based firm")
 * as written rather than the entity's name, in code points and bytes that
 * agree, inside the sentence; and an empty span where no token of the
 * sentence filled the role (a fact inferred by convention, an implicit
 * imposer). On sentences written for these tests. */
#include <stdbool.h>
#include <string.h>

#include "common/util.h"
#include "tests/tap.h"
#include "tests/unit/extractor/exhelp.h"

#define diag(...) (printf("# " __VA_ARGS__), printf("\n"))

static bool span_empty(const struct ex_span *sp)
{
    return sp->start == sp->end && sp->cstart == sp->cend;
}

/* Whether role span sp of evidence ev, in text, says `want` (NULL: empty). */
static bool span_says(const char *text, const struct ex_evidence *ev, size_t k, const char *want)
{
    const struct ex_span *sp = &ev->role[k];
    if (!want) {
        if (!span_empty(sp))
            diag("role %zu: [%zu,%zu) \"%.*s\", want none", k, sp->cstart, sp->cend,
                 (int)(sp->end - sp->start), text + sp->start);
        return span_empty(sp) && sp->start == 0 && sp->cstart == 0;
    }
    bool good =
        sp->end - sp->start == strlen(want) && !memcmp(text + sp->start, want, strlen(want));
    if (!good)
        diag("role %zu: [%zu,%zu) \"%.*s\", want \"%s\"", k, sp->cstart, sp->cend,
             (int)(sp->end - sp->start), text + sp->start, want);
    return good;
}

/* Every role span of r is empty or a whole run of sentence text, with code
 * points that count the bytes before it. */
static bool spans_sane(const char *text, const struct ex_result *r)
{
    for (size_t i = 0; i < r->n_facts + r->n_sanctions; i++) {
        const struct ex_evidence *ev =
            i < r->n_facts ? &r->facts[i].ev : &r->sanctions[i - r->n_facts].ev;
        for (size_t k = 0; k < EX_ROLE__COUNT; k++) {
            const struct ex_span *sp = &ev->role[k];
            if (span_empty(sp))
                continue;
            if (sp->start >= sp->end || sp->start < ev->sentence.start ||
                sp->end > ev->sentence.end || sp->cstart < ev->sentence.cstart ||
                sp->cend > ev->sentence.cend || ecf_utf8_count(text, sp->start) != sp->cstart ||
                ecf_utf8_count(text, sp->end) != sp->cend) {
                diag("evidence %zu role %zu: bytes [%zu,%zu) cps [%zu,%zu) in [%zu,%zu)", i, k,
                     sp->start, sp->end, sp->cstart, sp->cend, ev->sentence.cstart,
                     ev->sentence.cend);
                return false;
            }
        }
    }
    return true;
}

struct fcase {
    const char *text, *s, *pred, *o, *ssub, *sobj, *why;
};

static void test_facts(const struct extractor *x)
{
    static const struct fcase cases[] = {
        {"Headline\n\nNvidia met officials from the Commerce Department on Monday. It later "
         "unveiled the B30A.",
         "Nvidia", "develops", "B30A", "It", "B30A", "'it' is the subject's span"},
        {"Headline\n\nHuawei opened a lab in Munich. The Shenzhen-based firm unveiled the Ascend "
         "910D there.",
         "Huawei", "develops", "Ascend 910D", "The Shenzhen-based firm", "Ascend 910D",
         "a description is the subject's span"},
        {"Headline\n\nIn a report to the SEC, Intel said the new limits apply to its Gaudi chips.",
         "Intel", "develops", "Gaudi", "its", "Gaudi", "a possessive pronoun"},
        {"Headline \xf0\x9f\x9a\x80\n\nZ\xc3\xbcrich-based Acme met \xe2\x80\x9cpartners\xe2\x80"
         "\x9d \xf0\x9f\x98\x80 on Monday. The company later unveiled the Ascend 910D.",
         NULL, NULL, NULL, NULL, NULL, "non-ASCII text before the spans"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct fcase *c = &cases[i];
        struct ex_result *r = ex_run_text(x, c->text, NULL);
        ok(r && spans_sane(c->text, r), "%s: spans lie in their sentences", c->why);
        if (c->s) {
            const struct ex_fact *f = ex_find_fact(r, c->s, c->pred, c->o);
            ok(f && span_says(c->text, &f->ev, EX_ROLE_A, c->ssub), "%s: subject \"%s\"", c->why,
               c->ssub);
            ok(f && span_says(c->text, &f->ev, EX_ROLE_B, c->sobj), "%s: object \"%s\"", c->why,
               c->sobj);
        }
        ex_result_free(r);
    }
}

/* A fact the article implies (a family's developer, extractor/infer.c) was
 * read from no token of its sentence: both spans are empty. */
static void test_inferred(const struct extractor *x)
{
    const char *text = "Headline\n\nHuawei develops the Ascend 910B. Customers in Shenzhen also "
                       "tested the Ascend 910C last month.";
    struct ex_result *r = ex_run_text(x, text, NULL);
    const struct ex_fact *f = ex_find_fact(r, "Huawei", "develops", "Ascend 910C");
    ok(f && !strcmp(f->ev.rule, "family_develops"), "the family's developer is inferred");
    ok(f && span_says(text, &f->ev, EX_ROLE_A, NULL), "an inferred subject has an empty span");
    ok(f && span_says(text, &f->ev, EX_ROLE_B, NULL), "an inferred object has an empty span");
    const struct ex_fact *g = ex_find_fact(r, "Huawei", "develops", "Ascend 910B");
    ok(g && span_says(text, &g->ev, EX_ROLE_A, "Huawei") &&
           span_says(text, &g->ev, EX_ROLE_B, "Ascend 910B"),
       "the fact it was inferred from has both spans");
    ok(r && spans_sane(text, r), "inferred: spans lie in their sentences");
    ex_result_free(r);
}

struct scase {
    const char *text, *imp, *tgt, *measure, *simp, *stgt, *why;
};

static void test_sanctions(const struct extractor *x)
{
    static const struct scase cases[] = {
        {"The U.S. blacklisted 13 Chinese entities, among them Sugon and Hygon.", "United States",
         "Hygon", "entity_listing", "U.S.", "Sugon and Hygon",
         "a named member of a group (a list is one token)"},
        {"Washington's commerce chief, Secretary John Smith, announced new export controls on "
         "Iran.",
         "United States", "Iran", "export_restriction", "Washington", "Iran",
         "the body a speaker speaks for"},
        {"The Netherlands announced new export controls aimed at China and Russia.", "Netherlands",
         "Russia", "export_restriction", "The Netherlands", NULL, "an implicit target"},
        {"Headline\n\nThe Commerce Department added Sugon to the Entity List in May. Export "
         "controls on Hygon followed in June.",
         "U.S. Department of Commerce", "Hygon", "export_restriction", NULL, "Hygon",
         "an implicit imposer from another sentence"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct scase *c = &cases[i];
        struct ex_result *r = ex_run_text(x, c->text, NULL);
        const struct ex_sanction *s = ex_find_sanction(r, c->imp, c->tgt, c->measure);
        ok(s && span_says(c->text, &s->ev, EX_ROLE_A, c->simp), "%s: imposer %s", c->why,
           c->simp ? c->simp : "none");
        ok(s && span_says(c->text, &s->ev, EX_ROLE_B, c->stgt), "%s: target %s", c->why,
           c->stgt ? c->stgt : "none");
        ok(r && spans_sane(c->text, r), "%s: spans lie in their sentences", c->why);
        ex_result_free(r);
    }
}

/* The parse layer's frames (extractor/pstage.c) record the tokens their
 * roles resolved to. */
static struct extractor *load_with_parse(void)
{
    char path[4096], err[256] = "";
    size_t fl = 0;
    snprintf(path, sizeof path, "%s/frames.tsv", ECF_SRC_DATA);
    char *f = slurp(path, &fl);
    struct extractor *x = ex_load_shipped();
    if (!x || !f || extractor_parse_open(x, f, fl, NULL, err, sizeof err) != EX_OK) {
        diag("parse layer: %s", err);
        extractor_free(x);
        x = NULL;
    }
    free(f);
    return x;
}

static void test_frames(void)
{
    struct extractor *x = load_with_parse();
    ok(x != NULL, "the parse layer loads");
    const char *t1 = "Title\nThe Kirin 9010 is produced entirely by SMIC.\n";
    struct ex_result *r = x ? ex_run_text(x, t1, NULL) : NULL;
    const struct ex_fact *f = ex_find_fact(r, "SMIC", "manufactures", "Kirin 9010");
    ok(f && !strcmp(f->ev.rule, "frame:manufacture"), "a frame finds the passive");
    ok(f && span_says(t1, &f->ev, EX_ROLE_A, "SMIC") &&
           span_says(t1, &f->ev, EX_ROLE_B, "Kirin 9010"),
       "a frame's fact: the by-agent and the passive subject");
    ok(r && spans_sane(t1, r), "frames: spans lie in their sentences");
    ex_result_free(r);
    const char *t2 = "Title\nInspur, one of the server builders that Washington blacklisted last "
                     "year, sells to Alibaba.\n";
    r = x ? ex_run_text(x, t2, NULL) : NULL;
    const struct ex_sanction *s = ex_find_sanction(r, "United States", "Inspur", "entity_listing");
    ok(s && !strcmp(s->ev.rule, "frame:blacklist"), "a frame finds the relative clause");
    ok(s && span_says(t2, &s->ev, EX_ROLE_A, "Washington") &&
           span_says(t2, &s->ev, EX_ROLE_B, "Inspur"),
       "a frame's sanction: the imposer inside the clause, the target it modifies");
    ok(r && spans_sane(t2, r), "frames: sanction spans lie in their sentences");
    ex_result_free(r);
    extractor_free(x);
}

int main(void)
{
    struct extractor *x = ex_load_shipped();
    ok(x != NULL, "shipped data compiles");
    if (x) {
        test_facts(x);
        test_inferred(x);
        test_sanctions(x);
    }
    test_frames();
    extractor_free(x);
    return done();
}
