/* store/store_int.h — what the store/ files share: the environment, the named
 * databases, transaction helpers with a sticky error (the knot_lmdb model),
 * record codec helpers and the paged index walk. Never included outside store/.
 * MDB_* codes are translated to enum store_err here and nowhere else. */
#ifndef ECF_STORE_INT_H
#define ECF_STORE_INT_H

#include "common/compiler.h"

#include <jansson.h>
#include <lmdb.h>
#include <pthread.h>

#include "store/keys.h"
#include "store/store.h"

/* The named databases. Key and value encodings are documented with
 * store_db_names in store.c (and in the README table). */
enum store_db {
    DB_META,          /* "schema_version" -> be32 */
    DB_ARTICLES,      /* article id -> Article JSON */
    DB_ARTICLE_TEXT,  /* article id -> text bytes */
    DB_ARTICLE_HASH,  /* sha256 of the text, 64 hex digits -> article id */
    DB_ENTITIES,      /* entity id -> Entity JSON */
    DB_NAMES,         /* name key \0 entity id -> display form (aliases + prefix index) */
    DB_TRIGRAMS,      /* trigram (3 bytes) name key \0 entity id -> "" */
    DB_ENT_TYPE,      /* type \0 entity id -> "" */
    DB_ENT_COUNTRY,   /* CC \0 entity id -> "" */
    DB_ENT_ARTICLES,  /* entity id \0 article id -> "" */
    DB_FACTS,         /* fact id -> Fact JSON */
    DB_FACT_SUBJ,     /* subject id \0 fact id -> subject\0predicate\0object */
    DB_FACT_OBJ,      /* object id \0 fact id -> same */
    DB_FACT_PRED,     /* predicate \0 fact id -> same */
    DB_CHIP_EDGES,    /* chip id \0 fact id -> predicate \0 'o'|'i' \0 other id */
    DB_SANCTIONS,     /* sanction id -> Sanction JSON */
    DB_SANC_IMPOSER,  /* imposer id \0 sanction id -> imposer\0target\0measure\0date */
    DB_SANC_TARGET,   /* target id \0 sanction id -> same */
    DB_SANC_MEASURE,  /* measure \0 sanction id -> same */
    DB_SANC_DATE,     /* date \0 sanction id -> same (dated sanctions only) */
    DB_ART_FACTS,     /* article id \0 fact id -> "" */
    DB_ART_SANCTIONS, /* article id \0 sanction id -> "" */
    DB_ART_ENTITIES,  /* article id \0 entity id -> "" */
    /* Fetch state (fetchstate.c). A store created before these existed has
     * none: a writable open creates them, a read-only open reads them as empty
     * (store_has_db). */
    DB_HTTP_CACHE, /* URL key (keys_url) -> etag \0 last_modified \0 url */
    DB_SOURCES,    /* URL key (keys_url) -> Source JSON */
    DB__COUNT
};

/* The databases a read-only open tolerates as absent. */
#define DB__FIRST_OPTIONAL DB_HTTP_CACHE

extern const char *const store_db_names[DB__COUNT];

struct store {
    MDB_env *env;
    MDB_dbi dbi[DB__COUNT];
    /* Shared by every transaction of this process, exclusive only around
     * mdb_env_set_mapsize(env, 0) after MDB_MAP_RESIZED (LMDB requires that no
     * transaction of the process is active while the map is replaced). */
    pthread_rwlock_t maplock;
    bool read_only;
    uint32_t absent; /* bit i: optional database i missing (read-only open only) */
    char *dir;       /* the data directory, for statvfs after a failed write */
};

static inline bool store_has_db(const struct store *s, enum store_db db)
{
    return !(s->absent & (UINT32_C(1) << db));
}

/* A write transaction with a sticky error (knot's knot_lmdb_txn): helpers do
 * nothing once err is set, so the write path is straight-line code checked
 * once, by stxn_commit. It owns the map lock from stxn_begin to its end. */
struct stxn {
    struct store *s; /* NULL once ended (or never begun) */
    MDB_txn *txn;
    enum store_err err;
};

/* Begins a write transaction on s (holding maplock shared). On failure
 * returns the error with nothing held: there is nothing to end. */
enum store_err stxn_begin(struct stxn *w, struct store *s) ECF_WUR;
/* Commits when no error was recorded, else aborts; a failed commit is
 * mapped (store_err_commit: map full, disk full). Ends w; returns w->err. */
