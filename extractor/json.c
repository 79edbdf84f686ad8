/* extractor/json.c — ex_result_to_json: the `ecfacts extract --json` line. */
#include <string.h>

#include "extractor/extract.h"

static json_t *ref_of(const struct ex_result *r, size_t i)
{
    if (i >= r->n_entities)
        return json_null();
    return json_pack("{s:s, s:s}", "id", r->entities[i].id, "name", r->entities[i].name);
}

static json_t *evidence_of(const struct ex_evidence *ev, const char *text)
{
    size_t n = ev->sentence.end > ev->sentence.start ? ev->sentence.end - ev->sentence.start : 0;
    return json_pack("{s:s%, s:I, s:I, s:s}", "sentence", text ? text + ev->sentence.start : "",
                     text ? n : (size_t)0, "start", (json_int_t)ev->sentence.cstart, "end",
                     (json_int_t)ev->sentence.cend, "rule", ev->rule ? ev->rule : "");
}

static json_t *entity_json(const struct ex_entity *e)
{
    json_t *al = json_array();
    json_t *o = NULL;
    if (!al)
        return NULL;
    for (size_t i = 0; i < e->n_aliases; i++)
        if (json_array_append_new(al, json_string(e->aliases[i])) != 0)
            goto out;
    o = json_pack("{s:s, s:s, s:s, s:s, s:O, s:I}", "id", e->id, "name", e->name, "type",
                  ex_type_name(e->type), "country", e->country, "aliases", al, "mentions",
                  (json_int_t)e->mentions);
out:
    json_decref(al);
    return o;
}

static json_t *fact_json(const struct ex_result *r, const struct ex_fact *f, const char *text)
{
    json_t *obj = f->object == EX_NONE ? json_null() : ref_of(r, f->object);
    json_t *val = f->value ? json_string(f->value) : json_null();
    return json_pack("{s:o, s:s, s:o, s:o, s:f, s:s, s:o}", "subject", ref_of(r, f->subject),
                     "predicate", ex_pred_name(f->pred), "object", obj, "value", val,
                     "confidence", f->confidence, "status", ex_status_name(f->status),
                     "evidence", evidence_of(&f->ev, text));
}

static json_t *sanction_json(const struct ex_result *r, const struct ex_sanction *s,
                             const char *text)
{
    json_t *items = json_array();
    json_t *o = NULL;
    if (!items)
        return NULL;
    for (size_t i = 0; i < s->n_items; i++)
        if (json_array_append_new(items, json_string(s->items[i])) != 0)
            goto out;
    o = json_pack("{s:o, s:o, s:s, s:O, s:o, s:f, s:s, s:o}", "imposer", ref_of(r, s->imposer),
                  "target", ref_of(r, s->target), "measure", ex_measure_name(s->measure),
                  "items", items, "date", s->date[0] ? json_string(s->date) : json_null(),
                  "confidence", s->confidence, "status", ex_status_name(s->status), "evidence",
                  evidence_of(&s->ev, text));
out:
    json_decref(items);
    return o;
}

json_t *ex_result_to_json(const struct ex_result *r, const char *article_id, const char *text)
{
    json_t *root = NULL, *ents = NULL, *facts = NULL, *sancs = NULL;
    ents = json_array();
    facts = json_array();
    sancs = json_array();
    if (!ents || !facts || !sancs)
        goto out;
    for (size_t i = 0; i < r->n_entities; i++)
        if (json_array_append_new(ents, entity_json(&r->entities[i])) != 0)
            goto out;
    for (size_t i = 0; i < r->n_facts; i++)
        if (json_array_append_new(facts, fact_json(r, &r->facts[i], text)) != 0)
            goto out;
    for (size_t i = 0; i < r->n_sanctions; i++)
        if (json_array_append_new(sancs, sanction_json(r, &r->sanctions[i], text)) != 0)
            goto out;
    root = json_pack("{s:{s:s, s:s}, s:O, s:O, s:O}", "article", "id",
                     article_id ? article_id : "", "title", r->title ? r->title : "", "entities",
                     ents, "facts", facts, "sanctions", sancs);
out:
    json_decref(ents);
    json_decref(facts);
    json_decref(sancs);
    return root;
}
