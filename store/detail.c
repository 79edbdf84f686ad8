/* store/detail.c — single records and their detail views (EntityDetail,
 * ArticleDetail): the record plus lists read from the per-id indexes. */
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

static enum store_err get_by_id(struct store_txn *t, enum store_db db, const char *id,
                                struct jbuf *out)
{
    if (!keys_valid_id(id))
        return STORE_E_INVALID;
    return rec_append(t->txn, t->s->dbi[db], id, strlen(id), out);
}

enum store_err store_entity_get(struct store_txn *t, const char *id, struct jbuf *out)
{
    return get_by_id(t, DB_ENTITIES, id, out);
}

enum store_err store_fact_get(struct store_txn *t, const char *id, struct jbuf *out)
{
    return get_by_id(t, DB_FACTS, id, out);
}

enum store_err store_sanction_get(struct store_txn *t, const char *id, struct jbuf *out)
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
                                struct jbuf *items, enum walk_verdict *verdict)
{
    (void)v;
    struct ref_ctx *c = ctx;
    struct keys_part id = keys_last(k->mv_data, k->mv_size);
    *verdict = WALK_TAKE;
    if (!items)
        return STORE_OK;
    if (id.n == 0 || id.n >= STORE_ID_MAX)
        return STORE_E_CORRUPT;
    MDB_val rec;
    enum store_err err = rec_raw(txn, c->e.s->dbi[c->e.primary], id.p, id.n, &rec);
    if (err == STORE_OK)
        rec_put_ref(items, rec.mv_data, rec.mv_size, c->fields);
    return err == STORE_E_NOTFOUND ? STORE_E_CORRUPT : err;
}

static enum store_err collect_refs(struct store_txn *t, enum store_db index, enum store_db primary,
                                   const char *id, const char *const *fields, struct jbuf *out)
{
    struct keybuf pre;
    struct ref_ctx c = {{t->s, primary}, fields};
    keys_init(&pre);
    keys_put_str(&pre, id);
    struct walk w = {index, 0, pre.b, pre.len, NULL, 0, ref_visit, &c};
    struct store_page pg = {NULL, STORE_DETAIL_CAP};
    char *next = NULL;
    enum store_err err = walk_page(t, &w, &pg, out, &next);
    free(next);
    return err;
}

static enum store_err collect(struct store_txn *t, enum store_db index, enum store_db primary,
                              const char *id, struct jbuf *out)
{
    struct keybuf pre;
    keys_init(&pre);
    keys_put_str(&pre, id);
    return walk_collect(t, index, primary, &pre, STORE_DETAIL_CAP, out);
}

/* The next id under pre in the index c walks (the last key component), or
 * an empty part at the end. */
static int next_id(MDB_cursor *c, const struct keybuf *pre, MDB_cursor_op op, struct keys_part *id)
{
    MDB_val k = store_kval(pre), v;
    int rc = mdb_cursor_get(c, &k, &v, op);
    *id = (struct keys_part){NULL, 0};
    if (rc == MDB_SUCCESS && keys_has_prefix(k.mv_data, k.mv_size, pre->b, pre->len))
        *id = keys_last(k.mv_data, k.mv_size);
    return rc == MDB_NOTFOUND ? MDB_SUCCESS : rc;
}

static int id_cmp(struct keys_part a, struct keys_part b)
{
    size_t n = a.n < b.n ? a.n : b.n;
    int c = memcmp(a.p, b.p, n);
    return c ? c : (a.n > b.n) - (a.n < b.n);
}

/* Appends the array of the records two indexes list under id, merged in id
 * order without duplicates, at most cap: the sanctions an entity imposes or
 * is targeted by. */
static enum store_err collect_either(struct store_txn *t, enum store_db ia, enum store_db ib,
                                     enum store_db primary, const char *id, size_t cap,
                                     struct jbuf *out)
{
    struct keybuf pre;
    MDB_cursor *ca = NULL, *cb = NULL;
    struct keys_part a, b;
    size_t n = 0, start = out->len;
    enum store_err err = STORE_OK;
    keys_init(&pre);
    keys_put_str(&pre, id);
    int rc = mdb_cursor_open(t->txn, t->s->dbi[ia], &ca);
    if (rc == MDB_SUCCESS)
        rc = mdb_cursor_open(t->txn, t->s->dbi[ib], &cb);
    if (rc == MDB_SUCCESS)
        rc = next_id(ca, &pre, MDB_SET_RANGE, &a);
    if (rc == MDB_SUCCESS)
        rc = next_id(cb, &pre, MDB_SET_RANGE, &b);
    jbuf_putc(out, '[');
    while (rc == MDB_SUCCESS && err == STORE_OK && n < cap && (a.n || b.n)) {
        int c = !a.n ? 1 : !b.n ? -1 : id_cmp(a, b);
        struct keys_part pick = c <= 0 ? a : b;
        if (n++)
            jbuf_putc(out, ',');
        err = rec_append(t->txn, t->s->dbi[primary], pick.p, pick.n, out);
        if (err == STORE_E_NOTFOUND)
            err = STORE_E_CORRUPT; /* an index entry without its record */
        if (err == STORE_OK && c <= 0)
            rc = next_id(ca, &pre, MDB_NEXT, &a);
        if (err == STORE_OK && rc == MDB_SUCCESS && c >= 0)
            rc = next_id(cb, &pre, MDB_NEXT, &b);
    }
    jbuf_putc(out, ']');
    if (err == STORE_OK && rc != MDB_SUCCESS)
        err = store_err_mdb(rc);
    if (ca)
        mdb_cursor_close(ca);
    if (cb)
        mdb_cursor_close(cb);
    return rec_end(out, start, err);
}

