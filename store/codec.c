/* store/codec.c — records are compact JSON in the API's key order
 * (docs/API.md), so a read splices their bytes into the answer (rec_append)
 * and parses one only to look inside (rec_get); and checks of the knowledge
 * model's names (../shared/spec/knowledge-model.md), whose tables are
 * common/kmodel.h's: the store does not know the extractor. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/kmodel.h"
#include "store/store_int.h"

enum store_err rec_parse(const MDB_val *v, json_t **out)
{
    *out = json_loadb(v->mv_data, v->mv_size, 0, NULL);
    return *out ? STORE_OK : STORE_E_CORRUPT;
}

enum store_err rec_get(MDB_txn *txn, MDB_dbi dbi, const char *id, json_t **out)
{
    *out = NULL;
    MDB_val k = store_val(id, strlen(id)), v;
    int rc = mdb_get(txn, dbi, &k, &v);
    if (rc != MDB_SUCCESS)
        return store_err_mdb(rc);
    return rec_parse(&v, out);
}

enum store_err rec_raw(MDB_txn *txn, MDB_dbi dbi, const char *id, size_t n, MDB_val *v)
{
    MDB_val k = store_val(id, n);
    int rc = mdb_get(txn, dbi, &k, v);
    if (rc != MDB_SUCCESS)
        return store_err_mdb(rc);
    return jraw_is_object(v->mv_data, v->mv_size) ? STORE_OK : STORE_E_CORRUPT;
}

enum store_err rec_end(struct jbuf *out, size_t start, enum store_err err)
{
    if (err == STORE_OK && out->failed)
        err = STORE_E_NOMEM;
    if (err != STORE_OK && !out->failed)
        jbuf_truncate(out, start);
    return err;
}

enum store_err rec_append(MDB_txn *txn, MDB_dbi dbi, const char *id, size_t n, struct jbuf *out)
{
    MDB_val v;
    enum store_err err = rec_raw(txn, dbi, id, n, &v);
    if (err == STORE_OK)
        jbuf_put(out, v.mv_data, v.mv_size);
    return err == STORE_OK && out->failed ? STORE_E_NOMEM : err;
}

enum store_err rec_dump(const json_t *v, struct jbuf *out)
{
    size_t n = json_dumpb(v, NULL, 0, STORE_JSON_FLAGS);
    if (n == 0 || !jbuf_reserve(out, n))
        return STORE_E_NOMEM;
    if (json_dumpb(v, out->p + out->len, n, STORE_JSON_FLAGS) != n)
        return STORE_E_NOMEM;
    out->len += n;
    out->p[out->len] = '\0';
    return STORE_OK;
}

void rec_put_ref(struct jbuf *out, const char *rec, size_t n, const char *const *fields)
{
    enum { MAX_FIELDS = 8 };
    const char *v[MAX_FIELDS];
    size_t vn[MAX_FIELDS], nf = 0;
    while (fields[nf] && nf < MAX_FIELDS)
        nf++;
    if (!jraw_members(rec, n, fields, nf, v, vn))
        memset(vn, 0, sizeof vn); /* malformed: every member null */
    /* (at most MAX_FIELDS: refs name two or three) */
    jbuf_putc(out, '{');
    for (size_t i = 0; i < nf; i++) {
        if (i)
            jbuf_putc(out, ',');
        jbuf_put_jstr(out, fields[i], strlen(fields[i]));
        jbuf_putc(out, ':');
        if (vn[i])
            jbuf_put(out, v[i], vn[i]);
        else
            jbuf_puts(out, "null");
    }
    jbuf_putc(out, '}');
}

void rec_put(struct stxn *w, enum store_db db, const char *id, const json_t *rec)
{
    if (w->err != STORE_OK)
        return;
    size_t n = json_dumpb(rec, NULL, 0, STORE_JSON_FLAGS);
    char *buf = n ? malloc(n) : NULL;
    if (!buf) {
        stxn_fail(w, STORE_E_NOMEM);
        return;
    }
    if (json_dumpb(rec, buf, n, STORE_JSON_FLAGS) != n) {
        free(buf);
        stxn_fail(w, STORE_E_NOMEM);
        return;
    }
    struct keybuf k;
    keys_init(&k);
    keys_put_last(&k, id);
    stxn_put(w, db, &k, buf, n, 0);
    free(buf);
}

json_t *rec_entity_ref(const json_t *ent)
{
    return json_pack("{s:O,s:O,s:O}", "id", json_object_get(ent, "id"), "name",
                     json_object_get(ent, "name"), "type", json_object_get(ent, "type"));
}

/* Four decimals: stored numbers print short and compare stably. */
double rec_round(double x)
{
    return round(x * 10000.0) / 10000.0;
}

const char *rec_str(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* ---- vocabulary: the knowledge model's names (common/kmodel.h) ---- */

bool vocab_is_type(const char *s)
{
    return km_find(km_type_names, KM_N_TYPES, s) >= 0;
}

bool vocab_is_pred(const char *s)
{
    return km_find(km_pred_names, KM_N_PREDS, s) >= 0;
}

bool vocab_is_measure(const char *s)
{
    return km_find(km_measure_names, KM_N_MEASURES, s) >= 0;
}

bool vocab_is_status(const char *s)
{
    return km_find(km_status_names, KM_N_STATUSES, s) >= 0;
}

/* "denied" iff every evidence is denied, else "asserted" iff any is asserted,
 * else "hedged": each combined status plus one more evidence determines the
 * next, so per-evidence statuses need not be stored. add is a valid status
 * (vocab_is_status). */
const char *vocab_status_merge(const char *cur, const char *add)
{
    if (!cur)
        return add;
    if (strcmp(cur, "asserted") == 0 || strcmp(add, "asserted") == 0)
        return "asserted";
    if (strcmp(cur, "denied") == 0 && strcmp(add, "denied") == 0)
        return "denied";
    return "hedged";
}
