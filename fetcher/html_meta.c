/* fetcher/html_meta.c — what a page says about itself: title, published
 * date, byline, site name, language, canonical URL.
 *
 * Sources, best first (the order Readability uses): JSON-LD of an Article
 * type (headline, datePublished, author, publisher), <meta> (og:, dc:,
 * article:, twitter:, parsely-), then the page: <title> with the site name
 * cut off at a separator, the <h1>, <time datetime>, the byline element,
 * <html lang>. Strings in struct html_meta are borrowed from the gumbo tree
 * or owned by its JSON-LD value (html_meta_free). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "fetcher/html_meta.h"

static void keep(const char **slot, const char *v)
{
    if (!*slot && v && v[0])
        *slot = v;
}

struct key_slot {
    const char *key;
    size_t off;
};

#define SLOT(f) offsetof(struct html_meta, f)
static const struct key_slot meta_keys[] = {
    {"dc:title", SLOT(dc_title)},
    {"dcterm:title", SLOT(dc_title)},
    {"og:title", SLOT(og_title)},
    {"title", SLOT(name_title)},
    {"twitter:title", SLOT(tw_title)},
    {"parsely-title", SLOT(tw_title)},
    {"og:url", SLOT(og_url)},
    {"og:site_name", SLOT(site)},
    {"article:published_time", SLOT(date_pub)},
    {"og:published_time", SLOT(date_pub)},
    {"datepublished", SLOT(date_pub)},
    {"parsely-pub-date", SLOT(date_pub)},
    {"dc:creator", SLOT(author)},
    {"dcterm:creator", SLOT(author)},
    {"author", SLOT(author)},
    {"parsely-author", SLOT(author)},
    {"date", SLOT(date_meta)},
    {"pubdate", SLOT(date_meta)},
    {"publishdate", SLOT(date_meta)},
    {"publish-date", SLOT(date_meta)},
    {"publish_date", SLOT(date_meta)},
    {"dc.date", SLOT(date_meta)},
    {"dc.date.issued", SLOT(date_meta)},
    {"dcterms.date", SLOT(date_meta)},
    {"sailthru.date", SLOT(date_meta)},
    {"og:locale", SLOT(locale)},
    {NULL, 0},
};

static void meta_tag(struct html_meta *m, const GumboNode *n)
{
    const char *v = html_attr(n, "content");
    const char *he = html_attr(n, "http-equiv");
    if (he && strcasecmp(he, "content-language") == 0)
        keep(&m->content_lang, v);
    const char *ks[3] = {html_attr(n, "property"), html_attr(n, "name"), html_attr(n, "itemprop")};
    for (int i = 0; i < 3; i++) {
        if (!ks[i])
            continue;
        for (size_t j = 0; meta_keys[j].key; j++)
            if (strcasecmp(ks[i], meta_keys[j].key) == 0) {
                const char *val = v;
                /* article:author and friends are often a profile URL */
                if (meta_keys[j].off == SLOT(author) && val && strstr(val, "://"))
                    val = NULL;
                keep((const char **)((char *)m + meta_keys[j].off), val);
            }
    }
}

static bool rel_is_canonical(const GumboNode *n)
{
    const char *p = html_attr(n, "rel");
    return p && html_has_word(p, "canonical");
}

/* ---- JSON-LD ------------------------------------------------------------------ */

static const char *const article_types[] = {
    "Article",
    "AdvertiserContentArticle",
    "NewsArticle",
    "AnalysisNewsArticle",
    "AskPublicNewsArticle",
    "BackgroundNewsArticle",
    "OpinionNewsArticle",
    "ReportageNewsArticle",
    "ReviewNewsArticle",
    "Report",
    "SatiricalArticle",
    "ScholarlyArticle",
    "MedicalScholarlyArticle",
    "SocialMediaPosting",
    "BlogPosting",
    "LiveBlogPosting",
    "DiscussionForumPosting",
    "TechArticle",
    "APIReference",
    "WebPage",
    NULL,
};

static bool is_article_type(json_t *o)
{
    json_t *t = json_object_get(o, "@type");
    if (json_is_string(t)) {
        for (size_t i = 0; article_types[i]; i++)
            if (strcmp(json_string_value(t), article_types[i]) == 0)
                return true;
    } else if (json_is_array(t)) {
        size_t i;
        json_t *v;
        json_array_foreach(t, i, v)
        {
            for (size_t k = 0; json_is_string(v) && article_types[k]; k++)
                if (strcmp(json_string_value(v), article_types[k]) == 0)
                    return true;
        }
    }
    return false;
}

