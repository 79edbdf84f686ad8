/* server/serve.c — `ecfacts serve`: start-up and shutdown order, signals;
 * and `ecfacts routes`. main() and the subcommand table: cli/main.c.
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
#include "app/config.h"
#include "fetcher/fetch.h"
#include "server/fetchd.h"
#include "server/holder.h"
#include "server/http.h"
#include "server/log.h"
#include "server/router.h"
#include "server/serve.h"
#include "server/metrics.h"
#include "store/store.h"

/* What identifies the contents of data.mdb: a snapshot moved into place has
 * a new inode, a file rewritten in place (cp, rsync --inplace) keeps its
 * inode but not its size or mtime. A read-only replica writes nothing to it. */
struct file_id {
    bool ok;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
};

static struct file_id store_file_id(const char *dir)
{
    char path[CONFIG_PATH_MAX + 16];
    struct stat st;
    struct file_id id = {0};
    snprintf(path, sizeof path, "%s/data.mdb", dir);
    if (stat(path, &st) != 0)
        return id;
    id = (struct file_id){
        .ok = true, .dev = st.st_dev, .ino = st.st_ino, .size = st.st_size, .mtime = st.st_mtim};
    return id;
}

static bool same_inode(const struct file_id *a, const struct file_id *b)
{
    return a->ok && b->ok && a->dev == b->dev && a->ino == b->ino;
}

static bool same_file(const struct file_id *a, const struct file_id *b)
{
    return same_inode(a, b) && a->size == b->size && a->mtime.tv_sec == b->mtime.tv_sec &&
           a->mtime.tv_nsec == b->mtime.tv_nsec;
}

/* Reader slots for a writer: one per request thread, the fetch thread, and
 * headroom for the CLI (ingest, stats, export, snapshot) and for stale slots
 * of crashed processes; never fewer than LMDB's default, so a lock table this
 * server creates is never smaller than one a CLI command would create. */
static unsigned reader_slots(unsigned threads)
{
    unsigned n = threads + 1 + 64;
    return n < 126 ? 126 : n;
}

/* Opens the store in c->data_dir; *id receives the data file it opened. A
 * snapshot renamed into place between the two stats makes it retry, so *id
 * is always the file the environment maps. */
static enum store_err open_store(const struct config *c, struct store **out, struct file_id *id,
                                 char *err, size_t cap)
{
    struct store_opts so = {.map_size = c->map_size,
                            .read_only = c->read_only,
                            .no_lock = c->read_only,
                            .max_readers = reader_slots(c->threads)};
    enum store_err e = STORE_OK;
    for (int attempt = 0; attempt < 5; attempt++) {
        struct file_id before = store_file_id(c->data_dir);
        e = store_open(c->data_dir, &so, out, err, cap);
        if (e != STORE_OK)
            return e;
        *id = store_file_id(c->data_dir);
        if (!c->read_only || same_inode(&before, id))
            return STORE_OK;
        store_close(*out);
        *out = NULL;
        snprintf(err, cap, "data.mdb was replaced while it was being opened");
        e = STORE_E_BUSY;
    }
    return e;
}

/* A replica's view of its data file (the server thread only). */
struct watch {
    struct file_id served; /* the file of the store being served */
    bool retired;          /* rewritten in place: the store is withdrawn until reopened */
    struct file_id seen;   /* while retired: the file at the previous look */
    bool told;             /* while retired: a failed reopen was logged */
};

/* Swaps in a new store when data.mdb was replaced (a new inode). A file
 * rewritten in place is the same inode: LMDB must not open it again while
 * the old environment is open, and that mapping may now point past the end
 * of the file (SIGBUS). So the store is withdrawn (requests get 503), and
 * reopened once its last user has closed it and the file stopped changing.
 * why is "SIGHUP" or NULL (the periodic look); nothing here blocks. */
