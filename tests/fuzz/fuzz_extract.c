/* tests/fuzz/fuzz_extract.c — the extractor on arbitrary article text.
 *
 * The extractor is built once from data/gazetteer.tsv and data/rules.tsv of
 * the source tree (ECF_SRCDIR at build time, or $ECF_SRCDIR at run time).
 * Properties checked per input:
 *  - invalid UTF-8 gives EX_E_UTF8 (and no result); valid UTF-8 gives EX_OK;
 *  - every index (subject/object/imposer/target) is inside entities;
 *  - every evidence span satisfies start <= end <= len, cstart <= cend, and
 *    the code-point offsets agree with the byte offsets;
 *  - ex_result_to_json succeeds and ex_result_json_text gives the same bytes
 *    as json_dumps(JSON_COMPACT | JSON_REAL_PRECISION(10)) of that tree. */
#include <stdint.h>

#include "common/util.h"
#include "extractor/extract.h"
#include "fuzz_common.h"

#ifndef ECF_SRCDIR
#define ECF_SRCDIR "."
#endif

static struct extractor *X;

static char *slurp(const char *dir, const char *name, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/data/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "fuzz_extract: cannot open %s\n", path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (!b || fread(b, 1, (size_t)n, f) != (size_t)n)
        exit(1);
    b[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return b;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *dir = getenv("ECF_SRCDIR");
    if (!dir)
        dir = ECF_SRCDIR;
    size_t glen, rlen;
    char *g = slurp(dir, "gazetteer.tsv", &glen);
    char *r = slurp(dir, "rules.tsv", &rlen);
    char err[256] = "";
    enum ex_err e = extractor_new(g, glen, r, rlen, &X, err, sizeof err);
    if (e != EX_OK) {
        fprintf(stderr, "fuzz_extract: extractor_new failed (%d): %s\n", (int)e, err);
        exit(1);
    }
    free(g);
    free(r);
    return 0;
}

static void check_span(const struct ex_span *s, const char *text, size_t len, const char *what)
{
    FUZZ_CHECK(s->start <= s->end && s->end <= len, "%s: byte span [%zu,%zu) outside [0,%zu)", what,
               s->start, s->end, len);
    FUZZ_CHECK(s->cstart <= s->cend, "%s: cstart %zu > cend %zu", what, s->cstart, s->cend);
    size_t cs = ecf_utf8_count(text, s->start);
    size_t ce = cs + ecf_utf8_count(text + s->start, s->end - s->start);
    FUZZ_CHECK(s->cstart == cs && s->cend == ce,
               "%s: code-point span [%zu,%zu) disagrees with bytes [%zu,%zu) (expected [%zu,%zu))",
               what, s->cstart, s->cend, s->start, s->end, cs, ce);
    FUZZ_CHECK(s->start == len || ((unsigned char)text[s->start] & 0xC0) != 0x80,
               "%s: start %zu inside a code point", what, s->start);
    FUZZ_CHECK(s->end == len || ((unsigned char)text[s->end] & 0xC0) != 0x80,
               "%s: end %zu inside a code point", what, s->end);
}

static void check_str(const char *s, const char *what)
{
    FUZZ_CHECK(s != NULL, "%s is NULL", what);
    FUZZ_CHECK(ecf_utf8_valid(s, strlen(s), NULL), "%s is not valid UTF-8", what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Exact-size copy: the extractor must not read past len (no NUL added). */
    char *text = malloc(size ? size : 1);
    if (!text)
        return 0;
    if (size)
        memcpy(text, data, size);
    /* Odd lengths run with an article date, even ones let the text decide. */
    const char *adate = (size & 1) ? "2024-10-22" : NULL;
    int valid = fuzz_ref_utf8(data, size, NULL, NULL);

    struct ex_result *r = NULL;
    enum ex_err e = extract_run(X, text, size, adate, &r);
    if (!valid) {
        FUZZ_CHECK(e == EX_E_UTF8, "invalid UTF-8 gave %d, not EX_E_UTF8", (int)e);
        free(text);
        return 0;
    }
    FUZZ_CHECK(e == EX_OK, "valid UTF-8 gave %d", (int)e);
    FUZZ_CHECK(r != NULL, "EX_OK without a result");

    check_str(r->title, "title");
    size_t dl = strnlen(r->date, sizeof r->date);
    FUZZ_CHECK(dl == 0 || dl == 4 || dl == 7 || dl == 10, "article date '%.11s'", r->date);
    for (size_t i = 0; i < r->n_entities; i++) {
        const struct ex_entity *en = &r->entities[i];
        check_str(en->id, "entity id");
        check_str(en->name, "entity name");
        FUZZ_CHECK((unsigned)en->type < EX_T__COUNT, "entity type %d", (int)en->type);
        for (size_t k = 0; k < en->n_aliases; k++)
            check_str(en->aliases[k], "alias");
    }
    for (size_t i = 0; i < r->n_facts; i++) {
        const struct ex_fact *f = &r->facts[i];
        FUZZ_CHECK(f->subject < r->n_entities, "fact %zu subject %zu of %zu", i, f->subject,
                   r->n_entities);
        FUZZ_CHECK(f->object == EX_NONE ? f->value != NULL : f->object < r->n_entities,
                   "fact %zu object %zu value %p", i, f->object, (void *)f->value);
        if (f->value)
            check_str(f->value, "fact value");
        FUZZ_CHECK((unsigned)f->pred < EX_P__COUNT, "fact pred %d", (int)f->pred);
        FUZZ_CHECK(f->confidence >= 0.0 && f->confidence <= 1.0, "confidence %g", f->confidence);
        FUZZ_CHECK(f->ev.rule != NULL, "fact rule NULL");
        check_span(&f->ev.sentence, text, size, "fact evidence");
    }
    for (size_t i = 0; i < r->n_sanctions; i++) {
        const struct ex_sanction *s = &r->sanctions[i];
        FUZZ_CHECK(s->imposer < r->n_entities && s->target < r->n_entities,
                   "sanction %zu imposer %zu target %zu of %zu", i, s->imposer, s->target,
                   r->n_entities);
        FUZZ_CHECK((unsigned)s->measure < EX_M__COUNT, "measure %d", (int)s->measure);
        for (size_t k = 0; k < s->n_items; k++)
            check_str(s->items[k], "sanction item");
        FUZZ_CHECK(s->confidence >= 0.0 && s->confidence <= 1.0, "confidence %g", s->confidence);
        FUZZ_CHECK(s->ev.rule != NULL, "sanction rule NULL");
        check_span(&s->ev.sentence, text, size, "sanction evidence");
    }

    json_t *j = ex_result_to_json(r, "fuzz", text);
    FUZZ_CHECK(j != NULL, "ex_result_to_json returned NULL on valid input");
    char *a = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(10));
    FUZZ_CHECK(a != NULL, "json_dumps failed");
    char *b = NULL;
    size_t blen = 0;
    enum ex_err je = ex_result_json_text(r, "fuzz", text, &b, &blen);
    FUZZ_CHECK(je == EX_OK && b != NULL, "ex_result_json_text gave %d", (int)je);
    FUZZ_CHECK(blen == strlen(b), "json_text len %zu vs strlen %zu", blen, strlen(b));
    FUZZ_CHECK(strcmp(a, b) == 0, "json_text differs from json_dumps:\n  tree: %s\n  text: %s", a,
               b);
    free(a);
    free(b);
    json_decref(j);
    ex_result_free(r);
    free(text);
    return 0;
}
