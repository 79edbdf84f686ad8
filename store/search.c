/* store/search.c — typo-tolerant name search. The query's name key is cut
 * into trigrams; the trigrams index yields the (name key, entity) pairs that
 * share some, counted per pair; only those candidates are reranked by edit
 * distance, trigram overlap and word-prefix match. No entity scan. */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "store/store_int.h"

#define SEARCH_MAX_POSTINGS    16384 /* per query, over all its trigrams */
#define SEARCH_MAX_PER_TRIGRAM 2048
#define SEARCH_MIN_SCORE       0.3
#define SEARCH_MAX_CP          256
/* The postings' bytes: every key is under KEYS_MAX, so this cap is never
 * met; it states the bound. */
#define SEARCH_ARENA_MAX       ((size_t)SEARCH_MAX_POSTINGS * KEYS_MAX + 1)

struct posting {
    size_t off; /* into the arena: name key \0 entity id */
    size_t len;
    const unsigned char *p; /* arena + off, set once the arena stops moving */
};

struct cand {
    const unsigned char *key; /* name key \0 entity id, in the arena */
    size_t len;
    unsigned hits;
    double score;
};

struct search {
    struct jbuf arena; /* the postings' keys, one after another */
    struct posting *post;
    size_t n_post;
};

static int post_cmp(const void *a, const void *b)
{
    const struct posting *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->p, y->p, n);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

static bool arena_add(struct search *s, const void *p, size_t n)
{
    size_t off = s->arena.len;
    jbuf_put(&s->arena, p, n);
    if (s->arena.failed)
        return false;
    s->post[s->n_post++] = (struct posting){off, n, NULL};
    return true;
}

/* Appends the postings of one trigram. */
static enum store_err read_postings(struct store_txn *t, MDB_cursor *c, const unsigned char tri[3],
                                    struct search *s)
{
    MDB_val k = store_val(tri, 3), v;
    size_t n = 0;
    int rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
    (void)t;
    for (; rc == MDB_SUCCESS && s->n_post < SEARCH_MAX_POSTINGS && n < SEARCH_MAX_PER_TRIGRAM;
         rc = mdb_cursor_get(c, &k, &v, MDB_NEXT), n++) {
        if (k.mv_size <= 3 || memcmp(k.mv_data, tri, 3) != 0)
            break;
        if (!arena_add(s, (const unsigned char *)k.mv_data + 3, k.mv_size - 3))
            return STORE_E_NOMEM;
    }
    return rc == MDB_SUCCESS || rc == MDB_NOTFOUND ? STORE_OK : store_err_mdb(rc);
}

static size_t decode_cp(const char *s, size_t n, uint32_t *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o < cap;) {
        unsigned char c = (unsigned char)s[i];
        size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        uint32_t cp = len == 1 ? c : c & (0x7Fu >> len);
        for (size_t k = 1; k < len && i + k < n; k++)
            cp = cp << 6 | ((unsigned char)s[i + k] & 0x3F);
        out[o++] = cp;
        i += len;
    }
    return o;
}

/* Optimal-string-alignment distance (edits plus adjacent transpositions,
 * so "huawie" is one edit from "huawei"). */
static size_t osa_distance(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    size_t w = nb + 1;
    size_t *d = malloc((na + 1) * w * sizeof *d);
    if (!d)
        return na > nb ? na : nb;
    for (size_t i = 0; i <= na; i++)
        d[i * w] = i;
    for (size_t j = 0; j <= nb; j++)
        d[j] = j;
    for (size_t i = 1; i <= na; i++) {
        for (size_t j = 1; j <= nb; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t best = d[(i - 1) * w + j] + 1;
            if (d[i * w + j - 1] + 1 < best)
                best = d[i * w + j - 1] + 1;
            if (d[(i - 1) * w + j - 1] + cost < best)
                best = d[(i - 1) * w + j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[(i - 2) * w + j - 2] + 1 < best)
                best = d[(i - 2) * w + j - 2] + 1;
            d[i * w + j] = best;
        }
    }
    size_t r = d[na * w + nb];
    free(d);
    return r;
}

