/* ecfacts extract [--json] [--no-parse] [--explain] FILE... — the extractor
 * alone: one JSON line per article on stdout (or, with --explain, why each
 * fact exists or does not), nothing stored. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/pipeline.h"
#include "cli/cli.h"
#include "common/file.h"
#include "common/util.h"
#include "app/config.h"

static int extract_one(const struct extractor *x, const char *path, bool explain)
{
    char *text = NULL, err[256], id[STORE_ID_MAX];
    size_t len = 0, bad = 0;
    struct ex_result *r = NULL;
    int rc = 1;
    if (ecf_read_file(path, EX_MAX_TEXT, &text, &len, err, sizeof err) != 0) {
        fprintf(stderr, "ecfacts: extract: %s: %s\n", path, err);
        goto out;
    }
    char *why = NULL;
    enum ex_err e = explain ? extract_explain(x, text, len, NULL, &r, &why)
                            : extract_run(x, text, len, NULL, &r);
    if (e == EX_E_UTF8) {
        /* the extractor validates; look for the offset only to report it */
        (void)ecf_utf8_valid(text, len, &bad);
        fprintf(stderr, "ecfacts: extract: %s: not UTF-8 (invalid byte at offset %zu)\n", path,
                bad);
        goto out;
    }
    if (e != EX_OK) {
        fprintf(stderr, "ecfacts: extract: %s: extraction failed (error %d)\n", path, (int)e);
        goto out;
    }
    pipeline_id_from_path(strcmp(path, "-") ? path : "stdin", id, sizeof id);
    if (explain) {
        printf("article %s\n%s", id, why);
        free(why);
        rc = 0;
        goto out;
    }
    /* the JSON line written directly: the same bytes as json_dumps of
     * ex_result_to_json, without building the tree */
    char *line = NULL;
    size_t n = 0;
    if (ex_result_json_text(r, id, text, &line, &n) != EX_OK) {
        fprintf(stderr, "ecfacts: extract: %s: out of memory\n", path);
        goto out;
    }
    line[n] = '\n';
    fwrite(line, 1, n + 1, stdout);
    free(line);
    rc = 0;
out:
    ex_result_free(r);
    free(text);
    return rc;
}

int cmd_extract(int argc, char **argv)
{
    struct config c;
    char **files;
    int nfiles;
    int opened =
        config_command(&c, CMD_EXTRACT, argc, argv, &files, &nfiles,
                       "extract [--json] [--no-parse] [--explain] FILE...",
                       "Runs the extractor on each article file (\"-\" reads stdin) and prints one "
                       "JSON object per article per line:\n{\"article\":{\"id\",\"title\"},"
                       "\"entities\":[...],\"facts\":[...],\"sanctions\":[...]}. "
                       "The article id is the file name without its extension. Nothing is stored.");
    if (opened >= 0)
        return opened;
    if (nfiles == 0) {
        fprintf(stderr, "ecfacts: extract: no FILE given (see ecfacts extract --help)\n");
        return EXIT_USAGE;
    }
    struct extractor *x = NULL;
    char err[256];
    if (pipeline_extractor_new(!c.no_parse, &x, err, sizeof err) != EX_OK) {
        fprintf(stderr, "ecfacts: extract: %s\n", err);
        return EXIT_FAIL;
    }
    /* bench/extract-throughput's reference: every sentence through the parser,
     * no gate (not a user setting, so not in the option table) */
    const char *all = getenv("ECFACTS_BENCH_PARSE_ALL");
    if (all && !strcmp(all, "1"))
        extractor_parse_all(x, true);
    int failed = 0;
    for (int i = 0; i < nfiles; i++)
        failed += extract_one(x, files[i], c.explain);
    extractor_free(x);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "ecfacts: extract: writing stdout failed\n");
        return EXIT_FAIL;
    }
    return failed ? EXIT_FAIL : EXIT_OK;
}
