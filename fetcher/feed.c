/* fetcher/feed.c — RSS 2.0 / RSS 1.0 / Atom with expat (a streaming parser).
 *
 * Safety: a document that declares any entity (internal or external, general
 * or parameter) is refused, external entities and DTDs are never loaded
 * (no external entity handler, parameter entity parsing off), and expat's
 * amplification limit is set as well where it exists (>= 2.4). Encodings
 * other than UTF-8/UTF-16 are converted with iconv first (decode.c), so a
 * windows-1252 or KOI8-R feed reads like the browser would read it.
 *
 * Element names are matched by local name, as before; namespace prefixes are
 * resolved by our own small binding stack only to tell Atom's <link> inside
 * an RSS item, so an unbound prefix (common in real feeds) is not an error.
 * xml:base is honoured on every ancestor up to FEED_MAX_FRAMES deep.
 *
 * Tolerance: XML that breaks off after whole items (a truncated download, an
 * undeclared entity halfway down) keeps those items and says where it broke;
 * an Atom <link> may carry its URL as text instead of href; an RSS <guid>
 * is the link when there is no <link> unless isPermaLink="false".
 *
 * Ownership: struct feedp owns every string it holds (frame bases, bindings,
 * the item being read); items move into the caller's struct fetch_feed. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <expat.h>

#include "fetcher/fetch_int.h"

#define FEED_TEXT_MAX          4096u
#define FEED_DEFAULT_MAX_ITEMS 1000u
#define FEED_MAX_DEPTH         32  /* text is gathered this far below a captured element */
#define FEED_MAX_FRAMES        32  /* elements deeper than this inherit the base above */
#define FEED_MAX_NS            256 /* namespace bindings in scope */
#define ATOM_NS                "http://www.w3.org/2005/Atom"

enum root_kind { ROOT_NONE, ROOT_RSS, ROOT_RDF, ROOT_ATOM, ROOT_OTHER };

struct frame {
    char *own;        /* xml:base of this element, resolved; NULL when none */
    const char *base; /* the base in effect (own, an ancestor's, or the document's) */
    size_t n_ns;      /* bindings in scope before this element */
};

struct binding {
    char *prefix, *uri;
};

struct builder {
    struct fetch_feed *f;
    size_t alloc, max;
    struct strset seen;
};

/* The item (RSS) or entry (Atom) being read; "first child of its kind". */
struct item {
    struct ftext link, guid, title, date, published, updated;
    struct ftext tlink; /* Atom: the text of the best <link> without href */
    bool has_link, has_guid, has_title, has_date, has_published, has_updated, has_alt;
    bool guid_not_perma;
    char *item_base, *link_base; /* bases in effect at the item / its <link> */
    char *alt_href;              /* RSS: href of the first atom:link, or NULL */
    char *best_href, *best_base; /* Atom: the best link so far */
    int best_rank;
    char *tlink_base; /* Atom: base in effect at tlink's <link> */
    int tlink_rank;   /* 0 when no text link was seen */
};

struct feedp {
    XML_Parser p;
    struct builder b;
    const char *doc_base;
    size_t depth; /* of the current element; the root is 1 */
    struct frame fr[FEED_MAX_FRAMES];
    size_t n_fr;
    struct binding ns[FEED_MAX_NS];
    size_t n_ns;
    enum root_kind root;
    char root_name[81];
    bool in_channel;
    size_t item_depth; /* 0 when not inside an item */
    struct item it;
    struct ftext *cap; /* text being gathered, or NULL */
    size_t cap_depth;
    bool nomem, entity_decl;
};

static void set_err(char *errbuf, size_t cap, const char *msg)
{
    if (errbuf && cap)
        ecf_strlcpy(errbuf, msg, cap);
}

static char *dup_or_null(const char *s)
{
    return s ? fetch_strndup(s, strlen(s)) : NULL;
}

