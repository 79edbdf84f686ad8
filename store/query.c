/* store/query.c — the paged lists with their filters. Each filter
 * combination walks its most selective index and checks the other filters
 * against the index value (or another index), never scanning the records.
 * A page is a walk over one index: seek, visit keys under a prefix, stop
 * after limit items and hand back the last key as an opaque cursor. */
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

/* ---- paged walks ---- */

/* Positions c at the first key to visit: after the cursor key, else at
 * w->from (or the prefix). */
static int walk_seek(MDB_cursor *c, const struct walk *w, const unsigned char *ck, size_t clen,
                     MDB_val *k, MDB_val *v)
{
    if (ck) {
        *k = store_val(ck, clen);
        int rc = mdb_cursor_get(c, k, v, MDB_SET_RANGE);
        if (rc == MDB_SUCCESS && k->mv_size == clen && memcmp(k->mv_data, ck, clen) == 0)
            rc = mdb_cursor_get(c, k, v, MDB_NEXT);
        return rc;
    }
    const unsigned char *from = w->from ? w->from : w->pre;
    size_t flen = w->from ? w->flen : w->plen;
    if (flen == 0)
        return mdb_cursor_get(c, k, v, MDB_FIRST);
    *k = store_val(from, flen);
    return mdb_cursor_get(c, k, v, MDB_SET_RANGE);
}

enum store_err walk_page(struct store_txn *t, const struct walk *w, const struct store_page *pg,
                         struct jbuf *items, char **next)
{
    enum store_err err = STORE_OK;
    unsigned char ck[KEYS_MAX], last[KEYS_MAX];
    size_t clen = 0, lastlen = 0, taken = 0, start = items->len;
    bool have_cursor = false, more = false;
    MDB_cursor *c = NULL;
    *next = NULL;
    if (!pg || pg->limit < 1 || pg->limit > STORE_MAX_LIMIT)
        return STORE_E_INVALID;
    if (pg->cursor) {
        unsigned char tag;
        if (keys_cursor_decode(pg->cursor, &tag, ck, sizeof ck, &clen) != 0 || tag != w->tag ||
            !keys_has_prefix(ck, clen, w->pre, w->plen))
            return STORE_E_CURSOR;
        have_cursor = true;
    }
    int rc = mdb_cursor_open(t->txn, t->s->dbi[w->db], &c);
    if (rc != MDB_SUCCESS)
        return store_err_mdb(rc);
    jbuf_putc(items, '[');
    MDB_val k, v;
    rc = walk_seek(c, w, have_cursor ? ck : NULL, clen, &k, &v);
    for (; rc == MDB_SUCCESS; rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
        if (!keys_has_prefix(k.mv_data, k.mv_size, w->pre, w->plen))
            break;
        enum walk_verdict verdict = WALK_SKIP;
        bool full = taken == pg->limit;
        size_t mark = items->len;
        if (!full && taken)
            jbuf_putc(items, ',');
        err = w->fn(w->ctx, t->txn, &k, &v, full ? NULL : items, &verdict);
        if (err == STORE_OK && items->failed)
            err = STORE_E_NOMEM;
        if (err != STORE_OK)
            goto out;
        if (verdict != WALK_TAKE)
            jbuf_truncate(items, mark);
        if (verdict == WALK_STOP)
            break;
        if (verdict != WALK_TAKE)
            continue;
        if (full) {
            more = true; /* look-ahead found another item: there is a next page */
            break;
        }
        taken++;
        memcpy(last, k.mv_data, k.mv_size);
        lastlen = k.mv_size;
    }
    if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) {
        err = store_err_mdb(rc);
        goto out;
    }
    jbuf_putc(items, ']');
    if (more && !items->failed) {
        *next = keys_cursor_encode(w->tag, last, lastlen);
        if (!*next)
            err = STORE_E_NOMEM;
    }
out:
    mdb_cursor_close(c);
    return rec_end(items, start, err);
}

static enum store_err emit_record(MDB_txn *txn, struct emit_ctx *e, const char *id, size_t n,
                                  struct jbuf *items)
{
    if (n == 0 || n >= STORE_ID_MAX)
        return STORE_E_CORRUPT;
    enum store_err err = rec_append(txn, e->s->dbi[e->primary], id, n, items);
    return err == STORE_E_NOTFOUND ? STORE_E_CORRUPT : err; /* an index entry without its record */
}

enum store_err walk_emit_primary(void *ctx, MDB_txn *txn, const MDB_val *k, const MDB_val *v,
                                 struct jbuf *items, enum walk_verdict *verdict)
{
    (void)ctx;
    (void)txn;
    (void)k;
    *verdict = WALK_TAKE;
    if (!items)
        return STORE_OK;
    if (!jraw_is_object(v->mv_data, v->mv_size))
        return STORE_E_CORRUPT;
    jbuf_put(items, v->mv_data, v->mv_size);
    return STORE_OK;
}