/* The Article object of a JSON-LD value (a graph, an array); WebPage only
 * when nothing better. Borrowed from v. */
static json_t *ld_article(json_t *v, int depth)
{
    if (depth > 4)
        return NULL;
    if (json_is_array(v)) {
        size_t i;
        json_t *x, *web = NULL;
        json_array_foreach(v, i, x)
        {
            json_t *a = ld_article(x, depth + 1);
            json_t *t = a ? json_object_get(a, "@type") : NULL;
            if (a && !(json_is_string(t) && strcmp(json_string_value(t), "WebPage") == 0))
                return a;
            if (a && !web)
                web = a;
        }
        return web;
    }
    if (!json_is_object(v))
        return NULL;
    json_t *g = json_object_get(v, "@graph");
    if (g) {
        json_t *a = ld_article(g, depth + 1);
        if (a)
            return a;
    }
    return is_article_type(v) ? v : NULL;
}

static const char *ld_str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (json_is_array(v))
        v = json_array_get(v, 0);
    if (json_is_object(v))
        v = json_object_get(v, "name");
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static void ld_script(struct html_meta *m, const GumboNode *n)
{
    const char *type = html_attr(n, "type");
    if (!type || strcasecmp(type, "application/ld+json") != 0 || m->ld)
        return;
    const GumboVector *k = &n->v.element.children;
    if (k->length < 1 || ((const GumboNode *)k->data[0])->type != GUMBO_NODE_TEXT)
        return;
    const char *s = ((const GumboNode *)k->data[0])->v.text.text;
    /* some pages wrap it in CDATA or an HTML comment */
    while (isspace((unsigned char)*s))
        s++;
    if (strncmp(s, "<![CDATA[", 9) == 0)
        s += 9;
    else if (strncmp(s, "<!--", 4) == 0)
        s += 4;
    json_t *v = json_loadb(s, strlen(s), JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK, NULL);
    json_t *a = v ? ld_article(v, 0) : NULL;
    if (!a) {
        json_decref(v);
        return;
    }
    m->ld = v;
    m->ld_headline = ld_str(a, "headline");
    m->ld_name = ld_str(a, "name");
    m->ld_date = ld_str(a, "datePublished");
    m->ld_body = ld_str(a, "articleBody");
    json_t *pub = json_object_get(a, "publisher");
    if (json_is_object(pub))
        m->ld_site = ld_str(a, "publisher");
    json_t *au = json_object_get(a, "author");
    if (json_is_array(au) && json_array_size(au) > 1) {
        /* several authors: their names, comma-separated, into m->ld_authors */
        size_t i;
        json_t *x;
        char *buf = calloc(1, 512);
        size_t len = 0;
        json_array_foreach(au, i, x)
        {
            json_t *nm = json_is_object(x) ? json_object_get(x, "name") : x;
            if (!buf || !json_is_string(nm))
                continue;
            int w = snprintf(buf + len, 512 - len, "%s%s", len ? ", " : "", json_string_value(nm));
            if (w > 0 && (size_t)w < 512 - len)
                len += (size_t)w;
            else
                buf[len] = '\0';
        }
        m->ld_authors = buf;
        m->ld_author = buf && buf[0] ? buf : NULL;
    } else {
        m->ld_author = ld_str(a, "author");
    }
}

/* Whether the only boilerplate above n is a <header> inside an <article>. */
static bool in_chrome(const GumboNode *n)
{
    for (const GumboNode *p = n->parent; p && html_is_element(p); p = p->parent) {
        char buf[HTML_NAME_MAX];
        const char *name = html_name_of(p, buf);
        if (!strcmp(name, "article"))
            return false;
        if (!strcmp(name, "nav") || !strcmp(name, "header") || !strcmp(name, "footer") ||
            !strcmp(name, "aside"))
            return true;
    }
    return false;
}

