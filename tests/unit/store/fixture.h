/* tests/unit/store/fixture.h — hand-built records (struct store_record) for
 * the store tests (the store does not know the extractor), temp dirs, and JSON
 * shape checks. Header-only; each test executable includes it once. */
#ifndef ECF_TESTS_STORE_FIXTURE_H
#define ECF_TESTS_STORE_FIXTURE_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "common/util.h"
#include "store/store.h"
#include "tests/tap.h"

#define FX_MAX 64

/* One article: its text is the concatenation of the sentences added. */
struct fx {
    struct store_record r;
    struct store_rec_entity ents[FX_MAX];
    struct store_rec_fact facts[FX_MAX];
    struct store_rec_sanction sancs[FX_MAX];
    char text[65536];
    size_t len;
};

__attribute__((unused)) static void fx_init(struct fx *f, const char *lead)
{
    memset(f, 0, sizeof *f);
    f->r.title = "";
    f->r.entities = f->ents;
    f->r.facts = f->facts;
    f->r.sanctions = f->sancs;
    if (lead) {
        f->len = ecf_strlcpy(f->text, lead, sizeof f->text);
    }
}

/* Adds an entity; aliases is a NULL-terminated static array or NULL. */
__attribute__((unused)) static size_t fx_ent(struct fx *f, const char *id, const char *name,
                                             const char *t, const char *cc, char **aliases)
{
    struct store_rec_entity *e = &f->ents[f->r.n_entities];
    e->id = id;
    e->name = name;
    e->type = t;
    ecf_strlcpy(e->country, cc ? cc : "", sizeof e->country);
    e->aliases = (const char *const *)aliases;
    while (aliases && aliases[e->n_aliases])
        e->n_aliases++;
    e->mentions = 2;
    return f->r.n_entities++;
}

/* Appends sentence (and a space) to the text; the span covers the sentence. */
__attribute__((unused)) static struct store_rec_span fx_sentence(struct fx *f, const char *sentence)
{
    struct store_rec_span sp;
    size_t n = strlen(sentence);
    if (f->len + n + 1 >= sizeof f->text)
        abort();
    sp.start = f->len;
    sp.cstart = ecf_utf8_count(f->text, f->len);
    memcpy(f->text + f->len, sentence, n);
    f->len += n;
    sp.end = f->len;
    sp.cend = ecf_utf8_count(f->text, f->len);
    f->text[f->len++] = ' ';
    f->text[f->len] = '\0';
    return sp;
}

__attribute__((unused)) static void fx_fact(struct fx *f, size_t s, const char *p, size_t o,
                                            const char *value, double conf, const char *st,
                                            const char *sentence)
{
    struct store_rec_fact *x = &f->facts[f->r.n_facts++];
    x->subject = s;
    x->pred = p;
    x->object = o;
    x->value = value;
    x->confidence = conf;
    x->status = st;
    x->ev.sentence = fx_sentence(f, sentence);
    x->ev.rule = "test-rule";
}

__attribute__((unused)) static void fx_sanction(struct fx *f, size_t imp, size_t tgt, const char *m,
                                                const char *date, char **items, double conf,
                                                const char *sentence)
{
    struct store_rec_sanction *x = &f->sancs[f->r.n_sanctions++];
    x->imposer = imp;
    x->target = tgt;
    x->measure = m;
    x->items = (const char *const *)items;
    while (items && items[x->n_items])
        x->n_items++;
    ecf_strlcpy(x->date, date ? date : "", sizeof x->date);
    x->confidence = conf;
    x->status = "asserted";
    x->ev.sentence = fx_sentence(f, sentence);
    x->ev.rule = "sanction-rule";
}

__attribute__((unused)) static struct store_article fx_article(const struct fx *f, const char *id,
                                                               const char *title)
{
    struct store_article a = {.id = id, .title = title, .text = f->text, .len = f->len};
    return a;
}

/* ---- temp dirs ---- */

/* A store opened read-write at dir with map bytes, or NULL (reason on a
 * TAP comment line). */
__attribute__((unused)) static struct store *open_ok(const char *dir, size_t map)
{
    struct store_opts o = {.map_size = map};
    struct store *s = NULL;
    char err[256];
    enum store_err e = store_open(dir, &o, &s, err, sizeof err);
    if (e != STORE_OK)
        printf("# store_open: %s: %s\n", store_strerror(e), err);
    return s;
}

__attribute__((unused)) static char *tmp_dir(void)
{
    char tmpl[] = "/tmp/ecf-store-test-XXXXXX";
    char *d = mkdtemp(tmpl);
    return d ? strdup(d) : NULL;
}

