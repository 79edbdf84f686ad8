/* store/detail.c — single records and their detail views (EntityDetail,
 * ArticleDetail): the record plus lists read from the per-id indexes. */
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

#define DETAIL_CAP STORE_MAX_LIMIT /* each list of a detail view */

static enum store_err get_by_id(struct store_txn *t, enum store_db db, const char *id, json_t **out)
{
    *out = NULL;
    if (!keys_valid_id(id))
        return STORE_E_INVALID;
    return rec_get(t->txn, t->s->dbi[db], id, out);
}

enum store_err store_entity_get(struct store_txn *t, const char *id, json_t **out)
{
    return get_by_id(t, DB_ENTITIES, id, out);
}

enum store_err store_fact_get(struct store_txn *t, const char *id, json_t **out)
{
    return get_by_id(t, DB_FACTS, id, out);
}

enum store_err store_sanction_get(struct store_txn *t, const char *id, json_t **out)
{
    return get_by_id(t, DB_SANCTIONS, id, out);
}

/* References (a few fields of each record, in order) for the ids an index
 * lists under a prefix: EntityRef, ArticleRef. */
struct ref_ctx {
    struct emit_ctx e;
    const char *const *fields;
};

static enum store_err ref_visit(void *ctx, MDB_txn *txn, const MDB_val *k, const MDB_val *v,
                                json_t *items, enum walk_verdict *verdict)
{
    (void)v;
    struct ref_ctx *c = ctx;
    struct keys_part id = keys_last(k->mv_data, k->mv_size);
    char buf[STORE_ID_MAX];
    json_t *rec = NULL, *ref = NULL;
    *verdict = WALK_TAKE;
    if (!items)
        return STORE_OK;
    if (id.n == 0 || id.n >= sizeof buf)
        return STORE_E_CORRUPT;
    memcpy(buf, id.p, id.n);
    buf[id.n] = '\0';
    enum store_err err = rec_get(txn, c->e.s->dbi[c->e.primary], buf, &rec);
    if (err != STORE_OK)
        return err == STORE_E_NOTFOUND ? STORE_E_CORRUPT : err;
    ref = json_object();
    for (const char *const *f = c->fields; ref && *f; f++)
        if (json_object_set(ref, *f,
                            json_object_get(rec, *f) ? json_object_get(rec, *f) : json_null()) != 0)
            err = STORE_E_NOMEM;
    if (!ref || json_array_append_new(items, ref) != 0)
        err = STORE_E_NOMEM;
    json_decref(rec);
    return err;
}

static enum store_err collect_refs(struct store_txn *t, enum store_db index, enum store_db primary,
                                   const char *id, const char *const *fields, json_t **out)
{
    struct keybuf pre;
    struct ref_ctx c = {{t->s, primary}, fields};
    keys_init(&pre);
    keys_put_str(&pre, id);
    struct walk w = {index, 0, pre.b, pre.len, NULL, 0, ref_visit, &c};
    struct store_page pg = {NULL, DETAIL_CAP};
    char *next = NULL;
    enum store_err err = walk_page(t, &w, &pg, out, &next);
    free(next);
    return err;
}

static enum store_err collect(struct store_txn *t, enum store_db index, enum store_db primary,
                              const char *id, json_t **out)
{
    struct keybuf pre;
    keys_init(&pre);
    keys_put_str(&pre, id);
    return walk_collect(t, index, primary, &pre, DETAIL_CAP, out);
}

/* Merges two id-ordered record arrays into one without duplicates, capped.
 * Returns a new array or NULL on ENOMEM. */
static json_t *merge_by_id(const json_t *a, const json_t *b, size_t cap)
{
    json_t *out = json_array();
    size_t i = 0, j = 0, na = json_array_size(a), nb = json_array_size(b);
    while (out && json_array_size(out) < cap && (i < na || j < nb)) {
        json_t *x = i < na ? json_array_get(a, i) : NULL;
        json_t *y = j < nb ? json_array_get(b, j) : NULL;
        int c = !x   ? 1
                : !y ? -1
                     : strcmp(rec_str(x, "id") ? rec_str(x, "id") : "",
                              rec_str(y, "id") ? rec_str(y, "id") : "");
        json_t *pick = c <= 0 ? x : y;
        i += c <= 0;
        j += c >= 0;
        if (json_array_append(out, pick) != 0) {
            json_decref(out);
            return NULL;
        }
    }
    return out;
}