static const char *local_of(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

/* Attribute by local name (xml:base by its full name); NULL when absent. */
static const char *att(const XML_Char **atts, const char *name)
{
    bool full = strchr(name, ':') != NULL;
    for (size_t i = 0; atts[i] && atts[i + 1]; i += 2)
        if (strcmp(full ? atts[i] : local_of(atts[i]), name) == 0 &&
            strncmp(atts[i], "xmlns", 5) != 0)
            return atts[i + 1];
    return NULL;
}

static const char *cur_base(const struct feedp *x)
{
    return x->n_fr ? x->fr[x->n_fr - 1].base : x->doc_base;
}

/* The namespace URI of an element's prefix, NULL when unbound. */
static const char *ns_of(const struct feedp *x, const char *name)
{
    const char *c = strchr(name, ':');
    size_t pl = c ? (size_t)(c - name) : 0;
    for (size_t i = x->n_ns; i-- > 0;)
        if (strlen(x->ns[i].prefix) == pl && strncmp(x->ns[i].prefix, name, pl) == 0)
            return x->ns[i].uri;
    return NULL;
}

static void oom(struct feedp *x)
{
    x->nomem = true;
    XML_StopParser(x->p, XML_FALSE);
}

static void item_clear(struct item *it)
{
    jbuf_free(&it->link.b);
    jbuf_free(&it->guid.b);
    jbuf_free(&it->title.b);
    jbuf_free(&it->date.b);
    jbuf_free(&it->published.b);
    jbuf_free(&it->updated.b);
    jbuf_free(&it->tlink.b);
    free(it->item_base);
    free(it->link_base);
    free(it->alt_href);
    free(it->best_href);
    free(it->best_base);
    free(it->tlink_base);
    memset(it, 0, sizeof(*it));
    ftext_init(&it->link, FEED_TEXT_MAX);
    ftext_init(&it->guid, FEED_TEXT_MAX);
    ftext_init(&it->title, FEED_TEXT_MAX);
    ftext_init(&it->date, FEED_TEXT_MAX);
    ftext_init(&it->published, FEED_TEXT_MAX);
    ftext_init(&it->updated, FEED_TEXT_MAX);
    ftext_init(&it->tlink, FEED_TEXT_MAX);
}

/* Resolves href against base, normalises it and appends an item. false only
 * on ENOMEM. title/date: gathered text, NULL when the element was absent. */
static bool add_item(struct builder *b, const char *base, const char *href, struct ftext *title,
                     struct ftext *date)
{
    bool okay = false;
    char *norm = NULL;
    struct fetch_feed_item it = {0};

    if (b->f->n >= b->max)
        return true;
    enum fetch_err e = fetch_url_resolve(base, href, &norm);
    if (e != FETCH_OK)
        return e != FETCH_E_NOMEM; /* not an http(s) link: skipped */
    int r = strset_add(&b->seen, norm);
    if (r <= 0) {
        okay = r == 0;
        goto out;
    }
    char d[11] = "";
    if (date && date->b.p)
        (void)fetch_date_normalize(date->b.p, d);
    it.link = norm;
    norm = NULL;
    it.title = fetch_strndup(title && title->b.p ? title->b.p : "", title ? title->b.len : 0);
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
    return okay;
}

/* RSS: <link> text, else a permalink <guid>, else an atom:link's href. */
static bool rss_item_done(struct feedp *x)
{
    struct item *it = &x->it;
    const char *href = NULL;
    if (it->has_link)
        href = it->link.b.p ? it->link.b.p : "";
    if ((!href || !href[0]) && it->has_guid && !it->guid_not_perma)
        href = it->guid.b.p ? it->guid.b.p : "";
    if ((!href || !href[0]) && it->has_alt && it->alt_href)
        href = it->alt_href;
    if (!href || !href[0])
        return true; /* an item without a link: nothing to fetch */
    return add_item(&x->b, it->has_link ? it->link_base : it->item_base, href,
                    it->has_title ? &it->title : NULL, it->has_date ? &it->date : NULL);
}

/* Atom: the best <link href>, else the best <link> whose URL is its text
 * (older and hand-written feeds). */
static bool atom_entry_done(struct feedp *x)
{
    struct item *it = &x->it;
    const char *href = it->best_href, *base = it->best_base;
    if (!href && it->tlink_rank && it->tlink.b.p && it->tlink.b.p[0]) {
        href = it->tlink.b.p;
        base = it->tlink_base;
    }
    if (!href)
        return true;
    struct ftext *date = it->has_published ? &it->published : it->has_updated ? &it->updated : NULL;
    return add_item(&x->b, base, href, it->has_title ? &it->title : NULL, date);
}

static void capture(struct feedp *x, struct ftext *t, bool *seen)
{
    *seen = true;
    x->cap = t;
    x->cap_depth = x->depth;
}

/* A direct child of an item or entry. */
static void item_child(struct feedp *x, const char *name, const XML_Char **atts)
{
    struct item *it = &x->it;
    const char *local = local_of(name);
    if (x->root == ROOT_ATOM) {
        if (strcmp(local, "title") == 0 && !it->has_title)
            capture(x, &it->title, &it->has_title);
        else if (strcmp(local, "published") == 0 && !it->has_published)
            capture(x, &it->published, &it->has_published);
        else if (strcmp(local, "updated") == 0 && !it->has_updated)
            capture(x, &it->updated, &it->has_updated);
        else if (strcmp(local, "link") == 0) {
            const char *rel = att(atts, "rel"), *type = att(atts, "type");
            const char *href = att(atts, "href");
            int rank = 0;
            if (!rel || strcmp(rel, "alternate") == 0)
                rank = (!type || strstr(type, "html")) ? 2 : 1;
            if (rank > it->best_rank && href) {
                free(it->best_href);
                free(it->best_base);
                it->best_href = dup_or_null(href);
                it->best_base = dup_or_null(cur_base(x));
                it->best_rank = rank;
                if (!it->best_href || (cur_base(x) && !it->best_base))
                    oom(x);
            } else if (!href && rank > it->tlink_rank) {
                bool seen;
                jbuf_free(&it->tlink.b);
                ftext_init(&it->tlink, FEED_TEXT_MAX);
                free(it->tlink_base);
                it->tlink_base = dup_or_null(cur_base(x));
                it->tlink_rank = rank;
                if (cur_base(x) && !it->tlink_base)
                    oom(x);
                capture(x, &it->tlink, &seen);
            }
        }
        return;
    }
    const char *uri = ns_of(x, name);
    bool atom = uri && strcmp(uri, ATOM_NS) == 0;
    if (strcmp(local, "link") == 0 && !atom && !it->has_link) {
        capture(x, &it->link, &it->has_link);
        it->link_base = dup_or_null(cur_base(x));
        if (cur_base(x) && !it->link_base)
            oom(x);
    } else if (strcmp(local, "link") == 0 && atom && !it->has_alt) {
        it->has_alt = true;
        const char *href = att(atts, "href");
        it->alt_href = dup_or_null(href);
        if (href && !it->alt_href)
            oom(x);
    } else if (strcmp(local, "guid") == 0 && !it->has_guid) {
        const char *perma = att(atts, "isPermaLink");
        it->guid_not_perma = perma && strcasecmp(perma, "false") == 0;
        capture(x, &it->guid, &it->has_guid);
    } else if (strcmp(local, "title") == 0 && !it->has_title) {
        capture(x, &it->title, &it->has_title);
    } else if ((strcmp(local, "pubDate") == 0 || strcmp(local, "date") == 0 ||
                strcmp(local, "published") == 0) &&
               !it->has_date) {
        capture(x, &it->date, &it->has_date);
    }
}

/* Pushes the element's frame: its namespace bindings and xml:base. */
static void push_frame(struct feedp *x, const XML_Char **atts)
{
    struct frame *f = &x->fr[x->n_fr];
    f->own = NULL;
    f->base = cur_base(x);
    f->n_ns = x->n_ns;
    for (size_t i = 0; atts[i] && atts[i + 1]; i += 2) {
        const char *a = atts[i];
        if (strncmp(a, "xmlns", 5) != 0 || (a[5] != '\0' && a[5] != ':') || x->n_ns == FEED_MAX_NS)
            continue;
        struct binding *bd = &x->ns[x->n_ns];
        bd->prefix = dup_or_null(a[5] ? a + 6 : "");
        bd->uri = dup_or_null(atts[i + 1]);
        if (!bd->prefix || !bd->uri) {
            free(bd->prefix);
            free(bd->uri);
            oom(x);
            continue;
        }
        x->n_ns++;
    }
    const char *xb = att(atts, "xml:base");
    if (xb) {
        enum fetch_err e = fetch_url_resolve(f->base, xb, &f->own);
        if (e == FETCH_E_NOMEM)
            oom(x);
        if (e == FETCH_OK)
            f->base = f->own;
    }
    x->n_fr++;
}

static void pop_frame(struct feedp *x)
{
    struct frame *f = &x->fr[--x->n_fr];
    free(f->own);
    f->own = NULL;
    while (x->n_ns > f->n_ns) {
        x->n_ns--;
        free(x->ns[x->n_ns].prefix);
        free(x->ns[x->n_ns].uri);
    }
}

static void XMLCALL on_start(void *user, const XML_Char *name, const XML_Char **atts)
{
    struct feedp *x = user;
    size_t d = ++x->depth;
    if (x->n_fr < FEED_MAX_FRAMES)
        push_frame(x, atts);
    const char *local = local_of(name);
    if (d == 1) {
        x->root = strcmp(local, "rss") == 0    ? ROOT_RSS
                  : strcmp(local, "RDF") == 0  ? ROOT_RDF
                  : strcmp(local, "feed") == 0 ? ROOT_ATOM
                                               : ROOT_OTHER;
        ecf_strlcpy(x->root_name, local, sizeof(x->root_name));
        return;
    }
    if (x->item_depth && d == x->item_depth + 1 && !x->cap) {
        item_child(x, name, atts);
        return;
    }
    bool item = (x->root == ROOT_RSS && d == 3 && x->in_channel && strcmp(local, "item") == 0) ||
                (x->root == ROOT_RDF && d == 2 && strcmp(local, "item") == 0) ||
                (x->root == ROOT_ATOM && d == 2 && strcmp(local, "entry") == 0);
    if (x->root == ROOT_RSS && d == 2 && strcmp(local, "channel") == 0)
        x->in_channel = true;
    if (item && !x->item_depth) {
        x->item_depth = d;
        x->it.item_base = dup_or_null(cur_base(x));
        if (cur_base(x) && !x->it.item_base)
            oom(x);
    }
}

static void XMLCALL on_end(void *user, const XML_Char *name)
{
    struct feedp *x = user;
    (void)name;
    size_t d = x->depth;
    if (x->cap && d == x->cap_depth)
        x->cap = NULL;
    if (x->item_depth && d == x->item_depth) {
        bool okay = x->root == ROOT_ATOM ? atom_entry_done(x) : rss_item_done(x);
        item_clear(&x->it);
        x->item_depth = 0;
        if (!okay)
            oom(x);
    }
    if (x->root == ROOT_RSS && d == 2)
        x->in_channel = false;
    if (d <= x->n_fr)
        pop_frame(x);
    x->depth--;
}

static void XMLCALL on_text(void *user, const XML_Char *s, int len)
{
    struct feedp *x = user;
    if (!x->cap || len <= 0 || x->depth - x->cap_depth > FEED_MAX_DEPTH)
        return;
    if (!ftext_add(x->cap, s, (size_t)len) && !x->cap->b.over)
        oom(x);
}

static void XMLCALL on_entity_decl(void *user, const XML_Char *name, int is_param,
                                   const XML_Char *value, int value_len, const XML_Char *base,
                                   const XML_Char *system_id, const XML_Char *public_id,
                                   const XML_Char *notation)
{
    struct feedp *x = user;
    (void)name, (void)is_param, (void)value, (void)value_len, (void)base, (void)system_id;
    (void)public_id, (void)notation;
    x->entity_decl = true;
    XML_StopParser(x->p, XML_FALSE);
}

/* Creates the parser for xml[0..n): a declared encoding other than UTF-8 or
 * UTF-16 is converted to UTF-8 first (*conv, owned by the caller). */
static XML_Parser make_parser(const char *xml, size_t *n, char **conv)
{
    char decl[64], name[64];
    const unsigned char *u = (const unsigned char *)xml;
    bool bom = *n >= 2 && ((u[0] == 0xEF && u[1] == 0xBB) || (u[0] == 0xFF && u[1] == 0xFE) ||
                           (u[0] == 0xFE && u[1] == 0xFF));
    *conv = NULL;
    if (!bom && fetch_xml_declared(xml, *n, decl, sizeof(decl)) &&
        fetch_charset_name(decl, name, sizeof(name)) && strcasecmp(name, "UTF-8") != 0 &&
        strncasecmp(name, "UTF-16", 6) != 0) {
        size_t len;
        if (fetch_to_utf8(xml, *n, name, conv, &len) != FETCH_OK)
            return NULL;
        if (len > INT_MAX) {
            free(*conv);
            *conv = NULL;
            return NULL;
        }
        *n = len;
        return XML_ParserCreate("UTF-8"); /* overrides the declaration */
    }
    return XML_ParserCreate(NULL);
}

enum fetch_err fetch_feed_parse(const char *xml, size_t n, const char *base_url, size_t max_items,
                                struct fetch_feed *out, char *errbuf, size_t cap)
{
    enum fetch_err err = FETCH_E_PARSE;
    char *conv = NULL; /* the feed converted to UTF-8, when it had to be */
    struct feedp *x = NULL;

    memset(out, 0, sizeof(*out));
    set_err(errbuf, cap, "");
    if (n == 0 || n > INT_MAX) {
        set_err(errbuf, cap, n ? "feed too large" : "empty document");
        goto out;
    }
    x = calloc(1, sizeof(*x));
    if (!x) {
        err = FETCH_E_NOMEM;
        goto out;
    }
    x->b.f = out;
    x->b.max = max_items ? max_items : FEED_DEFAULT_MAX_ITEMS;
    strset_init(&x->b.seen);
    item_clear(&x->it);
    x->doc_base = base_url && base_url[0] ? base_url : NULL;
    x->p = make_parser(xml, &n, &conv);
    if (!x->p) {
        err = FETCH_E_NOMEM;
        goto out;
    }
    XML_SetUserData(x->p, x);
    XML_SetElementHandler(x->p, on_start, on_end);
    XML_SetCharacterDataHandler(x->p, on_text);
    XML_SetEntityDeclHandler(x->p, on_entity_decl);
#ifdef XML_DTD
    (void)XML_SetParamEntityParsing(x->p, XML_PARAM_ENTITY_PARSING_NEVER);
#if XML_MAJOR_VERSION > 2 || (XML_MAJOR_VERSION == 2 && XML_MINOR_VERSION >= 4)
    (void)XML_SetBillionLaughsAttackProtectionMaximumAmplification(x->p, 10.0f);
    (void)XML_SetBillionLaughsAttackProtectionActivationThreshold(x->p, 1024u * 1024u);
#endif
#endif
    enum XML_Status st = XML_Parse(x->p, conv ? conv : xml, (int)n, XML_TRUE);
    if (x->nomem) {
        err = FETCH_E_NOMEM;
        goto out;
    }
    if (st != XML_STATUS_OK || x->entity_decl) {
        char msg[200];
        (void)snprintf(msg, sizeof(msg), "broken XML at line %lu: %s",
                       (unsigned long)XML_GetCurrentLineNumber(x->p),
                       x->entity_decl ? "entity declarations are not accepted"
                                      : XML_ErrorString(XML_GetErrorCode(x->p)));
        msg[strcspn(msg, "\n")] = '\0';
        set_err(errbuf, cap, msg);
        /* A feed cut short (or broken further down) keeps the items read
         * whole before the break, as browsers' feed readers do; the item
         * being read at the break is dropped (its link may be cut). */
        bool feed_root = x->root == ROOT_RSS || x->root == ROOT_RDF || x->root == ROOT_ATOM;
        if (!x->entity_decl && feed_root && out->n > 0) {
            out->broken = true;
            err = FETCH_OK;
        }
        goto out;
    }
    if (x->root == ROOT_NONE) {
        set_err(errbuf, cap, "empty document");
        goto out;
    }
    if (x->root == ROOT_OTHER) {
        char msg[160];
        (void)snprintf(msg, sizeof(msg), "not a feed: root element <%.80s>", x->root_name);
        set_err(errbuf, cap, msg);
        goto out;
    }
    err = FETCH_OK;
out:
    if (err != FETCH_OK)
        fetch_feed_free(out);
    if (x) {
        while (x->n_fr)
            pop_frame(x);
        item_clear(&x->it); /* leaves only empty, unallocated buffers */
        strset_free(&x->b.seen);
        if (x->p)
            XML_ParserFree(x->p);
        free(x);
    }
    free(conv);
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
    f->broken = false;
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
