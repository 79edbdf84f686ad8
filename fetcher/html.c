/* fetcher/html.c — article text from an HTML page with libxml2's HTML parser.
 *
 * One walk over the tree collects the metadata (titles, dates, canonical URL)
 * and the candidate containers (<article>, <main>, role=main, <body>); the
 * body text is then taken from the best container, skipping boilerplate
 * elements: navigation, page chrome, scripts, forms, and anything whose class
 * or id names comments, sharing, related links, newsletters, cookie banners,
 * promotions and the like. */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/encoding.h>
#include <libxml/tree.h>
#include <libxml/uri.h>

#include "fetcher/fetch_int.h"

#define HTML_MAX_DEPTH 512
#define HTML_TITLE_MAX 1024u
#define HTML_MAX_CANDIDATES 256

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

static bool is_el(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* Attribute value as a malloc'd xmlChar string, or NULL. */
static xmlChar *attr(const xmlNode *n, const char *name)
{
    return xmlGetProp(n, (const xmlChar *)name);
}

static bool attr_has_token(const xmlNode *n, const char *name)
{
    xmlChar *v = attr(n, name);
    bool hit = false;
    for (size_t i = 0; v && !hit && skip_tokens[i]; i++)
        hit = fetch_contains_ci((const char *)v, skip_tokens[i]);
    xmlFree(v);
    return hit;
}

static bool is_boilerplate(const xmlNode *n)
{
    const char *name = (const char *)n->name;
    if (in_list(name, skip_names))
        return true;
    if (xmlHasProp(n, (const xmlChar *)"hidden"))
        return true;
    xmlChar *v = attr(n, "aria-hidden");
    bool hidden = v && xmlStrcasecmp(v, (const xmlChar *)"true") == 0;
    xmlFree(v);
    if (hidden)
        return true;
    v = attr(n, "role");
    bool role = false;
    for (size_t i = 0; v && !role && skip_roles[i]; i++)
        role = xmlStrcasecmp(v, (const xmlChar *)skip_roles[i]) == 0;
    xmlFree(v);
    if (role)
        return true;
    return attr_has_token(n, "class") || attr_has_token(n, "id");
}

/* ---- text of a subtree --------------------------------------------------- */

/* Appends the readable text under n. boiler: skip boilerplate descendants.
 * false on ENOMEM (a full buffer just truncates). */
static bool walk_text(const xmlNode *n, struct ftext *t, bool boiler, int depth)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            if (c->content &&
                !ftext_add(t, (const char *)c->content, strlen((const char *)c->content)) &&
                !t->b.full)
                return false;
            continue;
        }
        if (c->type != XML_ELEMENT_NODE || depth >= HTML_MAX_DEPTH)
            continue;
        if (boiler && is_boilerplate(c))
            continue;
        if (!boiler && (is_el(c, "script") || is_el(c, "style") || is_el(c, "template")))
            continue;
        bool block = in_list((const char *)c->name, block_names);
        if (block)
            ftext_break(t);
        if (!walk_text(c, t, boiler, depth + 1))
            return false;
        if (block)
            ftext_break(t);
        else if (is_el(c, "td") || is_el(c, "img"))
            ftext_space(t);
    }
    return true;
}

/* Normalised text of a small element (title, h1), malloc'd; NULL on ENOMEM. */
static char *short_text(const xmlNode *n)
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
    xmlChar *og_title, *og_url, *canonical;
    xmlChar *date_pub;  /* article:published_time, itemprop=datePublished */
    xmlChar *date_meta; /* date, pubdate, dc.date, ... */
    const xmlNode *title_el, *h1_el, *h1_any, *time_el, *time_any, *main_el, *body_el;
    const xmlNode *articles[HTML_MAX_CANDIDATES];
    size_t n_articles;
};

static void keep(xmlChar **slot, xmlChar *v)
{
    if (!*slot && v && v[0])
        *slot = v;
    else
        xmlFree(v);
}

