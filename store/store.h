/* store/store.h — the LMDB knowledge base: articles, entities, aliases, facts,
 * sanctions and their indexes. Every read appends one JSON text in the API's
 * shape (docs/API.md) to a struct jbuf; handlers send it as it is. Records are
 * stored as compact JSON in the API's key order, and reads splice their
 * bytes instead of parsing and re-serialising them. On an error a read
 * appends nothing (the buffer is left as it was).
 *
 * Concurrency: one struct store per process, shared by all threads. Any thread
 * may open a read transaction; readers never block the writer and see one
 * consistent snapshot. Writes (store_ingest, store_http_put, store_source_put,
 * each one write transaction) are serialised by LMDB and may come from another
 * process (`ingest` or `fetch` while `serve` runs). A read transaction must be
 * ended by the thread that began it, within the function that began it.
 *
 * The write side takes a struct store_record: what was found in an article,
 * in the knowledge model's names (common/kmodel.h). The store knows nothing
 * of the extractor; app/pipeline.c converts its result. */
#ifndef ECF_STORE_H
#define ECF_STORE_H

#include "common/compiler.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/jbuf.h"

#define STORE_SCHEMA_VERSION    1
#define STORE_MAX_LIMIT         500
#define STORE_ID_MAX            128 /* ids (article, entity, fact, sanction) are < this many bytes */
#define STORE_EVIDENCE_MAX      20 /* evidences kept per fact or sanction; mentions count them all */
/* Bytes of an evidence's sentence text kept: a longer one is cut at a UTF-8
 * boundary and ends with "\u2026" (its start/end still span the whole sentence) */
#define STORE_EVIDENCE_TEXT_MAX 1024
/* What a page says about itself (struct store_article): byline and site at
 * most this many bytes, lang a language tag of at most STORE_LANG_MAX. */
#define STORE_PAGE_TEXT_MAX     256
#define STORE_LANG_MAX          35

enum store_err {
    STORE_OK = 0,
    STORE_E_NOTFOUND, /* no such record */
    STORE_E_MAPFULL,  /* the map is full: the write was rolled back, nothing changed */
    STORE_E_VERSION,  /* the data directory holds another schema version */
    STORE_E_INVALID,  /* bad argument from the caller: malformed id, filter, limit */
    STORE_E_CONFLICT, /* article id already stored with different content */
    STORE_E_IO,       /* the OS said no: permissions, disk, missing directory */
    STORE_E_CORRUPT,  /* a record failed to decode */
    STORE_E_NOMEM,
    STORE_E_BUSY,    /* too many readers (MDB_READERS_FULL) */
    STORE_E_NOSPACE, /* the disk is full (ENOSPC): the write was rolled back */
    STORE_E_CURSOR,  /* a page cursor this store did not issue for this list and filter */
    STORE_E_KIND,    /* the record is not of the kind asked for (a lineage of a non-chip) */
    STORE_E_QUERY    /* a search text too short to look for (under 2 characters) */
};

/* A static English sentence for err ("map full: ..."). */
const char *store_strerror(enum store_err err);

struct store_opts {
    size_t map_size;      /* bytes; 0 = default (1 GiB). A larger one grows an existing store. */
    bool read_only;       /* MDB_RDONLY: no writes, schema must already exist */
    unsigned max_readers; /* reader slots (one per concurrent read transaction of every
                             process); 0 = LMDB's default (126). Only the process that
                             creates the lock table sizes it: see store_max_readers */
    bool no_lock;         /* with read_only: MDB_NOLOCK, for a snapshot nobody writes (replicas,
                        read-only volumes); never for a directory a writer uses */
    bool must_exist;      /* refuse a directory without a data.mdb instead of creating a store
                        (commands that only read: a mistyped --data is an error) */
    bool no_mkdir;        /* create a store only in a directory that exists (fetch) */
};

struct store;
struct MDB_txn;

/* A read transaction (store_read_begin .. store_read_end), on the caller's
 * stack: no allocation per request. Its members belong to store/; outside
 * it, only the zero value (STORE_TXN_INIT: "not begun") is of use. */
struct store_txn {
    struct store *s; /* NULL when not begun or already ended */
    struct MDB_txn *txn;
};
#define STORE_TXN_INIT ((struct store_txn){NULL, NULL})

