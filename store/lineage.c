/* store/lineage.c — the lineage graph around a chip (docs/API.md "Lineage"):
 * breadth-first over the chip_edges index, which lists for every chip the
 * lineage facts it takes part in, so no fact is read that is not an edge. */
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

static enum store_err add_node(json_t *nodes, const json_t *ref)
{
    size_t i;
    const json_t *x;
    const char *id = rec_str(ref, "id");
    if (!id)
        return json_is_null(ref) ? STORE_OK : STORE_E_CORRUPT;
    json_array_foreach (nodes, i, x) {
        if (strcmp(rec_str(x, "id"), id) == 0)
            return STORE_OK;
    }
    return json_array_append_new(nodes, rec_entity_ref(ref)) == 0 ? STORE_OK : STORE_E_NOMEM;
}

/* The Edge shape of a stored fact. */
static json_t *edge_of(const json_t *fact)
{
    const json_t *obj = json_object_get(fact, "object");
    return json_pack("{s:O,s:O,s:O,s:O,s:O,s:O,s:O}", "fact", json_object_get(fact, "id"),
                     "subject", json_object_get(json_object_get(fact, "subject"), "id"),
                     "predicate", json_object_get(fact, "predicate"), "object",
                     json_is_object(obj) ? json_object_get(obj, "id") : json_null(), "value",
                     json_object_get(fact, "value"), "confidence",
                     json_object_get(fact, "confidence"), "evidence",
                     json_object_get(fact, "evidence"));
}

enum store_err store_chip_lineage(struct store_txn *t, const char *id, unsigned depth, json_t **out)
{
    struct lineage l = {t, depth, NULL, NULL, 0, NULL, 0};
    json_t *chip = NULL, *nodes = NULL, *edges = NULL, *fact = NULL;
    enum store_err err;
    *out = NULL;
    if (depth < 1 || depth > 5 || !keys_valid_id(id))
        return STORE_E_INVALID;
    err = rec_get(t->txn, t->s->dbi[DB_ENTITIES], id, &chip);
    if (err != STORE_OK)
        return err;
    if (!rec_str(chip, "type") || strcmp(rec_str(chip, "type"), "chip") != 0) {
        err = STORE_E_INVALID;
        goto out;
    }
    l.chips = malloc(LINEAGE_MAX_CHIPS * sizeof *l.chips);
    l.level = malloc(LINEAGE_MAX_CHIPS * sizeof *l.level);
    l.edges = malloc(LINEAGE_MAX_EDGES * sizeof *l.edges);
    nodes = json_array();
    edges = json_array();
    if (!l.chips || !l.level || !l.edges || !nodes || !edges) {
        err = STORE_E_NOMEM;
        goto out;
    }
    ecf_strlcpy(l.chips[0], id, STORE_ID_MAX);
    l.level[0] = 0;
    l.n_chips = 1;
    for (size_t i = 0; i < l.n_chips && err == STORE_OK; i++)
        err = expand(&l, i);
    if (err == STORE_OK)
        err = add_node(nodes, chip);
    for (size_t i = 0; i < l.n_edges && err == STORE_OK; i++) {
        err = rec_get(t->txn, t->s->dbi[DB_FACTS], l.edges[i], &fact);
        if (err == STORE_E_NOTFOUND)
            err = STORE_E_CORRUPT;
        if (err != STORE_OK)
            break;
        err = add_node(nodes, json_object_get(fact, "subject"));
        if (err == STORE_OK)
            err = add_node(nodes, json_object_get(fact, "object"));
        if (err == STORE_OK && json_array_append_new(edges, edge_of(fact)) != 0)
            err = STORE_E_NOMEM;
        json_decref(fact);
        fact = NULL;
    }
    if (err != STORE_OK)
        goto out;
    *out = json_pack("{s:o,s:I,s:o,s:o}", "chip", rec_entity_ref(chip), "depth", (json_int_t)depth,
                     "nodes", nodes, "edges", edges);
    nodes = edges = NULL; /* stolen by json_pack, even on error */
    if (!*out)
        err = STORE_E_NOMEM;
out:
    json_decref(chip);
    json_decref(nodes);
    json_decref(edges);
    free(l.chips);
    free(l.level);
    free(l.edges);
    return err;
}
