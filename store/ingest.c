/* store/ingest.c — the write path: one article and everything extracted from
 * it in ONE write transaction (all of it lands or none), merging entities,
 * facts and sanctions already known from other articles. */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/kmodel.h"
#include "common/util.h"
#include "store/store_int.h"

struct ingest {
    struct stxn w;
    const struct store_article *a;
    const struct store_record *r;
    json_t **ents; /* the stored (merged) record of each r->entities[i]; owned */
};

/* ---- validation: everything checked before the transaction starts ---- */

static bool valid_text(const char *s)
{
    return s && ecf_utf8_valid(s, strlen(s), NULL);
}

static bool valid_country(const char *cc)
{
    if (cc[0] == '\0')
        return true;
    return cc[0] >= 'A' && cc[0] <= 'Z' && cc[1] >= 'A' && cc[1] <= 'Z' && cc[2] == '\0';
}

/* A mention: empty (all zero), or whole code points of the sentence sp
 * whose code-point offsets count the sentence's bytes before and in it. */
static bool valid_mention(const struct store_article *a, const struct store_rec_span *sp,
                          const struct store_rec_span *m)
{
    if (!m->start && !m->end && !m->cstart && !m->cend)
        return true;
    return m->start < m->end && m->start >= sp->start && m->end <= sp->end &&
           m->cstart >= sp->cstart && m->cend <= sp->cend &&
           ecf_utf8_valid(a->text + m->start, m->end - m->start, NULL) &&
           ecf_utf8_count(a->text + sp->start, m->start - sp->start) == m->cstart - sp->cstart &&
           ecf_utf8_count(a->text + m->start, m->end - m->start) == m->cend - m->cstart;
}

static bool valid_span(const struct store_article *a, const struct store_rec_evidence *ev)
{
    const struct store_rec_span *sp = &ev->sentence;
    return ev->rule && valid_text(ev->rule) && sp->start <= sp->end && sp->end <= a->len &&
           sp->cstart <= sp->cend &&
           ecf_utf8_valid(a->text + sp->start, sp->end - sp->start, NULL) &&
           valid_mention(a, sp, &ev->role[0]) && valid_mention(a, sp, &ev->role[1]);
}

static bool valid_conf(double c)
{
    return c >= 0.0 && c <= 1.0; /* false for NaN too */
}

static bool valid_result(const struct store_article *a, const struct store_record *r)
{
    size_t ne = r->n_entities;
    if ((ne && !r->entities) || (r->n_facts && !r->facts) || (r->n_sanctions && !r->sanctions))
        return false;
    if (r->title && !valid_text(r->title))
        return false;
    for (size_t i = 0; i < ne; i++) {
        const struct store_rec_entity *e = &r->entities[i];
        if (!keys_valid_id(e->id) || !valid_text(e->name) || !vocab_is_type(e->type) ||
            !valid_country(e->country) || (e->n_aliases && !e->aliases))
            return false;
        for (size_t j = 0; j < e->n_aliases; j++)
            if (!valid_text(e->aliases[j]))
                return false;
    }
    for (size_t i = 0; i < r->n_facts; i++) {
        const struct store_rec_fact *f = &r->facts[i];
        bool literal = f->object == STORE_REC_NONE;
        if (f->subject >= ne || (!literal && f->object >= ne) || !vocab_is_pred(f->pred) ||
            (literal && !valid_text(f->value)) || !vocab_is_status(f->status) ||
            !valid_conf(f->confidence) || !valid_span(a, &f->ev))
            return false;
    }
    for (size_t i = 0; i < r->n_sanctions; i++) {
        const struct store_rec_sanction *sn = &r->sanctions[i];
        if (sn->imposer >= ne || sn->target >= ne || !vocab_is_measure(sn->measure) ||
            !vocab_is_status(sn->status) || !valid_conf(sn->confidence) ||
            !valid_span(a, &sn->ev) || (sn->date[0] && !keys_valid_date(sn->date)) ||
            (sn->n_items && !sn->items))
            return false;
        for (size_t j = 0; j < sn->n_items; j++)
            if (!valid_text(sn->items[j]))
                return false;
    }
    return true;
}

/* ---- helpers ---- */

/* a\0b -> v. Most index entries a merge puts are there already, unchanged:
 * those write nothing. */