/* Opens (creating when missing and not read_only) the store in directory dir.
 * On failure *out is NULL and errbuf (if non-NULL) explains, naming the path. */
enum store_err store_open(const char *dir, const struct store_opts *opts, struct store **out,
                          char *errbuf, size_t errcap) ECF_WUR;
void store_close(struct store *s);

/* The reader slots the environment really has: the lock table is sized by
 * the process that created it, so another process's smaller table wins. */
unsigned store_max_readers(struct store *s);

/* The id of the last committed write transaction, from any process (read
 * from LMDB's shared lock region without a transaction): a response built
 * from the store stays valid while this does not change. */
uint64_t store_last_txn(struct store *s);

/* Writes a compacted copy of the store (mdb_env_copy2 with MDB_CP_COMPACT)
 * as dir/data.mdb; dir is created if missing and must not hold a data.mdb.
 * The copy is one consistent snapshot, taken while writers may go on. */
enum store_err store_snapshot(struct store *s, const char *dir, char *errbuf,
                              size_t errcap) ECF_WUR;

/* ---- write side --------------------------------------------------------- */

/* Where and how a fetched article was obtained (provenance). */
struct store_fetch_meta {
    const char *source;     /* the feed or URL the fetch started from */
    const char *fetched_at; /* "YYYY-MM-DDTHH:MM:SSZ" */
    unsigned http_status;
    const char *etag; /* "" or NULL when absent, likewise below */
    const char *last_modified;
    const char *content_type;
};

struct store_article {
    const char *id;    /* required, [A-Za-z0-9._-]{1,127} */
    const char *title; /* may be NULL: then the record's title */
    const char *url;   /* may be NULL */
    const char *date;  /* "YYYY-MM-DD" or NULL */
    const char *text;  /* the article text: valid UTF-8, which the caller has checked
                          (app/pipeline.c, once per ingest); asserted, not checked */
    size_t len;
    const char *sha256; /* text's SHA-256, 64 lower-case hex digits, when the caller
                           has it (then it is not computed again); else NULL */
    const struct store_fetch_meta *fetch; /* NULL unless fetched from the web */
    /* What the page says about itself; NULL or "" when unknown (stored as null). */
    const char *published; /* "YYYY-MM-DD" */
    const char *byline;    /* valid UTF-8, at most STORE_PAGE_TEXT_MAX bytes */
    const char *site;      /* likewise */
    const char *lang;      /* store_lang_valid() */
};

/* Whether s is a language tag as stored in an Article's "lang": 1 to
 * STORE_LANG_MAX bytes, letters, then subtags of 1-8 letters or digits after
 * '-' ("en", "pt-BR", "zh-Hant-TW"); the first subtag 1-8 letters. */
bool store_lang_valid(const char *s);

struct store_ingest_info {
    bool duplicate;        /* same text already stored (content hash): nothing else written */
    bool url_added;        /* ...but a->url was new for it and was added to its "urls" */
    char id[STORE_ID_MAX]; /* the stored article's id (the earlier one for a duplicate) */
    size_t n_entities, n_facts, n_sanctions; /* in this article */
};

/* ---- what was found in an article (store_ingest's input) ----------------
 * Everything is borrowed from the caller for the call only. Names are the
 * knowledge model's (common/kmodel.h: "company", "develops", ...); an
 * unknown name makes store_ingest fail with STORE_E_INVALID. */

#define STORE_REC_NONE SIZE_MAX /* "no entity" in an index field */

/* A sentence of the article: byte offsets [start, end) into the article's
 * text, and the same span in Unicode code points (cstart, cend), which is
 * what the API calls "start"/"end". */
struct store_rec_span {
    size_t start, end;
    size_t cstart, cend;
};

/* An evidence: its sentence and the mentions in it that filled the roles
 * (role[0] a fact's subject or a sanction's imposer, role[1] the object or
 * target), each empty (all zero) or a span inside the sentence in the same
 * units; stored as the evidence's "mentions" (the empty ones left out, and
 * those past a sentence's kept text, STORE_EVIDENCE_TEXT_MAX, dropped).
 * Evidence stored before mentions existed has no "mentions" member. */
struct store_rec_evidence {
    struct store_rec_span sentence;
    struct store_rec_span role[2];
    const char *rule; /* the rule or method that found it; never NULL */
};