enum store_err walk_emit_article(void *ctx, MDB_txn *txn, const MDB_val *k, const MDB_val *v,
                                 struct jbuf *items, enum walk_verdict *verdict)
{
    (void)ctx;
    (void)txn;
    (void)k;
    *verdict = WALK_TAKE;
    if (!items)
        return STORE_OK;
    json_t *rec = NULL;
    enum store_err err = rec_parse(v, &rec);
    if (err == STORE_OK)
        err = article_norm(&rec);
    if (err == STORE_OK)
        err = rec_dump(rec, items);
    json_decref(rec);
    return err;
}

enum store_err walk_emit_index(void *ctx, MDB_txn *txn, const MDB_val *k, const MDB_val *v,
                               struct jbuf *items, enum walk_verdict *verdict)
{
    (void)v;
    *verdict = WALK_TAKE;
    if (!items)
        return STORE_OK;
    struct keys_part id = keys_last(k->mv_data, k->mv_size);
    return emit_record(txn, ctx, id.p, id.n, items);
}

enum store_err walk_collect(struct store_txn *t, enum store_db index, enum store_db primary,
                            const struct keybuf *pre, size_t max, struct jbuf *out)
{
    struct emit_ctx e = {t->s, primary};
    struct walk w = {index, 0, pre->b, pre->len, NULL, 0, walk_emit_index, &e};
    struct store_page pg = {NULL, max};
    char *next = NULL;
    enum store_err err = walk_page(t, &w, &pg, out, &next);
    free(next);
    return err;
}

/* ---- lists ---- */

static void prefix_key(struct keybuf *k, const char *first)
{
    keys_init(k);
    if (first)
        keys_put_str(k, first);
}

/* ---- entities ---- */

struct ent_ctx {
    struct emit_ctx e;
    const char *type, *country; /* checked through ent_type / ent_country */
    const char *nk;             /* name-key prefix (names walk only) */
};

static bool pair_exists(MDB_txn *txn, MDB_dbi dbi, const char *a, const char *b, size_t bn)
{
    struct keybuf k;
    keys_init(&k);
    keys_put_str(&k, a);
    keys_put_raw(&k, b, bn);
    if (k.over)
        return false;
    MDB_val key = store_kval(&k), v;
    return mdb_get(txn, dbi, &key, &v) == MDB_SUCCESS;
}

static bool ent_checks(const struct ent_ctx *c, MDB_txn *txn, struct keys_part id)
{
    MDB_dbi *dbi = c->e.s->dbi;
    return (!c->type || pair_exists(txn, dbi[DB_ENT_TYPE], c->type, id.p, id.n)) &&
           (!c->country || pair_exists(txn, dbi[DB_ENT_COUNTRY], c->country, id.p, id.n));
}

static enum store_err ent_visit(void *ctx, MDB_txn *txn, const MDB_val *k, const MDB_val *v,
                                struct jbuf *items, enum walk_verdict *verdict)
{
    struct ent_ctx *c = ctx;
    struct keys_part id = keys_last(k->mv_data, k->mv_size);
    *verdict = ent_checks(c, txn, id) ? WALK_TAKE : WALK_SKIP;
    if (*verdict != WALK_TAKE)
        return STORE_OK;
    return walk_emit_index(&c->e, txn, k, v, items, verdict);
}

/* Smallest name key of ent (name and aliases) that starts with nk, or NULL.
 * malloc'd. An entity is listed once, at that key, however many of its names
 * match the prefix: its place in the walk (and across pages) is stable. */
static char *min_matching_key(const json_t *ent, const char *nk)
{
    size_t pl = strlen(nk), i;
    char *best = NULL;
    const json_t *x;
    json_t *all = json_array();
    if (!all)
        return NULL;
    json_array_append(all, json_object_get(ent, "name"));
    json_array_foreach(json_object_get(ent, "aliases"), i, x)
    {
        json_array_append(all, (json_t *)(uintptr_t)x);
    }
    json_array_foreach(all, i, x)
    {
        const char *s = json_string_value(x);
        char *k = s ? keys_name(s, strlen(s)) : NULL;
        if (k && strncmp(k, nk, pl) == 0 && (!best || strcmp(k, best) < 0)) {
            free(best);
            best = k;
        } else {
            free(k);
        }
    }
    json_decref(all);
    return best;
}

