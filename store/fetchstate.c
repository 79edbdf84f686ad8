/* store/fetchstate.c — what the web fetcher keeps in the store: the
 * provenance of fetched articles ("urls", "fetch" in the Article record, and
 * the URL added to a duplicate), the HTTP validators per URL (http_cache) and
 * the outcome of the last fetch of each source (sources). The last two are
 * databases a store created before them lacks: a writable open creates them,
 * a read-only open reads them as empty. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "store/store_int.h"

#define HTTP_ETAG_MAX 255 /* bytes; store_http_get fills etag[256] */
#define HTTP_LM_MAX   63  /* last_modified[64] */

static bool utf8_ok(const char *s)
{
    return s && ecf_utf8_valid(s, strlen(s), NULL);
}

/* NULL and "" are both absent. */
static bool opt_ok(const char *s)
{
    return !s || utf8_ok(s);
}

static json_t *str_or_null(const char *s)
{
    return s && s[0] ? json_string(s) : json_null();
}

/* ---- Article provenance ---- */

bool article_fetch_valid(const struct store_fetch_meta *f)
{
    return !f || (utf8_ok(f->source) && utf8_ok(f->fetched_at) && opt_ok(f->etag) &&
                  opt_ok(f->last_modified) && opt_ok(f->content_type));
}