struct store_rec_entity {
    const char *id;   /* a record id (keys_valid_id) */
    const char *name; /* display name */
    const char *type; /* km_type_names */
    char country[3];  /* ISO 3166-1 alpha-2 or "" when unknown */
    const char *const *aliases;
    size_t n_aliases;
    uint32_t mentions; /* times seen in this article */
};

struct store_rec_fact {
    size_t subject;     /* index into store_record.entities */
    const char *pred;   /* km_pred_names */
    size_t object;      /* index into entities, or STORE_REC_NONE for literal facts */
    const char *value;  /* literal object ("7nm") when object == STORE_REC_NONE */
    double confidence;  /* [0, 1] */
    const char *status; /* km_status_names */
    struct store_rec_evidence ev;
};

struct store_rec_sanction {
    size_t imposer, target; /* indexes into store_record.entities */
    const char *measure;    /* km_measure_names */
    const char *const *items;
    size_t n_items;
    char date[11]; /* "YYYY", "YYYY-MM" or "YYYY-MM-DD"; "" when not stated */
    double confidence;
    const char *status; /* km_status_names */
    struct store_rec_evidence ev;
};

struct store_record {
    const char *title; /* NULL or the text's own title (used when the article has none) */
    char date[11];     /* the date the text states, or "" */
    const struct store_rec_entity *entities;
    size_t n_entities;
    const struct store_rec_fact *facts;
    size_t n_facts;
    const struct store_rec_sanction *sanctions;
    size_t n_sanctions;
};

/* Stores one article and everything extracted from it in ONE write
 * transaction: all of it lands or none. The same text again is a no-op
 * (info->duplicate), except that a URL not yet recorded for it is added to
 * its "urls" (the same text under two URLs is stored once, with both URLs).
 * An existing id with other text is STORE_E_CONFLICT. Facts
 * and sanctions already known from other articles gain an evidence and a
 * mention; entities merge by id (aliases unioned, mentions added). */
enum store_err store_ingest(struct store *s, const struct store_article *a,
                            const struct store_record *r, struct store_ingest_info *info) ECF_WUR;

/* ---- fetch state ---------------------------------------------------------- */

/* HTTP validators remembered per URL for conditional GETs. store_http_get
 * fills etag[256] and last_modified[64] ("" for absent) or returns
 * STORE_E_NOTFOUND; store_http_put replaces them (one small write txn). */
enum store_err store_http_get(struct store *s, const char *url, char etag[256],
                              char last_modified[64]) ECF_WUR;
enum store_err store_http_put(struct store *s, const char *url, const char *etag,
                              const char *last_modified) ECF_WUR;

/* The outcome of the last fetch of one source (feed or URL). */
struct store_source {
    const char *url;
    bool is_feed;
    const char *last_fetch; /* "YYYY-MM-DDTHH:MM:SSZ" */
    unsigned http_status;   /* 0: no response */
    const char *etag;       /* "" or NULL when none */
    const char *error;      /* "" or NULL on success */
    const char *note;       /* "" or NULL, else a page stored with a caveat */
    bool not_modified;
    unsigned found, stored, duplicates, unchanged, failed;
    double seconds;
};
/* Records src as the source's latest state (docs/API.md "Source"). */
enum store_err store_source_put(struct store *s, const struct store_source *src) ECF_WUR;

/* ---- read side: one short read transaction per request ------------------ */

/* Begins a read transaction in *t (the caller's). On failure *t is left not
 * begun, so store_read_end(t) is always safe after a begin. */
enum store_err store_read_begin(struct store *s, struct store_txn *t) ECF_WUR;
/* The id of the write transaction whose snapshot t reads. It may be below
 * store_last_txn() even for a transaction begun after that call: LMDB
 * publishes a commit's meta page before the reader table's txn id, so cache
 * answers under this id, never under store_last_txn's. */
uint64_t store_txn_id(const struct store_txn *t);
/* Ends t; a no-op on a not begun (STORE_TXN_INIT, failed begin) or ended t. */
void store_read_end(struct store_txn *t);

/* Paged lists. cursor is NULL for the first page or a value previously
 * returned in *next (opaque base64url); limit is 1..STORE_MAX_LIMIT. On
 * success a JSON array is appended to items and *next is a malloc'd cursor or
 * NULL when this is the last page. A cursor that is malformed or was issued
 * for another list or filter is STORE_E_CURSOR.
 * Filter strings that are NULL do not filter. Every filter is served by an
 * index (never a full scan of the records). */