static void put_pair(struct stxn *w, enum store_db db, const char *a, const char *b, const void *v,
                     size_t vn)
{
    struct keybuf k;
    keys_init(&k);
    keys_put_str(&k, a);
    keys_put_last(&k, b);
    stxn_put_changed(w, db, &k, v, vn);
}

/* a\0b -> "" unless present: true when it was not. */
static bool add_pair(struct stxn *w, enum store_db db, const char *a, const char *b)
{
    struct keybuf k;
    keys_init(&k);
    keys_put_str(&k, a);
    keys_put_last(&k, b);
    return stxn_put(w, db, &k, NULL, 0, MDB_NOOVERWRITE);
}

static void del_pair(struct stxn *w, enum store_db db, const char *a, const char *b)
{
    struct keybuf k;
    keys_init(&k);
    keys_put_str(&k, a);
    keys_put_last(&k, b);
    stxn_del(w, db, &k);
}

/* "prefix" + first 16 hex digits of sha256(a \x1f b \x1f c) into out. */
static void make_id(const char *prefix, const char *a, const char *b, const char *c,
                    char out[STORE_ID_MAX])
{
    size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
    char hex[65];
    char *buf = malloc(la + lb + lc + 2);
    if (!buf) {
        out[0] = '\0';
        return;
    }
    memcpy(buf, a, la);
    buf[la] = '\x1f';
    memcpy(buf + la + 1, b, lb);
    buf[la + 1 + lb] = '\x1f';
    memcpy(buf + la + lb + 2, c, lc);
    ecf_sha256_hex(buf, la + lb + lc + 2, hex);
    free(buf);
    hex[16] = '\0';
    size_t pl = ecf_strlcpy(out, prefix, STORE_ID_MAX);
    ecf_strlcpy(out + pl, hex, STORE_ID_MAX - pl);
}

/* A name or alias of entity id: the names index (first display form wins)
 * and, when the name key is new for this entity, its trigrams. */
static void add_name(struct ingest *in, const char *id, const char *display)
{
    char *nk = keys_name(display, strlen(display));
    if (!nk) {
        stxn_fail(&in->w, STORE_E_NOMEM);
        return;
    }
    struct keybuf k;
    keys_init(&k);
    keys_put_str(&k, nk);
    keys_put_last(&k, id);
    if (nk[0] && stxn_put(&in->w, DB_NAMES, &k, display, strlen(display), MDB_NOOVERWRITE)) {
        unsigned char tri[KEYS_TRIGRAMS_MAX][3];
        size_t nt = keys_trigrams(nk, tri, KEYS_TRIGRAMS_MAX);
        for (size_t i = 0; i < nt; i++) {
            struct keybuf tk;
            keys_init(&tk);
            keys_put_raw(&tk, tri[i], 3);
            keys_put_raw(&tk, k.b, k.len);
            stxn_put(&in->w, DB_TRIGRAMS, &tk, NULL, 0, 0);
        }
    }
    free(nk);
}

static bool array_has_str(const json_t *arr, const char *s)
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

/* Adds s to the aliases array unless it is the name or already there. */
static void union_alias(struct ingest *in, json_t *rec, const char *s)
{
    json_t *aliases = json_object_get(rec, "aliases");
    const char *name = rec_str(rec, "name");
    if (!json_is_array(aliases) || !name) {
        stxn_fail(&in->w, STORE_E_CORRUPT);
        return;
    }
    if (strcmp(name, s) == 0 || array_has_str(aliases, s))
        return;
    if (json_array_append_new(aliases, json_string(s)) != 0)
        stxn_fail(&in->w, STORE_E_NOMEM);
    add_name(in, rec_str(rec, "id"), s);
}

/* key < the key at c (LMDB's default order: bytes, then length)? */
static bool key_below(const struct keybuf *k, const MDB_val *at)
{
    size_t n = k->len < at->mv_size ? k->len : at->mv_size;
    int c = memcmp(k->b, at->mv_data, n);
    return c < 0 || (c == 0 && k->len < at->mv_size);
}

