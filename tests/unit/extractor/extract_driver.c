/* tests/unit/extractor/extract_driver.c — `extract_driver FILE...`: runs the
 * extractor on each file and prints one `ecfacts extract --json` line per
 * file (article id = file name without directory and extension). The data
 * files come from $ECF_DATA_DIR, else from the source tree (ECF_SRC_DATA). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extractor/extract.h"
#include "tests/unit/extractor/slurp.h"

#ifndef ECF_SRC_DATA
#define ECF_SRC_DATA "data"
#endif

int main(int argc, char **argv)
{
    int rc = 1;
    const char *dir = getenv("ECF_DATA_DIR");
    if (!dir || !*dir)
        dir = ECF_SRC_DATA;
    char path[4096];
    size_t glen = 0, rlen = 0;
    snprintf(path, sizeof path, "%s/gazetteer.tsv", dir);
    char *gaz = slurp(path, &glen);
    snprintf(path, sizeof path, "%s/rules.tsv", dir);
    char *rules = slurp(path, &rlen);
    struct extractor *x = NULL;
    char err[256];
    if (!gaz || !rules) {
        fprintf(stderr, "extract_driver: cannot read data from %s\n", dir);
        goto out;
    }
    if (extractor_new(gaz, glen, rules, rlen, &x, err, sizeof err) != EX_OK) {
        fprintf(stderr, "extract_driver: %s\n", err);
        goto out;
    }
    rc = 0;
    for (int i = 1; i < argc; i++) {
        size_t len = 0;
        char *text = slurp(argv[i], &len);
        if (!text) {
            fprintf(stderr, "extract_driver: cannot read %s\n", argv[i]);
            rc = 1;
            continue;
        }
        char id[256];
        const char *base = strrchr(argv[i], '/');
        base = base ? base + 1 : argv[i];
        snprintf(id, sizeof id, "%s", base);
        char *dot = strrchr(id, '.');
        if (dot && dot != id)
            *dot = '\0';
        struct ex_result *r = NULL;
        enum ex_err e = extract_run(x, text, len, NULL, &r);
        if (e != EX_OK) {
            fprintf(stderr, "extract_driver: %s: error %d\n", argv[i], (int)e);
            rc = 1;
        } else {
            json_t *j = ex_result_to_json(r, id, text);
            char *s = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(6)) : NULL;
            if (s)
                puts(s);
            else
                rc = 1;
            free(s);
            json_decref(j);
        }
        ex_result_free(r);
        free(text);
    }
out:
    extractor_free(x);
    free(gaz);
    free(rules);
    return rc;
}