static const char *const entity_ref_fields[] = {"id", "name", "type", NULL};
static const char *const article_ref_fields[] = {"id", "title", NULL};

/* Opens an object by writing the record id of db without its closing brace,
 * so members can follow. */
static enum store_err open_record(struct store_txn *t, enum store_db db, const char *id,
                                  struct jbuf *out)
{
    size_t start = out->len;
    enum store_err err = get_by_id(t, db, id, out);
    if (err == STORE_OK && out->len - start < 3)
        err = STORE_E_CORRUPT; /* "{}": no member to follow */
    if (err == STORE_OK)
        jbuf_truncate(out, out->len - 1); /* rec_append checked it ends in '}' */
    return rec_end(out, start, err);
}

enum store_err store_entity_detail(struct store_txn *t, const char *id, struct jbuf *out)
{
    size_t start = out->len;
    enum store_err err = open_record(t, DB_ENTITIES, id, out);
    if (err != STORE_OK)
        return err;
    jbuf_puts(out, ",\"facts_out\":");
    err = collect(t, DB_FACT_SUBJ, DB_FACTS, id, out);
    if (err == STORE_OK) {
        jbuf_puts(out, ",\"facts_in\":");
        err = collect(t, DB_FACT_OBJ, DB_FACTS, id, out);
    }
    if (err == STORE_OK) {
        jbuf_puts(out, ",\"sanctions\":");
        err = collect_either(t, DB_SANC_IMPOSER, DB_SANC_TARGET, DB_SANCTIONS, id, STORE_DETAIL_CAP,
                             out);
    }
    if (err == STORE_OK) {
        jbuf_puts(out, ",\"sources\":");
        err = collect_refs(t, DB_ENT_ARTICLES, DB_ARTICLES, id, article_ref_fields, out);
    }
    jbuf_putc(out, '}');
    return rec_end(out, start, err);
}

/* The article record in the API's "Article" shape. Articles may predate
 * the current shape: normalised (a parse, not the hot path). */
static enum store_err article_record(struct store_txn *t, MDB_val k, struct jbuf *out)
{
    json_t *rec = NULL;
    MDB_val v;
    int rc = mdb_get(t->txn, t->s->dbi[DB_ARTICLES], &k, &v);
    if (rc != MDB_SUCCESS)
        return store_err_mdb(rc);
    enum store_err err = rec_parse(&v, &rec);
    if (err == STORE_OK)
        err = article_norm(&rec);
    if (err == STORE_OK)
        err = rec_dump(rec, out);
    json_decref(rec);
    return err;
}

enum store_err store_article_summary(struct store_txn *t, const char *id, struct jbuf *out)
{
    size_t start = out->len;
    if (!keys_valid_id(id))
        return STORE_E_INVALID;
    return rec_end(out, start, article_record(t, store_val(id, strlen(id)), out));
}

enum store_err store_article_get(struct store_txn *t, const char *id, struct jbuf *out)
{
    MDB_val k, v;
    size_t start = out->len;
    if (!keys_valid_id(id))
        return STORE_E_INVALID;
    k = store_val(id, strlen(id));
    /* The record, then the lists spliced in before its closing brace. */
    enum store_err err = article_record(t, k, out);
    int rc;
    if (err != STORE_OK)
        goto out;
    jbuf_truncate(out, out->len - 1); /* the record's closing brace */
    rc = mdb_get(t->txn, t->s->dbi[DB_ARTICLE_TEXT], &k, &v);
    if (rc != MDB_SUCCESS) {
        err = rc == MDB_NOTFOUND ? STORE_E_CORRUPT : store_err_mdb(rc);
        goto out;
    }
    jbuf_puts(out, ",\"text\":");
    jbuf_put_jstr(out, v.mv_data, v.mv_size);
    jbuf_puts(out, ",\"entities\":");
    err = collect_refs(t, DB_ART_ENTITIES, DB_ENTITIES, id, entity_ref_fields, out);
    if (err == STORE_OK) {
        jbuf_puts(out, ",\"facts\":");
        err = collect(t, DB_ART_FACTS, DB_FACTS, id, out);
    }
    if (err == STORE_OK) {
        jbuf_puts(out, ",\"sanctions\":");
        err = collect(t, DB_ART_SANCTIONS, DB_SANCTIONS, id, out);
    }
    jbuf_putc(out, '}');
out:
    return rec_end(out, start, err);
}
