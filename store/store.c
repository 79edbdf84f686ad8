/* store/store.c — the LMDB environment: open/create, schema version, named
 * databases, transactions (with map-resize handling) and errors. */
#define _GNU_SOURCE /* pthread_rwlockattr_setkind_np: writer-preferring maplock */

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "common/util.h"
#include "store/store_int.h"

#define STORE_DEFAULT_MAP     ((size_t)1 << 30)
#define STORE_DEFAULT_READERS 126u

/* Index in this table = enum store_db. */
const char *const store_db_names[DB__COUNT] = {
    [DB_META] = "meta",
    [DB_ARTICLES] = "articles",
    [DB_ARTICLE_TEXT] = "article_text",
    [DB_ARTICLE_HASH] = "article_hash",
    [DB_ENTITIES] = "entities",
    [DB_NAMES] = "names",
    [DB_TRIGRAMS] = "trigrams",
    [DB_ENT_TYPE] = "ent_type",
    [DB_ENT_COUNTRY] = "ent_country",
    [DB_ENT_ARTICLES] = "ent_articles",
    [DB_FACTS] = "facts",
    [DB_FACT_SUBJ] = "fact_subj",
    [DB_FACT_OBJ] = "fact_obj",
    [DB_FACT_PRED] = "fact_pred",
    [DB_CHIP_EDGES] = "chip_edges",
    [DB_SANCTIONS] = "sanctions",
    [DB_SANC_IMPOSER] = "sanc_imposer",
    [DB_SANC_TARGET] = "sanc_target",
    [DB_SANC_MEASURE] = "sanc_measure",
    [DB_SANC_DATE] = "sanc_date",
    [DB_ART_FACTS] = "art_facts",
    [DB_ART_SANCTIONS] = "art_sanctions",
    [DB_ART_ENTITIES] = "art_entities",
    [DB_HTTP_CACHE] = "http_cache",
    [DB_SOURCES] = "sources",
};

_Static_assert(DB__COUNT <= 32, "struct store.absent is a 32-bit mask");

static const char meta_version_key[] = "schema_version";

const char *store_strerror(enum store_err err)
{
    switch (err) {
    case STORE_OK:
        return "success";
    case STORE_E_NOTFOUND:
        return "not found: no such record";
    case STORE_E_MAPFULL:
        return "map full: the write was rolled back, nothing changed";
    case STORE_E_VERSION:
        return "schema version: the data directory holds another schema version";
    case STORE_E_INVALID:
        return "invalid argument: malformed cursor, id or filter";
    case STORE_E_CURSOR:
        return "bad cursor: not one this store issued for this list";
    case STORE_E_KIND:
        return "wrong kind: the record is not of the kind asked for";
    case STORE_E_QUERY:
        return "bad query: too short to search for";
    case STORE_E_CONFLICT:
        return "conflict: the article id is stored with other content";
    case STORE_E_IO:
        return "I/O error: the operating system refused";
    case STORE_E_CORRUPT:
        return "corrupt: a stored record failed to decode";
    case STORE_E_NOMEM:
        return "out of memory";
    case STORE_E_BUSY:
        return "busy: too many readers";
    case STORE_E_NOSPACE:
        return "no space left on the device: nothing was written";
    }
    return "unknown store error";
}

enum store_err store_err_commit(struct store *s, int rc)
{
    struct statvfs vfs;
    if (rc == EIO && s->dir && statvfs(s->dir, &vfs) == 0 &&
        (uint64_t)vfs.f_bavail * vfs.f_frsize < 64u * 1024u)
        return STORE_E_NOSPACE;
    return store_err_mdb(rc);
}

enum store_err store_err_mdb(int rc)
{
    switch (rc) {
    case MDB_SUCCESS:
        return STORE_OK;
    case MDB_NOTFOUND:
        return STORE_E_NOTFOUND;
    case MDB_MAP_FULL:
        return STORE_E_MAPFULL;
    case ENOSPC:
    case EDQUOT:
        return STORE_E_NOSPACE;
    case MDB_READERS_FULL:
    case EAGAIN:
        return STORE_E_BUSY;
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_INVALID:
    case MDB_BAD_VALSIZE:
    case MDB_INCOMPATIBLE:
        return STORE_E_CORRUPT;
    case MDB_VERSION_MISMATCH:
        return STORE_E_VERSION;
    case ENOMEM:
    case MDB_TXN_FULL:
    case MDB_CURSOR_FULL:
    case MDB_DBS_FULL:
    case MDB_TLS_FULL:
        return STORE_E_NOMEM;
    default:
        return STORE_E_IO;
    }
}

