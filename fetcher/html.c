/* fetcher/html.c — article text from an HTML page with gumbo (HTML5 parser).
 *
 * The bytes are first made UTF-8 (decode.c: transport charset, <meta>
 * prescan, UTF-8 or windows-1252) and prepared for gumbo (nest.c: nesting
 * bounded, a parser bug avoided). One walk over the tree collects the
 * metadata (titles, dates, canonical URL) and the candidate containers
 * (<article>, <main>, role=main, <body>); the body text is then taken from
 * the best container, skipping boilerplate elements: navigation, page
 * chrome, scripts, forms, and anything whose class or id names comments,
 * sharing, related links, newsletters, cookie banners, promotions and the
 * like. Every walk is depth-capped (HTML_MAX_DEPTH).
 *
 * Strings in struct meta are borrowed from the gumbo tree, which lives until
 * the end of fetch_html_extract(). */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gumbo.h>

#include "fetcher/fetch_int.h"

#define HTML_MAX_DEPTH 512
#define HTML_TITLE_MAX 1024u
#define HTML_MAX_CANDIDATES 256
#define HTML_NAME_MAX 32

static const char *const skip_names[] = {
    "nav",      "header", "footer", "aside",  "script", "style",    "noscript", "form",
    "template", "svg",    "iframe", "button", "select", "textarea", "input",    "object",
    "embed",    "canvas", "menu",   "dialog", "head",   "math",     NULL,
};

/* Substrings of class/id that mark boilerplate. */
static const char *const skip_tokens[] = {
    "comment",      "share",    "sharing",   "related",  "newsletter", "cookie",
    "consent",      "promo",    "subscri",   "signup",   "sidebar",    "breadcrumb",
    "social",       "advert",   "sponsor",   "popup",    "modal",      "paywall",
    "recommend",    "outbrain", "taboola",   "navbar",   "navigation", "masthead",
    "byline-share", "banner",   "read-more", "readmore", NULL,
};

static const char *const skip_roles[] = {
    "navigation", "banner", "contentinfo", "complementary", "search", "dialog", "menu", NULL,
};

static const char *const block_names[] = {
    "p",  "div",  "section", "article",    "main",       "h1",      "h2",
    "h3", "h4",   "h5",      "h6",         "li",         "ul",      "ol",
    "dl", "dt",   "dd",      "blockquote", "pre",        "table",   "tr",
    "td", "th",   "caption", "figure",     "figcaption", "address", "hr",
    "br", "body", "center",  "details",    "summary",    NULL,
};

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

static bool is_element(const GumboNode *n)
{
    return n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE;
}

/* Lowercase tag name of an element into buf (unknown tags from the source
 * text, e.g. <dialog> in gumbo 0.10.1); "" when it has none. */
static const char *name_of(const GumboNode *n, char buf[HTML_NAME_MAX])
{
    buf[0] = '\0';
    if (!is_element(n))
        return buf;
    if (n->v.element.tag != GUMBO_TAG_UNKNOWN)
        return gumbo_normalized_tagname(n->v.element.tag);
    GumboStringPiece t = n->v.element.original_tag;
    if (!t.data || !t.length)
        return buf;
    gumbo_tag_from_original_text(&t);
    size_t k = 0;
    for (; k < t.length && k + 1 < HTML_NAME_MAX; k++)
        buf[k] = (char)tolower((unsigned char)t.data[k]);
    buf[k] = '\0';
    return buf;
}

static bool is_el(const GumboNode *n, const char *name)
{
    char buf[HTML_NAME_MAX];
    return is_element(n) && strcmp(name_of(n, buf), name) == 0;
}

static const GumboVector *children_of(const GumboNode *n)
{
    if (n->type == GUMBO_NODE_DOCUMENT)
        return &n->v.document.children;
    return is_element(n) ? &n->v.element.children : NULL;
}