/* The query against the words of a longer name: the best window starting at
 * a word and about as long as the query ("comerce" in "us department of
 * commerce"), weighted by how much of the name the query covers. A window
 * needs at most one edit per three characters of the query. */
static double word_score(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    double best = 0.0;
    if (na == 0 || nb == 0)
        return 0.0;
    for (size_t p = 0; p < nb; p++) {
        if (p > 0 && b[p - 1] != ' ')
            continue;
        for (size_t len = na > 1 ? na - 1 : 1; len <= na + 1 && p + len <= nb; len++) {
            size_t d = osa_distance(a, na, b + p, len);
            if (3 * d > na)
                continue;
            double ws = (1.0 - (double)d / (double)na) * (0.5 + 0.45 * (double)na / (double)nb);
            if (ws > best)
                best = ws;
        }
    }
    return best;
}

/* Score in (0, 1]: 1 only for an exact key; else the best of edit
 * similarity, trigram Jaccard and the word-window match, at most 0.99. */
static double score(const char *qk, size_t nq_tri, const struct cand *c)
{
    size_t ql = strlen(qk), cl = strnlen((const char *)c->key, c->len);
    char ck[KEYS_NAME_MAX + 1];
    if (cl > KEYS_NAME_MAX)
        return 0.0;
    memcpy(ck, c->key, cl);
    ck[cl] = '\0';
    if (strcmp(ck, qk) == 0)
        return 1.0;
    uint32_t a[SEARCH_MAX_CP], b[SEARCH_MAX_CP];
    size_t na = decode_cp(qk, ql, a, SEARCH_MAX_CP), nb = decode_cp(ck, cl, b, SEARCH_MAX_CP);
    size_t longest = na > nb ? na : nb;
    double s = longest ? 1.0 - (double)osa_distance(a, na, b, nb) / (double)longest : 0.0;
    unsigned char tri[KEYS_TRIGRAMS_MAX][3];
    size_t nc_tri = keys_trigrams(ck, tri, KEYS_TRIGRAMS_MAX);
    double jac = (double)c->hits / (double)(nq_tri + nc_tri - c->hits);
    if (jac > s)
        s = jac;
    double ws = word_score(a, na, b, nb);
    if (ws > s)
        s = ws;
    return s > 0.99 ? 0.99 : s;
}

static int cand_cmp(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    struct keys_part ix = keys_last(x->key, x->len), iy = keys_last(y->key, y->len);
    size_t n = ix.n < iy.n ? ix.n : iy.n;
    int c = memcmp(ix.p, iy.p, n);
    return c ? c : (ix.n > iy.n) - (ix.n < iy.n);
}

/* The SearchHit of a candidate: the entity's ref and country, the display
 * form of the matched name key. New reference, or NULL. */
static json_t *hit_of(struct store_txn *t, const struct cand *c, enum store_err *err)
{
    struct keys_part id = keys_last(c->key, c->len);
    char buf[STORE_ID_MAX];
    json_t *ent = NULL, *hit = NULL;
    MDB_val k = store_val(c->key, c->len), v;
    if (id.n == 0 || id.n >= sizeof buf) {
        *err = STORE_E_CORRUPT;
        return NULL;
    }
    memcpy(buf, id.p, id.n);
    buf[id.n] = '\0';
    *err = rec_get(t->txn, t->s->dbi[DB_ENTITIES], buf, &ent);
    if (*err == STORE_OK) {
        int rc = mdb_get(t->txn, t->s->dbi[DB_NAMES], &k, &v);
        if (rc != MDB_SUCCESS)
            *err = rc == MDB_NOTFOUND ? STORE_E_CORRUPT : store_err_mdb(rc);
    }
    if (*err == STORE_OK) {
        json_t *country = json_object_get(ent, "country");
        hit = json_pack("{s:o,s:O,s:f,s:s%}", "entity", rec_entity_ref(ent), "country",
                        country ? country : json_null(), "score", rec_round(c->score), "matched",
                        (const char *)v.mv_data, v.mv_size);
        if (!hit)
            *err = STORE_E_NOMEM;
    }
    json_decref(ent);
    return hit;
}

