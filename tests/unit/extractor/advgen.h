/* tests/unit/extractor/advgen.h — adversarial article text for the tests
 * (issue 13): one "sentence" with no full stop, made of clauses invented here
 * that the shipped rules turn into facts and sanctions. Deterministic (a
 * fixed LCG). bench/gen-adversarial.py makes the same kind of text for the
 * bench. Header-only, test-only. */
#ifndef ECF_TESTS_ADVGEN_H
#define ECF_TESTS_ADVGEN_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const adv_companies[] = {"Huawei", "SMIC",    "Nvidia",  "TSMC",
                                            "Baidu",  "Alibaba", "Tencent", "ByteDance",
                                            "Intel",  "AMD",     "Samsung", "Micron"};
static const char *const adv_chips[] = {"Ascend 910B", "Ascend 910C", "H100",  "H20",
                                        "A100",        "MI300X",      "Kunlun"};
static const char *const adv_verbs[] = {"develops", "designs", "manufactures", "uses", "supplies"};
static const char *const adv_joins[] = {", and ", ", while ", ", as ", " and ", ", but "};

#define ADV_PICK(a, r) ((a)[(r) % (sizeof(a) / sizeof((a)[0]))])

static unsigned adv_next(unsigned *st)
{
    *st = *st * 1103515245u + 12345u;
    return (*st >> 8) & 0xFFFFFFu;
}

/* A malloc'd NUL-terminated text of exactly len bytes (len >= 64): a title
 * line, then clauses joined by commas and conjunctions, never '.', '!', '?'
 * or a newline. NULL on ENOMEM. */
__attribute__((unused)) static char *adv_giant_sentence(size_t len)
{
    char *t = malloc(len + 1);
    if (!t)
        return NULL;
    static const char title[] = "Export controls reshape the chip market\n";
    size_t n = sizeof title - 1;
    memcpy(t, title, n);
    unsigned st = 13;
    char c[160];
    while (n < len) {
        unsigned r = adv_next(&st), k = adv_next(&st);
        int cl;
        if (r % 10 < 6)
            cl = snprintf(c, sizeof c, "%s %s the %s%s", ADV_PICK(adv_companies, k),
                          ADV_PICK(adv_verbs, k >> 4), ADV_PICK(adv_chips, k >> 8),
                          ADV_PICK(adv_joins, k >> 12));
        else if (r % 10 < 8)
            cl = snprintf(c, sizeof c, "the Commerce Department added %s to the Entity List%s",
                          ADV_PICK(adv_companies, k), ADV_PICK(adv_joins, k >> 12));
        else
            cl = snprintf(c, sizeof c, "its %s rivals the %s%s", ADV_PICK(adv_chips, k),
                          ADV_PICK(adv_chips, k >> 8), ADV_PICK(adv_joins, k >> 12));
        size_t m = (size_t)cl < len - n ? (size_t)cl : len - n;
        memcpy(t + n, c, m);
        n += m;
    }
    t[len] = '\0';
    return t;
}

#endif