/* The sources of an entity (EntityDetail "sources") are the first
 * STORE_DETAIL_CAP ids, in id order, of the articles it is in, and that is
 * all ent_articles keeps. Keeping every pair cost each article one
 * scattered leaf (and its branch path) per entity it names, 24 on average
 * in the growth corpus, so commits grew with the store; now an entity that
 * has its sources writes here only when a new id sorts before the last
 * one, which it then replaces. seen: articles the entity was in before
 * this one. The index holds the seen smallest ids (all, while fewer than the
 * cap; stores written before the cap hold more, which keeps it true). */
static void add_source(struct ingest *in, const char *eid, json_int_t seen)
{
    struct keybuf k, end;
    keys_init(&k);
    keys_put_str(&k, eid);
    keys_put_last(&k, in->a->id);
    if (seen < STORE_DETAIL_CAP) {
        stxn_put(&in->w, DB_ENT_ARTICLES, &k, NULL, 0, 0);
        return;
    }
    if (in->w.err != STORE_OK)
        return;
    keys_init(&end); /* eid\x01: just past every eid\0... key */
    keys_put_raw(&end, eid, strlen(eid));
    keys_put_raw(&end, "\x01", 1);
    MDB_cursor *c = NULL;
    MDB_val key = store_kval(&end), v;
    int rc = mdb_cursor_open(in->w.txn, in->w.s->dbi[DB_ENT_ARTICLES], &c);
    if (rc == MDB_SUCCESS) {
        rc = mdb_cursor_get(c, &key, &v, MDB_SET_RANGE);
        if (rc == MDB_SUCCESS)
            rc = mdb_cursor_get(c, &key, &v, MDB_PREV);
        else if (rc == MDB_NOTFOUND)
            rc = mdb_cursor_get(c, &key, &v, MDB_LAST);
    }
    bool last =
        rc == MDB_SUCCESS && keys_has_prefix(key.mv_data, key.mv_size, k.b, strlen(eid) + 1);
    bool insert = !last || key_below(&k, &key); /* none listed (inconsistent): list it */
    if (last && insert)
        rc = mdb_cursor_del(c, 0);
    if (c)
        mdb_cursor_close(c);
    if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND)
        stxn_fail(&in->w, store_err_mdb(rc));
    else if (insert)
        stxn_put(&in->w, DB_ENT_ARTICLES, &k, NULL, 0, 0);
}

static json_t *entity_new(const struct store_rec_entity *e)
{
    return json_pack("{s:s,s:s,s:s,s:o,s:[],s:I,s:I}", "id", e->id, "name", e->name, "type",
                     e->type, "country", e->country[0] ? json_string(e->country) : json_null(),
                     "aliases", "mentions", (json_int_t)e->mentions, "articles", (json_int_t)0);
}

static void ingest_entity(struct ingest *in, size_t i)
{
    const struct store_rec_entity *e = &in->r->entities[i];
    const char *aid = in->a->id;
    json_t *rec = NULL;
    MDB_val v;
    bool known = stxn_get(&in->w, DB_ENTITIES, e->id, strlen(e->id), &v);
    if (in->w.err != STORE_OK)
        return;
    if (known) {
        enum store_err err = rec_parse(&v, &rec);
        if (err != STORE_OK || !json_is_object(rec)) {
            stxn_fail(&in->w, err != STORE_OK ? err : STORE_E_CORRUPT);
            goto out;
        }
        json_int_t m = json_integer_value(json_object_get(rec, "mentions"));
        json_object_set_new(rec, "mentions", json_integer(m + (json_int_t)e->mentions));
        if (json_is_null(json_object_get(rec, "country")) && e->country[0]) {
            json_object_set_new(rec, "country", json_string(e->country));
            put_pair(&in->w, DB_ENT_COUNTRY, e->country, e->id, NULL, 0);
        }
        union_alias(in, rec, e->name); /* another spelling of the same id */
    } else {
        rec = entity_new(e);
        if (!rec) {
            stxn_fail(&in->w, STORE_E_NOMEM);
            goto out;
        }
        put_pair(&in->w, DB_ENT_TYPE, e->type, e->id, NULL, 0);
        if (e->country[0])
            put_pair(&in->w, DB_ENT_COUNTRY, e->country, e->id, NULL, 0);
        add_name(in, e->id, e->name);
    }
    for (size_t j = 0; j < e->n_aliases; j++)
        union_alias(in, rec, e->aliases[j]);
    /* Counted once per article even if the result repeated the entity. */
    if (add_pair(&in->w, DB_ART_ENTITIES, aid, e->id)) {
        json_int_t n = json_integer_value(json_object_get(rec, "articles"));
        add_source(in, e->id, n);
        json_object_set_new(rec, "articles", json_integer(n + 1));
    }
    rec_put(&in->w, DB_ENTITIES, e->id, rec);
    in->ents[i] = rec;
    rec = NULL;
out:
    json_decref(rec);
}