static const char *const entity_ref_fields[] = {"id", "name", "type", NULL};
static const char *const article_ref_fields[] = {"id", "title", NULL};

enum store_err store_entity_detail(struct store_txn *t, const char *id, json_t **out)
{
    json_t *rec = NULL, *fout = NULL, *fin = NULL, *as_imp = NULL, *as_tgt = NULL, *sanc = NULL,
           *src = NULL;
    enum store_err err = get_by_id(t, DB_ENTITIES, id, &rec);
    if (err == STORE_OK)
        err = collect(t, DB_FACT_SUBJ, DB_FACTS, id, &fout);
    if (err == STORE_OK)
        err = collect(t, DB_FACT_OBJ, DB_FACTS, id, &fin);
    if (err == STORE_OK)
        err = collect(t, DB_SANC_IMPOSER, DB_SANCTIONS, id, &as_imp);
    if (err == STORE_OK)
        err = collect(t, DB_SANC_TARGET, DB_SANCTIONS, id, &as_tgt);
    if (err == STORE_OK)
        err = collect_refs(t, DB_ENT_ARTICLES, DB_ARTICLES, id, article_ref_fields, &src);
    if (err != STORE_OK)
        goto out;
    sanc = merge_by_id(as_imp, as_tgt, DETAIL_CAP);
    if (!sanc) {
        err = STORE_E_NOMEM;
        goto out;
    }
    int bad = json_object_set_new(rec, "facts_out", fout);
    bad |= json_object_set_new(rec, "facts_in", fin);
    bad |= json_object_set_new(rec, "sanctions", sanc);
    bad |= json_object_set_new(rec, "sources", src);
    fout = fin = sanc = src = NULL; /* stolen, even on error */
    if (bad) {
        err = STORE_E_NOMEM;
        goto out;
    }
    *out = rec;
    rec = NULL;
out:
    json_decref(rec);
    json_decref(fout);
    json_decref(fin);
    json_decref(as_imp);
    json_decref(as_tgt);
    json_decref(sanc);
    json_decref(src);
    return err;
}

enum store_err store_article_get(struct store_txn *t, const char *id, json_t **out)
{
    json_t *rec = NULL, *text = NULL, *ents = NULL, *facts = NULL, *sanc = NULL;
    MDB_val k, v;
    enum store_err err = get_by_id(t, DB_ARTICLES, id, &rec);
    if (err == STORE_OK)
        err = article_norm(&rec);
    if (err != STORE_OK)
        goto out;
    k = store_val(id, strlen(id));
    int rc = mdb_get(t->txn, t->s->dbi[DB_ARTICLE_TEXT], &k, &v);
    if (rc != MDB_SUCCESS) {
        err = rc == MDB_NOTFOUND ? STORE_E_CORRUPT : store_err_mdb(rc);
        goto out;
    }
    text = json_stringn(v.mv_data, v.mv_size);
    if (!text) {
        err = STORE_E_CORRUPT;
        goto out;
    }
    err = collect_refs(t, DB_ART_ENTITIES, DB_ENTITIES, id, entity_ref_fields, &ents);
    if (err == STORE_OK)
        err = collect(t, DB_ART_FACTS, DB_FACTS, id, &facts);
    if (err == STORE_OK)
        err = collect(t, DB_ART_SANCTIONS, DB_SANCTIONS, id, &sanc);
    if (err != STORE_OK)
        goto out;
    int bad = json_object_set_new(rec, "text", text);
    bad |= json_object_set_new(rec, "entities", ents);
    bad |= json_object_set_new(rec, "facts", facts);
    bad |= json_object_set_new(rec, "sanctions", sanc);
    text = ents = facts = sanc = NULL; /* stolen */
    if (bad) {
        err = STORE_E_NOMEM;
        goto out;
    }
    *out = rec;
    rec = NULL;
out:
    json_decref(rec);
    json_decref(text);
    json_decref(ents);
    json_decref(facts);
    json_decref(sanc);
    return err;
}
