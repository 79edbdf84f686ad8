/* GET / and GET /ui/{asset}: the dashboard (ui/), compiled into the binary by
 * tools/embed.py as "ui/<file>" (ui/meson.build lists them). Each file is one
 * cacheable GET: reply_queue() gives it an ETag and Cache-Control: no-cache
 * (the URLs carry no version, so a browser revalidates and gets a 304), and
 * rp->page adds the Content-Security-Policy and nosniff. The dashboard talks
 * only to the public /v1 API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/embedded.h"
#include "handlers/handlers.h"
#include "server/http.h"
#include "server/reply.h"

static const struct {
    const char *ext;
    const char *ctype;
} ui_types[] = {
    {".html", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".svg", "image/svg+xml"},
};

/* The media type for a file name, or NULL for an extension not served. */
static const char *ui_ctype(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot)
        return NULL;
    for (size_t i = 0; i < sizeof ui_types / sizeof ui_types[0]; i++) {
        if (strcmp(dot, ui_types[i].ext) == 0)
            return ui_types[i].ctype;
    }
    return NULL;
}

/* A file name of ui/: lower-case letters, digits, '-' and one '.', no
 * leading dot (so nothing like "..", nothing outside the folder). */
static bool ui_name_valid(const char *name)
{
    size_t dots = 0;
    if (!name[0] || name[0] == '.' || strlen(name) > 64)
        return false;
    for (const char *p = name; *p; p++) {
        if (*p == '.')
            dots++;
        else if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return false;
    }
    return dots == 1;
}

static void ui_serve(struct reply *rp, const char *name)
{
    char key[80];
    const char *ctype = ui_name_valid(name) ? ui_ctype(name) : NULL;
    const struct ecf_embedded *f = NULL;
    if (ctype) {
        snprintf(key, sizeof key, "ui/%s", name);
        f = ecf_embedded_find(key);
    }
    if (!f) {
        reply_problem(rp, 404, NULL, "no dashboard file with that name");
        return;
    }
    char *copy = malloc(f->len + 1);
    if (!copy) {
        reply_problem(rp, 500, NULL, "out of memory");
        return;
    }
    memcpy(copy, f->data, f->len + 1);
    reply_raw(rp, 200, ctype, copy, f->len);
    rp->page = true;
}

void h_ui_index(struct request *rq, struct reply *rp)
{
    (void)rq;
    ui_serve(rp, "index.html");
}

void h_ui_asset(struct request *rq, struct reply *rp)
{
    ui_serve(rp, rq->caps[0]);
}