/* The evidence's mentions: [{"role","start","end"}] for each non-empty role
 * span (names: the roles' names) lying wholly in the first kept bytes of
 * the sentence (the rest of a cut sentence is not shown, so no mention
 * points past it). */
static json_t *mentions_new(const struct store_rec_evidence *ev, const char *const names[2],
                            size_t kept)
{
    json_t *a = json_array();
    for (size_t k = 0; a && k < 2; k++) {
        const struct store_rec_span *m = &ev->role[k];
        if (m->start >= m->end || m->end > ev->sentence.start + kept)
            continue;
        if (json_array_append_new(a, json_pack("{s:s,s:I,s:I}", "role", names[k], "start",
                                               (json_int_t)m->cstart, "end",
                                               (json_int_t)m->cend)) != 0) {
            json_decref(a);
            a = NULL;
        }
    }
    return a;
}

/* The evidence's sentence text is at most STORE_EVIDENCE_TEXT_MAX bytes: one
 * run-on "sentence" (a page without full stops) used to be stored whole with
 * every fact found in it, so a 256 KiB page grew the store by 64 MB. */
static json_t *evidence_new(const struct ingest *in, const struct store_rec_evidence *ev,
                            const char *const roles[2], double conf)
{
    static const char ellipsis[] = "\xE2\x80\xA6"; /* U+2026 */
    const struct store_rec_span *sp = &ev->sentence;
    const char *text = in->a->text + sp->start;
    size_t n = sp->end - sp->start;
    char cut[STORE_EVIDENCE_TEXT_MAX];
    size_t kept = n;
    if (n > STORE_EVIDENCE_TEXT_MAX) {
        size_t k = STORE_EVIDENCE_TEXT_MAX - (sizeof ellipsis - 1);
        while (k > 0 && ((unsigned char)text[k] & 0xC0) == 0x80)
            k--; /* text[k] starts a code point: text[0..k) is whole ones */
        memcpy(cut, text, k);
        memcpy(cut + k, ellipsis, sizeof ellipsis - 1);
        text = cut;
        n = k + sizeof ellipsis - 1;
        kept = k;
    }
    return json_pack("{s:s,s:s%,s:I,s:I,s:o,s:s,s:f}", "article", in->a->id, "sentence", text, n,
                     "start", (json_int_t)sp->cstart, "end", (json_int_t)sp->cend, "mentions",
                     mentions_new(ev, roles, kept), "rule", ev->rule, "confidence",
                     rec_round(conf));
}

static const char *const fact_roles[2] = {"subject", "object"};
static const char *const sanction_roles[2] = {"imposer", "target"};

/* ---- facts and sanctions: merged without parsing their evidence ----
 * Both records end with their evidence ({...,"evidence":[...]}, the API's
 * key order). A merge changes the head (confidence, status, mentions, items,
 * date) and appends to the evidence while it holds fewer than
 * STORE_EVIDENCE_MAX, so only the head is parsed and re-serialised; the
 * evidence travels as text. Parsing and dumping whole records (up to 20
 * sentences each) took half of ingest's CPU time (perf). The bytes written
 * are the ones a dump of the whole record gives (compact JSON: "," between
 * members; test_store checks it). */
struct mrec {
    json_t *head;   /* the record without its evidence; owned */
    struct jbuf ev; /* the evidence array as text, "[...]" */
    size_t n_ev;    /* how many it holds */
};

static const char EV_MEMBER[] = ",\"evidence\":";
#define EV_MEMBER_LEN (sizeof EV_MEMBER - 1)

static void mrec_free(struct mrec *m)
{
    json_decref(m->head);
    jbuf_free(&m->ev);
}

