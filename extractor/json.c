/* extractor/json.c — the `ecfacts extract --json` line: ex_result_to_json
 * (a jansson tree) and ex_result_json_text (the same line written directly,
 * byte for byte what json_dumps(tree, JSON_COMPACT | JSON_REAL_PRECISION(10))
 * prints, without building and freeing the tree). */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/jbuf.h"
#include "common/util.h"
#include "extractor/extract.h"

/* ---- the jansson tree ---- */

/* Values every record repeats, built once per result and shared (jansson
 * counts references; the tree is a DAG, dumped the same as copies). */
struct jshare {
    json_t **refs; /* {"id","name"} of each entity */
    json_t *pred[EX_P__COUNT], *status[EX_S__COUNT], *measure[EX_M__COUNT];
};

/* Sets o[k] = v, stealing v; false (v released) when v or o is NULL or on
 * ENOMEM. */
static bool put(json_t *o, const char *k, json_t *v)
{
    if (!v)
        return false;
    if (!o) {
        json_decref(v);
        return false;
    }
    return json_object_set_new_nocheck(o, k, v) == 0; /* releases v on failure */
}

/* Sets o[k] = v, a shared value (a new reference). */
static bool put_shared(json_t *o, const char *k, json_t *v)
{
    return v && put(o, k, json_incref(v));
}

static json_t *named(json_t **cache, const char *name)
{
    if (!*cache)
        *cache = json_string(name);
    return *cache;
}

static json_t *ref_of(const struct ex_result *r, struct jshare *sh, size_t i)
{
    if (i >= r->n_entities)
        return json_null();
    if (!sh->refs[i]) {
        json_t *o = json_object();
        if (!put(o, "id", json_string(r->entities[i].id)) ||
            !put(o, "name", json_string(r->entities[i].name))) {
            json_decref(o);
            return NULL;
        }
        sh->refs[i] = o;
    }
    return json_incref(sh->refs[i]);
}