/* Attribute value (borrowed), or NULL when absent. */
static const char *attr(const GumboNode *n, const char *name)
{
    if (!is_element(n))
        return NULL;
    const GumboAttribute *a = gumbo_get_attribute(&n->v.element.attributes, name);
    return a ? a->value : NULL;
}

static bool attr_has_token(const GumboNode *n, const char *name)
{
    const char *v = attr(n, name);
    bool hit = false;
    for (size_t i = 0; v && !hit && skip_tokens[i]; i++)
        hit = fetch_contains_ci(v, skip_tokens[i]);
    return hit;
}

static bool is_boilerplate(const GumboNode *n)
{
    char buf[HTML_NAME_MAX];
    if (in_list(name_of(n, buf), skip_names))
        return true;
    if (attr(n, "hidden"))
        return true;
    const char *v = attr(n, "aria-hidden");
    if (v && strcasecmp(v, "true") == 0)
        return true;
    v = attr(n, "role");
    for (size_t i = 0; v && skip_roles[i]; i++)
        if (strcasecmp(v, skip_roles[i]) == 0)
            return true;
    return attr_has_token(n, "class") || attr_has_token(n, "id");
}

/* ---- text of a subtree --------------------------------------------------- */

/* Appends the readable text under n. boiler: skip boilerplate descendants.
 * false on ENOMEM (a full buffer just truncates). */
static bool walk_text(const GumboNode *n, struct ftext *t, bool boiler, int depth)
{
    const GumboVector *kids = children_of(n);
    for (unsigned i = 0; kids && i < kids->length; i++) {
        const GumboNode *c = kids->data[i];
        if (c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_CDATA ||
            c->type == GUMBO_NODE_WHITESPACE) {
            const char *s = c->v.text.text;
            if (s && !ftext_add(t, s, strlen(s)) && !t->b.full)
                return false;
            continue;
        }
        if (!is_element(c) || depth >= HTML_MAX_DEPTH)
            continue;
        if (boiler && is_boilerplate(c))
            continue;
        char buf[HTML_NAME_MAX];
        const char *name = name_of(c, buf);
        if (!boiler && (strcmp(name, "script") == 0 || strcmp(name, "style") == 0 ||
                        strcmp(name, "template") == 0))
            continue;
        bool block = in_list(name, block_names);
        if (block)
            ftext_break(t);
        if (!walk_text(c, t, boiler, depth + 1))
            return false;
        if (block)
            ftext_break(t);
        else if (strcmp(name, "td") == 0 || strcmp(name, "img") == 0)
            ftext_space(t);
    }
    return true;
}

/* Normalised text of a small element (title, h1), malloc'd; NULL on ENOMEM. */
static char *short_text(const GumboNode *n)
{
    struct ftext t;
    ftext_init(&t, HTML_TITLE_MAX);
    if (!walk_text(n, &t, false, 0)) {
        fbuf_free(&t.b);
        return NULL;
    }
    return fbuf_steal(&t.b);
}

/* ---- metadata walk ------------------------------------------------------- */

struct meta {
    const char *og_title, *og_url, *canonical; /* borrowed from the tree */
    const char *date_pub;                      /* article:published_time, datePublished */
    const char *date_meta;                     /* date, pubdate, dc.date, ... */
    const GumboNode *title_el, *h1_el, *h1_any, *time_el, *time_any, *main_el, *body_el;
    const GumboNode *articles[HTML_MAX_CANDIDATES];
    size_t n_articles;
};

static void keep(const char **slot, const char *v)
{
    if (!*slot && v && v[0])
        *slot = v;
}