/* Loads record id of db into m (zeroed): false when there is none (check
 * in->w.err). A record that does not end with its evidence is corrupt. The
 * evidence is checked for structure (a well-nested array), not parsed: the
 * same trust reads give it when they splice it into answers. */
static bool mrec_load(struct ingest *in, enum store_db db, const char *id, struct mrec *m)
{
    MDB_val v;
    if (!stxn_get(&in->w, db, id, strlen(id), &v))
        return false;
    const char *o = v.mv_data, *ev = NULL;
    size_t n = v.mv_size, evn = 0;
    size_t off = jraw_member(o, n, "evidence", &ev, &evn) ? (size_t)(ev - o) : 0;
    if (off <= EV_MEMBER_LEN || off + evn + 1 != n || o[n - 1] != '}' ||
        memcmp(o + off - EV_MEMBER_LEN, EV_MEMBER, EV_MEMBER_LEN) != 0 ||
        (m->n_ev = jraw_array_len(ev, evn)) == (size_t)-1) {
        stxn_fail(&in->w, STORE_E_CORRUPT);
        return false;
    }
    /* the head, closed, is parsed from the buffer the evidence then fills */
    jbuf_put(&m->ev, o, off - EV_MEMBER_LEN);
    jbuf_putc(&m->ev, '}');
    if (m->ev.failed) {
        stxn_fail(&in->w, STORE_E_NOMEM);
        return false;
    }
    m->head = json_loadb(m->ev.p, m->ev.len, 0, NULL);
    if (!json_is_object(m->head)) {
        stxn_fail(&in->w, STORE_E_CORRUPT);
        return false;
    }
    jbuf_truncate(&m->ev, 0);
    jbuf_put(&m->ev, ev, evn);
    if (m->ev.failed) {
        stxn_fail(&in->w, STORE_E_NOMEM);
        return false;
    }
    return true;
}

/* Stores m under id: its head with the evidence put back last. */
static void mrec_put(struct ingest *in, enum store_db db, const char *id, struct mrec *m)
{
    if (in->w.err != STORE_OK)
        return; /* m may be half-built */
    struct jbuf out = JBUF_INIT;
    enum store_err err = rec_dump(m->head, &out); /* an object: "{...}" */
    if (err == STORE_OK) {
        jbuf_truncate(&out, out.len - 1);
        /* an empty head ("{") takes no comma */
        jbuf_put(&out, EV_MEMBER + (out.len == 1), EV_MEMBER_LEN - (out.len == 1));
        jbuf_put(&out, m->ev.p, m->ev.len);
        jbuf_putc(&out, '}');
        if (out.failed || m->ev.failed)
            err = STORE_E_NOMEM;
    }
    if (err != STORE_OK) {
        stxn_fail(&in->w, err);
    } else {
        struct keybuf k;
        keys_init(&k);
        keys_put_last(&k, id);
        stxn_put(&in->w, db, &k, out.p, out.len, 0);
    }
    jbuf_free(&out);
}

/* Adds one mention to m: confidence becomes 1 - (1 - old)(1 - c), capped
 * at 0.99 (the same as 1 - prod(1 - c_i) over all mentions, computed without
 * them), status and mentions are updated, and ev joins the evidence only
 * while that holds fewer than STORE_EVIDENCE_MAX entries. Keeping every
 * evidence made a frequent fact's record grow with the corpus: each merge
 * rewrote it whole (ingest O(N^2)) and every response carried it. Takes ev. */
static void add_evidence(struct ingest *in, struct mrec *m, json_t *ev, const char *st)
{
    json_t *rec = m->head;
    if (!ev || m->ev.len < 2) {
        json_decref(ev);
        stxn_fail(&in->w, STORE_E_NOMEM);
        return;
    }
    json_int_t seen = json_integer_value(json_object_get(rec, "mentions"));
    double old = seen > 0 ? json_number_value(json_object_get(rec, "confidence")) : 0.0;
    double c = json_number_value(json_object_get(ev, "confidence"));
    double conf = 1.0 - (1.0 - old) * (1.0 - c);
    if (conf > 0.99)
        conf = 0.99;
    if (m->n_ev < STORE_EVIDENCE_MAX) { /* "[a]" -> "[a," + ev + "]" */
        jbuf_truncate(&m->ev, m->ev.len - 1);
        if (m->n_ev)
            jbuf_putc(&m->ev, ',');
        if (rec_dump(ev, &m->ev) != STORE_OK)
            stxn_fail(&in->w, STORE_E_NOMEM);
        jbuf_putc(&m->ev, ']');
        m->n_ev++;
    } /* else counted, not kept: the article's own index still links it */
    json_decref(ev);
    const char *status = vocab_status_merge(seen > 0 ? rec_str(rec, "status") : NULL, st);
    if (json_object_set_new(rec, "confidence", json_real(rec_round(conf))) != 0 ||
        json_object_set_new(rec, "status", json_string(status)) != 0 ||
        json_object_set_new(rec, "mentions", json_integer(seen + 1)) != 0)
        stxn_fail(&in->w, STORE_E_NOMEM);
}