static void walk(struct html_meta *m, const GumboNode *n, int depth)
{
    const GumboVector *kids = n->type == GUMBO_NODE_DOCUMENT ? &n->v.document.children
                              : html_is_element(n)           ? &n->v.element.children
                                                             : NULL;
    for (unsigned i = 0; kids && i < kids->length; i++) {
        const GumboNode *c = kids->data[i];
        if (!html_is_element(c) || depth >= HTML_MAX_DEPTH)
            continue;
        char buf[HTML_NAME_MAX];
        const char *name = html_name_of(c, buf);
        if (!strcmp(name, "meta"))
            meta_tag(m, c);
        else if (!strcmp(name, "link") && rel_is_canonical(c))
            keep(&m->canonical, html_attr(c, "href"));
        else if (!strcmp(name, "title") && !m->title_el)
            m->title_el = c;
        else if (!strcmp(name, "html"))
            keep(&m->html_lang, html_attr(c, "lang"));
        else if (!strcmp(name, "script"))
            ld_script(m, c);
        else if (!strcmp(name, "h1") || !strcmp(name, "h2")) {
            if (m->n_heads < HTML_META_HEADS)
                m->heads[m->n_heads++] = c;
        } else if (!strcmp(name, "time") && html_attr(c, "datetime")) {
            if (!m->time_any)
                m->time_any = c;
            if (!m->time_el && !in_chrome(c))
                m->time_el = c;
        }
        walk(m, c, depth + 1);
    }
}

void html_meta_read(struct html_meta *m, const GumboOutput *g)
{
    memset(m, 0, sizeof *m);
    walk(m, g->document, 0);
}

void html_meta_free(struct html_meta *m)
{
    json_decref(m->ld);
    free(m->ld_authors);
    memset(m, 0, sizeof *m);
}

/* ---- the title ------------------------------------------------------------------- */

static size_t words(const char *s)
{
    size_t n = 0;
    bool in = false;
    for (; *s; s++) {
        bool sp = isspace((unsigned char)*s);
        n += !sp && !in;
        in = !sp;
    }
    return n;
}

/* A " | " style separator at s: its length (0 when none); *hier for the
 * hierarchical ones (/ \ > »). */
static size_t sep_at(const char *s, bool *hier)
{
    static const char *const seps[] = {
        " | ", " - ", " \xe2\x80\x93 ", " \xe2\x80\x94 ", " \\ ", " / ", " > ", " \xc2\xbb ", NULL};
    for (size_t i = 0; seps[i]; i++) {
        size_t n = strlen(seps[i]);
        if (strncmp(s, seps[i], n) == 0) {
            if (hier)
                *hier = i >= 4;
            return n;
        }
    }
    return 0;
}

static char *dup(const char *s, size_t n)
{
    return fetch_strndup(s, n);
}

/* The <title> text without the site part, as Readability cuts it: before the
 * last separator, or after the first when that leaves under three words; the
 * part after a colon when no heading repeats the whole title; the whole
 * title again when the cut leaves four words or fewer. orig is normalised
 * (single spaces). malloc'd; NULL on ENOMEM. */
static char *cut_title(const struct html_meta *m, const char *orig,
                       char *(*text_of)(const GumboNode *))
{
    char *cur = NULL;
    bool hier = false, any_hier = false;
    const char *first = NULL, *last = NULL;
    size_t first_len = 0;
    for (const char *p = orig; *p; p++) {
        bool h = false;
        size_t n = sep_at(p, &h);
        if (n) {
            if (!first) {
                first = p;
                first_len = n;
            }
            last = p;
            any_hier |= h;
        }
    }
    (void)hier;
    const char *colon = strstr(orig, ": ");
    if (last) {
        cur = dup(orig, (size_t)(last - orig));
        if (cur && words(cur) < 3) {
            free(cur);
            cur = dup(first + first_len, strlen(first + first_len));
        }
    } else if (colon) {
        bool match = false;
        for (size_t i = 0; i < m->n_heads && !match; i++) {
            char *h = text_of(m->heads[i]);
            match = h && strcmp(h, orig) == 0;
            free(h);
        }
        if (match) {
            cur = dup(orig, strlen(orig));
        } else {
            const char *lc = strrchr(orig, ':');
            cur = dup(lc + 1, strlen(lc + 1));
            if (cur && words(cur) < 3) {
                free(cur);
                cur = dup(strchr(orig, ':') + 1, strlen(strchr(orig, ':') + 1));
            } else if (cur) {
                char *pre = dup(orig, (size_t)(strchr(orig, ':') - orig));
                if (pre && words(pre) > 5) {
                    free(cur);
                    cur = dup(orig, strlen(orig));
                }
                free(pre);
            }
        }
    } else if (strlen(orig) > 150 || strlen(orig) < 15) {
        size_t n_h1 = 0;
        const GumboNode *h1 = NULL;
        for (size_t i = 0; i < m->n_heads; i++)
            if (m->heads[i]->v.element.tag == GUMBO_TAG_H1) {
                n_h1++;
                h1 = m->heads[i];
            }
        cur = n_h1 == 1 ? text_of(h1) : dup(orig, strlen(orig));
    } else {
        cur = dup(orig, strlen(orig));
    }
    if (!cur)
        return NULL;
    /* trim */
    char *s = cur;
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    memmove(cur, s, n);
    cur[n] = '\0';
    size_t wc = words(cur);
    if (wc <= 4) {
        /* words of the original without its separators */
        size_t ow = 0;
        bool in = false;
        for (const char *p = orig; *p; p++) {
            bool sp = isspace((unsigned char)*p) || strchr("|-\\/>", *p);
            ow += !sp && !in;
            in = !sp;
        }
        if (!any_hier || wc != ow - 1) {
            free(cur);
            cur = dup(orig, strlen(orig));
        }
    }
    return cur;
}

