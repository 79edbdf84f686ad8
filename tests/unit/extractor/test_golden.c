/* Golden tests: each seed article of the shared corpus against its reviewed
 * expected extraction (tests/golden/seed-00N.expected.json), compared
 * structurally: entities by (id, type), facts by (subject, predicate, object
 * or value, status, evidence start), sanctions by (imposer, target, measure,
 * date, evidence start). Confidences are not compared. Skips (visibly) when
 * the shared corpus is not there. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tap.h"
#include "tests/unit/extractor/exhelp.h"

#ifndef ECF_SHARED_DIR
#define ECF_SHARED_DIR "../shared"
#endif
#ifndef ECF_GOLDEN_DIR
#define ECF_GOLDEN_DIR "tests/golden"
#endif

#define NSEEDS 5

static const char *str_of(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : "";
}

static const char *ref_id(json_t *o, const char *k)
{
    return str_of(json_object_get(o, k), "id");
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One canonical line per record of part, sorted, joined by '\n'. */
static char *keys_of(json_t *root, const char *part)
{
    json_t *arr = json_object_get(root, part);
    size_t n = json_array_size(arr);
    char **lines = calloc(n ? n : 1, sizeof *lines);
    size_t total = 1;
    for (size_t i = 0; i < n && lines; i++) {
        json_t *x = json_array_get(arr, i);
        char buf[512];
        json_t *ev = json_object_get(x, "evidence");
        long long st = (long long)json_integer_value(json_object_get(ev, "start"));
        if (!strcmp(part, "entities"))
            snprintf(buf, sizeof buf, "%s|%s", str_of(x, "id"), str_of(x, "type"));
        else if (!strcmp(part, "facts"))
            snprintf(buf, sizeof buf, "%s|%s|%s%s|%s|%lld", ref_id(x, "subject"),
                     str_of(x, "predicate"), ref_id(x, "object"), str_of(x, "value"),
                     str_of(x, "status"), st);
        else
            snprintf(buf, sizeof buf, "%s|%s|%s|%s|%lld", ref_id(x, "imposer"), ref_id(x, "target"),
                     str_of(x, "measure"), str_of(x, "date"), st);
        lines[i] = strdup(buf);
        total += strlen(buf) + 1;
    }
    char *out = lines ? malloc(total) : NULL;
    if (out) {
        qsort(lines, n, sizeof *lines, cmp_str);
        out[0] = '\0';
        size_t o = 0;
        for (size_t i = 0; i < n; i++) {
            size_t l = lines[i] ? strlen(lines[i]) : 0;
            if (l)
                memcpy(out + o, lines[i], l);
            o += l;
            out[o++] = '\n';
            out[o] = '\0';
        }
    }
    for (size_t i = 0; lines && i < n; i++)
        free(lines[i]);
    free(lines);
    return out;
}

int main(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/corpus/seed-000.txt", ECF_SHARED_DIR);
    FILE *probe = fopen(path, "rb");
    if (!probe) {
        skip_all("shared corpus not found (" ECF_SHARED_DIR "/corpus)");
        return 0;
    }
    fclose(probe);
    struct extractor *x = ex_load_shipped();
    ok(x != NULL, "shipped data compiles");
    for (int i = 0; x && i < NSEEDS; i++) {
        char id[16];
        snprintf(id, sizeof id, "seed-%03d", i);
        snprintf(path, sizeof path, "%s/corpus/%s.txt", ECF_SHARED_DIR, id);
        size_t len = 0;
        char *text = slurp(path, &len);
        snprintf(path, sizeof path, "%s/%s.expected.json", ECF_GOLDEN_DIR, id);
        json_error_t jerr;
        json_t *want = json_load_file(path, 0, &jerr);
        struct ex_result *r = NULL;
        json_t *got = NULL;
        if (text && extract_run(x, text, len, NULL, &r) == EX_OK)
            got = ex_result_to_json(r, id, text);
        if (!ok(text && want && got, "%s: article, expected file and extraction", id)) {
            printf("#   %s\n", want ? "" : jerr.text);
        } else {
            is_str(str_of(json_object_get(got, "article"), "title"),
                   str_of(json_object_get(want, "article"), "title"), "title");
            static const char *const parts[] = {"entities", "facts", "sanctions"};
            for (int p = 0; p < 3; p++) {
                char *g = keys_of(got, parts[p]), *w = keys_of(want, parts[p]);
                char name[64];
                snprintf(name, sizeof name, "%s: %s", id, parts[p]);
                is_str(g, w, name);
                free(g);
                free(w);
            }
        }
        json_decref(got);
        json_decref(want);
        ex_result_free(r);
        free(text);
    }
    extractor_free(x);
    return done();
}