/* A new record: head as given (steals it), no evidence yet. */
static bool mrec_new(struct ingest *in, struct mrec *m, json_t *head)
{
    m->head = head;
    m->n_ev = 0;
    jbuf_truncate(&m->ev, 0);
    jbuf_puts(&m->ev, "[]");
    if (!head || m->ev.failed) {
        stxn_fail(&in->w, STORE_E_NOMEM);
        return false;
    }
    return true;
}

static bool lineage_pred(const char *p)
{
    static const char *const lineage[] = {"successor_of", "variant_of", "rivals", "develops",
                                          "manufactures", "uses",       "powers", "process_node"};
    return km_find(lineage, (int)(sizeof lineage / sizeof *lineage), p) >= 0;
}

static bool is_chip(const json_t *ent)
{
    const char *t = rec_str(ent, "type");
    return t && strcmp(t, "chip") == 0;
}

static void ingest_fact(struct ingest *in, const struct store_rec_fact *f)
{
    const json_t *subj = in->ents[f->subject];
    const json_t *obj = f->object == STORE_REC_NONE ? NULL : in->ents[f->object];
    const char *sid = rec_str(subj, "id"), *pred = f->pred;
    const char *oid = obj ? rec_str(obj, "id") : "";
    char fid[STORE_ID_MAX];
    struct mrec m = {NULL, JBUF_INIT, 0};
    make_id("f-", sid, pred, obj ? oid : f->value, fid);
    if (!fid[0]) {
        stxn_fail(&in->w, STORE_E_NOMEM);
        return;
    }
    if (!mrec_load(in, DB_FACTS, fid, &m) &&
        (in->w.err != STORE_OK ||
         !mrec_new(in, &m,
                   json_pack("{s:s,s:o,s:s,s:o,s:o,s:f,s:n,s:I}", "id", fid, "subject",
                             rec_entity_ref(subj), "predicate", pred, "object",
                             obj ? rec_entity_ref(obj) : json_null(), "value",
                             obj ? json_null() : json_string(f->value), "confidence", 0.0, "status",
                             "mentions", (json_int_t)0))))
        goto out;
    add_evidence(in, &m, evidence_new(in, &f->ev, fact_roles, f->confidence), f->status);
    mrec_put(in, DB_FACTS, fid, &m);

    /* every fact index carries subject\0predicate\0object for filter checks */
    size_t ls = strlen(sid), lp = strlen(pred), lo = strlen(oid);
    char iv[3 * STORE_ID_MAX];
    memcpy(iv, sid, ls + 1);
    memcpy(iv + ls + 1, pred, lp + 1);
    memcpy(iv + ls + lp + 2, oid, lo);
    size_t ivn = ls + lp + lo + 2;
    put_pair(&in->w, DB_FACT_SUBJ, sid, fid, iv, ivn);
    if (obj)
        put_pair(&in->w, DB_FACT_OBJ, oid, fid, iv, ivn);
    put_pair(&in->w, DB_FACT_PRED, pred, fid, iv, ivn);
    put_pair(&in->w, DB_ART_FACTS, in->a->id, fid, NULL, 0);
    if (lineage_pred(f->pred)) {
        char ev[STORE_ID_MAX + 32];
        size_t n = ecf_strlcpy(ev, pred, sizeof ev);
        if (is_chip(subj)) {
            ev[n + 1] = 'o';
            ev[n + 2] = '\0';
            memcpy(ev + n + 3, oid, lo);
            put_pair(&in->w, DB_CHIP_EDGES, sid, fid, ev, n + 3 + lo);
        }
        if (obj && is_chip(obj)) {
            ev[n + 1] = 'i';
            ev[n + 2] = '\0';
            memcpy(ev + n + 3, sid, ls);
            put_pair(&in->w, DB_CHIP_EDGES, oid, fid, ev, n + 3 + ls);
        }
    }
out:
    mrec_free(&m);
}