static enum store_err names_visit(void *ctx, MDB_txn *txn, const MDB_val *k, const MDB_val *v,
                                  struct jbuf *items, enum walk_verdict *verdict)
{
    (void)v;
    struct ent_ctx *c = ctx;
    struct keys_part id = keys_last(k->mv_data, k->mv_size);
    char idbuf[STORE_ID_MAX];
    json_t *ent = NULL;
    *verdict = WALK_SKIP;
    if (id.n == 0 || id.n >= sizeof idbuf || id.p == k->mv_data)
        return STORE_E_CORRUPT;
    if (!ent_checks(c, txn, id))
        return STORE_OK;
    memcpy(idbuf, id.p, id.n);
    idbuf[id.n] = '\0';
    enum store_err err = rec_get(txn, c->e.s->dbi[DB_ENTITIES], idbuf, &ent);
    if (err != STORE_OK)
        return err == STORE_E_NOTFOUND ? STORE_E_CORRUPT : err;
    char *best = min_matching_key(ent, c->nk);
    size_t kn = (size_t)(id.p - (const char *)k->mv_data) - 1; /* name key part */
    if (best && strlen(best) == kn && memcmp(best, k->mv_data, kn) == 0) {
        *verdict = WALK_TAKE;
        if (items)
            err = rec_dump(ent, items);
    }
    free(best);
    json_decref(ent);
    return err;
}

enum store_err store_entities_list(struct store_txn *t, const struct store_entity_filter *f,
                                   const struct store_page *pg, struct jbuf *items, char **next)
{
    static const struct store_entity_filter none = {NULL, NULL, NULL};
    struct ent_ctx c = {{t->s, DB_ENTITIES}, NULL, NULL, NULL};
    char cc[3];
    struct keybuf pre;
    struct walk w = {DB_ENTITIES, 'e', NULL, 0, NULL, 0, walk_emit_primary, &c.e};
    char *nk = NULL;
    *next = NULL;
    if (!f)
        f = &none;
    if (f->type && !vocab_is_type(f->type))
        return STORE_E_INVALID;
    if (f->country) {
        for (int i = 0; i < 3; i++) {
            char ch = f->country[i];
            if (i < 2 && ch >= 'a' && ch <= 'z')
                ch = (char)(ch - 'a' + 'A');
            if (i < 2 ? !(ch >= 'A' && ch <= 'Z') : ch != '\0')
                return STORE_E_INVALID;
            cc[i] = ch;
        }
    }
    if (f->prefix && f->prefix[0]) {
        nk = keys_name(f->prefix, strlen(f->prefix));
        if (!nk || !nk[0]) {
            free(nk);
            return STORE_E_INVALID;
        }
        c.nk = nk;
        c.type = f->type;
        c.country = f->country ? cc : NULL;
        keys_init(&pre);
        keys_put_raw(&pre, nk, strlen(nk));
        w = (struct walk){DB_NAMES, 'n', pre.b, pre.len, NULL, 0, names_visit, &c};
    } else if (f->country) {
        c.type = f->type;
        prefix_key(&pre, cc);
        w = (struct walk){DB_ENT_COUNTRY, 'c', pre.b, pre.len, NULL, 0, ent_visit, &c};
    } else if (f->type) {
        prefix_key(&pre, f->type);
        w = (struct walk){DB_ENT_TYPE, 't', pre.b, pre.len, NULL, 0, ent_visit, &c};
    }
    enum store_err err = walk_page(t, &w, pg, items, next);
    free(nk);
    return err;
}

/* ---- facts and sanctions: the index value holds the filter fields ---- */

struct tuple_ctx {
    struct emit_ctx e;
    const char *want[4];       /* per value component: NULL = any */
    const char *since, *until; /* sanctions: component 3 is the date */
    bool by_date;              /* walking sanc_date: stop past until */
};

static bool part_is(struct keys_part p, const char *s)
{
    return strlen(s) == p.n && memcmp(p.p, s, p.n) == 0;
}

/* Compares a stored date with a filter date over the filter's length. */
static int date_cmp(struct keys_part d, const char *f)
{
    size_t fl = strlen(f), n = d.n < fl ? d.n : fl;
    int c = memcmp(d.p, f, n);
    if (c != 0)
        return c;
    return d.n < fl ? -1 : 0;
}

static enum store_err tuple_visit(void *ctx, MDB_txn *txn, const MDB_val *k, const MDB_val *v,
                                  struct jbuf *items, enum walk_verdict *verdict)
{
    struct tuple_ctx *c = ctx;
    struct keys_part parts[4] = {{NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}};
    size_t n = keys_split(v->mv_data, v->mv_size, parts, 4);
    *verdict = WALK_SKIP;
    if (n < 3)
        return STORE_E_CORRUPT;
    if (c->until && n >= 4 && parts[3].n && date_cmp(parts[3], c->until) > 0) {
        if (c->by_date)
            *verdict = WALK_STOP;
        return STORE_OK;
    }
    for (int i = 0; i < 4; i++)
        if (c->want[i] && (i >= (int)n || !part_is(parts[i], c->want[i])))
            return STORE_OK;
    if ((c->since || c->until) && (n < 4 || parts[3].n == 0))
        return STORE_OK; /* undated sanctions are excluded from date filters */
    if (c->since && date_cmp(parts[3], c->since) < 0)
        return STORE_OK;
    return walk_emit_index(&c->e, txn, k, v, items, verdict);
}