__attribute__((format(printf, 3, 4))) static void errf(char *errbuf, size_t cap, const char *fmt,
                                                       ...)
{
    va_list ap;
    if (!errbuf || !cap)
        return;
    va_start(ap, fmt);
    (void)vsnprintf(errbuf, cap, fmt, ap); /* truncation is acceptable for a message */
    va_end(ap);
}

/* mkdir -p for dir (modes 0755). Returns 0 or an errno. */
static int make_dirs(const char *dir)
{
    char path[4096];
    size_t n = ecf_strlcpy(path, dir, sizeof path);
    if (n >= sizeof path)
        return ENAMETOOLONG;
    for (size_t i = 1; i <= n; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        char c = path[i];
        path[i] = '\0';
        if (mkdir(path, 0755) != 0 && errno != EEXIST)
            return errno;
        path[i] = c;
    }
    struct stat st;
    if (stat(dir, &st) != 0)
        return errno;
    return S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
}

int store_txn_begin_raw(struct store *s, unsigned flags, MDB_txn **out)
{
    for (int attempt = 0;; attempt++) {
        if (pthread_rwlock_rdlock(&s->maplock) != 0)
            return EAGAIN;
        int rc = mdb_txn_begin(s->env, NULL, flags, out);
        if (rc == MDB_SUCCESS)
            return rc;
        pthread_rwlock_unlock(&s->maplock);
        if (rc == MDB_READERS_FULL && attempt < 4) {
            int dead = 0;
            /* slots of crashed processes are reclaimed; if none were, it is full */
            if (mdb_reader_check(s->env, &dead) == MDB_SUCCESS && dead > 0)
                continue;
        }
        if (rc != MDB_MAP_RESIZED || attempt == 4)
            return rc;
        /* Another process grew the map: adopt its size with no transaction
         * of ours active, then retry. */
        if (pthread_rwlock_wrlock(&s->maplock) != 0)
            return EAGAIN;
        rc = mdb_env_set_mapsize(s->env, 0);
        pthread_rwlock_unlock(&s->maplock);
        if (rc != MDB_SUCCESS)
            return rc;
    }
}

void store_txn_release(struct store *s)
{
    pthread_rwlock_unlock(&s->maplock);
}

/* Checks the schema version in meta; writes it when the environment is new
 * (no named database at all yet). Called before any other database is
 * opened, so a foreign store is refused before anything is created in it. */
static enum store_err check_version(struct store *s, MDB_txn *txn, const char *dir, char *errbuf,
                                    size_t cap)
{
    MDB_dbi main_dbi;
    MDB_stat st;
    int rc = mdb_dbi_open(txn, NULL, 0, &main_dbi);
    if (rc == MDB_SUCCESS)
        rc = mdb_stat(txn, main_dbi, &st);
    if (rc != MDB_SUCCESS) {
        errf(errbuf, cap, "%s: cannot read the store: %s", dir, mdb_strerror(rc));
        return store_err_mdb(rc);
    }
    bool fresh = st.ms_entries == 0;
    rc = mdb_dbi_open(txn, store_db_names[DB_META], fresh && !s->read_only ? MDB_CREATE : 0,
                      &s->dbi[DB_META]);
    MDB_val k = store_val(meta_version_key, sizeof meta_version_key - 1), v;
    if (rc == MDB_SUCCESS)
        rc = mdb_get(txn, s->dbi[DB_META], &k, &v);
    if (rc == MDB_NOTFOUND && fresh && !s->read_only) {
        unsigned char be[4];
        keys_be32_enc(STORE_SCHEMA_VERSION, be);
        v = store_val(be, sizeof be);
        rc = mdb_put(txn, s->dbi[DB_META], &k, &v, 0);
        if (rc != MDB_SUCCESS)
            errf(errbuf, cap, "%s: cannot write the schema version: %s", dir, mdb_strerror(rc));
        return store_err_mdb(rc);
    }
    if (rc == MDB_NOTFOUND) {
        errf(errbuf, cap, "%s: no schema version stored (not an ecfacts store)", dir);
        return STORE_E_VERSION;
    }
    if (rc != MDB_SUCCESS) {
        errf(errbuf, cap, "%s: cannot read the schema version: %s", dir, mdb_strerror(rc));
        return store_err_mdb(rc);
    }
    if (v.mv_size != 4) {
        errf(errbuf, cap, "%s: unreadable schema version, this build reads version %d", dir,
             STORE_SCHEMA_VERSION);
        return STORE_E_VERSION;
    }
    if (keys_be32_dec(v.mv_data) != STORE_SCHEMA_VERSION) {
        errf(errbuf, cap, "%s: holds schema version %u, this build reads version %d", dir,
             (unsigned)keys_be32_dec(v.mv_data), STORE_SCHEMA_VERSION);
        return STORE_E_VERSION;
    }
    return STORE_OK;
}

