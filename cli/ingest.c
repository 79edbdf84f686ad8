/* ecfacts ingest PATH... — files or directories of articles into the store,
 * one write transaction per article. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/pipeline.h"
#include "cli/cli.h"
#include "common/file.h"
#include "app/config.h"

struct tally {
    size_t stored, duplicates, failed;
    int fatal; /* the store itself failed (map full): stop */
};

static void ingest_file(struct store *s, const struct extractor *x, const char *path,
                        struct tally *t)
{
    char *text = NULL, err[512], id[STORE_ID_MAX];
    size_t len = 0;
    if (ecf_read_file(path, EX_MAX_TEXT, &text, &len, err, sizeof err) != 0) {
        fprintf(stderr, "ecfacts: ingest: %s: %s\n", path, err);
        t->failed++;
        return;
    }
    pipeline_id_from_path(path, id, sizeof id);
    struct store_article a = {.id = id, .text = text, .len = len};
    struct store_ingest_info info = {0};
    enum store_err serr;
    enum pipeline_err pe = pipeline_ingest(s, x, &a, &info, NULL, &serr, err, sizeof err);
    if (pe != PL_OK) {
        fprintf(stderr, "ecfacts: ingest: %s: %s%s\n", path, err,
                serr == STORE_E_MAPFULL ? " (raise --map-size / ECFACTS_MAP_SIZE)" : "");
        t->failed++;
        if (serr == STORE_E_MAPFULL || serr == STORE_E_NOSPACE || serr == STORE_E_IO ||
            serr == STORE_E_VERSION)
            t->fatal = 1;
    } else if (info.duplicate) {
        printf("%s: duplicate of %s\n", id, info.id);
        t->duplicates++;
    } else {
        printf("%s: stored (%zu entities, %zu facts, %zu sanctions)\n", id, info.n_entities,
               info.n_facts, info.n_sanctions);
        t->stored++;
    }
    free(text);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool article_name(const char *n)
{
    size_t l = strlen(n);
    if (n[0] == '.')
        return false;
    return l > 4 && !strcmp(n + l - 4, ".txt");
}

/* A directory entry that is a regular file (not a FIFO, socket or device
 * named *.txt, which would block or never end); symlinks are followed. */
static bool regular_file(int dfd, const char *name)
{
    struct stat st;
    return fstatat(dfd, name, &st, 0) == 0 && S_ISREG(st.st_mode);
}

/* A directory: its *.txt files in name order (not recursive). */
static void ingest_dir(struct store *s, const struct extractor *x, const char *dir, struct tally *t)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "ecfacts: ingest: %s: %s\n", dir, strerror(errno));
        t->failed++;
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!article_name(e->d_name))
            continue;
        if (!regular_file(dirfd(d), e->d_name)) {
            fprintf(stderr, "ecfacts: ingest: %s/%s: not a regular file, skipped\n", dir,
                    e->d_name);
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn)
                break;
            names = nn;
        }
        size_t plen = strlen(dir) + strlen(e->d_name) + 2;
        names[n] = malloc(plen);
        if (!names[n])
            break;
        snprintf(names[n], plen, "%s/%s", dir, e->d_name);
        n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        if (!t->fatal)
            ingest_file(s, x, names[i], t);
        free(names[i]);
    }
    free(names);
}

static const char ingest_about[] =
    "Extracts and stores articles: files (plain UTF-8 text, title on the first line; \"-\" reads "
    "stdin) or directories of *.txt files. The article id is the file name without its "
    "extension. Each article and all its facts are stored in one transaction; the same text "
    "again is a no-op.";

int cmd_ingest(int argc, char **argv)
{
    struct config c;
    char **paths;
    int npaths;
    int opened = config_command(&c, CMD_INGEST, argc, argv, &paths, &npaths,
                                "ingest [--data DIR] PATH...", ingest_about);
    if (opened >= 0)
        return opened;
    if (npaths == 0) {
        fprintf(stderr, "ecfacts: ingest: no PATH given (see ecfacts ingest --help)\n");
        return EXIT_USAGE;
    }
    struct store *s = NULL;
    struct extractor *x = NULL;
    char err[512];
    struct store_opts so = {.map_size = c.map_size};
    if (store_open(c.data_dir, &so, &s, err, sizeof err) != STORE_OK) {
        fprintf(stderr, "ecfacts: ingest: %s\n", err);
        return EXIT_FAIL;
    }
    if (pipeline_extractor_new(!c.no_parse, &x, err, sizeof err) != EX_OK) {
        fprintf(stderr, "ecfacts: ingest: %s\n", err);
        store_close(s);
        return EXIT_FAIL;
    }
    struct tally t = {0};
    for (int i = 0; i < npaths && !t.fatal; i++) {
        struct stat st;
        if (strcmp(paths[i], "-") && stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode))
            ingest_dir(s, x, paths[i], &t);
        else
            ingest_file(s, x, paths[i], &t);
    }
    extractor_free(x);
    store_close(s);
    fprintf(stderr, "ecfacts: ingest: %zu stored, %zu duplicates, %zu failed\n", t.stored,
            t.duplicates, t.failed);
    fflush(stdout);
    return t.failed ? EXIT_FAIL : EXIT_OK;
}
