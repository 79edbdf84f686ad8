/* fetcher/html.c — article text from an HTML page with gumbo (HTML5 parser).
 *
 * The bytes are first made UTF-8 (decode.c: transport charset, <meta>
 * prescan, UTF-8 or windows-1252) and prepared for gumbo (nest.c: nesting
 * bounded, a parser bug avoided). html_meta.c reads what the page says about
 * itself (title, dates, byline, site, language, canonical URL); html_score.c
 * chooses the article by evidence (paragraph text and commas against link
 * density, class and id read as words) with a fallback chain down to the
 * page's visible text; this file writes the text out, paragraphs separated
 * by blank lines. Every walk is depth-capped (HTML_MAX_DEPTH). */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gumbo.h>

#include "fetcher/html_meta.h"

/* ---- text of a subtree --------------------------------------------------- */

bool html_text(const struct htree *t, int i, struct ftext *out)
{
    for (int c = t->n[i].first; c >= 0; c = t->n[c].next) {
        const struct hnode *h = &t->n[c];
        if (h->gone)
            continue;
        if (h->flags & HN_TEXT) {
            const char *s = h->g->v.text.text;
            if (s && !ftext_add(out, s, strlen(s)) && !out->b.over)
                return false;
            continue;
        }
        bool block = (h->flags & HN_BLOCK) != 0;
        if (block)
            ftext_break(out);
        if (!html_text(t, c, out))
            return false;
        if (block)
            ftext_break(out);
        else if (h->g->v.element.tag == GUMBO_TAG_TD || h->g->v.element.tag == GUMBO_TAG_IMG)
            ftext_space(out);
    }
    return true;
}

/* Whole text of a small element (title, h1), blocks as spaces. */
static bool plain_text(const GumboNode *n, struct ftext *t, int depth)
{
    const GumboVector *kids = html_is_element(n) ? &n->v.element.children : NULL;
    for (unsigned i = 0; kids && i < kids->length; i++) {
        const GumboNode *c = kids->data[i];
        if (c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_CDATA ||
            c->type == GUMBO_NODE_WHITESPACE) {
            if (!ftext_add(t, c->v.text.text, strlen(c->v.text.text)) && !t->b.over)
                return false;
        } else if (html_is_element(c) && depth < HTML_MAX_DEPTH &&
                   c->v.element.tag != GUMBO_TAG_SCRIPT && c->v.element.tag != GUMBO_TAG_STYLE) {
            ftext_space(t);
            if (!plain_text(c, t, depth + 1))
                return false;
            ftext_space(t);
        }
    }
    return true;
}

/* Normalised text of a small element, malloc'd; NULL on ENOMEM. */
static char *short_text(const GumboNode *n)
{
    struct ftext t;
    ftext_init(&t, HTML_TITLE_MAX);
    if (!plain_text(n, &t, 0)) {
        jbuf_free(&t.b);
        return NULL;
    }
    return ftext_steal(&t);
}

/* A copy of s with whitespace normalised, cut to cap bytes; NULL on ENOMEM. */
static char *norm_dup(const char *s, size_t cap)
{
    struct ftext t;
    ftext_init(&t, cap);
    if (s && !ftext_add(&t, s, strlen(s)) && !t.b.over) {
        jbuf_free(&t.b);
        return NULL;
    }
    return ftext_steal(&t);
}

/* ---- entry point --------------------------------------------------------- */

/* gumbo does not check its allocations: running out of memory inside it
 * must stop the process rather than dereference NULL. */
static void *gumbo_alloc(void *user, size_t size)
{
    (void)user;
    void *p = malloc(size ? size : 1);
    if (!p)
        abort();
    return p;
}

static void gumbo_dealloc(void *user, void *p)
{
    (void)user;
    free(p);
}

static char *canonical_of(const char *href, const char *base)
{
    char *norm = NULL;
    if (!href || fetch_url_resolve(base, href, &norm) != FETCH_OK)
        return NULL;
    return norm;
}

/* Drops the body's first paragraph when it repeats the title (the <h1>). */
static void drop_title_para(char *body, const char *title)
{
    size_t tl = strlen(title);
    if (!tl || strncmp(body, title, tl) != 0)
        return;
    if (body[tl] == '\0')
        body[0] = '\0';
    else if (strncmp(body + tl, "\n\n", 2) == 0)
        memmove(body, body + tl + 2, strlen(body + tl + 2) + 1);
}

/* The byline element's text (html_score.c marked it), else "". */
static char *byline_el(const struct htree *t)
{
    for (size_t k = 0; k < t->count; k++)
        if (t->n[k].flags & HN_BYLINE)
            return short_text(t->n[k].g);
    return fetch_strndup("", 0);
}

static char *date_of(const char *s)
{
    char d[11] = "";
    if (s)
        (void)fetch_date_normalize(s, d);
    return fetch_strndup(d, strlen(d));
}

/* Fills out's fields from the tree. */
static enum fetch_err extract_tree(const GumboOutput *g, const char *base_url, size_t body_cap,
                                   struct fetch_doc *out)
{
    enum fetch_err err = FETCH_E_NOMEM;
    struct html_meta m;
    struct htree t;
    struct ftext body;
    memset(&body, 0, sizeof body);