static void put_sanction_indexes(struct ingest *in, const json_t *rec)
{
    const char *sid = rec_str(rec, "id"), *measure = rec_str(rec, "measure");
    const char *imp = rec_str(json_object_get(rec, "imposer"), "id");
    const char *tgt = rec_str(json_object_get(rec, "target"), "id");
    const char *date = rec_str(rec, "date");
    if (!sid || !measure || !imp || !tgt) {
        stxn_fail(&in->w, STORE_E_CORRUPT);
        return;
    }
    char iv[4 * STORE_ID_MAX];
    size_t n = 0;
    const char *parts[4] = {imp, tgt, measure, date ? date : ""};
    for (int i = 0; i < 4; i++) {
        size_t l = strlen(parts[i]) + (i < 3);
        memcpy(iv + n, parts[i], l);
        n += l;
    }
    put_pair(&in->w, DB_SANC_IMPOSER, imp, sid, iv, n);
    put_pair(&in->w, DB_SANC_TARGET, tgt, sid, iv, n);
    put_pair(&in->w, DB_SANC_MEASURE, measure, sid, iv, n);
    if (date)
        put_pair(&in->w, DB_SANC_DATE, date, sid, iv, n);
}

static void ingest_sanction(struct ingest *in, const struct store_rec_sanction *sn)
{
    const json_t *imp = in->ents[sn->imposer], *tgt = in->ents[sn->target];
    const char *measure = sn->measure;
    char sid[STORE_ID_MAX];
    struct mrec m = {NULL, JBUF_INIT, 0};
    make_id("s-", rec_str(imp, "id"), rec_str(tgt, "id"), measure, sid);
    if (!sid[0]) {
        stxn_fail(&in->w, STORE_E_NOMEM);
        return;
    }
    if (!mrec_load(in, DB_SANCTIONS, sid, &m) &&
        (in->w.err != STORE_OK ||
         !mrec_new(in, &m,
                   json_pack("{s:s,s:o,s:o,s:s,s:[],s:n,s:f,s:n,s:I}", "id", sid, "imposer",
                             rec_entity_ref(imp), "target", rec_entity_ref(tgt), "measure", measure,
                             "items", "date", "confidence", 0.0, "status", "mentions",
                             (json_int_t)0))))
        goto out;
    json_t *rec = m.head;
    json_t *items = json_object_get(rec, "items");
    for (size_t i = 0; i < sn->n_items && json_is_array(items); i++)
        if (!array_has_str(items, sn->items[i]) &&
            json_array_append_new(items, json_string(sn->items[i])) != 0)
            stxn_fail(&in->w, STORE_E_NOMEM);
    /* the most precise date seen wins; the date index follows it */
    const char *old = rec_str(rec, "date");
    if (sn->date[0] && (!old || strlen(sn->date) > strlen(old))) {
        if (old)
            del_pair(&in->w, DB_SANC_DATE, old, sid);
        json_object_set_new(rec, "date", json_string(sn->date));
    }
    add_evidence(in, &m, evidence_new(in, &sn->ev, sanction_roles, sn->confidence), sn->status);
    mrec_put(in, DB_SANCTIONS, sid, &m);
    put_sanction_indexes(in, rec);
    put_pair(&in->w, DB_ART_SANCTIONS, in->a->id, sid, NULL, 0);
out:
    mrec_free(&m);
}