/* Readability's text similarity: 1 - the share of b's words (ASCII
 * alphanumeric runs, lowercased) that a lacks, by length. */
static double similarity(const char *a, const char *b)
{
    size_t all = 0, miss = 0;
    for (const char *p = b; *p;) {
        while (*p && !isalnum((unsigned char)*p))
            p++;
        const char *w = p;
        while (isalnum((unsigned char)*p))
            p++;
        size_t n = (size_t)(p - w);
        if (!n)
            continue;
        all += n + 1;
        bool found = false;
        for (const char *q = a; *q && !found;) {
            while (*q && !isalnum((unsigned char)*q))
                q++;
            const char *v = q;
            while (isalnum((unsigned char)*q))
                q++;
            found = (size_t)(q - v) == n && strncasecmp(v, w, n) == 0;
        }
        miss += found ? 0 : n + 1;
    }
    return all ? 1.0 - (double)miss / (double)all : 0.0;
}

static char *norm_title(const char *s)
{
    struct ftext t;
    ftext_init(&t, HTML_TITLE_MAX);
    if (!ftext_add(&t, s, strlen(s)) && !t.b.over) {
        jbuf_free(&t.b);
        return NULL;
    }
    return ftext_steal(&t);
}

char *html_meta_title(const struct html_meta *m, char *(*text_of)(const GumboNode *))
{
    char *orig = m->title_el ? text_of(m->title_el) : NULL;
    if (m->title_el && !orig)
        return NULL;
    char *doc = NULL;
    if (orig && orig[0])
        doc = cut_title(m, orig, text_of);
    else {
        for (size_t i = 0; i < m->n_heads && !doc; i++)
            if (m->heads[i]->v.element.tag == GUMBO_TAG_H1)
                doc = text_of(m->heads[i]);
        if (!doc)
            doc = dup("", 0);
    }
    free(orig);
    if (!doc)
        return NULL;
    /* JSON-LD: name and headline; when they differ, the headline only if it
     * is the one that reads like the page's title. */
    const char *ld = m->ld_name ? m->ld_name : m->ld_headline;
    if (m->ld_name && m->ld_headline && strcmp(m->ld_name, m->ld_headline) != 0 &&
        similarity(m->ld_headline, doc) > 0.75 && !(similarity(m->ld_name, doc) > 0.75))
        ld = m->ld_headline;
    if (ld && ld[0]) {
        char *t = norm_title(ld);
        if (!t || t[0]) {
            free(doc);
            return t;
        }
        free(t);
    }
    const char *meta[] = {m->dc_title, m->og_title, m->name_title, m->tw_title};
    for (size_t i = 0; i < sizeof meta / sizeof meta[0]; i++)
        if (meta[i] && meta[i][0]) {
            char *t = norm_title(meta[i]);
            if (t && !t[0]) {
                free(t);
                continue;
            }
            free(doc);
            doc = t;
            break;
        }
    return doc;
}
