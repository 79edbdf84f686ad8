/* ecfacts — start-up and shutdown order, signals, and the subcommand table.
 *
 * serve: open the store, build the extractor, load the sample articles into
 * an empty store, start the daemon, then wait for a signal in this thread
 * (all signals are blocked in every worker thread). SIGTERM/SIGINT: stop
 * accepting, let in-flight requests finish, close LMDB, exit 0. */
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "app/pipeline.h"
#include "cli/cli.h"
#include "server/config.h"
#include "fetcher/fetch.h"
#include "server/fetchd.h"
#include "server/holder.h"
#include "server/http.h"
#include "server/log.h"
#include "server/metrics.h"
#include "store/store.h"

/* The identity of the store file: a new snapshot moved into place has a new
 * inode, while ordinary writes to the same file keep it. */
static bool store_file_id(const char *dir, dev_t *dev, ino_t *ino)
{
    char path[CONFIG_PATH_MAX + 16];
    struct stat st;
    snprintf(path, sizeof path, "%s/data.mdb", dir);
    if (stat(path, &st) != 0)
        return false;
    *dev = st.st_dev;
    *ino = st.st_ino;
    return true;
}

/* Opens the data directory again and swaps it in; on failure the server
 * keeps serving what it has. */
static void reopen(struct store_holder *h, const struct config *c, const char *why)
{
    struct store_opts so = {.map_size = c->map_size, .read_only = c->read_only,
                            .no_lock = c->read_only};
    struct store *ns = NULL;
    char err[512];
    if (store_open(c->data_dir, &so, &ns, err, sizeof err) != STORE_OK) {
        log_event("reopen", "%s: keeping the current store: %s", why, err);
        return;
    }
    if (holder_swap(h, ns) != 0) {
        store_close(ns);
        log_event("reopen", "%s: out of memory, keeping the current store", why);
        return;
    }
    log_event("reopen", "%s: now serving the store reopened from %s", why, c->data_dir);
}

static void print_listen_url(const char *listen, unsigned port)
{
    const char *colon = strrchr(listen, ':');
    int hostlen = colon ? (int)(colon - listen) : 0;
    log_event("listening", "listening on http://%.*s:%u", hostlen, listen, port);
}

/* Answers of 100-500 KB are built per request (entity details, lineages).
 * glibc serves an allocation above its mmap threshold (128 KB at start,
 * raised only by the sizes freed so far) from a fresh mmap, and gives a
 * thread arena's free top back to the kernel once it passes the trim
 * threshold: either way every such request faulted its pages in again and
 * shot down TLBs on both cores (perf: a quarter of lineage CPU in page
 * faults, and throughput depending on which routes ran first). Big answers
 * stay in the arenas; the retained memory is bounded by the thresholds. */
static void keep_answers_in_arenas(void)
{
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 4 << 20);
    mallopt(M_TRIM_THRESHOLD, 8 << 20);
#endif
}