enum store_err stxn_commit(struct stxn *w);
/* Aborts (nothing written) and ends w; a no-op on an ended w. */
void stxn_abort(struct stxn *w);

enum store_err store_err_mdb(int rc);

/* store_err_mdb for a failed commit: LMDB turns a short write (the disk
 * filling up) into EIO, so EIO on a filesystem with no space left is
 * STORE_E_NOSPACE. */
enum store_err store_err_commit(struct store *s, int rc);

/* Begins an LMDB transaction holding maplock shared; handles MDB_MAP_RESIZED
 * by adopting the new size and retrying. On failure the lock is not held. */
int store_txn_begin_raw(struct store *s, unsigned flags, MDB_txn **out) ECF_WUR;
/* Releases maplock after the caller committed or aborted its transaction. */
void store_txn_release(struct store *s);

static inline MDB_val store_val(const void *p, size_t n)
{
    MDB_val v = {n, (void *)(uintptr_t)p};
    return v;
}
static inline MDB_val store_kval(const struct keybuf *k)
{
    return store_val(k->b, k->len);
}

/* Sticky helpers. put: flags as mdb_put; MDB_KEYEXIST with MDB_NOOVERWRITE is
 * not an error (returns false, true when written). get: true when found. */
bool stxn_put(struct stxn *w, enum store_db db, const struct keybuf *k, const void *v, size_t vn,
              unsigned flags);
bool stxn_get(struct stxn *w, enum store_db db, const void *k, size_t kn, MDB_val *v);
/* stxn_put (flags 0) that writes nothing when k already holds exactly v[0..vn):
 * an overwrite with the same bytes still copies the leaf and every branch
 * page above it into the commit. */
void stxn_put_changed(struct stxn *w, enum store_db db, const struct keybuf *k, const void *v,
                      size_t vn);
void stxn_del(struct stxn *w, enum store_db db, const struct keybuf *k);
void stxn_fail(struct stxn *w, enum store_err err);

/* Each list of a detail view (EntityDetail, ArticleDetail) has at most this
 * many entries; ent_articles keeps no more per entity than its sources list
 * shows (ingest.c add_source). */
#define STORE_DETAIL_CAP STORE_MAX_LIMIT

/* ---- records (codec.c) ---- */

#define STORE_JSON_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10))

/* Parses a stored record: a new reference into *out, or STORE_E_CORRUPT. */
enum store_err rec_parse(const MDB_val *v, json_t **out) ECF_WUR;
/* Looks up id in db (a primary database) and parses it. */
enum store_err rec_get(MDB_txn *txn, MDB_dbi dbi, const char *id, json_t **out) ECF_WUR;
/* The stored record id[0..n) of dbi, as stored (valid while txn lives). A
 * missing record is STORE_E_NOTFOUND, one that is not a JSON object
 * STORE_E_CORRUPT. */
enum store_err rec_raw(MDB_txn *txn, MDB_dbi dbi, const char *id, size_t n, MDB_val *v) ECF_WUR;
/* The end of a read that appended to out since start: a failed append makes
 * an OK read STORE_E_NOMEM, and a failed read takes back what it appended
 * (the contract of store.h). Returns the read's result. */
enum store_err rec_end(struct jbuf *out, size_t start, enum store_err err);
/* Appends the stored record id[0..n) of dbi, as stored, to out. A missing
 * record is STORE_E_NOTFOUND, one that is not a JSON object STORE_E_CORRUPT. */
enum store_err rec_append(MDB_txn *txn, MDB_dbi dbi, const char *id, size_t n,
                          struct jbuf *out) ECF_WUR;
/* Appends v serialised as records are (STORE_JSON_FLAGS) to out. */
enum store_err rec_dump(const json_t *v, struct jbuf *out) ECF_WUR;
/* Appends {"f1":v1,...} with the raw values of the named members of the
 * record rec[0..n) (null when absent): EntityRef, ArticleRef. */
void rec_put_ref(struct jbuf *out, const char *rec, size_t n, const char *const *fields);
/* Serialises rec and stores it under id (sticky). */
void rec_put(struct stxn *w, enum store_db db, const char *id, const json_t *rec);
/* {"id","name","type"} from an entity (or EntityRef) record; new reference. */
json_t *rec_entity_ref(const json_t *ent);
double rec_round(double x);
/* The string member k of o, or NULL. Borrowed. */
const char *rec_str(const json_t *o, const char *k);

