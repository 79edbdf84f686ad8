/* tests/unit/extractor/exhelp.h — helpers for the extractor tests: load the
 * shipped data files and look things up in a result. Test-only. */
#ifndef ECF_TESTS_EXHELP_H
#define ECF_TESTS_EXHELP_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extractor/extract.h"
#include "tests/unit/extractor/slurp.h"

#ifndef ECF_SRC_DATA
#define ECF_SRC_DATA "data"
#endif

static inline struct extractor *ex_load_shipped(void)
{
    char path[4096];
    size_t gl = 0, rl = 0;
    snprintf(path, sizeof path, "%s/gazetteer.tsv", ECF_SRC_DATA);
    char *g = slurp(path, &gl);
    snprintf(path, sizeof path, "%s/rules.tsv", ECF_SRC_DATA);
    char *r = slurp(path, &rl);
    struct extractor *x = NULL;
    char err[256] = "";
    if (!g || !r || extractor_new(g, gl, r, rl, &x, err, sizeof err) != EX_OK) {
        fprintf(stderr, "# cannot load data: %s\n", err);
        x = NULL;
    }
    free(g);
    free(r);
    return x;
}

static inline long ex_find_entity(const struct ex_result *r, const char *name)
{
    for (size_t i = 0; r && i < r->n_entities; i++)
        if (strcmp(r->entities[i].name, name) == 0)
            return (long)i;
    return -1;
}

/* The fact (subject, pred, object-or-value), or NULL. */
static inline const struct ex_fact *ex_find_fact(const struct ex_result *r, const char *s,
                                                 const char *pred, const char *o)
{
    for (size_t i = 0; r && i < r->n_facts; i++) {
        const struct ex_fact *f = &r->facts[i];
        if (strcmp(r->entities[f->subject].name, s) || strcmp(ex_pred_name(f->pred), pred))
            continue;
        const char *obj = f->object == EX_NONE ? f->value : r->entities[f->object].name;
        if (obj && strcmp(obj, o) == 0)
            return f;
    }
    return NULL;
}

static inline const struct ex_sanction *ex_find_sanction(const struct ex_result *r, const char *imp,
                                                         const char *tgt, const char *measure)
{
    for (size_t i = 0; r && i < r->n_sanctions; i++) {
        const struct ex_sanction *s = &r->sanctions[i];
        if (!strcmp(r->entities[s->imposer].name, imp) &&
            !strcmp(r->entities[s->target].name, tgt) &&
            !strcmp(ex_measure_name(s->measure), measure))
            return s;
    }
    return NULL;
}

/* Runs x on a NUL-terminated text (article date may be NULL). */
static inline struct ex_result *ex_run_text(const struct extractor *x, const char *text,
                                            const char *date)
{
    struct ex_result *r = NULL;
    if (extract_run(x, text, strlen(text), date, &r) != EX_OK)
        return NULL;
    return r;
}

/* A record wanted (want) or not, in an invented sentence's result: kind 'F'
 * (a, b, c = subject, predicate, object or value), 'S' (imposer, target,
 * measure) or 'E' (a = an entity of type b). */
struct ex_check {
    char kind;
    const char *a, *b, *c;
    bool want;
};

/* One invented text (a headline is put before it) and up to four checks. */
struct ex_case {
    const char *why, *text;
    struct ex_check ck[4];
};

static inline bool ex_has(const struct ex_result *r, const struct ex_check *c)
{
    if (c->kind == 'E') {
        long e = ex_find_entity(r, c->a);
        return e >= 0 && !strcmp(ex_type_name(r->entities[e].type), c->b);
    }
    return c->kind == 'F' ? ex_find_fact(r, c->a, c->b, c->c) != NULL
                          : ex_find_sanction(r, c->a, c->b, c->c) != NULL;
}

/* Runs every case through x: one TAP line per check (tap.h's ok()). */
static inline void ex_run_cases(const struct extractor *x, const struct ex_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char text[1024];
        snprintf(text, sizeof text, "Headline\n\n%s\n", cases[i].text);
        struct ex_result *r = ex_run_text(x, text, NULL);
        for (size_t k = 0; k < 4 && cases[i].ck[k].kind; k++) {
            const struct ex_check *c = &cases[i].ck[k];
            ok(r && ex_has(r, c) == c->want, "%s: %s %s %s%s", cases[i].why, c->a, c->b,
               c->c ? c->c : "", c->want ? "" : " (absent)");
        }
        ex_result_free(r);
    }
}

#endif