static void meta_tag(struct meta *m, const xmlNode *n)
{
    xmlChar *key = attr(n, "property");
    if (!key)
        key = attr(n, "name");
    if (!key)
        key = attr(n, "itemprop");
    if (!key)
        return;
    const char *k = (const char *)key;
    xmlChar **slot = NULL;
    if (xmlStrcasecmp(key, (const xmlChar *)"og:title") == 0)
        slot = &m->og_title;
    else if (xmlStrcasecmp(key, (const xmlChar *)"og:url") == 0)
        slot = &m->og_url;
    else if (xmlStrcasecmp(key, (const xmlChar *)"article:published_time") == 0 ||
             xmlStrcasecmp(key, (const xmlChar *)"datePublished") == 0 ||
             xmlStrcasecmp(key, (const xmlChar *)"og:published_time") == 0)
        slot = &m->date_pub;
    else {
        static const char *const date_keys[] = {
            "date",    "pubdate",        "publishdate",  "publish-date",  "publish_date",
            "dc.date", "dc.date.issued", "dcterms.date", "sailthru.date", "parsely-pub-date",
            NULL,
        };
        for (size_t i = 0; date_keys[i] && !slot; i++)
            if (xmlStrcasecmp((const xmlChar *)k, (const xmlChar *)date_keys[i]) == 0)
                slot = &m->date_meta;
    }
    if (slot)
        keep(slot, attr(n, "content"));
    xmlFree(key);
}

static bool rel_is_canonical(const xmlNode *n)
{
    xmlChar *rel = attr(n, "rel");
    bool yes = false;
    if (rel) {
        /* rel is a token list */
        const char *p = (const char *)rel;
        while (*p && !yes) {
            while (*p && isspace((unsigned char)*p))
                p++;
            const char *s = p;
            while (*p && !isspace((unsigned char)*p))
                p++;
            yes = p - s == 9 && strncasecmp(s, "canonical", 9) == 0;
        }
    }
    xmlFree(rel);
    return yes;
}

/* Whether the only boilerplate above n is a <header> inside an <article>. */
static bool chrome_header_only(const xmlNode *n)
{
    bool in_header = false;
    for (const xmlNode *p = n->parent; p && p->type == XML_ELEMENT_NODE; p = p->parent) {
        if (is_el(p, "article"))
            return in_header;
        if (is_el(p, "header"))
            in_header = true;
        else if (is_boilerplate(p))
            return false;
    }
    return false;
}

static void walk_meta(struct meta *m, const xmlNode *n, bool boiler, int depth)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || depth >= HTML_MAX_DEPTH)
            continue;
        const char *name = (const char *)c->name;
        bool b = boiler || (!is_el(c, "head") && !is_el(c, "html") && is_boilerplate(c));
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
        } else if (strcmp(name, "time") == 0 && xmlHasProp(c, (const xmlChar *)"datetime")) {
            if (!m->time_any)
                m->time_any = c;
            if (!m->time_el && (!b || chrome_header_only(c)))
                m->time_el = c;
        } else if (strcmp(name, "body") == 0 && !m->body_el)
            m->body_el = c;
        else if (strcmp(name, "article") == 0 && !b && m->n_articles < HTML_MAX_CANDIDATES)
            m->articles[m->n_articles++] = c;
        else if (!m->main_el && !b) {
            xmlChar *role = attr(c, "role");
            if (strcmp(name, "main") == 0 ||
                (role && xmlStrcasecmp(role, (const xmlChar *)"main") == 0))
                m->main_el = c;
            xmlFree(role);
        }
        walk_meta(m, c, b, depth + 1);
    }
}

static const xmlNode *find_time(const xmlNode *n, int depth)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || depth >= HTML_MAX_DEPTH)
            continue;
        if (is_el(c, "time") && xmlHasProp(c, (const xmlChar *)"datetime"))
            return c;
        const xmlNode *t = find_time(c, depth + 1);
        if (t)
            return t;
    }
    return NULL;
}

static void meta_free(struct meta *m)
{
    xmlFree(m->og_title);
    xmlFree(m->og_url);
    xmlFree(m->canonical);
    xmlFree(m->date_pub);
    xmlFree(m->date_meta);
}

/* ---- entry point --------------------------------------------------------- */

/* The encoding to hand libxml2: browsers read Latin-1 and ASCII labels as
 * windows-1252 (WHATWG), which is what such pages really contain. NULL when
 * unknown to libxml2 (then <meta charset> and detection decide). */
