/* tests/unit/extractor/slurp.h — read a whole file for the tests (test-only
 * I/O; the extractor itself never touches files). */
#ifndef ECF_TESTS_SLURP_H
#define ECF_TESTS_SLURP_H

#include <stdio.h>
#include <stdlib.h>

/* Malloc'd NUL-terminated contents of path (length in *len), or NULL. */
static inline char *slurp(const char *path, size_t *len)
{
    char *buf = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            size_t nc = cap ? cap * 2 : 65536;
            char *nb = realloc(buf, nc);
            if (!nb) {
                free(buf);
                buf = NULL;
                goto out;
            }
            buf = nb;
            cap = nc;
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0)
            break;
    }
    if (ferror(f)) {
        free(buf);
        buf = NULL;
        goto out;
    }
    buf[n] = '\0';
    *len = n;
out:
    fclose(f);
    return buf;
}

#endif