enum store_err store_facts_list(struct store_txn *t, const struct store_fact_filter *f,
                                const struct store_page *pg, struct jbuf *items, char **next)
{
    static const struct store_fact_filter none = {NULL, NULL, NULL};
    struct tuple_ctx c = {{t->s, DB_FACTS}, {NULL, NULL, NULL, NULL}, NULL, NULL, false};
    struct emit_ctx pe = {t->s, DB_FACTS};
    struct keybuf pre;
    struct walk w = {DB_FACTS, 'f', NULL, 0, NULL, 0, walk_emit_primary, &pe};
    *next = NULL;
    if (!f)
        f = &none;
    if ((f->subject && !keys_valid_id(f->subject)) || (f->object && !keys_valid_id(f->object)) ||
        (f->predicate && !vocab_is_pred(f->predicate)))
        return STORE_E_INVALID;
    c.want[0] = f->subject;
    c.want[1] = f->predicate;
    c.want[2] = f->object;
    if (f->subject) {
        prefix_key(&pre, f->subject);
        w = (struct walk){DB_FACT_SUBJ, 's', pre.b, pre.len, NULL, 0, tuple_visit, &c};
    } else if (f->object) {
        prefix_key(&pre, f->object);
        w = (struct walk){DB_FACT_OBJ, 'o', pre.b, pre.len, NULL, 0, tuple_visit, &c};
    } else if (f->predicate) {
        prefix_key(&pre, f->predicate);
        w = (struct walk){DB_FACT_PRED, 'p', pre.b, pre.len, NULL, 0, tuple_visit, &c};
    }
    return walk_page(t, &w, pg, items, next);
}

enum store_err store_sanctions_list(struct store_txn *t, const struct store_sanction_filter *f,
                                    const struct store_page *pg, struct jbuf *items, char **next)
{
    static const struct store_sanction_filter none = {NULL, NULL, NULL, NULL, NULL};
    struct tuple_ctx c = {{t->s, DB_SANCTIONS}, {NULL, NULL, NULL, NULL}, NULL, NULL, false};
    struct emit_ctx pe = {t->s, DB_SANCTIONS};
    struct keybuf pre;
    struct walk w = {DB_SANCTIONS, 'S', NULL, 0, NULL, 0, walk_emit_primary, &pe};
    *next = NULL;
    if (!f)
        f = &none;
    if ((f->imposer && !keys_valid_id(f->imposer)) || (f->target && !keys_valid_id(f->target)) ||
        (f->measure && !vocab_is_measure(f->measure)) || (f->since && !keys_valid_date(f->since)) ||
        (f->until && !keys_valid_date(f->until)))
        return STORE_E_INVALID;
    c.want[0] = f->imposer;
    c.want[1] = f->target;
    c.want[2] = f->measure;
    c.since = f->since;
    c.until = f->until;
    if (f->target) {
        prefix_key(&pre, f->target);
        w = (struct walk){DB_SANC_TARGET, 'T', pre.b, pre.len, NULL, 0, tuple_visit, &c};
    } else if (f->imposer) {
        prefix_key(&pre, f->imposer);
        w = (struct walk){DB_SANC_IMPOSER, 'I', pre.b, pre.len, NULL, 0, tuple_visit, &c};
    } else if (f->since || f->until) {
        c.by_date = true;
        w = (struct walk){DB_SANC_DATE, 'D', NULL, 0, NULL, 0, tuple_visit, &c};
        if (f->since) {
            w.from = (const unsigned char *)f->since;
            w.flen = strlen(f->since);
        }
    } else if (f->measure) {
        prefix_key(&pre, f->measure);
        w = (struct walk){DB_SANC_MEASURE, 'M', pre.b, pre.len, NULL, 0, tuple_visit, &c};
    }
    return walk_page(t, &w, pg, items, next);
}

enum store_err store_articles_list(struct store_txn *t, const struct store_page *pg,
                                   struct jbuf *items, char **next)
{
    struct emit_ctx pe = {t->s, DB_ARTICLES};
    struct walk w = {DB_ARTICLES, 'A', NULL, 0, NULL, 0, walk_emit_article, &pe};
    *next = NULL;
    return walk_page(t, &w, pg, items, next);
}
