/* Store unit tests: an evidence's mentions (store_rec_evidence.role, stored
 * as the evidence's "mentions"). They round-trip in code points of the
 * article after non-ASCII and non-BMP text; an empty role is left out; a
 * mention past a cut sentence's kept text is dropped; a fact record written
 * before mentions existed (no "mentions" in its evidence) still reads and
 * merges; a mention outside its sentence is refused. */
#include <lmdb.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h" /* STORE_JSON_FLAGS: how records are written */
#include "tests/unit/store/fixture.h"

/* Sets role k of ev to the first occurrence of needle in ev's sentence. */
static void fx_role(const struct fx *f, struct store_rec_evidence *ev, size_t k, const char *needle)
{
    const struct store_rec_span *sp = &ev->sentence;
    size_t nl = strlen(needle);
    for (size_t i = sp->start; i + nl <= sp->end; i++)
        if (!memcmp(f->text + i, needle, nl)) {
            ev->role[k] = (struct store_rec_span){i, i + nl, ecf_utf8_count(f->text, i),
                                                  ecf_utf8_count(f->text, i + nl)};
            return;
        }
    abort(); /* the test's own sentence lacks it */
}

/* The text of code points [cs, ce) of s, into out (cap bytes). */
static const char *cp_slice(const char *s, long long cs, long long ce, char *out, size_t cap)
{
    size_t n = strlen(s), b = 0, cp = 0, from = SIZE_MAX;
    out[0] = '\0';
    for (; b <= n; b++) {
        if (b < n && ((unsigned char)s[b] & 0xC0) == 0x80)
            continue;
        if ((long long)cp == cs)
            from = b;
        if ((long long)cp == ce && from != SIZE_MAX && b - from < cap) {
            memcpy(out, s + from, b - from);
            out[b - from] = '\0';
            return out;
        }
        cp++;
    }
    return out;
}

/* Whether mention i of evidence ev is {role, start, end} and its code points
 * in the article text say want. */
static bool mention_is(const json_t *ev, size_t i, const char *role, const char *text,
                       const char *want)
{
    const json_t *m = json_array_get(json_object_get(ev, "mentions"), i);
    static const char *const keys[] = {"role", "start", "end", NULL};
    char got[256];
    cp_slice(text, iget(m, "start"), iget(m, "end"), got, sizeof got);
    if (!m || !keys_are(m, keys) || !sget(m, "role") || strcmp(sget(m, "role"), role) ||
        strcmp(got, want)) {
        printf("# mention %zu: %s [%lld,%lld) \"%s\", want %s \"%s\"\n", i,
               m ? sget(m, "role") : "none", m ? iget(m, "start") : -1, m ? iget(m, "end") : -1,
               got, role, want);
        return false;
    }
    return true;
}

static const char LEAD[] = "Z\xC3\xBCrich \xF0\x9F\x9A\x80 report. ";

/* Article id: Huawei's chip stated through "It", and a listing whose
 * imposer no token named. */
static enum store_err ingest_it(struct store *s, struct fx *f, const char *id, const char *lead)
{
    struct store_ingest_info info;
    fx_init(f, lead);
    size_t h = fx_ent(f, "huawei", "Huawei", "company", "CN", NULL);
    size_t c = fx_ent(f, "ascend-910c", "Ascend 910C", "chip", NULL, NULL);
    size_t u = fx_ent(f, "united-states", "United States", "country", "US", NULL);
    fx_fact(f, h, "develops", c, NULL, 0.8, "asserted",
            "It develops the Ascend 910C \xF0\x9F\x98\x80.");
    fx_sanction(f, u, h, "entity_listing", "2019-05", NULL, 0.9,
                "Later, Huawei was added to the Entity List.");
    fx_role(f, &f->facts[0].ev, 0, "It");
    fx_role(f, &f->facts[0].ev, 1, "Ascend 910C");
    fx_role(f, &f->sancs[0].ev, 1, "Huawei");
    struct store_article a = fx_article(f, id, NULL);
    return store_ingest(s, &a, &f->r, &info);
}

/* The only fact's evidence list (a new reference) and the only sanction's. */
static json_t *read_evidence(struct store *s, bool sanction)
{
    struct store_txn t_r = STORE_TXN_INIT, *t = &t_r;
    json_t *items = NULL, *ev = NULL;
    char *next = NULL;
    struct store_page pg = {NULL, 10};
    struct store_fact_filter ff = {"huawei", "develops", "ascend-910c"};
    struct store_sanction_filter sf = {"united-states", NULL, NULL, NULL, NULL};
    if (store_read_begin(s, t) == STORE_OK &&
        (sanction ? tx_sanctions_list(t, &sf, &pg, &items, &next)
                  : tx_facts_list(t, &ff, &pg, &items, &next)) == STORE_OK &&
        json_array_size(items) == 1)
        ev = json_incref(json_object_get(json_array_get(items, 0), "evidence"));
    store_read_end(t);
    json_decref(items);
    free(next);
    return ev;
}