static void meta_tag(struct meta *m, const GumboNode *n)
{
    const char *k = attr(n, "property");
    if (!k)
        k = attr(n, "name");
    if (!k)
        k = attr(n, "itemprop");
    if (!k)
        return;
    const char **slot = NULL;
    if (strcasecmp(k, "og:title") == 0)
        slot = &m->og_title;
    else if (strcasecmp(k, "og:url") == 0)
        slot = &m->og_url;
    else if (strcasecmp(k, "article:published_time") == 0 ||
             strcasecmp(k, "datePublished") == 0 || strcasecmp(k, "og:published_time") == 0)
        slot = &m->date_pub;
    else {
        static const char *const date_keys[] = {
            "date",    "pubdate",        "publishdate",  "publish-date",  "publish_date",
            "dc.date", "dc.date.issued", "dcterms.date", "sailthru.date", "parsely-pub-date",
            NULL,
        };
        for (size_t i = 0; date_keys[i] && !slot; i++)
            if (strcasecmp(k, date_keys[i]) == 0)
                slot = &m->date_meta;
    }
    if (slot)
        keep(slot, attr(n, "content"));
}

static bool rel_is_canonical(const GumboNode *n)
{
    const char *p = attr(n, "rel");
    bool yes = false;
    /* rel is a token list */
    while (p && *p && !yes) {
        while (*p && isspace((unsigned char)*p))
            p++;
        const char *s = p;
        while (*p && !isspace((unsigned char)*p))
            p++;
        yes = p - s == 9 && strncasecmp(s, "canonical", 9) == 0;
    }
    return yes;
}

/* Whether the only boilerplate above n is a <header> inside an <article>. */
static bool chrome_header_only(const GumboNode *n)
{
    bool in_header = false;
    for (const GumboNode *p = n->parent; p && is_element(p); p = p->parent) {
        if (is_el(p, "article"))
            return in_header;
        if (is_el(p, "header"))
            in_header = true;
        else if (is_boilerplate(p))
            return false;
    }
    return false;
}

static void walk_meta(struct meta *m, const GumboNode *n, bool boiler, int depth)
{
    const GumboVector *kids = children_of(n);
    for (unsigned i = 0; kids && i < kids->length; i++) {
        const GumboNode *c = kids->data[i];
        if (!is_element(c) || depth >= HTML_MAX_DEPTH)
            continue;
        char buf[HTML_NAME_MAX];
        const char *name = name_of(c, buf);
        bool b = boiler || (strcmp(name, "head") != 0 && strcmp(name, "html") != 0 &&
                            is_boilerplate(c));
        if (strcmp(name, "meta") == 0)
            meta_tag(m, c);
        else if (strcmp(name, "link") == 0 && rel_is_canonical(c))
            keep(&m->canonical, attr(c, "href"));
        else if (strcmp(name, "title") == 0 && !m->title_el)
            m->title_el = c;
        else if (strcmp(name, "h1") == 0) {
            /* An <h1> in page chrome (a logo) is a poor title: prefer one
             * outside boilerplate, but an article's own <header> counts. */
            if (!m->h1_any)
                m->h1_any = c;
            if (!m->h1_el && (!b || chrome_header_only(c)))
                m->h1_el = c;
        } else if (strcmp(name, "time") == 0 && attr(c, "datetime")) {
            if (!m->time_any)
                m->time_any = c;
            if (!m->time_el && (!b || chrome_header_only(c)))
                m->time_el = c;
        } else if (strcmp(name, "body") == 0 && !m->body_el)
            m->body_el = c;
        else if (strcmp(name, "article") == 0 && !b && m->n_articles < HTML_MAX_CANDIDATES)
            m->articles[m->n_articles++] = c;
        else if (!m->main_el && !b) {
            const char *role = attr(c, "role");
            if (strcmp(name, "main") == 0 || (role && strcasecmp(role, "main") == 0))
                m->main_el = c;
        }
        walk_meta(m, c, b, depth + 1);
    }
}