/* Removes dir and the files in it (one level: LMDB's data.mdb, lock.mdb). */
__attribute__((unused)) static void rm_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char p[4096];
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            if (unlink(p) != 0)
                rm_dir(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* ---- JSON shape checks ---- */

/* true when o is an object whose keys are exactly want (NULL-terminated), in order. */
__attribute__((unused)) static int keys_are(const json_t *o, const char *const *want)
{
    size_t i = 0;
    if (!json_is_object(o))
        return 0;
    for (void *it = json_object_iter((json_t *)o); it;
         it = json_object_iter_next((json_t *)o, it), i++) {
        if (!want[i] || strcmp(json_object_iter_key(it), want[i]) != 0)
            return 0;
    }
    return want[i] == NULL;
}

__attribute__((unused)) static const char *sget(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

__attribute__((unused)) static long long iget(const json_t *o, const char *k)
{
    return (long long)json_integer_value(json_object_get(o, k));
}

/* ids of the records in a JSON array, comma-joined, into buf. */
__attribute__((unused)) static const char *ids_of(const json_t *arr, char *buf, size_t cap)
{
    size_t i, n = 0;
    const json_t *x;
    buf[0] = '\0';
    json_array_foreach(arr, i, x)
    {
        const json_t *o = json_object_get(x, "entity") ? json_object_get(x, "entity") : x;
        const char *id = sget(o, "id");
        n += (size_t)snprintf(buf + n, n < cap ? cap - n : 0, "%s%s", i ? "," : "", id ? id : "?");
        if (n >= cap)
            break;
    }
    return buf;
}

/* ---- the store's reads as JSON values ----
 * Each read appends JSON text to a jbuf; these wrappers (tx_<read>) give the
 * tests parsed values and check the contract on the way: a successful read
 * appends exactly one well-formed JSON text after what was there, a failed
 * one appends nothing. A breach aborts the test program. */

#define TX_SENTINEL "#"

static enum store_err tx_take(const char *what, enum store_err e, struct jbuf *b, json_t **out)
{
    *out = NULL;
    if (b->failed || b->len < 1 || memcmp(b->p, TX_SENTINEL, 1) != 0) {
        fprintf(stderr, "%s: the buffer's earlier text was lost\n", what);
        abort();
    }
    if (e == STORE_OK) {
        json_error_t je;
        *out = json_loadb(b->p + 1, b->len - 1, 0, &je);
        if (!*out) {
            fprintf(stderr, "%s: the answer is not JSON (%s at %d): %.300s\n", what, je.text,
                    je.position, b->p + 1);
            abort();
        }
    } else if (b->len != 1) {
        fprintf(stderr, "%s failed (%d) but appended: %.300s\n", what, (int)e, b->p + 1);
        abort();
    }
    jbuf_free(b);
    return e;
}

#define TX_BEGIN                                                                                   \
    struct jbuf b = JBUF_INIT;                                                                     \
    jbuf_puts(&b, TX_SENTINEL)

__attribute__((unused)) static enum store_err tx_entities_list(struct store_txn *t,
                                                               const struct store_entity_filter *f,
                                                               const struct store_page *pg,
                                                               json_t **items, char **next)
{
    TX_BEGIN;
    return tx_take("entities_list", store_entities_list(t, f, pg, &b, next), &b, items);
}

__attribute__((unused)) static enum store_err tx_facts_list(struct store_txn *t,
                                                            const struct store_fact_filter *f,
                                                            const struct store_page *pg,
                                                            json_t **items, char **next)
{
    TX_BEGIN;
    return tx_take("facts_list", store_facts_list(t, f, pg, &b, next), &b, items);
}

__attribute__((unused)) static enum store_err
tx_sanctions_list(struct store_txn *t, const struct store_sanction_filter *f,
                  const struct store_page *pg, json_t **items, char **next)
{
    TX_BEGIN;
    return tx_take("sanctions_list", store_sanctions_list(t, f, pg, &b, next), &b, items);
}

__attribute__((unused)) static enum store_err
tx_articles_list(struct store_txn *t, const struct store_page *pg, json_t **items, char **next)
{
    TX_BEGIN;
    return tx_take("articles_list", store_articles_list(t, pg, &b, next), &b, items);
}

__attribute__((unused)) static enum store_err
tx_sources_list(struct store_txn *t, const struct store_page *pg, json_t **items, char **next)
{
    TX_BEGIN;
    return tx_take("sources_list", store_sources_list(t, pg, &b, next), &b, items);
}

#define TX_GET(name)                                                                               \
    __attribute__((unused)) static enum store_err tx_##name(struct store_txn *t, const char *id,   \
                                                            json_t **out)                          \
    {                                                                                              \
        TX_BEGIN;                                                                                  \
        return tx_take(#name, store_##name(t, id, &b), &b, out);                                   \
    }
TX_GET(entity_get)
TX_GET(entity_detail)
TX_GET(fact_get)
TX_GET(sanction_get)
TX_GET(article_get)

__attribute__((unused)) static enum store_err tx_chip_lineage(struct store_txn *t, const char *id,
                                                              unsigned depth, json_t **out)
{
    TX_BEGIN;
    return tx_take("chip_lineage", store_chip_lineage(t, id, depth, &b), &b, out);
}

__attribute__((unused)) static enum store_err tx_search(struct store_txn *t, const char *q,
                                                        size_t limit, json_t **out)
{
    TX_BEGIN;
    return tx_take("search", store_search(t, q, limit, &b), &b, out);
}

#endif
