/* store/export.c — whole-store views: the counters of store_stats (O(1):
 * LMDB keeps entry counts per database) and the JSONL export from one read
 * snapshot, {"kind":"article"|"entity"|"fact"|"sanction"|"source","data":{...}}
 * per line. Exported articles carry their "text" so an export is a complete
 * copy (http_cache, a fetch-time cache, is not exported). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store_int.h"

enum store_err store_stats(struct store_txn *t, struct store_stats *out)
{
    static const enum store_db counted[4] = {DB_ARTICLES, DB_ENTITIES, DB_FACTS, DB_SANCTIONS};
    uint64_t n[4];
    memset(out, 0, sizeof *out);
    for (int i = 0; i < 4; i++) {
        MDB_stat st;
        int rc = mdb_stat(t->txn, t->s->dbi[counted[i]], &st);
        if (rc != MDB_SUCCESS)
            return store_err_mdb(rc);
        n[i] = st.ms_entries;
    }
    MDB_envinfo info;
    MDB_stat est;
    int rc = mdb_env_info(t->s->env, &info);
    if (rc == MDB_SUCCESS)
        rc = mdb_env_stat(t->s->env, &est);
    if (rc != MDB_SUCCESS)
        return store_err_mdb(rc);
    out->articles = n[0];
    out->entities = n[1];
    out->facts = n[2];
    out->sanctions = n[3];
    out->map_size = info.me_mapsize;
    out->used_bytes = ((uint64_t)info.me_last_pgno + 1) * est.ms_psize;
    out->last_txn = mdb_txn_id(t->txn);
    out->schema_version = STORE_SCHEMA_VERSION;
    return STORE_OK;
}

static enum store_err write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return STORE_E_IO;
        p += w;
        n -= (size_t)w;
    }
    return STORE_OK;
}

static enum store_err write_line(int fd, const char *kind, json_t *data)
{
    json_t *line = json_pack("{s:s,s:O}", "kind", kind, "data", data);
    if (!line)
        return STORE_E_NOMEM;
    char *s = json_dumps(line, STORE_JSON_FLAGS);
    json_decref(line);
    if (!s)
        return STORE_E_NOMEM;
    size_t n = strlen(s);
    enum store_err err = write_all(fd, s, n);
    if (err == STORE_OK)
        err = write_all(fd, "\n", 1);
    free(s);
    return err;
}

static enum store_err with_text(MDB_txn *txn, const struct store *s, const MDB_val *k, json_t *rec)
{
    MDB_val v;
    MDB_val key = *k;
    int rc = mdb_get(txn, s->dbi[DB_ARTICLE_TEXT], &key, &v);
    if (rc != MDB_SUCCESS)
        return rc == MDB_NOTFOUND ? STORE_E_CORRUPT : store_err_mdb(rc);
    json_t *text = json_stringn(v.mv_data, v.mv_size);
    if (!text)
        return STORE_E_CORRUPT;
    return json_object_set_new(rec, "text", text) == 0 ? STORE_OK : STORE_E_NOMEM;
}

static enum store_err export_db(MDB_txn *txn, const struct store *s, enum store_db db,
                                const char *kind, int fd)
{
    MDB_cursor *c = NULL;
    MDB_val k, v;
    enum store_err err = STORE_OK;
    int rc = mdb_cursor_open(txn, s->dbi[db], &c);
    if (rc != MDB_SUCCESS)
        return store_err_mdb(rc);
    for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == MDB_SUCCESS && err == STORE_OK;
         rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
        json_t *rec = NULL;
        err = rec_parse(&v, &rec);
        if (err == STORE_OK && db == DB_ARTICLES)
            err = article_norm(&rec);
        if (err == STORE_OK && db == DB_ARTICLES)
            err = with_text(txn, s, &k, rec);
        if (err == STORE_OK)
            err = write_line(fd, kind, rec);
        json_decref(rec);
    }
    mdb_cursor_close(c);
    if (err == STORE_OK && rc != MDB_NOTFOUND && rc != MDB_SUCCESS)
        err = store_err_mdb(rc);
    return err;
}

enum store_err store_export(struct store *s, int fd)
{
    static const struct {
        enum store_db db;
        const char *kind;
    } order[] = {{DB_ARTICLES, "article"},
                 {DB_ENTITIES, "entity"},
                 {DB_FACTS, "fact"},
                 {DB_SANCTIONS, "sanction"},
                 {DB_SOURCES, "source"}};
    struct store_txn t;
    enum store_err err = store_read_begin(s, &t);
    for (size_t i = 0; err == STORE_OK && i < sizeof order / sizeof *order; i++)
        if (store_has_db(s, order[i].db)) /* sources: absent in an older store */
            err = export_db(t.txn, s, order[i].db, order[i].kind, fd);
    store_read_end(&t);
    return err;
}
