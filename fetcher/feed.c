/* fetcher/feed.c — RSS 2.0 / RSS 1.0 / Atom with libxml2.
 * No network (XML_PARSE_NONET), no external DTD, no entity substitution
 * (XML_PARSE_NOENT off); text is gathered from text and CDATA nodes only, so
 * an entity reference is never expanded by us either. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>

#include "fetcher/fetch_int.h"

#define FEED_TEXT_MAX 4096u
#define FEED_DEFAULT_MAX_ITEMS 1000u
#define FEED_MAX_DEPTH 32

static bool name_is(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, (const xmlChar *)name) == 0;
}

static bool ns_is(const xmlNode *n, const char *href)
{
    return n->ns && n->ns->href && xmlStrcmp(n->ns->href, (const xmlChar *)href) == 0;
}

static bool gather(const xmlNode *n, struct ftext *t, int depth)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            if (c->content &&
                !ftext_add(t, (const char *)c->content, strlen((const char *)c->content)) &&
                !t->b.full)
                return false;
        } else if (c->type == XML_ELEMENT_NODE && depth < FEED_MAX_DEPTH) {
            if (!gather(c, t, depth + 1))
                return false;
        }
    }
    return true;
}

/* Normalised text content of n, malloc'd; NULL on ENOMEM. */
static char *text_of(const xmlNode *n)
{
    struct ftext t;
    ftext_init(&t, FEED_TEXT_MAX);
    if (n && !gather(n, &t, 0)) {
        fbuf_free(&t.b);
        return NULL;
    }
    return fbuf_steal(&t.b);
}

static void set_err(char *errbuf, size_t cap, const char *msg)
{
    if (errbuf && cap)
        ecf_strlcpy(errbuf, msg, cap);
}

struct builder {
    struct fetch_feed *f;
    size_t alloc, max;
    struct strset seen;
};

/* Resolves href against the node's base (xml:base or the document URL),
 * normalises it and appends an item. false only on ENOMEM. */
static bool add_item(struct builder *b, xmlDoc *doc, const xmlNode *at, const char *href,
                     const xmlNode *title, const xmlNode *date)
{
    bool okay = false;
    xmlChar *base = NULL, *abs = NULL;
    char *norm = NULL;
    struct fetch_feed_item it = {0};

    if (b->f->n >= b->max)
        return true;
    base = xmlNodeGetBase(doc, at);
    abs = xmlBuildURI((const xmlChar *)href, base);
    if (!abs || fetch_url_normalize((const char *)abs, &norm) != FETCH_OK) {
        okay = true; /* not an http(s) link: skipped */
        goto out;
    }
    int r = strset_add(&b->seen, norm);
    if (r <= 0) {
        okay = r == 0;
        goto out;
    }
    char *dtext = date ? text_of(date) : NULL;
    char d[11] = "";
    if (dtext)
        (void)fetch_date_normalize(dtext, d);
    free(dtext);
    it.link = norm;
    norm = NULL;
    it.title = text_of(title);
    it.date = fetch_strndup(d, strlen(d));
    if (!it.title || !it.date)
        goto out;
    if (b->f->n == b->alloc) {
        size_t na = b->alloc ? b->alloc * 2 : 16;
        struct fetch_feed_item *p = realloc(b->f->items, na * sizeof(*p));
        if (!p)
            goto out;
        b->f->items = p;
        b->alloc = na;
    }
    b->f->items[b->f->n++] = it;
    memset(&it, 0, sizeof(it));
    okay = true;
out:
    free(it.link);
    free(it.title);
    free(it.date);
    free(norm);
    xmlFree(base);
    xmlFree(abs);
    return okay;
}

static bool rss_item(struct builder *b, xmlDoc *doc, const xmlNode *item)
{
    const xmlNode *link = NULL, *guid = NULL, *title = NULL, *date = NULL, *alt = NULL;
    for (const xmlNode *c = item->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        bool atom = ns_is(c, "http://www.w3.org/2005/Atom");
        if (name_is(c, "link") && !atom && !link)
            link = c;
        else if (name_is(c, "link") && atom && !alt)
            alt = c;
        else if (name_is(c, "guid") && !guid)
            guid = c;
        else if (name_is(c, "title") && !title)
            title = c;
        else if ((name_is(c, "pubDate") || name_is(c, "date") || name_is(c, "published")) && !date)
            date = c;
    }
    char *href = NULL;
    xmlChar *attr = NULL;
    if (link && !(href = text_of(link)))
        return false;
    if ((!href || !href[0]) && guid) {
        xmlChar *perma = xmlGetProp(guid, (const xmlChar *)"isPermaLink");
        bool no = perma && xmlStrcasecmp(perma, (const xmlChar *)"false") == 0;
        xmlFree(perma);
        if (!no) {
            free(href);
            if (!(href = text_of(guid)))
                return false;
        }
    }
    if ((!href || !href[0]) && alt && (attr = xmlGetProp(alt, (const xmlChar *)"href"))) {
        free(href);
        href = fetch_strndup((const char *)attr, strlen((const char *)attr));
        xmlFree(attr);
        if (!href)
            return false;
    }
    if (!href)
        return true; /* an item without a link: nothing to fetch */
    bool okay = href[0] ? add_item(b, doc, link ? link : item, href, title, date) : true;
    free(href);
    return okay;
}