struct store_page {
    const char *cursor;
    size_t limit;
};

struct store_entity_filter {
    const char *type;    /* a knowledge-model type name */
    const char *country; /* ISO alpha-2 */
    const char *prefix;  /* name or alias prefix, matched on ecf_name_key() */
};
enum store_err store_entities_list(struct store_txn *t, const struct store_entity_filter *f,
                                   const struct store_page *pg, struct jbuf *items,
                                   char **next) ECF_WUR;

/* The entity record (docs/API.md "Entity"). */
enum store_err store_entity_get(struct store_txn *t, const char *id, struct jbuf *out) ECF_WUR;

/* The entity record plus "facts_out", "facts_in", "sanctions" (as imposer or
 * target) and "sources" (ArticleRef) — docs/API.md "EntityDetail". */
enum store_err store_entity_detail(struct store_txn *t, const char *id, struct jbuf *out) ECF_WUR;

struct store_sanction_filter {
    const char *imposer; /* entity id */
    const char *target;  /* entity id */
    const char *measure; /* measure name */
    const char *since;   /* "YYYY[-MM[-DD]]": sanctions dated on/after; undated ones excluded */
    const char *until;   /* on/before (a partial date compares by its prefix) */
};
enum store_err store_sanctions_list(struct store_txn *t, const struct store_sanction_filter *f,
                                    const struct store_page *pg, struct jbuf *items,
                                    char **next) ECF_WUR;
enum store_err store_sanction_get(struct store_txn *t, const char *id, struct jbuf *out) ECF_WUR;

struct store_fact_filter {
    const char *subject;   /* entity id */
    const char *predicate; /* predicate name */
    const char *object;    /* entity id */
};
enum store_err store_facts_list(struct store_txn *t, const struct store_fact_filter *f,
                                const struct store_page *pg, struct jbuf *items,
                                char **next) ECF_WUR;
enum store_err store_fact_get(struct store_txn *t, const char *id, struct jbuf *out) ECF_WUR;

/* Sources, ordered by URL; same paging contract as the other lists. */
enum store_err store_sources_list(struct store_txn *t, const struct store_page *pg,
                                  struct jbuf *items, char **next) ECF_WUR;

enum store_err store_articles_list(struct store_txn *t, const struct store_page *pg,
                                   struct jbuf *items, char **next) ECF_WUR;
/* The article record alone (docs/API.md "Article", as in the list). */
enum store_err store_article_summary(struct store_txn *t, const char *id, struct jbuf *out) ECF_WUR;
/* Article metadata plus "text", "entities" (EntityRef), "facts", "sanctions". */
enum store_err store_article_get(struct store_txn *t, const char *id, struct jbuf *out) ECF_WUR;

/* The lineage graph around chip id up to depth (1..5) — docs/API.md "Lineage".
 * STORE_E_NOTFOUND when id is not an entity; STORE_E_KIND when it is not a chip. */
enum store_err store_chip_lineage(struct store_txn *t, const char *id, unsigned depth,
                                  struct jbuf *out) ECF_WUR;

/* Typo-tolerant ranked search over names and aliases ("Huawie" finds Huawei):
 * a JSON array of SearchHit, best first, at most limit. Served by a trigram
 * index, not a scan. q shorter than 2 characters (or not UTF-8) is STORE_E_QUERY. */
enum store_err store_search(struct store_txn *t, const char *q, size_t limit,
                            struct jbuf *out) ECF_WUR;

struct store_stats {
    uint64_t articles, entities, facts, sanctions;
    uint64_t map_size;   /* configured map bytes */
    uint64_t used_bytes; /* pages in use * page size */
    uint64_t last_txn;   /* LMDB transaction id: changes on every write */
    unsigned schema_version;
};
enum store_err store_stats(struct store_txn *t, struct store_stats *out) ECF_WUR;

/* Writes every article, entity, fact, sanction and source as JSONL, one
 * {"kind":"article"|"entity"|"fact"|"sanction"|"source","data":{...}} per
 * line, in that order, from one read snapshot. Returns STORE_E_IO when a write fails. */
enum store_err store_export(struct store *s, int fd) ECF_WUR;

#endif