static void replica_check(struct watch *w, struct store_holder *h, struct metrics *m,
                          const struct config *c, const char *why)
{
    struct file_id now = store_file_id(c->data_dir);
    struct store *ns = NULL;
    struct file_id id;
    char err[512];
    if (w->retired) {
        bool settled = same_file(&now, &w->seen);
        w->seen = now;
        if (!settled || holder_draining(h) > 0)
            return;
        if (open_store(c, &ns, &id, err, sizeof err) != STORE_OK) {
            if (!w->told)
                log_event("reopen",
                          "data.mdb rewritten in place cannot be opened yet (retrying "
                          "until it can): %s",
                          err);
            w->told = true;
            w->seen.ok = false; /* look again at the next tick */
            return;
        }
    } else if (!now.ok || same_file(&now, &w->served)) {
        if (why)
            log_event("reopen", "%s: %s/data.mdb is %s: nothing to reopen", why, c->data_dir,
                      now.ok ? "unchanged since it was opened" : "missing");
        return;
    } else if (same_inode(&now, &w->served)) {
        log_event("reopen",
                  "WARNING: %s/data.mdb was rewritten in place (same inode, %lld -> %lld bytes): "
                  "a replica may die of SIGBUS while that happens. Publish snapshots by "
                  "renaming a new file over data.mdb (mv), never cp or rsync --inplace. "
                  "Requests get 503 until it is reopened.",
                  c->data_dir, (long long)w->served.size, (long long)now.size);
        metrics_count_inplace_rewrite(m);
        holder_retire(h);
        w->retired = true;
        w->told = false;
        w->seen = now;
        return;
    } else if (open_store(c, &ns, &id, err, sizeof err) != STORE_OK) {
        log_event("reopen", "%s: keeping the current store: %s",
                  why ? why : "data.mdb was replaced", err);
        w->served = now; /* do not retry the same file every second */
        return;
    }
    if (holder_swap(h, ns) != 0) {
        store_close(ns);
        log_event("reopen", "out of memory, keeping the current store");
        return;
    }
    log_event("reopen", "%s: now serving the store reopened from %s",
              w->retired ? "data.mdb rewritten in place"
              : why      ? why
                         : "data.mdb was replaced",
              c->data_dir);
    w->served = id;
    w->retired = false;
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
    int opened =
        config_command(&c, CMD_SERVE, argc, argv, &pos, &npos, "serve [OPTIONS]",
                       "Serves the knowledge base over HTTP (JSON; see GET /openapi.yaml). Every "
                       "option is also an environment variable; the flag wins. An empty data "
                       "directory is filled with the embedded sample articles unless --no-sample.");
    if (opened >= 0)
        return opened;
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

    struct watch w = {0};
    if (open_store(&c, &s, &w.served, err, sizeof err) != STORE_OK) {
        fprintf(stderr, "ecfacts: serve: %s\n", err);
        goto out;
    }
    if (c.read_only)
        log_event("threads", "%u worker threads (read-only: no reader table)", c.threads);
    else
        log_event("threads", "%u worker threads, %u LMDB reader slots", c.threads,
                  store_max_readers(s));
    if (!c.read_only && store_max_readers(s) < reader_slots(c.threads))
        log_event("readers",
                  "WARNING: the store has %u LMDB reader slots for %u threads: its "
                  "lock table was created by another process; restart the server with nothing "
                  "else using the store",
                  store_max_readers(s), c.threads);
    if (pipeline_extractor_new(!c.no_parse, &x, err, sizeof err) != EX_OK) {
        fprintf(stderr, "ecfacts: serve: %s\n", err);
        goto out;
    }
    if (!c.no_sample && !c.read_only) {
        struct store_txn t;
        struct store_stats st = {0};
        if (store_read_begin(s, &t) == STORE_OK) {
            if (store_stats(&t, &st) != STORE_OK)
                st.articles = 1; /* unreadable: do not write into it */
            store_read_end(&t);
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
    for (;;) {
        /* Wake every second to notice a snapshot moved into place, every
         * tenth of one while a store rewritten in place waits to be reopened. */
        struct timespec tick = {.tv_sec = w.retired ? 0 : 1, .tv_nsec = w.retired ? 100000000 : 0};
        int sig = sigtimedwait(&set, NULL, &tick);
        if (sig < 0) {
            /* Only replicas watch: a writer's store is never replaced under it. */
            if (errno == EAGAIN && c.read_only)
                replica_check(&w, holder, m, &c, NULL);
            continue;
        }
        if (sig == SIGHUP && c.read_only) {
            replica_check(&w, holder, m, &c, "SIGHUP");
            continue;
        }
        if (sig == SIGHUP) {
            /* Reopening would open the environment a second time in this
             * process, which LMDB forbids: closing either copy drops the
             * process's locks, and the lock table is reset under the other
             * users (ingest crashed, writes hung). */
            log_event("reopen", "SIGHUP ignored: a writer never reopens its store (only "
                                "--read-only replicas do)");
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

int cmd_routes(int argc, char **argv)
{
    struct config c;
    char **pos;
    int npos;
    int opened = config_command(&c, CMD_ROUTES, argc, argv, &pos, &npos, "routes",
                                "Prints the server's static route table, one METHOD PATH per line "
                                "(HEAD and OPTIONS are implied for every path).");
    if (opened >= 0)
        return opened;
    for (size_t i = 0; i < router_nroutes; i++) {
        char m[96];
        router_allow_string(router_routes[i].methods, m, sizeof m);
        printf("%s %s\n", m, router_routes[i].pattern);
    }
    return EXIT_OK;
}
