/* tests/unit/extractor/exhelp.h — helpers for the extractor tests: load the
 * shipped data files and look things up in a result. Test-only. */
#ifndef ECF_TESTS_EXHELP_H
#define ECF_TESTS_EXHELP_H

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

#endif
