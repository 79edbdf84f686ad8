/* tests/unit/store/test_concurrency.c — readers never block the writer and
 * see one snapshot: a reader thread holding a transaction across a commit,
 * reader threads checking snapshot consistency during writes, and a child
 * process that ingests (growing the map) while this process reads. */
#include <pthread.h>
#include <stdatomic.h>
#include <sys/wait.h>

#include "fixture.h"

static char ent_id[4][32], ent_name[4][32], art_id[32];

/* Article i: a few entities and facts; pad sentences make it ~bytes long. */
static void build(struct fx *f, int i, size_t bytes)
{
    char lead[64];
    snprintf(lead, sizeof lead, "Dispatch %d. ", i);
    fx_init(f, lead);
    for (int k = 0; k < 3; k++) {
        snprintf(ent_id[k], sizeof ent_id[k], "maker-%d-%d", i, k);
        snprintf(ent_name[k], sizeof ent_name[k], "Maker %d %c", i, 'A' + k);
        fx_ent(f, ent_id[k], ent_name[k], "company", "DE", NULL);
    }
    fx_fact(f, 0, "supplies", 1, NULL, 0.6, "asserted", "One maker supplies another.");
    fx_fact(f, 1, "invests_in", 2, NULL, 0.6, "asserted", "A maker invests in a third.");
    while (f->len < bytes)
        fx_sentence(f, "Filler sentence about lithography tools, wafers and export rules.");
    snprintf(art_id, sizeof art_id, "c-%03d", i);
}

/* One snapshot is consistent: as many articles listed as counted, and the
 * newest one has all its facts. */
static int snapshot_ok(struct store *s, uint64_t *count)
{
    struct store_txn t_r = STORE_TXN_INIT, *t = &t_r;
    struct store_stats st;
    json_t *items = NULL, *o = NULL;
    char *next = NULL;
    struct store_page pg = {NULL, STORE_MAX_LIMIT};
    int good = 0;
    if (store_read_begin(s, t) != STORE_OK)
        return 0;
    if (store_stats(t, &st) == STORE_OK && tx_articles_list(t, &pg, &items, &next) == STORE_OK &&
        json_array_size(items) == st.articles) {
        good = 1;
        if (st.articles) {
            const char *id = sget(json_array_get(items, st.articles - 1), "id");
            good = tx_article_get(t, id, &o) == STORE_OK &&
                   json_array_size(json_object_get(o, "facts")) ==
                       (size_t)iget(json_object_get(o, "counts"), "facts");
            json_decref(o);
        }
    }
    *count = st.articles;
    json_decref(items);
    free(next);
    store_read_end(t);
    return good;
}

/* ---- a reader holds its transaction across a commit ---- */

struct hold {
    struct store *s;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stage;
    uint64_t before, during, after;
    enum store_err get_new;
};

static void *holder(void *arg)
{
    struct hold *h = arg;
    struct store_txn t_r = STORE_TXN_INIT, *t = &t_r;
    struct store_stats st;
    json_t *o = NULL;
    if (store_read_begin(h->s, t) != STORE_OK)
        return NULL;
    if (store_stats(t, &st) == STORE_OK)
        h->before = st.articles;
    pthread_mutex_lock(&h->mu);
    h->stage = 1;
    pthread_cond_broadcast(&h->cv);
    while (h->stage != 2)
        pthread_cond_wait(&h->cv, &h->mu);
    pthread_mutex_unlock(&h->mu);
    if (store_stats(t, &st) == STORE_OK)
        h->during = st.articles;
    h->get_new = tx_article_get(t, "c-001", &o);
    json_decref(o);
    store_read_end(t);
    if (store_read_begin(h->s, t) == STORE_OK) {
        if (store_stats(t, &st) == STORE_OK)
            h->after = st.articles;
        store_read_end(t);
    }
    return NULL;
}

static void test_hold(struct store *s, struct fx *f)
{
    struct hold h = {s, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0, 0};
    struct store_ingest_info info;
    pthread_t th;
    build(f, 0, 200);
    struct store_article a = fx_article(f, art_id, NULL);
    is_int(store_ingest(s, &a, &f->r, &info), STORE_OK, "first article");
    pthread_create(&th, NULL, holder, &h);
    pthread_mutex_lock(&h.mu);
    while (h.stage != 1)
        pthread_cond_wait(&h.cv, &h.mu);
    pthread_mutex_unlock(&h.mu);
    /* The reader now holds a read transaction. If the writer blocked on it
     * this ingest would never return (the reader waits for stage 2). */
    build(f, 1, 200);
    a = fx_article(f, art_id, NULL);
    is_int(store_ingest(s, &a, &f->r, &info), STORE_OK, "writer commits while a reader is open");
    pthread_mutex_lock(&h.mu);
    h.stage = 2;
    pthread_cond_broadcast(&h.cv);
    pthread_mutex_unlock(&h.mu);
    pthread_join(th, NULL);
    ok(h.before == 1 && h.during == 1, "the open reader keeps its snapshot (1 article)");
    is_int(h.get_new, STORE_E_NOTFOUND, "the new article is invisible to the old snapshot");
    is_int(h.after, 2, "a new read transaction sees the commit");
}

/* ---- reader threads during a burst of writes ---- */

struct burst {
    struct store *s;
    atomic_int stop;
    int bad, reads;
    uint64_t last;
    int monotonic;
};

static void *reader(void *arg)
{
    struct burst *b = arg;
    uint64_t prev = 0;
    b->monotonic = 1;
    while (!atomic_load(&b->stop)) {
        uint64_t n = 0;
        if (!snapshot_ok(b->s, &n))
            b->bad++;
        if (n < prev)
            b->monotonic = 0;
        prev = n;
        b->reads++;
    }
    b->last = prev;
    return NULL;
}