static void put_article(struct ingest *in, const char *sha)
{
    const struct store_article *a = in->a;
    const struct store_record *r = in->r;
    const char *title = a->title ? a->title : (r->title ? r->title : "");
    const char *date = a->date ? a->date : (keys_valid_date(r->date) ? r->date : NULL);
    char now[21];
    ecf_now_iso(now);
    bool has_url = a->url && a->url[0]; /* "" is no URL */
    json_t *rec =
        json_pack("{s:s,s:s,s:o,s:o,s:o,s:s,s:s,s:I,s:{s:I,s:I,s:I},s:o}", "id", a->id, "title",
                  title, "url", has_url ? json_string(a->url) : json_null(), "urls",
                  article_urls_new(a->url), "date", date ? json_string(date) : json_null(),
                  "ingested_at", now, "sha256", sha, "bytes", (json_int_t)a->len, "counts",
                  "entities", (json_int_t)r->n_entities, "facts", (json_int_t)r->n_facts,
                  "sanctions", (json_int_t)r->n_sanctions, "fetch", article_fetch_new(a->fetch));
    if (!rec || article_page_set(rec, a) != STORE_OK) {
        json_decref(rec);
        stxn_fail(&in->w, STORE_E_NOMEM);
        return;
    }
    rec_put(&in->w, DB_ARTICLES, a->id, rec);
    json_decref(rec);
    struct keybuf k;
    keys_init(&k);
    keys_put_last(&k, a->id);
    stxn_put(&in->w, DB_ARTICLE_TEXT, &k, a->text, a->len, 0);
    keys_init(&k);
    keys_put_last(&k, sha);
    stxn_put(&in->w, DB_ARTICLE_HASH, &k, a->id, strlen(a->id), 0);
}

enum store_err store_ingest(struct store *s, const struct store_article *a,
                            const struct store_record *r, struct store_ingest_info *info)
{
    struct ingest in = {{s, NULL, STORE_OK}, a, r, NULL};
    struct store_ingest_info dummy;
    char sha[65];
    MDB_val v;
    if (!info)
        info = &dummy;
    memset(info, 0, sizeof *info);
    /* The text is validated once per ingest, by the caller (store.h); a
     * second pass over the whole text would only repeat it. */
    assert(!a || !a->text || ecf_utf8_valid(a->text, a->len, NULL));
    if (!s || !a || !r || !keys_valid_id(a->id) || !a->text ||
        (a->title && !valid_text(a->title)) || (a->url && !valid_text(a->url)) ||
        (a->date && !keys_valid_date(a->date)) || !article_fetch_valid(a->fetch) ||
        !article_page_valid(a) || !valid_result(a, r))
        return STORE_E_INVALID;
    if (s->read_only)
        return STORE_E_IO;
    if (a->sha256 && strlen(a->sha256) == 64)
        memcpy(sha, a->sha256, sizeof sha);
    else
        ecf_sha256_hex(a->text, a->len, sha);
    if (r->n_entities && !(in.ents = calloc(r->n_entities, sizeof *in.ents)))
        return STORE_E_NOMEM;
    if (stxn_begin(&in.w, s) != STORE_OK) {
        free(in.ents);
        return in.w.err;
    }
    if (stxn_get(&in.w, DB_ARTICLE_HASH, sha, 64, &v)) {
        bool changed = false;
        article_duplicate(&in.w, &v, a, info, &changed);
        if (changed && in.w.err == STORE_OK) /* a new URL for the text */
            info->url_added = stxn_commit(&in.w) == STORE_OK;
        goto out; /* else nothing written: the abort below is the no-op */
    }
    if (stxn_get(&in.w, DB_ARTICLES, a->id, strlen(a->id), &v))
        stxn_fail(&in.w, STORE_E_CONFLICT);
    for (size_t i = 0; i < r->n_entities && in.w.err == STORE_OK; i++)
        ingest_entity(&in, i);
    for (size_t i = 0; i < r->n_facts && in.w.err == STORE_OK; i++)
        ingest_fact(&in, &r->facts[i]);
    for (size_t i = 0; i < r->n_sanctions && in.w.err == STORE_OK; i++)
        ingest_sanction(&in, &r->sanctions[i]);
    put_article(&in, sha);
    if (stxn_commit(&in.w) == STORE_OK) {
        ecf_strlcpy(info->id, a->id, sizeof info->id);
        info->n_entities = r->n_entities;
        info->n_facts = r->n_facts;
        info->n_sanctions = r->n_sanctions;
    }
out:
    stxn_abort(&in.w);
    for (size_t i = 0; i < r->n_entities; i++)
        json_decref(in.ents[i]);
    free(in.ents);
    return in.w.err;
}