static const GumboNode *find_time(const GumboNode *n, int depth)
{
    const GumboVector *kids = children_of(n);
    for (unsigned i = 0; kids && i < kids->length; i++) {
        const GumboNode *c = kids->data[i];
        if (!is_element(c) || depth >= HTML_MAX_DEPTH)
            continue;
        if (is_el(c, "time") && attr(c, "datetime"))
            return c;
        const GumboNode *t = find_time(c, depth + 1);
        if (t)
            return t;
    }
    return NULL;
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

/* Fills out->title, out->body, out->date and out->canonical from the tree. */
static enum fetch_err extract_tree(const GumboOutput *g, const char *base_url, size_t body_cap,
                                   struct fetch_doc *out)
{
    enum fetch_err err = FETCH_E_NOMEM;
    struct meta m;
    struct ftext body;

    memset(&m, 0, sizeof(m));
    ftext_init(&body, body_cap);
    walk_meta(&m, g->document, false, 0);

    /* Title */
    if (m.og_title) {
        struct ftext t;
        ftext_init(&t, HTML_TITLE_MAX);
        if (!ftext_add(&t, m.og_title, strlen(m.og_title)) && !t.b.full) {
            fbuf_free(&t.b);
            goto out;
        }
        out->title = fbuf_steal(&t.b);
    } else if (m.title_el || m.h1_el || m.h1_any) {
        const GumboNode *h1 = m.h1_el ? m.h1_el : m.h1_any;
        out->title = short_text(m.title_el ? m.title_el : h1);
        if (out->title && !out->title[0] && m.title_el && h1) {
            free(out->title);
            out->title = short_text(h1);
        }
    } else {
        out->title = fetch_strndup("", 0);
    }
    if (!out->title)
        goto out;

    /* Body: the longest <article>, else <main>/role=main, else <body>. */
    const GumboNode *container = NULL;
    size_t best = 0;
    for (size_t i = 0; i < m.n_articles; i++) {
        struct ftext t;
        ftext_init(&t, body_cap);
        if (!walk_text(m.articles[i], &t, true, 0) && !t.b.full) {
            fbuf_free(&t.b);
            goto out;
        }
        if (t.b.len > best) {
            best = t.b.len;
            container = m.articles[i];
        }
        fbuf_free(&t.b);
    }
    if (!container)
        container = m.main_el ? m.main_el : m.body_el;
    if (!container)
        container = g->root;
    if (!walk_text(container, &body, true, 0) && !body.b.full)
        goto out;
    out->body = fbuf_steal(&body.b);
    if (!out->body)
        goto out;
    drop_title_para(out->body, out->title);

    /* Date: published meta, <time> in the article, any <time>, other meta. */
    char d[11] = "";
    const GumboNode *tm = find_time(container, 0);
    if (!tm)
        tm = m.time_el ? m.time_el : m.time_any;
    const char *dt = tm ? attr(tm, "datetime") : NULL;
    if (!(m.date_pub && fetch_date_normalize(m.date_pub, d)) &&
        !(dt && fetch_date_normalize(dt, d)) && m.date_meta)
        (void)fetch_date_normalize(m.date_meta, d);
    out->date = fetch_strndup(d, strlen(d));

    /* Canonical URL */
    out->canonical = canonical_of(m.canonical, base_url);
    if (!out->canonical)
        out->canonical = canonical_of(m.og_url, base_url);
    if (!out->canonical)
        out->canonical = fetch_strndup("", 0);
    out->published = fetch_strndup("", 0);
    out->byline = fetch_strndup("", 0);
    out->site = fetch_strndup("", 0);
    out->lang = fetch_strndup("", 0);
    if (!out->date || !out->canonical || !out->published || !out->byline || !out->site || !out->lang)
        goto out;
    err = FETCH_OK;
out:
    fbuf_free(&body.b);
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
    struct fbuf text;

    memset(out, 0, sizeof(*out));
    size_t body_cap = n < (SIZE_MAX - 4096) / 4 ? 4 * n + 4096 : SIZE_MAX / 2;
    fbuf_init(&text, body_cap + HTML_TITLE_MAX + 4);
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
        (!fbuf_append(&text, out->title, strlen(out->title)) || !fbuf_append(&text, "\n\n", 2)))
        goto out;
    if (!fbuf_append(&text, out->body, strlen(out->body)) || !fbuf_append(&text, "\n", 1))
        goto out;
    out->text_len = text.len;
    out->text = fbuf_steal(&text);
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
    fbuf_free(&text);
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
