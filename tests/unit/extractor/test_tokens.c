/* Unit tests: the tokenizer's reference resolution does a bounded amount of
 * work per reference (issue 13 item 4: it scanned every earlier token of the
 * sentence, quadratic in its length; counted, not timed), and the per-token
 * structures stay small (item 5). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extractor/work.h"
#include "tests/tap.h"
#include "tests/unit/extractor/exhelp.h"

/* Tokenizes text as one sentence with a mention of entity 0 (a company) at
 * every "Huawei"; *steps receives the tokens reference resolution looked at,
 * *refs the references resolved to entity 0. */
static bool tokenize(const struct extractor *x, const char *text, size_t *steps, size_t *refs)
{
    struct tx t;
    struct tk_vec scratch[2] = {{0}, {0}};
    struct tk_sent out = {0};
    size_t nm = 0;
    bool good = false;
    struct mention *m = NULL;
    if (tx_build(&t, text, strlen(text)) != EX_OK)
        goto out;
    m = malloc((t.n / 6 + 1) * sizeof *m);
    if (!m)
        goto out;
    for (const char *p = strstr(text, "Huawei"); p; p = strstr(p + 6, "Huawei"))
        m[nm++] = (struct mention){.s = (uint32_t)(p - text), .e = (uint32_t)(p - text + 6)};
    unsigned etype[1] = {EX_T_COMPANY};
    *steps = 0;
    struct tk_in in = {.topic = UINT32_MAX,
                       .low = t.low,
                       .norm = t.norm,
                       .m = m,
                       .nm = nm,
                       .etype = etype,
                       .rules = x->rules,
                       .scratch = scratch,
                       .steps = steps};
    if (tk_sentence(&in, 0, t.n, NULL, 0, &out) != EX_OK)
        goto out;
    *refs = 0;
    for (size_t i = 0; i < out.n; i++)
        *refs += (out.t[i].flags & TF_COREF) && out.t[i].ent[0] == 0;
    good = true;
out:
    free(out.t);
    free(scratch[0].t);
    free(scratch[1].t);
    free(m);
    tx_free(&t);
    return good;
}

static void test_lookback(const struct extractor *x)
{
    size_t steps = 0, refs = 0;
    ok(tokenize(x, "Huawei said its chips sell well", &steps, &refs) && refs == 1,
       "'its' resolves to the company before it");

    /* 2000 references in one sentence of 10000 tokens */
    const size_t n = 2000;
    static const char unit[] = "Huawei ships its chip , ";
    char *text = malloc(n * (sizeof unit - 1) + 1);
    if (!text) {
        ok(0, "allocate the long sentence");
        return;
    }
    for (size_t i = 0; i < n; i++)
        memcpy(text + i * (sizeof unit - 1), unit, sizeof unit - 1);
    text[n * (sizeof unit - 1)] = '\0';
    ok(tokenize(x, text, &steps, &refs), "tokenize %zu references in one sentence", n);
    is_int(refs, n, "each resolves to the company");
    /* with no earlier sentences, one reference looks at no more than the
     * first TK_HEAD and the last TK_TAIL tokens before it */
    size_t bound = n * (TK_HEAD + TK_TAIL);
    ok(steps <= bound, "look-back is bounded: %zu tokens looked at, bound %zu (quadratic: ~%zu)",
       steps, bound, 5 * n * n / 2);
    free(text);
}

/* Issue 13 item 5: an article's tokens, mentions and sentences are all kept
 * while the rules run, one of each per few bytes of text, so their sizes set
 * the extractor's memory (170x the input before; the budget is 20x). */
static void test_sizes(void)
{
    ok(sizeof(struct tok) <= 64, "a token is at most 64 bytes (%zu)", sizeof(struct tok));
    ok(sizeof(struct mention) <= 16, "a mention is at most 16 bytes (%zu)", sizeof(struct mention));
    ok(sizeof(struct tx_sent) <= 16, "a sentence is at most 16 bytes (%zu)",
       sizeof(struct tx_sent));
}

int main(void)
{
    test_sizes();
    struct extractor *x = ex_load_shipped();
    ok(x != NULL, "shipped data compiles");
    if (x)
        test_lookback(x);
    extractor_free(x);
    return done();
}
