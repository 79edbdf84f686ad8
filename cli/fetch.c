/* ecfacts fetch URL|PATH... | --sources FILE — pull articles from the web
 * (pages and RSS/Atom feeds) or local files into the store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/fetchglue.h"
#include "app/pipeline.h"
#include "cli/cli.h"
#include "app/config.h"

struct cli_fetch {
    bool tty;
    double last_draw;
};

static double mono(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void clear_line(struct cli_fetch *f)
{
    if (f->tty)
        fputs("\r\033[K", stderr);
}

static void on_source(void *user, const struct fetch_source_report *r)
{
    struct cli_fetch *f = user;
    clear_line(f);
    if (r->err != FETCH_OK && r->items_found == 0)
        printf("%s: error: %s\n", r->url,
               r->error && *r->error ? r->error : fetch_strerror(r->err));
    else
        printf("%s: %ld found %zu stored %zu duplicate %zu unchanged %zu failed %zu%s%s\n", r->url,
               r->http_status, r->items_found, r->items_stored, r->items_duplicate,
               r->items_not_modified, r->items_failed, r->error && *r->error ? " error: " : "",
               r->error && *r->error ? r->error : "");
    fflush(stdout);
}

/* Progress on a terminal only: sources and items done/total, bytes, errors. */
static void on_progress(void *user, const struct fetch_progress *p)
{
    struct cli_fetch *f = user;
    double now = mono();
    if (!f->tty || now - f->last_draw < 0.1)
        return;
    f->last_draw = now;
    fprintf(stderr, "\r\033[Ksources %zu/%zu  items %zu/%zu  %.1f MB  %zu in flight  %zu errors",
            p->sources_done, p->sources_total, p->items_done, p->items_total,
            (double)p->bytes / 1048576.0, p->in_flight, p->errors);
}

static bool is_url(const char *s)
{
    return !strncmp(s, "http://", 7) || !strncmp(s, "https://", 8);
}

int cmd_fetch(int argc, char **argv)
{
    struct config c;
    char **args, err[512];
    int nargs, rc = EXIT_FAIL;
    int opened = config_command(
        &c, CMD_FETCH, argc, argv, &args, &nargs,
        "fetch [--data DIR] [--sources FILE] [URL|PATH]...",
        "Fetches article pages and RSS/Atom feeds (each item's link is fetched as an "
        "article), or reads local files and directories (*.txt, *.html), then "
        "extracts and stores each article with its URL and HTTP metadata. Polite: "
        "robots.txt, per-host limits and delay, conditional GET, retries with "
        "backoff. Prints one line per source and a summary; exit 1 when any source "
        "or item failed.");
    if (opened >= 0)
        return opened;
    struct fetch_sources srcs = {0};
    if (c.sources[0]) {
        char why[256] = "";
        enum fetch_err fe = fetch_sources_load(c.sources, &srcs, why, sizeof why);
        if (fe != FETCH_OK && fe != FETCH_E_PARSE) {
            fprintf(stderr, "ecfacts: fetch: --sources %s: %s\n", c.sources,
                    why[0] ? why : fetch_strerror(fe));
            return EXIT_FAIL;
        }
        for (size_t i = 0; i < srcs.n_bad; i++)
            fprintf(stderr, "ecfacts: fetch: %s:%u: %s\n", c.sources, srcs.bad[i].line,
                    srcs.bad[i].msg);
        if (srcs.n_bad) {
            fetch_sources_free(&srcs);
            return EXIT_USAGE;
        }
    }
    if (nargs == 0 && srcs.n_urls == 0) {
        fprintf(stderr, "ecfacts: fetch: nothing to fetch: give URLs, paths or --sources FILE\n");
        fetch_sources_free(&srcs);
        return EXIT_USAGE;
    }
    struct store *s = NULL;
    struct extractor *x = NULL;
    struct fetch_engine *eng = NULL;
    char **addrs = NULL;
    struct store_opts so = {.map_size = c.map_size};
    struct cli_fetch view = {.tty = isatty(STDERR_FILENO)};
    struct fetchglue g = {.on_source = on_source, .on_progress = on_progress, .user = &view};
    if (fetch_global_init() != FETCH_OK) {
        fprintf(stderr, "ecfacts: fetch: cannot initialise libcurl\n");
        goto out;
    }
    /* An unattended writer (the CronJob): a mistyped or unmounted --data must
     * not become a new store; an existing empty directory is a first run. */
    so.no_mkdir = true;
    char mdb[CONFIG_PATH_MAX + 16];
    snprintf(mdb, sizeof mdb, "%s/data.mdb", c.data_dir);
    bool fresh = access(mdb, F_OK) != 0;
    if (store_open(c.data_dir, &so, &s, err, sizeof err) != STORE_OK) {
        fprintf(stderr, "ecfacts: fetch: %s\n", err);
        goto out;
    }
    if (fresh)
        fprintf(stderr, "ecfacts: fetch: %s held no store: created a new one\n", c.data_dir);
    if (pipeline_extractor_new(!c.no_parse, &x, err, sizeof err) != EX_OK) {
        fprintf(stderr, "ecfacts: fetch: %s\n", err);
        goto out;
    }
    g.store = s;
    g.x = x;
    struct fetch_settings fs;
    fetchglue_settings(&c, &fs, &addrs);
    struct fetch_callbacks cb;
    fetchglue_callbacks(&g, &cb);
    if (fetch_engine_new(&fs, &cb, &eng) != FETCH_OK) {
        fprintf(stderr, "ecfacts: fetch: cannot create the fetch engine\n");
        goto out;
    }
    size_t nsources = 0, bad_args = 0;
    for (size_t i = 0; i < srcs.n_urls; i++) {
        if (fetch_engine_add(eng, srcs.urls[i]) == FETCH_OK)
            nsources++;
    }
    for (int i = 0; i < nargs; i++) {
        if (is_url(args[i])) {
            if (fetch_engine_add(eng, args[i]) != FETCH_OK) {
                printf("%s: error: not a valid http(s) URL\n", args[i]);
                bad_args++;
            } else {
                nsources++;
            }
        } else if (access(args[i], R_OK) == 0) {
            fetchglue_local(&g, args[i]);
            nsources++;
        } else {
            printf("%s: error: neither an http(s) URL nor a readable file\n", args[i]);
            bad_args++;
        }
    }
    if (fetch_engine_run(eng) != FETCH_OK)
        fprintf(stderr, "ecfacts: fetch: the run stopped early (out of memory)\n");
    clear_line(&view);
    g.errors += bad_args;
    printf("fetched %zu sources: %zu stored, %zu duplicates, %zu unchanged, %zu failed, %zu "
           "errors\n",
           nsources + bad_args, g.stored, g.duplicates, g.unchanged, g.failed, g.errors);
    if (g.fatal != STORE_OK)
        fprintf(stderr, "ecfacts: fetch: %s (raise --map-size)\n", store_strerror(g.fatal));
    rc = g.failed || g.errors || g.fatal != STORE_OK ? EXIT_FAIL : EXIT_OK;
out:
    fetch_engine_free(eng);
    free(addrs);
    extractor_free(x);
    store_close(s);
    fetch_sources_free(&srcs);
    fetch_global_cleanup();
    fflush(stdout);
    return rc;
}