    html_meta_read(&m, g);
    if (!html_tree_build(&t, g))
        goto out;
    out->title = html_meta_title(&m, short_text);
    if (!out->title)
        goto out;

    if (!html_article(&t, body_cap, &body))
        goto out;
    /* A page whose markup hides its text (scripts render it) may still
     * carry it as JSON-LD articleBody. */
    if (body.b.len < 500 && m.ld_body && strlen(m.ld_body) > body.b.len) {
        jbuf_free(&body.b);
        ftext_init(&body, body_cap);
        if (!ftext_add(&body, m.ld_body, strlen(m.ld_body)) && !body.b.over)
            goto out;
    }
    out->body = ftext_steal(&body);
    if (!out->body)
        goto out;
    drop_title_para(out->body, out->title);

    const char *pub = m.ld_date ? m.ld_date : m.date_pub;
    out->published = date_of(pub);
    if (!out->published)
        goto out;
    /* Date: published, <time> outside chrome, any <time>, other meta. */
    const char *dt = m.time_el    ? html_attr(m.time_el, "datetime")
                     : m.time_any ? html_attr(m.time_any, "datetime")
                                  : NULL;
    char d[11] = "";
    if (!out->published[0] && !(dt && fetch_date_normalize(dt, d)) && m.date_meta)
        (void)fetch_date_normalize(m.date_meta, d);
    out->date = out->published[0] ? fetch_strndup(out->published, 10) : fetch_strndup(d, strlen(d));

    const char *by = m.ld_author ? m.ld_author : m.author;
    out->byline = by ? norm_dup(by, 256) : byline_el(&t);
    out->site = norm_dup(m.ld_site ? m.ld_site : m.site, 256);
    const char *lang = m.html_lang ? m.html_lang : m.content_lang ? m.content_lang : m.locale;
    out->lang = norm_dup(lang, 64);

    out->canonical = canonical_of(m.canonical, base_url);
    if (!out->canonical)
        out->canonical = canonical_of(m.og_url, base_url);
    if (!out->canonical)
        out->canonical = fetch_strndup("", 0);
    if (!out->date || !out->canonical || !out->byline || !out->site || !out->lang)
        goto out;
    err = FETCH_OK;
out:
    jbuf_free(&body.b);
    html_tree_free(&t);
    html_meta_free(&m);
    return err;
}

enum fetch_err fetch_html_extract(const char *html, size_t n, const char *charset,
                                  const char *base_url, struct fetch_doc *out)
{
    enum fetch_err err = FETCH_E_NOMEM;
    GumboOptions opts = kGumboDefaultOptions;
    GumboOutput *g = NULL;
    char *utf8 = NULL, *page = NULL; /* owned: the page as UTF-8; prepared for gumbo */
    size_t len = 0, plen = 0;
    struct jbuf text;

    memset(out, 0, sizeof(*out));
    size_t body_cap = n < (SIZE_MAX - 4096) / 4 ? 4 * n + 4096 : SIZE_MAX / 2;
    jbuf_init_max(&text, body_cap + HTML_TITLE_MAX + 4 + 1);
    if (n == 0 || n > INT_MAX) {
        err = FETCH_E_CONTENT;
        goto out;
    }
    err = fetch_html_decode(html, n, charset, &utf8, &len);
    if (err != FETCH_OK) {
        err = err == FETCH_E_NOMEM ? err : FETCH_E_CONTENT;
        goto out;
    }
    err = fetch_html_prepare(utf8, len, &page, &plen);
    free(utf8);
    utf8 = NULL;
    if (err != FETCH_OK) {
        err = err == FETCH_E_NOMEM ? err : FETCH_E_CONTENT;
        goto out;
    }
    opts.allocator = gumbo_alloc;
    opts.deallocator = gumbo_dealloc;
    opts.max_errors = 0; /* parse errors are not recorded */
    g = gumbo_parse_with_options(&opts, page, plen);
    if (!g || !g->root) {
        err = FETCH_E_CONTENT;
        goto out;
    }
    err = extract_tree(g, base_url, body_cap, out);
    if (err != FETCH_OK)
        goto out;
    err = FETCH_E_NOMEM;
    if (!out->body[0]) {
        err = FETCH_E_CONTENT;
        goto out;
    }
    if (out->title[0] &&
        (!jbuf_put_fit(&text, out->title, strlen(out->title)) || !jbuf_put_fit(&text, "\n\n", 2)))
        goto out;
    if (!jbuf_put_fit(&text, out->body, strlen(out->body)) || !jbuf_put_fit(&text, "\n", 1))
        goto out;
    out->text = jbuf_steal(&text, &out->text_len);
    if (!out->text)
        goto out;
    if (!ecf_utf8_valid(out->text, out->text_len, NULL)) {
        err = FETCH_E_CONTENT;
        goto out;
    }
    err = FETCH_OK;
out:
    if (err != FETCH_OK)
        fetch_doc_free(out);
    jbuf_free(&text);
    if (g)
        gumbo_destroy_output(&opts, g);
    free(utf8);
    free(page);
    return err;
}

void fetch_doc_free(struct fetch_doc *d)
{
    free(d->title);
    free(d->date);
    free(d->canonical);
    free(d->body);
    free(d->published);
    free(d->byline);
    free(d->site);
    free(d->lang);
    free(d->text);
    memset(d, 0, sizeof(*d));
}
