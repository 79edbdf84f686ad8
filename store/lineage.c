/* store/lineage.c — the lineage graph around a chip (docs/API.md "Lineage"):
 * breadth-first over the chip_edges index, which lists for every chip the
 * lineage facts it takes part in, so no fact is read that is not an edge. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "store/store_int.h"

#define LINEAGE_MAX_CHIPS 256
#define LINEAGE_MAX_EDGES 1024

struct lineage {
    struct store_txn *t;
    unsigned depth;
    char (*chips)[STORE_ID_MAX]; /* BFS queue = visited set */
    unsigned *level;
    size_t n_chips;
    char (*edges)[STORE_ID_MAX]; /* fact ids in discovery order */
    size_t n_edges;
};

static bool chip_pred(struct keys_part p)
{
    static const char *const names[] = {"successor_of", "variant_of", "rivals"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strlen(names[i]) == p.n && memcmp(names[i], p.p, p.n) == 0)
            return true;
    return false;
}

static bool part_copy(struct keys_part p, char out[STORE_ID_MAX])
{
    if (p.n >= STORE_ID_MAX)
        return false;
    memcpy(out, p.p, p.n);
    out[p.n] = '\0';
    return true;
}

static bool visited(const struct lineage *l, const char *id)
{
    for (size_t i = 0; i < l->n_chips; i++)
        if (strcmp(l->chips[i], id) == 0)
            return true;
    return false;
}

static void add_edge(struct lineage *l, const char *fid)
{
    for (size_t i = 0; i < l->n_edges; i++)
        if (strcmp(l->edges[i], fid) == 0)
            return;
    if (l->n_edges < LINEAGE_MAX_EDGES)
        ecf_strlcpy(l->edges[l->n_edges++], fid, STORE_ID_MAX);
}

static bool is_chip_id(struct store_txn *t, const char *id)
{
    struct keybuf k;
    keys_init(&k);
    keys_put_str(&k, "chip");
    keys_put_last(&k, id);
    MDB_val key = store_kval(&k), v;
    return !k.over && mdb_get(t->txn, t->s->dbi[DB_ENT_TYPE], &key, &v) == MDB_SUCCESS;
}

/* Visits the edges of chip i: adds them, enqueues chips one hop further. */
static enum store_err expand(struct lineage *l, size_t i)
{
    struct keybuf pre;
    MDB_cursor *c = NULL;
    MDB_val k, v;
    keys_init(&pre);
    keys_put_str(&pre, l->chips[i]);
    int rc = mdb_cursor_open(l->t->txn, l->t->s->dbi[DB_CHIP_EDGES], &c);
    if (rc != MDB_SUCCESS)
        return store_err_mdb(rc);
    k = store_kval(&pre);
    for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == MDB_SUCCESS;
         rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
        if (!keys_has_prefix(k.mv_data, k.mv_size, pre.b, pre.len))
            break;
        struct keys_part parts[3];
        char fid[STORE_ID_MAX], other[STORE_ID_MAX];
        if (keys_split(v.mv_data, v.mv_size, parts, 3) != 3 ||
            !part_copy(keys_last(k.mv_data, k.mv_size), fid) || !part_copy(parts[2], other)) {
            mdb_cursor_close(c);
            return STORE_E_CORRUPT;
        }
        if (chip_pred(parts[0]) && other[0] && is_chip_id(l->t, other)) {
            if (!visited(l, other)) {
                if (l->level[i] >= l->depth || l->n_chips >= LINEAGE_MAX_CHIPS)
                    continue; /* beyond the requested depth */
                ecf_strlcpy(l->chips[l->n_chips], other, STORE_ID_MAX);
                l->level[l->n_chips++] = l->level[i] + 1;
            }
        }
        add_edge(l, fid);
    }
    mdb_cursor_close(c);
    return rc == MDB_NOTFOUND || rc == MDB_SUCCESS ? STORE_OK : store_err_mdb(rc);
}

/* A member's raw value in a stored record ("null" when absent). */
struct span {
    const char *p;
    size_t n;
};

static struct span member(struct span rec, const char *key)
{
    struct span m = {"null", 4};
    const char *v;
    size_t vn;
    if (jraw_member(rec.p, rec.n, key, &v, &vn)) {
        m.p = v;
        m.n = vn;
    }
    return m;
}

static bool is_null(struct span s)
{
    return s.n == 4 && memcmp(s.p, "null", 4) == 0;
}

/* The nodes written so far, by their raw "id" (pointing into the records,
 * which the read transaction keeps mapped). */
struct nodes {
    struct jbuf out;
    struct span *ids;
    size_t n;
};

/* Adds the EntityRef ref (a raw object, or null) unless its id is there. */
static enum store_err add_node(struct nodes *nd, struct span ref)
{
    if (is_null(ref))
        return STORE_OK;
    struct span id = member(ref, "id");
    if (id.n < 2 || id.p[0] != '"')
        return STORE_E_CORRUPT;
    for (size_t i = 0; i < nd->n; i++)
        if (nd->ids[i].n == id.n && memcmp(nd->ids[i].p, id.p, id.n) == 0)
            return STORE_OK;
    static const char *const ref_fields[] = {"id", "name", "type", NULL};
    nd->ids[nd->n++] = id;
    if (nd->n > 1)
        jbuf_putc(&nd->out, ',');
    rec_put_ref(&nd->out, ref.p, ref.n, ref_fields);
    return nd->out.failed ? STORE_E_NOMEM : STORE_OK;
}

