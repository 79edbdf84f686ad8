/* bench/html-text.c — the fetcher's HTML-to-text on local files, one JSON
 * line per file, for bench/html-quality: {"file", "ok", "error", "title",
 * "published", "byline", "site", "lang", "body", "seconds"} (seconds: time
 * inside fetch_html_extract, CPU of this thread). Not installed; no network. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <jansson.h>

#include "fetcher/fetch.h"

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    char *p = NULL;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long len = ftell(f);
        if (len >= 0 && fseek(f, 0, SEEK_SET) == 0 && (p = malloc((size_t)len + 1))) {
            *n = fread(p, 1, (size_t)len, f);
            p[*n] = '\0';
        }
    }
    (void)fclose(f);
    return p;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    int rc = 0;
    if (fetch_global_init() != FETCH_OK)
        return 1;
    for (int i = 1; i < argc; i++) {
        size_t n = 0;
        char *html = slurp(argv[i], &n);
        struct fetch_doc d = {0};
        double t0 = now();
        enum fetch_err e = html ? fetch_html_extract(html, n, NULL, NULL, &d) : FETCH_E_IO;
        double t1 = now();
        json_t *o = json_pack("{s:s, s:b, s:s, s:f}", "file", argv[i], "ok", e == FETCH_OK, "error",
                              e == FETCH_OK ? "" : fetch_strerror(e), "seconds", t1 - t0);
        if (o && e == FETCH_OK) {
            json_object_set_new(o, "title", json_string(d.title));
            json_object_set_new(o, "published", json_string(d.published));
            json_object_set_new(o, "byline", json_string(d.byline));
            json_object_set_new(o, "site", json_string(d.site));
            json_object_set_new(o, "lang", json_string(d.lang));
            json_object_set_new(o, "body", json_string(d.body));
        }
        char *line = o ? json_dumps(o, JSON_COMPACT) : NULL;
        if (line)
            printf("%s\n", line);
        else
            rc = 1;
        free(line);
        json_decref(o);
        fetch_doc_free(&d);
        free(html);
    }
    fetch_global_cleanup();
    return rc;
}