static bool atom_entry(struct builder *b, xmlDoc *doc, const xmlNode *entry)
{
    const xmlNode *title = NULL, *published = NULL, *updated = NULL, *best = NULL;
    int best_rank = 0;
    for (const xmlNode *c = entry->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (name_is(c, "title") && !title)
            title = c;
        else if (name_is(c, "published") && !published)
            published = c;
        else if (name_is(c, "updated") && !updated)
            updated = c;
        else if (name_is(c, "link")) {
            xmlChar *rel = xmlGetProp(c, (const xmlChar *)"rel");
            xmlChar *type = xmlGetProp(c, (const xmlChar *)"type");
            int rank = 0;
            if (!rel || xmlStrcmp(rel, (const xmlChar *)"alternate") == 0)
                rank = (!type || xmlStrstr(type, (const xmlChar *)"html")) ? 2 : 1;
            if (rank > best_rank && xmlHasProp(c, (const xmlChar *)"href")) {
                best = c;
                best_rank = rank;
            }
            xmlFree(rel);
            xmlFree(type);
        }
    }
    if (!best)
        return true;
    xmlChar *href = xmlGetProp(best, (const xmlChar *)"href");
    if (!href)
        return false;
    bool okay = add_item(b, doc, best, (const char *)href, title, published ? published : updated);
    xmlFree(href);
    return okay;
}

enum fetch_err fetch_feed_parse(const char *xml, size_t n, const char *base_url, size_t max_items,
                                struct fetch_feed *out, char *errbuf, size_t cap)
{
    enum fetch_err err = FETCH_E_PARSE;
    xmlParserCtxt *ctxt = NULL;
    xmlDoc *doc = NULL;
    struct builder b = {.f = out, .max = max_items ? max_items : FEED_DEFAULT_MAX_ITEMS};

    memset(out, 0, sizeof(*out));
    strset_init(&b.seen);
    set_err(errbuf, cap, "");
    if (n == 0 || n > INT_MAX) {
        set_err(errbuf, cap, n ? "feed too large" : "empty document");
        goto out;
    }
    ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        err = FETCH_E_NOMEM;
        goto out;
    }
    doc = xmlCtxtReadMemory(ctxt, xml, (int)n, base_url, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc || !ctxt->wellFormed) {
        char msg[200];
        const xmlError *e = &ctxt->lastError;
        (void)snprintf(msg, sizeof(msg), "broken XML at line %d: %s", e->line,
                       e->message ? e->message : "not well-formed");
        msg[strcspn(msg, "\n")] = '\0';
        set_err(errbuf, cap, msg);
        goto out;
    }
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!root) {
        set_err(errbuf, cap, "empty document");
        goto out;
    }
    bool okay = true;
    if (name_is(root, "rss")) {
        for (xmlNode *ch = root->children; ch && okay; ch = ch->next)
            if (name_is(ch, "channel"))
                for (xmlNode *it = ch->children; it && okay; it = it->next)
                    if (name_is(it, "item"))
                        okay = rss_item(&b, doc, it);
    } else if (name_is(root, "RDF")) {
        for (xmlNode *it = root->children; it && okay; it = it->next)
            if (name_is(it, "item"))
                okay = rss_item(&b, doc, it);
    } else if (name_is(root, "feed")) {
        for (xmlNode *it = root->children; it && okay; it = it->next)
            if (name_is(it, "entry"))
                okay = atom_entry(&b, doc, it);
    } else {
        char msg[160];
        (void)snprintf(msg, sizeof(msg), "not a feed: root element <%.80s>",
                       (const char *)root->name);
        set_err(errbuf, cap, msg);
        goto out;
    }
    err = okay ? FETCH_OK : FETCH_E_NOMEM;
out:
    if (err != FETCH_OK)
        fetch_feed_free(out);
    strset_free(&b.seen);
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    return err;
}

void fetch_feed_free(struct fetch_feed *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->items[i].link);
        free(f->items[i].title);
        free(f->items[i].date);
    }
    free(f->items);
    f->items = NULL;
    f->n = 0;
}

/* The first element's name after the prolog, or "" (into out[cap]). */
static void first_element(const char *s, size_t n, char *out, size_t cap)
{
    size_t i = 0, lim = n < 8192 ? n : 8192;
    out[0] = '\0';
    if (lim >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < lim) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            i++;
            continue;
        }
        if (c != '<' || i + 1 >= lim)
            return;
        const char *end = NULL;
        if (s[i + 1] == '?')
            end = "?>";
        else if (i + 3 < lim && memcmp(s + i, "<!--", 4) == 0)
            end = "-->";
        else if (s[i + 1] == '!')
            end = ">";
        if (end) {
            size_t el = strlen(end), k = i + 2;
            while (k + el <= lim && memcmp(s + k, end, el) != 0)
                k++;
            if (k + el > lim)
                return;
            i = k + el;
            continue;
        }
        size_t k = i + 1, o = 0;
        while (k < lim && o + 1 < cap && s[k] != ' ' && s[k] != '>' && s[k] != '/' &&
               s[k] != '\t' && s[k] != '\r' && s[k] != '\n')
            out[o++] = s[k++];
        out[o] = '\0';
        return;
    }
}

bool fetch_feed_sniff(const char *content_type, const char *body, size_t n)
{
    char name[64];
    first_element(body ? body : "", body ? n : 0, name, sizeof(name));
    const char *local = strrchr(name, ':');
    local = local ? local + 1 : name;
    if (strcmp(name, "rss") == 0 || strcmp(name, "feed") == 0 || strcmp(local, "RDF") == 0)
        return true;
    if (!content_type || fetch_contains_ci(content_type, "html"))
        return false;
    return fetch_contains_ci(content_type, "rss") || fetch_contains_ci(content_type, "atom") ||
           fetch_contains_ci(content_type, "xml");
}