static json_t *evidence_of(const struct ex_evidence *ev, const char *text)
{
    size_t n = ev->sentence.end > ev->sentence.start ? ev->sentence.end - ev->sentence.start : 0;
    json_t *o = json_object();
    if (!put(o, "sentence", json_stringn(text ? text + ev->sentence.start : "", text ? n : 0)) ||
        !put(o, "start", json_integer((json_int_t)ev->sentence.cstart)) ||
        !put(o, "end", json_integer((json_int_t)ev->sentence.cend)) ||
        !put(o, "rule", json_string(ev->rule ? ev->rule : ""))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *str_array(char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) {
        if (json_array_append_new(a, json_string(v[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *entity_json(const struct ex_entity *e)
{
    json_t *o = json_object();
    if (!put(o, "id", json_string(e->id)) || !put(o, "name", json_string(e->name)) ||
        !put(o, "type", json_string(ex_type_name(e->type))) ||
        !put(o, "country", json_string(e->country)) ||
        !put(o, "aliases", str_array(e->aliases, e->n_aliases)) ||
        !put(o, "mentions", json_integer((json_int_t)e->mentions))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *fact_json(const struct ex_result *r, struct jshare *sh, const struct ex_fact *f,
                         const char *text)
{
    json_t *o = json_object();
    if (!put(o, "subject", ref_of(r, sh, f->subject)) ||
        !put_shared(o, "predicate", named(&sh->pred[f->pred], ex_pred_name(f->pred))) ||
        !put(o, "object", f->object == EX_NONE ? json_null() : ref_of(r, sh, f->object)) ||
        !put(o, "value", f->value ? json_string(f->value) : json_null()) ||
        !put(o, "confidence", json_real(f->confidence)) ||
        !put_shared(o, "status", named(&sh->status[f->status], ex_status_name(f->status))) ||
        !put(o, "evidence", evidence_of(&f->ev, text))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *sanction_json(const struct ex_result *r, struct jshare *sh,
                             const struct ex_sanction *s, const char *text)
{
    json_t *o = json_object();
    if (!put(o, "imposer", ref_of(r, sh, s->imposer)) ||
        !put(o, "target", ref_of(r, sh, s->target)) ||
        !put_shared(o, "measure", named(&sh->measure[s->measure], ex_measure_name(s->measure))) ||
        !put(o, "items", str_array(s->items, s->n_items)) ||
        !put(o, "date", s->date[0] ? json_string(s->date) : json_null()) ||
        !put(o, "confidence", json_real(s->confidence)) ||
        !put_shared(o, "status", named(&sh->status[s->status], ex_status_name(s->status))) ||
        !put(o, "evidence", evidence_of(&s->ev, text))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *ex_result_to_json(const struct ex_result *r, const char *article_id, const char *text)
{
    struct jshare sh;
    memset(&sh, 0, sizeof sh);
    /* the parts go into root first (in the line's key order), root owns them */
    json_t *root = json_object(), *art = NULL, *ents = NULL, *facts = NULL, *sancs = NULL;
    bool good = root && put(root, "article", art = json_object());
    good = good && put(root, "entities", ents = json_array());
    good = good && put(root, "facts", facts = json_array());
    good = good && put(root, "sanctions", sancs = json_array());
    sh.refs = calloc(r->n_entities ? r->n_entities : 1, sizeof *sh.refs);
    good = good && sh.refs && put(art, "id", json_string(article_id ? article_id : "")) &&
           put(art, "title", json_string(r->title ? r->title : ""));
    for (size_t i = 0; good && i < r->n_entities; i++)
        good = json_array_append_new(ents, entity_json(&r->entities[i])) == 0;
    for (size_t i = 0; good && i < r->n_facts; i++)
        good = json_array_append_new(facts, fact_json(r, &sh, &r->facts[i], text)) == 0;
    for (size_t i = 0; good && i < r->n_sanctions; i++)
        good = json_array_append_new(sancs, sanction_json(r, &sh, &r->sanctions[i], text)) == 0;
    if (!good) {
        json_decref(root);
        root = NULL;
    }
    for (size_t i = 0; sh.refs && i < r->n_entities; i++)
        json_decref(sh.refs[i]);
    free(sh.refs);
    for (size_t i = 0; i < EX_P__COUNT; i++)
        json_decref(sh.pred[i]);
    for (size_t i = 0; i < EX_S__COUNT; i++)
        json_decref(sh.status[i]);
    for (size_t i = 0; i < EX_M__COUNT; i++)
        json_decref(sh.measure[i]);
    return root;
}

/* ---- the line written directly ---- */

/* common/jbuf's builder plus the extractor's error: invalid UTF-8 in a
 * string is EX_E_UTF8 (jansson refuses to build such a string; so does this). */
struct jw {
    struct jbuf b;
    enum ex_err err;
};

static void jb_put(struct jw *w, const char *s, size_t n)
{
    jbuf_put(&w->b, s, n);
}

#define JB_LIT(w, lit) jb_put((w), (lit), sizeof(lit) - 1)

/* A JSON string of s[0..n), escaped as jansson does (jbuf_put_jstr). */
static void jb_str(struct jw *w, const char *s, size_t n)
{
    if (!ecf_utf8_valid(s, n, NULL)) {
        if (!w->err)
            w->err = EX_E_UTF8;
        return;
    }
    jbuf_put_jstr(&w->b, s, n);
}

static void jb_cstr(struct jw *b, const char *s)
{
    jb_str(b, s, strlen(s));
}

static void jb_int(struct jw *b, unsigned long long v)
{
    char d[24];
    size_t k = sizeof d;
    do {
        d[--k] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    jb_put(b, d + k, sizeof d - k);
}

/* A real as jansson prints it with JSON_REAL_PRECISION(10): "%.10g", a
 * decimal point for the C locale's, ".0" when it would read as an integer,
 * no '+' and no leading zeros in the exponent. */
static void jb_real(struct jw *b, double v)
{
    char buf[64];
    int ret = snprintf(buf, sizeof buf, "%.*g", 10, v);
    if (ret < 0 || (size_t)ret >= sizeof buf - 3) {
        b->err = EX_E_NOMEM;
        return;
    }
    size_t len = (size_t)ret;
    const char *point = localeconv()->decimal_point;
    if (*point != '.') {
        char *pos = strchr(buf, *point);
        if (pos)
            *pos = '.';
    }
    if (!strchr(buf, '.') && !strchr(buf, 'e')) {
        memcpy(buf + len, ".0", 3);
        len += 2;
    }
    char *start = strchr(buf, 'e');
    if (start) {
        start++;
        char *end = start + 1;
        if (*start == '-')
            start++;
        while (*end == '0')
            end++;
        if (end != start) {
            memmove(start, end, len - (size_t)(end - buf));
            len -= (size_t)(end - start);
        }
    }
    jb_put(b, buf, len);
}

static void jb_ref(struct jw *b, const struct ex_result *r, size_t i)
{
    if (i >= r->n_entities) {
        JB_LIT(b, "null");
        return;
    }
    JB_LIT(b, "{\"id\":");
    jb_cstr(b, r->entities[i].id);
    JB_LIT(b, ",\"name\":");
    jb_cstr(b, r->entities[i].name);
    JB_LIT(b, "}");
}

static void jb_evidence(struct jw *b, const struct ex_evidence *ev, const char *text)
{
    size_t n = ev->sentence.end > ev->sentence.start ? ev->sentence.end - ev->sentence.start : 0;
    JB_LIT(b, "{\"sentence\":");
    if (text)
        jb_str(b, text + ev->sentence.start, n);
    else
        JB_LIT(b, "\"\"");
    JB_LIT(b, ",\"start\":");
    jb_int(b, ev->sentence.cstart);
    JB_LIT(b, ",\"end\":");
    jb_int(b, ev->sentence.cend);
    JB_LIT(b, ",\"rule\":");
    jb_cstr(b, ev->rule ? ev->rule : "");
    JB_LIT(b, "}");
}

static void jb_entity(struct jw *b, const struct ex_entity *e)
{
    JB_LIT(b, "{\"id\":");
    jb_cstr(b, e->id);
    JB_LIT(b, ",\"name\":");
    jb_cstr(b, e->name);
    JB_LIT(b, ",\"type\":");
    jb_cstr(b, ex_type_name(e->type));
    JB_LIT(b, ",\"country\":");
    jb_cstr(b, e->country);
    JB_LIT(b, ",\"aliases\":[");
    for (size_t i = 0; i < e->n_aliases; i++) {
        if (i)
            JB_LIT(b, ",");
        jb_cstr(b, e->aliases[i]);
    }
    JB_LIT(b, "],\"mentions\":");
    jb_int(b, e->mentions);
    JB_LIT(b, "}");
}

static void jb_fact(struct jw *b, const struct ex_result *r, const struct ex_fact *f,
                    const char *text)
{
    JB_LIT(b, "{\"subject\":");
    jb_ref(b, r, f->subject);
    JB_LIT(b, ",\"predicate\":");
    jb_cstr(b, ex_pred_name(f->pred));
    JB_LIT(b, ",\"object\":");
    if (f->object == EX_NONE)
        JB_LIT(b, "null");
    else
        jb_ref(b, r, f->object);
    JB_LIT(b, ",\"value\":");
    if (f->value)
        jb_cstr(b, f->value);
    else
        JB_LIT(b, "null");
    JB_LIT(b, ",\"confidence\":");
    jb_real(b, f->confidence);
    JB_LIT(b, ",\"status\":");
    jb_cstr(b, ex_status_name(f->status));
    JB_LIT(b, ",\"evidence\":");
    jb_evidence(b, &f->ev, text);
    JB_LIT(b, "}");
}

static void jb_sanction(struct jw *b, const struct ex_result *r, const struct ex_sanction *s,
                        const char *text)
{
    JB_LIT(b, "{\"imposer\":");
    jb_ref(b, r, s->imposer);
    JB_LIT(b, ",\"target\":");
    jb_ref(b, r, s->target);
    JB_LIT(b, ",\"measure\":");
    jb_cstr(b, ex_measure_name(s->measure));
    JB_LIT(b, ",\"items\":[");
    for (size_t i = 0; i < s->n_items; i++) {
        if (i)
            JB_LIT(b, ",");
        jb_cstr(b, s->items[i]);
    }
    JB_LIT(b, "],\"date\":");
    if (s->date[0])
        jb_cstr(b, s->date);
    else
        JB_LIT(b, "null");
    JB_LIT(b, ",\"confidence\":");
    jb_real(b, s->confidence);
    JB_LIT(b, ",\"status\":");
    jb_cstr(b, ex_status_name(s->status));
    JB_LIT(b, ",\"evidence\":");
    jb_evidence(b, &s->ev, text);
    JB_LIT(b, "}");
}

enum ex_err ex_result_json_text(const struct ex_result *r, const char *article_id, const char *text,
                                char **out, size_t *len)
{
    struct jw b = {JBUF_INIT, EX_OK};
    *out = NULL;
    *len = 0;
    JB_LIT(&b, "{\"article\":{\"id\":");
    jb_cstr(&b, article_id ? article_id : "");
    JB_LIT(&b, ",\"title\":");
    jb_cstr(&b, r->title ? r->title : "");
    JB_LIT(&b, "},\"entities\":[");
    for (size_t i = 0; i < r->n_entities; i++) {
        if (i)
            JB_LIT(&b, ",");
        jb_entity(&b, &r->entities[i]);
    }
    JB_LIT(&b, "],\"facts\":[");
    for (size_t i = 0; i < r->n_facts; i++) {
        if (i)
            JB_LIT(&b, ",");
        jb_fact(&b, r, &r->facts[i], text);
    }
    JB_LIT(&b, "],\"sanctions\":[");
    for (size_t i = 0; i < r->n_sanctions; i++) {
        if (i)
            JB_LIT(&b, ",");
        jb_sanction(&b, r, &r->sanctions[i], text);
    }
    JB_LIT(&b, "]}");
    if (b.b.failed && !b.err)
        b.err = EX_E_NOMEM;
    if (b.err) {
        jbuf_free(&b.b);
        return b.err;
    }
    *out = jbuf_steal(&b.b, len);
    return *out ? EX_OK : EX_E_NOMEM;
}
