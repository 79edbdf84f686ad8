/* tests/fuzz/fuzz_common.h — helpers shared by the fuzz targets. */
#ifndef ECF_FUZZ_COMMON_H
#define ECF_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A property violation: print and abort so libFuzzer records the input. */
#define FUZZ_CHECK(cond, ...)                                                                      \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "FUZZ_CHECK failed %s:%d: %s: ", __FILE__, __LINE__, #cond);           \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* An exact-size heap copy, NUL-terminated (so ASan sees any over-read). */
static inline char *fuzz_cstr(const unsigned char *d, size_t n)
{
    char *s = malloc(n + 1);
    if (!s)
        abort();
    if (n)
        memcpy(s, d, n);
    s[n] = '\0';
    return s;
}

/* Reference strict UTF-8 check (RFC 3629), independent of ecf_utf8_valid. */
static inline int fuzz_ref_utf8(const unsigned char *s, size_t n, size_t *bad, size_t *cps)
{
    size_t i = 0, c = 0;
    while (i < n) {
        unsigned char b = s[i];
        size_t len;
        unsigned lo = 0x80, hi = 0xBF;
        if (b < 0x80) {
            i++;
            c++;
            continue;
        } else if (b >= 0xC2 && b <= 0xDF) {
            len = 2;
        } else if (b == 0xE0) {
            len = 3, lo = 0xA0;
        } else if (b == 0xED) {
            len = 3, hi = 0x9F;
        } else if (b >= 0xE1 && b <= 0xEF) {
            len = 3;
        } else if (b == 0xF0) {
            len = 4, lo = 0x90;
        } else if (b == 0xF4) {
            len = 4, hi = 0x8F;
        } else if (b >= 0xF1 && b <= 0xF3) {
            len = 4;
        } else {
            goto bad;
        }
        if (n - i < len)
            goto bad;
        if (s[i + 1] < lo || s[i + 1] > hi)
            goto bad;
        for (size_t k = 2; k < len; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                goto bad;
        i += len;
        c++;
    }
    if (cps)
        *cps = c;
    return 1;
bad:
    if (bad)
        *bad = i;
    return 0;
}

#endif