static void test_burst(struct store *s, struct fx *f)
{
    struct burst b[4];
    pthread_t th[4];
    struct store_ingest_info info;
    int wrote = 0;
    for (int i = 0; i < 4; i++) {
        b[i].s = s;
        atomic_init(&b[i].stop, 0);
        b[i].bad = b[i].reads = 0;
        b[i].last = 0;
        b[i].monotonic = 1;
        pthread_create(&th[i], NULL, reader, &b[i]);
    }
    for (int i = 2; i < 22; i++) {
        build(f, i, 2000);
        struct store_article a = fx_article(f, art_id, NULL);
        wrote += store_ingest(s, &a, &f->r, &info) == STORE_OK;
    }
    int bad = 0, mono = 1;
    for (int i = 0; i < 4; i++) {
        atomic_store(&b[i].stop, 1);
        pthread_join(th[i], NULL);
        bad += b[i].bad;
        mono &= b[i].monotonic;
    }
    is_int(wrote, 20, "20 articles written during concurrent reads");
    is_int(bad, 0, "every snapshot consistent (count = list, newest article complete)");
    ok(mono, "article counts never go backwards");
}

/* ---- a child process ingests while this process reads ---- */

#define CHILD_ARTICLES 40

static int child_main(const char *dir)
{
    struct fx *f = malloc(sizeof *f);
    struct store *s = NULL;
    struct store_opts o = {.map_size = 16u << 20};
    struct store_ingest_info info;
    int rc = 0;
    if (!f || store_open(dir, &o, &s, NULL, 0) != STORE_OK)
        return 2;
    for (int i = 100; i < 100 + CHILD_ARTICLES && rc == 0; i++) {
        build(f, i, 40000);
        struct store_article a = fx_article(f, art_id, NULL);
        if (store_ingest(s, &a, &f->r, &info) != STORE_OK)
            rc = 3;
    }
    store_close(s);
    free(f);
    return rc;
}

static void test_fork(const char *base, struct fx *f)
{
    char dir[512];
    struct store *s = NULL;
    struct store_opts small = {.map_size = 1u << 20};
    snprintf(dir, sizeof dir, "%s/shared", base);
    ok(store_open(dir, &small, &s, NULL, 0) == STORE_OK, "create a store with a 1 MiB map");
    store_close(s);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        _exit(child_main(dir));
    ok(pid > 0, "forked the ingesting child");
    s = NULL;
    ok(store_open(dir, &small, &s, NULL, 0) == STORE_OK, "parent opens the same directory");
    int status = 0, reads = 0, bad = 0, mono = 1;
    uint64_t prev = 0, n = 0;
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (!snapshot_ok(s, &n))
            bad++;
        mono &= n >= prev;
        prev = n;
        reads++;
        if (w == pid || w < 0)
            break;
    }
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child ingested %d articles (status %d)",
       CHILD_ARTICLES, status);
    ok(bad == 0 && mono, "%d parent snapshots consistent while the child wrote", reads);
    ok(snapshot_ok(s, &n) && n == CHILD_ARTICLES, "parent sees every article of the child");
    struct store_txn t_r = STORE_TXN_INIT, *t = &t_r;
    struct store_stats st;
    int got = store_read_begin(s, t) == STORE_OK && store_stats(t, &st) == STORE_OK;
    store_read_end(t);
    ok(got && st.map_size > (1u << 20) && st.used_bytes > (1u << 20),
       "parent adopted the grown map (%llu bytes used)",
       got ? (unsigned long long)st.used_bytes : 0ull);
    build(f, 500, 1000);
    struct store_article a = fx_article(f, art_id, NULL);
    struct store_ingest_info info;
    is_int(store_ingest(s, &a, &f->r, &info), STORE_OK, "parent writes after the resize");
    store_close(s);
}

/* ---- reader slots ---- */

static void test_readers_full(const char *base)
{
    char dir[512];
    struct store *s = NULL;
    struct store_opts o = {.map_size = 1u << 20, .max_readers = 2};
    struct store_txn r1 = STORE_TXN_INIT, r2 = STORE_TXN_INIT, r3 = STORE_TXN_INIT;
    struct store_txn *t1 = &r1, *t2 = &r2, *t3 = &r3;
    snprintf(dir, sizeof dir, "%s/slots", base);
    ok(store_open(dir, &o, &s, NULL, 0) == STORE_OK, "open with two reader slots");
    if (!s)
        return;
    ok(store_read_begin(s, t1) == STORE_OK && store_read_begin(s, t2) == STORE_OK, "two readers");
    is_int(store_read_begin(s, t3), STORE_E_BUSY, "a third reader: STORE_E_BUSY");
    store_read_end(t3); /* a failed begin: nothing to end */
    store_read_end(t1);
    store_read_end(t1); /* already ended: a no-op */
    ok(store_read_begin(s, t3) == STORE_OK, "a slot freed is reused");
    is_int(store_read_begin(s, t1), STORE_E_BUSY, "... one slot: ending twice freed only one");
    store_read_end(t2);
    store_read_end(t3);
    store_close(s);
}

int main(void)
{
    char *base = tmp_dir();
    struct fx *f = malloc(sizeof *f);
    char dir[512];
    struct store *s = NULL;
    if (!base || !f) {
        skip_all("no temp dir");
        return 0;
    }
    snprintf(dir, sizeof dir, "%s/kb", base);
    struct store_opts o = {.map_size = 64u << 20};
    ok(store_open(dir, &o, &s, NULL, 0) == STORE_OK, "open");
    if (s) {
        test_hold(s, f);
        test_burst(s, f);
        store_close(s);
    }
    test_fork(base, f);
    test_readers_full(base);
    free(f);
    rm_dir(base);
    free(base);
    return done();
}