/* stxn_begin with mdb_txn_begin's flags (MDB_RDONLY for a read-only open's
 * schema check); returns LMDB's code for the caller's message. */
static int stxn_begin_flags(struct stxn *w, struct store *s, unsigned flags)
{
    *w = (struct stxn){s, NULL, STORE_OK};
    int rc = store_txn_begin_raw(s, flags, &w->txn);
    if (rc != MDB_SUCCESS)
        *w = (struct stxn){NULL, NULL, store_err_mdb(rc)};
    return rc;
}

/* Checks the schema version, then opens every named database, creating the
 * missing ones unless read-only (a read-only open tolerates the optional
 * ones being absent: store_has_db). */
static enum store_err open_schema(struct store *s, const char *dir, char *errbuf, size_t cap)
{
    struct stxn w;
    int rc = stxn_begin_flags(&w, s, s->read_only ? MDB_RDONLY : 0);
    if (rc != MDB_SUCCESS) {
        errf(errbuf, cap, "%s: cannot begin a transaction: %s", dir, mdb_strerror(rc));
        return w.err;
    }
    stxn_fail(&w, check_version(s, w.txn, dir, errbuf, cap));
    for (int i = 0; i < DB__COUNT && w.err == STORE_OK; i++) {
        rc = mdb_dbi_open(w.txn, store_db_names[i], s->read_only ? 0 : MDB_CREATE, &s->dbi[i]);
        if (rc == MDB_NOTFOUND && i >= DB__FIRST_OPTIONAL) {
            /* read-only on a store from before this database: read as empty */
            s->absent |= UINT32_C(1) << i;
        } else if (rc == MDB_NOTFOUND) {
            stxn_fail(&w, STORE_E_VERSION);
            errf(errbuf, cap, "%s: not an ecfacts store (database \"%s\" missing)", dir,
                 store_db_names[i]);
        } else if (rc != MDB_SUCCESS) {
            stxn_fail(&w, store_err_mdb(rc));
            errf(errbuf, cap, "%s: cannot open database: %s", dir, mdb_strerror(rc));
        }
    }
    /* The commit also makes the DBI handles permanent; a failure before it
     * has already said why in errbuf. */
    bool failed = w.err != STORE_OK;
    enum store_err err = stxn_commit(&w);
    if (err != STORE_OK && !failed)
        errf(errbuf, cap, "%s: cannot commit the schema: %s", dir, store_strerror(err));
    return err;
}

/* A data.mdb shorter than its own last page (truncated copy, partial
 * snapshot) would be mapped past its end: the first read of such a page is a
 * SIGBUS. Refuse it at open instead. */
static enum store_err check_size(struct store *s, const char *dir, char *errbuf, size_t errcap)
{
    MDB_envinfo info;
    MDB_stat st;
    char path[4096];
    struct stat fst;
    snprintf(path, sizeof path, "%s/data.mdb", dir);
    if (mdb_env_info(s->env, &info) != MDB_SUCCESS || mdb_env_stat(s->env, &st) != MDB_SUCCESS ||
        stat(path, &fst) != 0)
        return STORE_OK; /* nothing to compare: LMDB reports its own errors */
    uint64_t need = ((uint64_t)info.me_last_pgno + 1) * st.ms_psize;
    if ((uint64_t)fst.st_size < need) {
        errf(errbuf, errcap, "%s is truncated: %lld bytes, its pages need %llu", path,
             (long long)fst.st_size, (unsigned long long)need);
        return STORE_E_CORRUPT;
    }
    return STORE_OK;
}