static const char *pick_encoding(const char *charset)
{
    if (!charset || !charset[0])
        return NULL;
    static const char *const latin1[] = {"iso-8859-1", "iso8859-1", "latin1",     "l1",
                                         "us-ascii",   "ascii",     "iso_8859-1", NULL};
    for (size_t i = 0; latin1[i]; i++)
        if (strcasecmp(charset, latin1[i]) == 0) {
            xmlCharEncodingHandler *h = xmlFindCharEncodingHandler("windows-1252");
            if (h) {
                (void)xmlCharEncCloseFunc(h);
                return "windows-1252";
            }
            return "ISO-8859-1";
        }
    xmlCharEncodingHandler *h = xmlFindCharEncodingHandler(charset);
    if (!h)
        return NULL;
    (void)xmlCharEncCloseFunc(h);
    return charset;
}

static char *canonical_of(const xmlChar *href, const char *base)
{
    if (!href)
        return NULL;
    xmlChar *abs = xmlBuildURI(href, (const xmlChar *)base);
    char *norm = NULL;
    if (abs && fetch_url_normalize((const char *)abs, &norm) != FETCH_OK)
        norm = NULL;
    xmlFree(abs);
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

enum fetch_err fetch_html_extract(const char *html, size_t n, const char *charset,
                                  const char *base_url, struct fetch_doc *out)
{
    enum fetch_err err = FETCH_E_NOMEM;
    htmlParserCtxt *ctxt = NULL;
    xmlDoc *doc = NULL;
    struct meta m;
    struct ftext body;
    struct fbuf text;

    memset(out, 0, sizeof(*out));
    memset(&m, 0, sizeof(m));
    size_t body_cap = n < (SIZE_MAX - 4096) / 4 ? 4 * n + 4096 : SIZE_MAX / 2;
    ftext_init(&body, body_cap);
    fbuf_init(&text, body_cap + HTML_TITLE_MAX + 4);
    if (n == 0 || n > INT_MAX) {
        err = FETCH_E_CONTENT;
        goto out;
    }
    ctxt = htmlNewParserCtxt();
    if (!ctxt)
        goto out;
    doc = htmlCtxtReadMemory(ctxt, html, (int)n, base_url, pick_encoding(charset),
                             HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                 HTML_PARSE_RECOVER);
    if (!doc || !xmlDocGetRootElement(doc)) {
        err = FETCH_E_CONTENT;
        goto out;
    }
    walk_meta(&m, (const xmlNode *)doc, false, 0);

    /* Title */
    if (m.og_title) {
        struct ftext t;
        ftext_init(&t, HTML_TITLE_MAX);
        if (!ftext_add(&t, (const char *)m.og_title, strlen((const char *)m.og_title)) &&
            !t.b.full) {
            fbuf_free(&t.b);
            goto out;
        }
        out->title = fbuf_steal(&t.b);
    } else if (m.title_el || m.h1_el || m.h1_any) {
        const xmlNode *h1 = m.h1_el ? m.h1_el : m.h1_any;
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
    const xmlNode *container = NULL;
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
        container = xmlDocGetRootElement(doc);
    if (!walk_text(container, &body, true, 0) && !body.b.full)
        goto out;
    out->body = fbuf_steal(&body.b);
    if (!out->body)
        goto out;
    drop_title_para(out->body, out->title);

    /* Date: published meta, <time> in the article, any <time>, other meta. */
    char d[11] = "";
    const xmlNode *tm = find_time(container, 0);
    if (!tm)
        tm = m.time_el ? m.time_el : m.time_any;
    xmlChar *dt = tm ? attr(tm, "datetime") : NULL;
    if (!(m.date_pub && fetch_date_normalize((const char *)m.date_pub, d)) &&
        !(dt && fetch_date_normalize((const char *)dt, d)) && m.date_meta)
        (void)fetch_date_normalize((const char *)m.date_meta, d);
    xmlFree(dt);
    out->date = fetch_strndup(d, strlen(d));

    /* Canonical URL */
    out->canonical = canonical_of(m.canonical, base_url);
    if (!out->canonical)
        out->canonical = canonical_of(m.og_url, base_url);
    if (!out->canonical)
        out->canonical = fetch_strndup("", 0);
    if (!out->date || !out->canonical)
        goto out;

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
    fbuf_free(&body.b);
    fbuf_free(&text);
    meta_free(&m);
    xmlFreeDoc(doc);
    if (ctxt)
        htmlFreeParserCtxt(ctxt);
    return err;
}

void fetch_doc_free(struct fetch_doc *d)
{
    free(d->title);
    free(d->date);
    free(d->canonical);
    free(d->body);
    free(d->text);
    memset(d, 0, sizeof(*d));
}