/* Vocabulary checks of the knowledge model (codec.c); the names themselves
 * are common/kmodel.h's. */
bool vocab_is_type(const char *s);
bool vocab_is_pred(const char *s);
bool vocab_is_measure(const char *s);
bool vocab_is_status(const char *s);
/* Combined status (docs/API.md) after adding one evidence of status add to a
 * record whose current combined status is cur (NULL for a new record). */
const char *vocab_status_merge(const char *cur, const char *add);

/* ---- articles and fetch state (fetchstate.c) ---- */

/* Whether f (may be NULL) is storable: source and fetched_at given, every
 * string valid UTF-8. */
bool article_fetch_valid(const struct store_fetch_meta *f);
/* The "urls" array and "fetch" member of a new Article record; new
 * references, NULL on ENOMEM. A NULL or "" url gives []. */
json_t *article_urls_new(const char *url);
json_t *article_fetch_new(const struct store_fetch_meta *f);
/* Whether a's published/byline/site/lang are storable (store.h). */
bool article_page_valid(const struct store_article *a);
/* Appends "published", "byline", "site", "lang" to an Article record (null
 * when unknown); STORE_E_NOMEM. */
enum store_err article_page_set(json_t *rec, const struct store_article *a) ECF_WUR;
/* Brings a stored Article record to the current shape (docs/API.md key order;
 * "urls" and "fetch" filled in for records written before they existed,
 * "published", "byline", "site", "lang" as null before those).
 * Replaces *rec when it had to be rebuilt; STORE_E_CORRUPT if not an object. */
enum store_err article_norm(json_t **rec) ECF_WUR;
/* The duplicate path of store_ingest: the text is stored under the id in v.
 * Fills info from that article; when a->url is new for it, adds it to "urls"
 * (sticky; sets *changed so the caller commits). */
void article_duplicate(struct stxn *w, const MDB_val *v, const struct store_article *a,
                       struct store_ingest_info *info, bool *changed);

/* ---- paged index walks (query.c) ---- */

enum walk_verdict { WALK_SKIP, WALK_TAKE, WALK_STOP };

/* Called for each key of the walk. When items is non-NULL and the entry is
 * taken, the callback appends its item (one JSON value) to items; with items
 * NULL it only decides (the look-ahead for the next page). walk_page writes
 * the brackets and commas, and drops whatever a callback appended for an
 * entry it did not take. */
typedef enum store_err (*walk_fn)(void *ctx, MDB_txn *txn, const MDB_val *k, const MDB_val *v,
                                  struct jbuf *items, enum walk_verdict *verdict);

struct walk {
    enum store_db db;
    unsigned char tag;        /* cursor tag: names the index and filter shape */
    const unsigned char *pre; /* the walk stays inside keys with this prefix */
    size_t plen;
    const unsigned char *from; /* first key when there is no cursor (NULL: pre) */
    size_t flen;
    walk_fn fn;
    void *ctx;
};

/* Appends the page as a JSON array to items (nothing on error). */
enum store_err walk_page(struct store_txn *t, const struct walk *w, const struct store_page *pg,
                         struct jbuf *items, char **next) ECF_WUR;

/* Emitters shared by the lists: the id is the key (primary) or its last
 * component (index); the record comes from the primary database ctx names. */
struct emit_ctx {
    struct store *s;
    enum store_db primary;
};
enum store_err walk_emit_primary(void *ctx, MDB_txn *txn, const MDB_val *k, const MDB_val *v,
                                 struct jbuf *items, enum walk_verdict *verdict);
/* walk_emit_primary for Article records: normalised by article_norm. */
enum store_err walk_emit_article(void *ctx, MDB_txn *txn, const MDB_val *k, const MDB_val *v,
                                 struct jbuf *items, enum walk_verdict *verdict);
enum store_err walk_emit_index(void *ctx, MDB_txn *txn, const MDB_val *k, const MDB_val *v,
                               struct jbuf *items, enum walk_verdict *verdict);
/* Appends an array of up to max records named by the index keys under pre
 * (id order). */
enum store_err walk_collect(struct store_txn *t, enum store_db index, enum store_db primary,
                            const struct keybuf *pre, size_t max, struct jbuf *out) ECF_WUR;

#endif