enum store_err store_search(struct store_txn *t, const char *q, size_t limit, struct jbuf *out)
{
    struct search s = {JBUF_INIT, NULL, 0};
    struct cand *cands = NULL;
    size_t nc = 0;
    MDB_cursor *cur = NULL;
    json_t *items = NULL;
    char *qk = NULL;
    enum store_err err = STORE_OK;
    if (limit < 1 || limit > STORE_MAX_LIMIT)
        return STORE_E_INVALID;
    if (!q || !ecf_utf8_valid(q, strlen(q), NULL) || ecf_utf8_count(q, strlen(q)) < 2)
        return STORE_E_QUERY;
    jbuf_init_max(&s.arena, SEARCH_ARENA_MAX);
    qk = keys_name(q, strlen(q));
    items = json_array();
    s.post = malloc(SEARCH_MAX_POSTINGS * sizeof *s.post);
    if (!qk || !items || !s.post) {
        err = STORE_E_NOMEM;
        goto out;
    }
    unsigned char tri[KEYS_TRIGRAMS_MAX][3];
    size_t nq = qk[0] ? keys_trigrams(qk, tri, KEYS_TRIGRAMS_MAX) : 0;
    int rc = mdb_cursor_open(t->txn, t->s->dbi[DB_TRIGRAMS], &cur);
    if (rc != MDB_SUCCESS) {
        err = store_err_mdb(rc);
        goto out;
    }
    for (size_t i = 0; i < nq && err == STORE_OK; i++)
        err = read_postings(t, cur, tri[i], &s);
    if (err != STORE_OK || s.n_post == 0)
        goto out;
    for (size_t i = 0; i < s.n_post; i++)
        s.post[i].p = (const unsigned char *)s.arena.p + s.post[i].off;
    qsort(s.post, s.n_post, sizeof *s.post, post_cmp);
    cands = malloc(s.n_post * sizeof *cands);
    if (!cands) {
        err = STORE_E_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < s.n_post; i++) {
        const unsigned char *key = s.post[i].p;
        if (nc && cands[nc - 1].len == s.post[i].len &&
            memcmp(cands[nc - 1].key, key, s.post[i].len) == 0) {
            cands[nc - 1].hits++;
            continue;
        }
        cands[nc++] = (struct cand){key, s.post[i].len, 1, 0.0};
    }
    /* rerank, keep each entity's best name (candidates are grouped by key,
     * not by entity, so dedupe after sorting) */
    size_t kept = 0;
    for (size_t i = 0; i < nc; i++) {
        cands[i].score = score(qk, nq, &cands[i]);
        if (cands[i].score >= SEARCH_MIN_SCORE)
            cands[kept++] = cands[i];
    }
    qsort(cands, kept, sizeof *cands, cand_cmp);
    for (size_t i = 0; i < kept && json_array_size(items) < limit; i++) {
        struct keys_part id = keys_last(cands[i].key, cands[i].len);
        bool dup = false;
        for (size_t j = 0; j < i && !dup; j++) {
            struct keys_part o = keys_last(cands[j].key, cands[j].len);
            dup = o.n == id.n && memcmp(o.p, id.p, id.n) == 0;
        }
        if (dup)
            continue;
        json_t *hit = hit_of(t, &cands[i], &err);
        if (err != STORE_OK)
            goto out;
        if (json_array_append_new(items, hit) != 0) {
            err = STORE_E_NOMEM;
            goto out;
        }
    }
out:
    if (cur)
        mdb_cursor_close(cur);
    if (err == STORE_OK)
        err = rec_dump(items, out);
    json_decref(items);
    free(cands);
    free(s.post);
    jbuf_free(&s.arena);
    free(qk);
    return err;
}