static void test_round_trip(const char *dir, struct fx *f)
{
    struct store *s = open_ok(dir, 64u << 20);
    ok(s && ingest_it(s, f, "m1", LEAD) == STORE_OK, "an article with mentions is stored");
    json_t *ev = s ? read_evidence(s, false) : NULL;
    const json_t *e0 = json_array_get(ev, 0);
    static const char *const keys[] = {"article",  "sentence", "start",      "end",
                                       "mentions", "rule",     "confidence", NULL};
    ok(keys_are(e0, keys), "the evidence holds its mentions after start and end");
    is_int(json_array_size(json_object_get(e0, "mentions")), 2, "two mentions");
    ok(mention_is(e0, 0, "subject", f->text, "It"), "the subject is the pronoun, in code points");
    ok(mention_is(e0, 1, "object", f->text, "Ascend 910C"), "the object");
    json_decref(ev);
    ev = s ? read_evidence(s, true) : NULL;
    e0 = json_array_get(ev, 0);
    is_int(json_array_size(json_object_get(e0, "mentions")), 1,
           "a sanction whose imposer no token named: one mention");
    ok(mention_is(e0, 0, "target", f->text, "Huawei"), "the target");
    json_decref(ev);
    store_close(s);
}

/* Rewrites the (only) fact record of the closed store at dir without
 * "mentions" in its evidence: the record an earlier version wrote. */
static bool age_fact(const char *dir)
{
    MDB_env *env = NULL;
    MDB_txn *txn = NULL;
    MDB_dbi dbi;
    MDB_cursor *c = NULL;
    MDB_val k, v;
    json_t *rec = NULL;
    char *buf = NULL;
    bool done = false;
    if (mdb_env_create(&env) || mdb_env_set_maxdbs(env, 64) || mdb_env_open(env, dir, 0, 0600) ||
        mdb_txn_begin(env, NULL, 0, &txn) || mdb_dbi_open(txn, "facts", 0, &dbi) ||
        mdb_cursor_open(txn, dbi, &c) || mdb_cursor_get(c, &k, &v, MDB_FIRST))
        goto out;
    rec = json_loadb(v.mv_data, v.mv_size, 0, NULL);
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(rec, "evidence"), i, e) json_object_del(e, "mentions");
    buf = json_dumps(rec, STORE_JSON_FLAGS);
    mdb_cursor_close(c);
    c = NULL;
    MDB_val nv = {buf ? strlen(buf) : 0, buf};
    done = buf && !strstr(buf, "\"mentions\":[") && !mdb_put(txn, dbi, &k, &nv, 0) &&
           !mdb_txn_commit(txn);
    txn = NULL;
out:
    if (c)
        mdb_cursor_close(c);
    if (txn)
        mdb_txn_abort(txn);
    mdb_env_close(env);
    json_decref(rec);
    free(buf);
    return done;
}

static void test_old_record(const char *dir, struct fx *f)
{
    ok(age_fact(dir), "the fact record rewritten as an earlier version stored it");
    struct store *s = open_ok(dir, 64u << 20);
    json_t *ev = s ? read_evidence(s, false) : NULL;
    const json_t *e0 = json_array_get(ev, 0);
    ok(e0 && !json_object_get(e0, "mentions") && iget(e0, "start") > 0,
       "an old evidence reads, without mentions");
    json_decref(ev);
    ok(s && ingest_it(s, f, "m2", "\xF0\x9F\x9A\x80\xF0\x9F\x9A\x80 Another report. ") == STORE_OK,
       "another article merges into the old record");
    ev = s ? read_evidence(s, false) : NULL;
    is_int(json_array_size(ev), 2, "two evidences");
    ok(!json_object_get(json_array_get(ev, 0), "mentions"), "the old one as it was");
    ok(mention_is(json_array_get(ev, 1), 0, "subject", f->text, "It"),
       "the new one with its mentions");
    json_decref(ev);
    struct store_txn t_r = STORE_TXN_INIT, *t = &t_r;
    struct jbuf out = JBUF_INIT;
    char fid[STORE_ID_MAX] = "";
    json_t *items = NULL;
    char *next = NULL;
    struct store_page pg = {NULL, 10};
    struct store_fact_filter ff = {"huawei", "develops", "ascend-910c"};
    if (s && store_read_begin(s, t) == STORE_OK &&
        tx_facts_list(t, &ff, &pg, &items, &next) == STORE_OK && json_array_size(items) == 1)
        ecf_strlcpy(fid, sget(json_array_get(items, 0), "id"), sizeof fid);
    json_t *one = fid[0] && store_fact_get(t, fid, &out) == STORE_OK
                      ? json_loadb(out.p, out.len, 0, NULL)
                      : NULL;
    ok(one && json_array_size(json_object_get(one, "evidence")) == 2,
       "the fact record reads whole");
    json_decref(one);
    jbuf_free(&out);
    json_decref(items);
    free(next);
    store_read_end(t);
    store_close(s);
}