json_t *article_urls_new(const char *url)
{
    json_t *arr = json_array();
    if (arr && url && url[0] && json_array_append_new(arr, json_string(url)) != 0) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

json_t *article_fetch_new(const struct store_fetch_meta *f)
{
    if (!f)
        return json_null();
    return json_pack("{s:s,s:s,s:I,s:o,s:o,s:o}", "source", f->source, "fetched_at", f->fetched_at,
                     "http_status", (json_int_t)f->http_status, "etag", str_or_null(f->etag),
                     "last_modified", str_or_null(f->last_modified), "content_type",
                     str_or_null(f->content_type));
}

/* ---- what the page says about itself ---- */

static bool page_text_ok(const char *s)
{
    return !s || (strlen(s) <= STORE_PAGE_TEXT_MAX && utf8_ok(s));
}

bool article_page_valid(const struct store_article *a)
{
    return (!a->published || !a->published[0] ||
            (strlen(a->published) == 10 && keys_valid_date(a->published))) &&
           page_text_ok(a->byline) && page_text_ok(a->site) &&
           (!a->lang || !a->lang[0] || store_lang_valid(a->lang));
}

enum store_err article_page_set(json_t *rec, const struct store_article *a)
{
    if (json_object_set_new(rec, "published", str_or_null(a->published)) != 0 ||
        json_object_set_new(rec, "byline", str_or_null(a->byline)) != 0 ||
        json_object_set_new(rec, "site", str_or_null(a->site)) != 0 ||
        json_object_set_new(rec, "lang", str_or_null(a->lang)) != 0)
        return STORE_E_NOMEM;
    return STORE_OK;
}

/* docs/API.md "Article", in order. */
static const char *const article_keys[] = {"id",          "title",  "url",   "urls",   "date",
                                           "ingested_at", "sha256", "bytes", "counts", "fetch",
                                           "published",   "byline", "site",  "lang",   NULL};

enum store_err article_norm(json_t **rec)
{
    json_t *in = *rec, *out = NULL;
    if (!json_is_object(in))
        return STORE_E_CORRUPT;
    bool current = true;
    for (const char *const *k = article_keys; current && *k; k++)
        current = json_object_get(in, *k) != NULL;
    if (current)
        return STORE_OK; /* written in the current shape */
    out = json_object();
    for (const char *const *k = article_keys; out && *k; k++) {
        json_t *v = json_object_get(in, *k);
        if (v)
            v = json_incref(v);
        else if (strcmp(*k, "urls") == 0)
            v = article_urls_new(rec_str(in, "url"));
        else
            v = json_null();
        if (json_object_set_new(out, *k, v) != 0) {
            json_decref(out);
            out = NULL;
        }
    }
    const char *key;
    json_t *v;
    json_object_foreach(in, key, v)
    {
        if (out && !json_object_get(out, key) && json_object_set(out, key, v) != 0) {
            json_decref(out);
            out = NULL;
        }
    }
    if (!out)
        return STORE_E_NOMEM;
    json_decref(in);
    *rec = out;
    return STORE_OK;
}

static bool array_has(const json_t *arr, const char *s)
{
    size_t i;
    const json_t *x;
    json_array_foreach(arr, i, x)
    {
        if (json_is_string(x) && strcmp(json_string_value(x), s) == 0)
            return true;
    }
    return false;
}

void article_duplicate(struct stxn *w, const MDB_val *v, const struct store_article *a,
                       struct store_ingest_info *info, bool *changed)
{
    char id[STORE_ID_MAX];
    json_t *art = NULL;
    *changed = false;
    if (w->err != STORE_OK)
        return;
    if (v->mv_size == 0 || v->mv_size >= sizeof id) {
        stxn_fail(w, STORE_E_CORRUPT);
        return;
    }
    memcpy(id, v->mv_data, v->mv_size);
    id[v->mv_size] = '\0';
    info->duplicate = true;
    ecf_strlcpy(info->id, id, sizeof info->id);
    enum store_err err = rec_get(w->txn, w->s->dbi[DB_ARTICLES], id, &art);
    if (err == STORE_OK)
        err = article_norm(&art);
    if (err != STORE_OK) {
        /* a hash entry without its article is corruption */
        stxn_fail(w, err == STORE_E_NOTFOUND ? STORE_E_CORRUPT : err);
        goto out;
    }
    json_t *c = json_object_get(art, "counts");
    info->n_entities = (size_t)json_integer_value(json_object_get(c, "entities"));
    info->n_facts = (size_t)json_integer_value(json_object_get(c, "facts"));
    info->n_sanctions = (size_t)json_integer_value(json_object_get(c, "sanctions"));
    if (!a->url || !a->url[0])
        goto out;
    json_t *urls = json_object_get(art, "urls");
    if (!json_is_array(urls)) {
        stxn_fail(w, STORE_E_CORRUPT);
        goto out;
    }
    if (array_has(urls, a->url))
        goto out; /* the same URL again: a pure no-op */
    if (json_array_append_new(urls, json_string(a->url)) != 0 ||
        (json_is_null(json_object_get(art, "url")) &&
         json_object_set_new(art, "url", json_string(a->url)) != 0)) {
        stxn_fail(w, STORE_E_NOMEM);
        goto out;
    }
    rec_put(w, DB_ARTICLES, id, art);
    *changed = w->err == STORE_OK;
out:
    json_decref(art);
}

/* ---- one small write transaction ---- */

static enum store_err put_one(struct store *s, enum store_db db, const struct keybuf *k,
                              const void *v, size_t vn)
{
    struct stxn w;
    if (s->read_only)
        return STORE_E_IO;
    if (stxn_begin(&w, s) != STORE_OK)
        return w.err;
    stxn_put(&w, db, k, v, vn, 0);
    return stxn_commit(&w);
}

/* ---- http_cache: etag \0 last_modified \0 url ---- */

enum store_err store_http_get(struct store *s, const char *url, char etag[256],
                              char last_modified[64])
{
    struct keybuf k;
    MDB_txn *txn = NULL;
    MDB_val key, v;
    etag[0] = last_modified[0] = '\0';
    if (!s || !keys_url(&k, url))
        return STORE_E_INVALID;
    if (!store_has_db(s, DB_HTTP_CACHE))
        return STORE_E_NOTFOUND;
    int rc = store_txn_begin_raw(s, MDB_RDONLY, &txn);
    if (rc != MDB_SUCCESS)
        return store_err_mdb(rc);
    key = store_kval(&k);
    rc = mdb_get(txn, s->dbi[DB_HTTP_CACHE], &key, &v);
    enum store_err err = store_err_mdb(rc);
    if (err == STORE_OK) {
        struct keys_part p[3];
        size_t n = keys_split(v.mv_data, v.mv_size, p, 3);
        if (n != 3 || p[0].n > HTTP_ETAG_MAX || p[1].n > HTTP_LM_MAX)
            err = STORE_E_CORRUPT;
        else if (p[2].n != strlen(url) || memcmp(p[2].p, url, p[2].n) != 0)
            err = STORE_E_NOTFOUND; /* another long URL with the same key */
        if (err == STORE_OK) {
            memcpy(etag, p[0].p, p[0].n);
            etag[p[0].n] = '\0';
            memcpy(last_modified, p[1].p, p[1].n);
            last_modified[p[1].n] = '\0';
        }
    }
    mdb_txn_abort(txn);
    store_txn_release(s);
    return err;
}

enum store_err store_http_put(struct store *s, const char *url, const char *etag,
                              const char *last_modified)
{
    struct keybuf k;
    const char *e = etag ? etag : "", *lm = last_modified ? last_modified : "";
    size_t le = strlen(e), llm = strlen(lm);
    if (!s || !keys_url(&k, url) || le > HTTP_ETAG_MAX || llm > HTTP_LM_MAX)
        return STORE_E_INVALID;
    size_t lu = strlen(url), n = le + llm + lu + 2;
    char buf[HTTP_ETAG_MAX + HTTP_LM_MAX + KEYS_URL_MAX + 2];
    memcpy(buf, e, le);
    buf[le] = '\0';
    memcpy(buf + le + 1, lm, llm);
    buf[le + 1 + llm] = '\0';
    memcpy(buf + le + llm + 2, url, lu);
    return put_one(s, DB_HTTP_CACHE, &k, buf, n);
}

/* ---- sources: URL key -> Source JSON ---- */

static double round3(double x)
{
    return round(x * 1000.0) / 1000.0;
}

enum store_err store_source_put(struct store *s, const struct store_source *src)
{
    struct keybuf k;
    if (!s || !src || !keys_url(&k, src->url) || !utf8_ok(src->url) || !utf8_ok(src->last_fetch) ||
        !opt_ok(src->etag) || !opt_ok(src->error) || !opt_ok(src->note) ||
        !isfinite(src->seconds) || src->seconds < 0.0)
        return STORE_E_INVALID;
    json_t *rec = json_pack(
        "{s:s,s:b,s:s,s:I,s:o,s:b,s:{s:I,s:I,s:I,s:I,s:I},s:o,s:o,s:f}", "url", src->url, "is_feed",
        src->is_feed, "last_fetch", src->last_fetch, "http_status", (json_int_t)src->http_status,
        "etag", str_or_null(src->etag), "not_modified", src->not_modified, "counts", "found",
        (json_int_t)src->found, "stored", (json_int_t)src->stored, "duplicates",
        (json_int_t)src->duplicates, "unchanged", (json_int_t)src->unchanged, "failed",
        (json_int_t)src->failed, "last_error", str_or_null(src->error), "note",
        str_or_null(src->note), "seconds", round3(src->seconds));
    char *buf = rec ? json_dumps(rec, STORE_JSON_FLAGS) : NULL;
    json_decref(rec);
    if (!buf)
        return STORE_E_NOMEM;
    enum store_err err = put_one(s, DB_SOURCES, &k, buf, strlen(buf));
    free(buf);
    return err;
}

enum store_err store_sources_list(struct store_txn *t, const struct store_page *pg,
                                  struct jbuf *items, char **next)
{
    struct emit_ctx pe = {t->s, DB_SOURCES};
    struct walk w = {DB_SOURCES, 'U', NULL, 0, NULL, 0, walk_emit_primary, &pe};
    *next = NULL;
    if (store_has_db(t->s, DB_SOURCES))
        return walk_page(t, &w, pg, items, next);
    /* a store from before sources (read-only): empty, same argument checks */
    unsigned char tag, ck[KEYS_MAX];
    size_t clen;
    if (!pg || pg->limit < 1 || pg->limit > STORE_MAX_LIMIT)
        return STORE_E_INVALID;
    if (pg->cursor &&
        (keys_cursor_decode(pg->cursor, &tag, ck, sizeof ck, &clen) != 0 || tag != w.tag))
        return STORE_E_CURSOR;
    jbuf_puts(items, "[]");
    return items->failed ? STORE_E_NOMEM : STORE_OK;
}