/* A stored fact's members an Edge needs, from one scan of the record. */
static const char *const edge_from[] = {"id",    "subject",    "predicate", "object",
                                        "value", "confidence", "evidence"};
enum { EDGE_N = sizeof edge_from / sizeof *edge_from, EDGE_SUBJECT = 1, EDGE_OBJECT = 3 };

static void edge_scan(struct span fact, struct span m[EDGE_N])
{
    const char *v[EDGE_N];
    size_t vn[EDGE_N];
    if (!jraw_members(fact.p, fact.n, edge_from, EDGE_N, v, vn))
        memset(vn, 0, sizeof vn);
    for (size_t i = 0; i < EDGE_N; i++)
        m[i] = vn[i] ? (struct span){v[i], vn[i]} : (struct span){"null", 4};
}

/* Appends the Edge shape of a scanned fact. */
static void put_edge(struct jbuf *out, const struct span m[EDGE_N])
{
    static const char *const keys[EDGE_N] = {"fact",  "subject",    "predicate", "object",
                                             "value", "confidence", "evidence"};
    jbuf_putc(out, '{');
    for (size_t i = 0; i < EDGE_N; i++) {
        struct span v = m[i];
        if ((i == EDGE_SUBJECT || i == EDGE_OBJECT) && !is_null(v))
            v = member(v, "id"); /* the ref's id */
        jbuf_puts(out, i ? ",\"" : "\"");
        jbuf_puts(out, keys[i]);
        jbuf_puts(out, "\":");
        jbuf_put(out, v.p, v.n);
    }
    jbuf_putc(out, '}');
}

static enum store_err get_raw(struct store_txn *t, enum store_db db, const char *id,
                              struct span *out)
{
    MDB_val v;
    enum store_err err = rec_raw(t->txn, t->s->dbi[db], id, strlen(id), &v);
    if (err == STORE_OK)
        *out = (struct span){v.mv_data, v.mv_size};
    return err;
}

enum store_err store_chip_lineage(struct store_txn *t, const char *id, unsigned depth,
                                  struct jbuf *out)
{
    static const char *const ref_fields[] = {"id", "name", "type", NULL};
    struct lineage l = {t, depth, NULL, NULL, 0, NULL, 0};
    struct nodes nd = {JBUF_INIT, NULL, 0};
    struct jbuf edges = JBUF_INIT;
    struct span chip, fact;
    size_t start = out->len;
    enum store_err err;
    if (depth < 1 || depth > 5 || !keys_valid_id(id))
        return STORE_E_INVALID;
    err = get_raw(t, DB_ENTITIES, id, &chip);
    if (err != STORE_OK)
        return err;
    struct span type = member(chip, "type");
    if (type.n != 6 || memcmp(type.p, "\"chip\"", 6) != 0)
        return STORE_E_KIND;
    l.chips = malloc(LINEAGE_MAX_CHIPS * sizeof *l.chips);
    l.level = malloc(LINEAGE_MAX_CHIPS * sizeof *l.level);
    l.edges = malloc(LINEAGE_MAX_EDGES * sizeof *l.edges);
    nd.ids = malloc((1 + 2 * LINEAGE_MAX_EDGES) * sizeof *nd.ids);
    if (!l.chips || !l.level || !l.edges || !nd.ids) {
        err = STORE_E_NOMEM;
        goto out;
    }
    ecf_strlcpy(l.chips[0], id, STORE_ID_MAX);
    l.level[0] = 0;
    l.n_chips = 1;
    for (size_t i = 0; i < l.n_chips && err == STORE_OK; i++)
        err = expand(&l, i);
    if (err == STORE_OK)
        err = add_node(&nd, chip);
    for (size_t i = 0; i < l.n_edges && err == STORE_OK; i++) {
        err = get_raw(t, DB_FACTS, l.edges[i], &fact);
        if (err == STORE_E_NOTFOUND)
            err = STORE_E_CORRUPT;
        struct span m[EDGE_N];
        if (err == STORE_OK) {
            edge_scan(fact, m);
            err = add_node(&nd, m[EDGE_SUBJECT]);
        }
        if (err == STORE_OK)
            err = add_node(&nd, m[EDGE_OBJECT]);
        if (err == STORE_OK) {
            if (i)
                jbuf_putc(&edges, ',');
            put_edge(&edges, m);
        }
    }
    if (err != STORE_OK)
        goto out;
    char head[64];
    jbuf_puts(out, "{\"chip\":");
    rec_put_ref(out, chip.p, chip.n, ref_fields);
    snprintf(head, sizeof head, ",\"depth\":%u,\"nodes\":[", depth);
    jbuf_puts(out, head);
    jbuf_put(out, nd.out.p, nd.out.len);
    jbuf_puts(out, "],\"edges\":[");
    jbuf_put(out, edges.p, edges.len);
    jbuf_puts(out, "]}");
    if (nd.out.failed || edges.failed)
        err = STORE_E_NOMEM;
out:
    err = rec_end(out, start, err);
    jbuf_free(&nd.out);
    jbuf_free(&edges);
    free(nd.ids);
    free(l.chips);
    free(l.level);
    free(l.edges);
    return err;
}
