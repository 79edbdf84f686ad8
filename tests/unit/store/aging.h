/* tests/unit/store/aging.h — makes a closed store look like one an earlier
 * version wrote (raw LMDB), for the tests that such stores still read.
 * Test-only. */
#ifndef ECF_TESTS_STORE_AGING_H
#define ECF_TESTS_STORE_AGING_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <lmdb.h>

/* Empties the databases named in drop (NULL-terminated, may be NULL) and
 * rewrites article id without the members named in del (NULL-terminated).
 * Returns 0 or an LMDB/errno code. */
static int fx_age_store(const char *dir, const char *id, const char *const *drop,
                        const char *const *del)
{
    MDB_env *env = NULL;
    MDB_txn *txn = NULL;
    MDB_dbi dbi;
    MDB_val k = {strlen(id), (void *)id}, v;
    json_t *rec = NULL;
    char *buf = NULL;
    int rc = mdb_env_create(&env);
    mdb_env_set_maxdbs(env, 64);
    rc = rc ? rc : mdb_env_open(env, dir, 0, 0644);
    rc = rc ? rc : mdb_txn_begin(env, NULL, 0, &txn);
    for (size_t i = 0; drop && drop[i]; i++) {
        rc = rc ? rc : mdb_dbi_open(txn, drop[i], 0, &dbi);
        rc = rc ? rc : mdb_drop(txn, dbi, 1);
    }
    rc = rc ? rc : mdb_dbi_open(txn, "articles", 0, &dbi);
    rc = rc ? rc : mdb_get(txn, dbi, &k, &v);
    if (rc == 0) {
        rec = json_loadb(v.mv_data, v.mv_size, 0, NULL);
        for (size_t i = 0; del[i]; i++)
            json_object_del(rec, del[i]);
        buf = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER);
        v.mv_data = buf;
        v.mv_size = buf ? strlen(buf) : 0;
        rc = buf ? mdb_put(txn, dbi, &k, &v, 0) : ENOMEM;
    }
    rc = rc ? rc : mdb_txn_commit(txn);
    if (rc && txn)
        mdb_txn_abort(txn);
    mdb_env_close(env);
    free(buf);
    json_decref(rec);
    return rc;
}

#endif