int cmd_serve(int argc, char **argv)
{
    struct config c;
    char **pos, err[512];
    int npos, rc = EXIT_FAIL;
    struct store *s = NULL;
    struct extractor *x = NULL;
    struct metrics *m = NULL;
    struct http_server *h = NULL;
    struct store_holder *holder = NULL;
    struct fetchd *fetchd = NULL;
    enum config_result cr = config_parse(&c, CMD_SERVE, argc, argv, &pos, &npos, stderr);
    if (cr != CONFIG_OK) {
        config_free(&c);
        return cr == CONFIG_USAGE ? EXIT_USAGE : EXIT_FAIL;
    }
    if (c.help) {
        config_usage(CMD_SERVE, "serve [OPTIONS]",
                     "Serves the knowledge base over HTTP (JSON; see GET /openapi.yaml). Every "
                     "option is also an environment variable; the flag wins. An empty data "
                     "directory is filled with the embedded sample articles unless --no-sample.",
                     stdout);
        config_free(&c);
        return EXIT_OK;
    }
    if (npos) {
        fprintf(stderr, "ecfacts: serve: unexpected argument '%s'\n", pos[0]);
        config_free(&c);
        return EXIT_USAGE;
    }
    log_set_format(c.log_format);
    keep_answers_in_arenas(); /* before any thread starts */

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* inherited by every thread started below */
    signal(SIGPIPE, SIG_IGN);
    if (c.read_only && c.sources[0]) {
        fprintf(stderr, "ecfacts: serve: --sources needs a writable store, not --read-only\n");
        config_free(&c);
        return EXIT_USAGE;
    }
    if (fetch_global_init() != FETCH_OK) { /* before any thread: curl_global_init */
        fprintf(stderr, "ecfacts: serve: cannot initialise libcurl\n");
        config_free(&c);
        return EXIT_FAIL;
    }

    struct store_opts so = {.map_size = c.map_size, .read_only = c.read_only,
                            .no_lock = c.read_only};
    if (store_open(c.data_dir, &so, &s, err, sizeof err) != STORE_OK) {
        fprintf(stderr, "ecfacts: serve: %s\n", err);
        goto out;
    }
    if (pipeline_extractor_new(!c.no_parse, &x, err, sizeof err) != EX_OK) {
        fprintf(stderr, "ecfacts: serve: %s\n", err);
        goto out;
    }
    if (!c.no_sample && !c.read_only) {
        struct store_txn *t = NULL;
        struct store_stats st = {0};
        if (store_read_begin(s, &t) == STORE_OK) {
            if (store_stats(t, &st) != STORE_OK)
                st.articles = 1; /* unreadable: do not write into it */
            store_read_end(t);
        }
        if (st.articles == 0) {
            size_t loaded = 0, failed = pipeline_load_samples(s, x, &loaded);
            log_event("sample", "loaded %zu embedded sample articles (%zu failed)", loaded, failed);
        }
    }
    m = metrics_new(router_nroutes);
    if (!m)
        goto out;
    holder = holder_new(s);
    if (!holder)
        goto out;
    s = NULL; /* the holder owns it now */
    struct app app = {.cfg = &c, .stores = holder, .x = x, .metrics = m};
    if (!c.read_only && fetchd_start(&app, &fetchd) != FETCHD_OK) {
        fprintf(stderr, "ecfacts: serve: cannot start the fetch thread\n");
        goto out;
    }
    app.fetchd = fetchd;
    unsigned port = 0;
    if (http_start(&app, &h, &port, err, sizeof err) != 0) {
        fprintf(stderr, "ecfacts: serve: %s\n", err);
        goto out;
    }
    print_listen_url(c.listen, port);
    dev_t dev = 0;
    ino_t ino = 0;
    bool have_id = store_file_id(c.data_dir, &dev, &ino);
    for (;;) {
        /* Wake every second to notice a snapshot moved into place. */
        struct timespec tick = {.tv_sec = 1};
        int sig = sigtimedwait(&set, NULL, &tick);
        if (sig < 0) {
            dev_t d2;
            ino_t i2;
            /* Only replicas watch: a writer's store is never replaced under it. */
            if (errno == EAGAIN && c.read_only && store_file_id(c.data_dir, &d2, &i2) &&
                (!have_id || d2 != dev || i2 != ino)) {
                dev = d2;
                ino = i2;
                have_id = true;
                reopen(holder, &c, "data.mdb was replaced");
            }
            continue;
        }
        if (sig == SIGHUP) {
            have_id = store_file_id(c.data_dir, &dev, &ino);
            reopen(holder, &c, "SIGHUP");
            continue;
        }
        log_event("shutdown", "%s: finishing in-flight requests (up to %us)",
                  sig == SIGTERM ? "SIGTERM" : "SIGINT", c.grace);
        break;
    }
    unsigned left = http_shutdown(h, c.grace);
    h = NULL;
    fetchd_stop(fetchd); /* after the daemon: no request can reach it now */
    fetchd = NULL;
    if (left)
        log_event("shutdown", "%u requests still running at the deadline were cut", left);
    log_event("shutdown", "stopped");
    rc = EXIT_OK;
out:
    http_shutdown(h, 0);
    fetchd_stop(fetchd);
    holder_free(holder);
    metrics_free(m);
    extractor_free(x);
    store_close(s);
    fetch_global_cleanup();
    config_free(&c);
    return rc;
}

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *about;
} commands[] = {
    {"serve", cmd_serve, "serve the knowledge base over HTTP"},
    {"ingest", cmd_ingest, "extract and store articles from files or directories"},
    {"fetch", cmd_fetch, "fetch articles from URLs, feeds (--sources) or local files into the store"},
    {"extract", cmd_extract, "print what the extractor finds in files (JSON lines), store nothing"},
    {"stats", cmd_stats, "print the store's counts"},
    {"export", cmd_export, "print the whole knowledge base as JSON lines"},
    {"snapshot", cmd_snapshot, "write a compacted copy of the store for read replicas"},
    {"routes", cmd_routes, "print the HTTP route table"},
    {"health", cmd_health, "exit 0 when the server at --listen answers GET /healthz"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: ecfacts COMMAND [OPTIONS] [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].about);
    fprintf(f, "\n'ecfacts COMMAND --help' describes each. Exit status: 0 success, 1 failure, "
               "2 usage error.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].fn(argc - 2, argv + 2);
    }
    fprintf(stderr, "ecfacts: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