enum store_err store_open(const char *dir, const struct store_opts *opts, struct store **out,
                          char *errbuf, size_t errcap)
{
    static const struct store_opts defaults;
    enum store_err err = STORE_OK;
    struct store *s = NULL;
    int rc;
    *out = NULL;
    if (errbuf && errcap)
        errbuf[0] = '\0';
    if (!opts)
        opts = &defaults;
    if (!dir || !*dir) {
        errf(errbuf, errcap, "store directory not given");
        return STORE_E_INVALID;
    }
    if (opts->must_exist || opts->no_mkdir) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/data.mdb", dir);
        int e = stat(dir, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
        if (e != 0) {
            errf(errbuf, errcap, "%s: %s (check --data): no store was created", dir, strerror(e));
            return STORE_E_IO;
        }
        if (opts->must_exist && stat(path, &st) != 0) {
            errf(errbuf, errcap, "%s: no store here (no data.mdb; check --data)", dir);
            return STORE_E_IO;
        }
    }
    if (!opts->read_only) {
        int e = make_dirs(dir);
        if (e != 0) {
            errf(errbuf, errcap, "%s: cannot create directory: %s", dir, strerror(e));
            return STORE_E_IO;
        }
    }
    if (access(dir, opts->read_only ? R_OK | X_OK : R_OK | W_OK | X_OK) != 0) {
        int e = errno;
        errf(errbuf, errcap, "%s: %s", dir, strerror(e));
        return STORE_E_IO;
    }
    s = calloc(1, sizeof *s);
    if (!s)
        return STORE_E_NOMEM;
    s->read_only = opts->read_only;
    s->dir = strdup(dir);
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
#ifdef __GLIBC__
    /* A map resize must not starve behind a steady stream of readers. */
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
#endif
    rc = pthread_rwlock_init(&s->maplock, &attr);
    pthread_rwlockattr_destroy(&attr);
    if (rc != 0) {
        free(s->dir);
        free(s);
        return STORE_E_NOMEM;
    }
    if ((rc = mdb_env_create(&s->env)) != MDB_SUCCESS) {
        err = store_err_mdb(rc);
        errf(errbuf, errcap, "%s: %s", dir, mdb_strerror(rc));
        goto fail;
    }
    mdb_env_set_maxdbs(s->env, DB__COUNT + 2);
    mdb_env_set_maxreaders(s->env, opts->max_readers ? opts->max_readers : STORE_DEFAULT_READERS);
    /* An explicit size is applied as given (LMDB keeps it at least as large
     * as the data); with 0 an existing store keeps its recorded size. */
    if (opts->map_size)
        mdb_env_set_mapsize(s->env, opts->map_size);
    unsigned flags = MDB_NOTLS | (opts->read_only ? MDB_RDONLY : 0) |
                     (opts->read_only && opts->no_lock ? MDB_NOLOCK : 0);
    rc = mdb_env_open(s->env, dir, flags, 0644);
    if (rc != MDB_SUCCESS) {
        err = rc == ENOENT ? STORE_E_IO : store_err_mdb(rc);
        if (rc == MDB_INVALID || rc == MDB_VERSION_MISMATCH)
            err = STORE_E_VERSION;
        errf(errbuf, errcap, "%s: cannot open the store: %s", dir, mdb_strerror(rc));
        goto fail;
    }
    int dead = 0;
    (void)mdb_reader_check(s->env, &dead); /* stale slots of crashed processes */
    if (!opts->map_size && !opts->read_only) {
        MDB_envinfo info;
        if (mdb_env_info(s->env, &info) == MDB_SUCCESS && info.me_mapsize < STORE_DEFAULT_MAP)
            mdb_env_set_mapsize(s->env, STORE_DEFAULT_MAP);
    }
    err = check_size(s, dir, errbuf, errcap);
    if (err != STORE_OK)
        goto fail;
    err = open_schema(s, dir, errbuf, errcap);
    if (err != STORE_OK)
        goto fail;
    *out = s;
    return STORE_OK;
fail:
    if (s->env)
        mdb_env_close(s->env);
    pthread_rwlock_destroy(&s->maplock);
    free(s->dir);
    free(s);
    return err;
}