/* A mention in the part of a 3000-byte sentence the store cuts off points
 * at text no reader sees: it is dropped, the one before the cut kept. */
static void test_cut(const char *dir, struct fx *f)
{
    struct store *s = open_ok(dir, 64u << 20);
    char *sent = malloc(4096);
    if (!s || !sent) {
        ok(0, "open the cut store");
        goto out;
    }
    size_t n = (size_t)snprintf(sent, 4096, "Huawei develops ");
    while (n + 2 < 3000) {
        memcpy(sent + n, "\xC3\xA9", 2);
        n += 2;
    }
    snprintf(sent + n, 4096 - n, " the Ascend 910C.");
    struct store_ingest_info info;
    fx_init(f, LEAD);
    size_t h = fx_ent(f, "huawei", "Huawei", "company", "CN", NULL);
    size_t c = fx_ent(f, "ascend-910c", "Ascend 910C", "chip", NULL, NULL);
    fx_fact(f, h, "develops", c, NULL, 0.8, "asserted", sent);
    fx_role(f, &f->facts[0].ev, 0, "Huawei");
    fx_role(f, &f->facts[0].ev, 1, "Ascend 910C");
    struct store_article a = fx_article(f, "cut", NULL);
    ok(store_ingest(s, &a, &f->r, &info) == STORE_OK, "a fact with a 3000-byte sentence");
    json_t *ev = read_evidence(s, false);
    const json_t *e0 = json_array_get(ev, 0);
    is_int(json_array_size(json_object_get(e0, "mentions")), 1,
           "the mention past the kept text is dropped");
    ok(mention_is(e0, 0, "subject", f->text, "Huawei"), "the one inside it is kept");
    json_decref(ev);
out:
    free(sent);
    store_close(s);
}

static void test_invalid(const char *dir, struct fx *f)
{
    struct store *s = open_ok(dir, 64u << 20);
    struct store_ingest_info info;
    struct store_article a;
    fx_init(f, LEAD);
    size_t h = fx_ent(f, "huawei", "Huawei", "company", "CN", NULL);
    size_t c = fx_ent(f, "ascend-910c", "Ascend 910C", "chip", NULL, NULL);
    fx_fact(f, h, "develops", c, NULL, 0.8, "asserted", "Huawei develops the Ascend 910C.");
    f->facts[0].ev.role[0] = (struct store_rec_span){1, 3, 1, 3}; /* in the lead */
    a = fx_article(f, "bad1", NULL);
    is_int(s ? store_ingest(s, &a, &f->r, &info) : STORE_E_IO, STORE_E_INVALID,
           "a mention outside its sentence: STORE_E_INVALID");
    fx_role(f, &f->facts[0].ev, 0, "Huawei");
    f->facts[0].ev.role[0].cstart = f->facts[0].ev.role[0].start; /* bytes, not code points */
    f->facts[0].ev.role[0].cend = f->facts[0].ev.role[0].end;
    is_int(s ? store_ingest(s, &a, &f->r, &info) : STORE_E_IO, STORE_E_INVALID,
           "code points that do not count the bytes: STORE_E_INVALID");
    fx_role(f, &f->facts[0].ev, 0, "Huawei");
    is_int(s ? store_ingest(s, &a, &f->r, &info) : STORE_E_IO, STORE_OK, "fixed, it is stored");
    store_close(s);
}

int main(void)
{
    char *base = tmp_dir();
    struct fx *f = malloc(sizeof *f);
    if (!base || !f) {
        skip_all("no temp dir");
        return 0;
    }
    char dir[512];
    snprintf(dir, sizeof dir, "%s/trip", base);
    test_round_trip(dir, f);
    test_old_record(dir, f);
    snprintf(dir, sizeof dir, "%s/cut", base);
    test_cut(dir, f);
    snprintf(dir, sizeof dir, "%s/invalid", base);
    test_invalid(dir, f);
    rm_dir(base);
    free(base);
    free(f);
    return done();
}