enum store_err store_snapshot(struct store *s, const char *dir, char *errbuf, size_t errcap)
{
    int e = make_dirs(dir);
    if (e != 0) {
        errf(errbuf, errcap, "%s: cannot create directory: %s", dir, strerror(e));
        return STORE_E_IO;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/data.mdb", dir);
    if (access(path, F_OK) == 0) {
        errf(errbuf, errcap, "%s already exists: snapshot into a new directory", path);
        return STORE_E_INVALID;
    }
    int rc = mdb_env_copy2(s->env, dir, MDB_CP_COMPACT);
    if (rc != MDB_SUCCESS) {
        errf(errbuf, errcap, "%s: snapshot failed: %s", dir, mdb_strerror(rc));
        return rc == MDB_MAP_FULL ? STORE_E_MAPFULL : STORE_E_IO;
    }
    return STORE_OK;
}

uint64_t store_last_txn(struct store *s)
{
    MDB_envinfo info;
    if (mdb_env_info(s->env, &info) != MDB_SUCCESS)
        return 0;
    return (uint64_t)info.me_last_txnid;
}

unsigned store_max_readers(struct store *s)
{
    unsigned n = 0;
    if (mdb_env_get_maxreaders(s->env, &n) != MDB_SUCCESS)
        return 0;
    return n;
}

void store_close(struct store *s)
{
    if (!s)
        return;
    mdb_env_close(s->env);
    pthread_rwlock_destroy(&s->maplock);
    free(s->dir);
    free(s);
}

uint64_t store_txn_id(const struct store_txn *t)
{
    return (uint64_t)mdb_txn_id(t->txn);
}

enum store_err store_read_begin(struct store *s, struct store_txn *t)
{
    *t = STORE_TXN_INIT;
    MDB_txn *txn;
    int rc = store_txn_begin_raw(s, MDB_RDONLY, &txn);
    if (rc != MDB_SUCCESS)
        return store_err_mdb(rc);
    *t = (struct store_txn){s, txn};
    return STORE_OK;
}

void store_read_end(struct store_txn *t)
{
    if (!t->s)
        return;
    mdb_txn_abort(t->txn);
    store_txn_release(t->s);
    *t = STORE_TXN_INIT;
}

/* ---- sticky transaction helpers ---- */

enum store_err stxn_begin(struct stxn *w, struct store *s)
{
    (void)stxn_begin_flags(w, s, 0);
    return w->err;
}

enum store_err stxn_commit(struct stxn *w)
{
    assert(w->s && w->txn); /* begun, not yet ended */
    if (w->err == STORE_OK) {
        int rc = mdb_txn_commit(w->txn);
        w->txn = NULL;
        if (rc != MDB_SUCCESS)
            w->err = store_err_commit(w->s, rc);
    }
    stxn_abort(w); /* map full and every other failure: nothing changed */
    return w->err;
}

void stxn_abort(struct stxn *w)
{
    if (!w->s)
        return;
    if (w->txn)
        mdb_txn_abort(w->txn);
    w->txn = NULL;
    store_txn_release(w->s);
    w->s = NULL;
}

void stxn_fail(struct stxn *w, enum store_err err)
{
    if (w->err == STORE_OK)
        w->err = err;
}

bool stxn_put(struct stxn *w, enum store_db db, const struct keybuf *k, const void *v, size_t vn,
              unsigned flags)
{
    if (w->err != STORE_OK)
        return false;
    if (k->over || k->len == 0) {
        stxn_fail(w, STORE_E_INVALID);
        return false;
    }
    MDB_val key = store_kval(k), val = store_val(v ? v : "", vn);
    int rc = mdb_put(w->txn, w->s->dbi[db], &key, &val, flags);
    if (rc == MDB_KEYEXIST && (flags & MDB_NOOVERWRITE))
        return false;
    if (rc != MDB_SUCCESS) {
        stxn_fail(w, store_err_mdb(rc));
        return false;
    }
    return true;
}

bool stxn_get(struct stxn *w, enum store_db db, const void *k, size_t kn, MDB_val *v)
{
    if (w->err != STORE_OK)
        return false;
    MDB_val key = store_val(k, kn);
    int rc = mdb_get(w->txn, w->s->dbi[db], &key, v);
    if (rc == MDB_NOTFOUND)
        return false;
    if (rc != MDB_SUCCESS) {
        stxn_fail(w, store_err_mdb(rc));
        return false;
    }
    return true;
}

void stxn_put_changed(struct stxn *w, enum store_db db, const struct keybuf *k, const void *v,
                      size_t vn)
{
    MDB_val old;
    if (!k->over && k->len && stxn_get(w, db, k->b, k->len, &old) && old.mv_size == vn &&
        (vn == 0 || memcmp(old.mv_data, v, vn) == 0))
        return;
    stxn_put(w, db, k, v, vn, 0);
}

void stxn_del(struct stxn *w, enum store_db db, const struct keybuf *k)
{
    if (w->err != STORE_OK)
        return;
    MDB_val key = store_kval(k);
    int rc = mdb_del(w->txn, w->s->dbi[db], &key, NULL);
    if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND)
        stxn_fail(w, store_err_mdb(rc));
}
