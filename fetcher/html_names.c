/* fetcher/html_names.c — class and id read as words, for html_score.c.
 *
 * A class or id value is split into tokens on punctuation, spaces and
 * camelCase humps, lowercased, and each token is looked up in a word list:
 * "no-sidebars", "commented" and "modalShadow" name no boilerplate,
 * "related-posts" and "relatedposts" do. An id that is the slug of the
 * element's own heading (documentation generators write them) names that
 * heading's words, not a role, and is not read. */
#include <ctype.h>
#include <string.h>

#include "fetcher/html_int.h"

/* Words of class/id that name boilerplate; a trailing "s" matches too. */
static const char *const neg_words[] = {
    "ad",         "ads",         "advert",       "advertisement", "agegate", "banner",
    "breadcrumb", "combx",       "comment",      "community",     "consent", "cookie",
    "disqus",     "extra",       "footer",       "gdpr",          "header",  "legends",
    "masthead",   "menu",        "modal",        "nav",           "navbar",  "navigation",
    "newsletter", "outbrain",    "pagination",   "pager",         "paywall", "popup",
    "promo",      "recommended", "related",      "remark",        "replies", "rss",
    "shoutbox",   "sidebar",     "signup",       "skyscraper",    "social",  "sponsor",
    "sponsored",  "subscribe",   "subscription", "supplemental",  "taboola", "toolbar",
    "widget",     "yom",         NULL,
};
/* Words that keep an element with a boilerplate word (Readability's list). */
static const char *const maybe_words[] = {
    "and", "article", "body", "column", "content", "main", "shadow", NULL,
};
static const char *const pos_words[] = {
    "article", "body", "content", "entry", "hentry",      "main", "page",
    "post",    "text", "blog",    "story", "articlebody", NULL,
};
/* Negative weight only (never a reason to drop). */
static const char *const weak_neg_words[] = {
    "hidden",   "hid",        "contact", "media",    "meta",     "scroll",  "shopping",
    "tags",     "tag",        "widget",  "footer",   "comment",  "related", "share",
    "sidebar",  "sponsor",    "promo",   "outbrain", "masthead", "banner",  "combx",
    "shoutbox", "skyscraper", "gdpr",    NULL,
};

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

/* ---- class and id as words ----------------------------------------------- */

/* Calls back each lowercase token of v (at most 63 bytes kept). */
#define WORD_MAX 64
static bool any_word(const char *v, bool (*hit)(const char *w, const void *arg), const void *arg)
{
    char w[WORD_MAX];
    size_t k = 0;
    for (const char *p = v;; p++) {
        unsigned char c = (unsigned char)*p;
        bool alnum = c && (isalnum(c) || c >= 0x80);
        /* camelCase: a lowercase letter or digit then an uppercase one */
        bool hump = alnum && isupper(c) && p > v && (islower((unsigned char)p[-1]));
        if ((!alnum || hump) && k) {
            w[k] = '\0';
            if (hit(w, arg))
                return true;
            k = 0;
        }
        if (!c)
            return false;
        if (alnum && k + 1 < WORD_MAX)
            w[k++] = (char)tolower(c);
    }
}

static bool word_eq(const char *w, const void *arg)
{
    return strcmp(w, arg) == 0;
}

bool html_has_word(const char *value, const char *word)
{
    return value && any_word(value, word_eq, word);
}

static bool in_words(const char *w, const void *arg)
{
    return in_list(w, arg);
}

/* What may follow a boilerplate word in one compound token
 * ("relatedposts", "sharebar", "commentlist"; not "commented"). */
static const char *const compound_tails[] = {
    "post",  "posts", "article", "articles", "link",      "links", "stories", "story", "item",
    "items", "list",  "bar",     "button",   "buttons",   "box",   "form",    "area",  "section",
    "tools", "icons", "wrap",    "wrapper",  "container", "block", "module",  NULL,
};

static bool compound(const char *w, const char *const *list)
{
    for (; *list; list++) {
        size_t n = strlen(*list);
        if (n >= 4 && strncmp(w, *list, n) == 0 && w[n] && in_list(w + n, compound_tails))
            return true;
    }
    return false;
}

/* In the list, with a plural "s", or as the head of a compound. */
static bool in_words_pl(const char *w, const void *arg)
{
    size_t n = strlen(w);
    if (in_list(w, arg) || compound(w, arg))
        return true;
    if (n < 3 || w[n - 1] != 's')
        return false;
    char s[WORD_MAX];
    memcpy(s, w, n - 1);
    s[n - 1] = '\0';
    return in_list(s, arg);
}

/* The first heading among the first four element children, two levels
 * down at most, or NULL. */
static const GumboNode *first_heading(const GumboNode *g, int depth)
{
    const GumboVector *kids = &g->v.element.children;
    int seen = 0;
    for (unsigned k = 0; k < kids->length && seen < 4; k++) {
        const GumboNode *c = kids->data[k];
        if (!html_is_element(c))
            continue;
        seen++;
        if (c->v.element.tag >= GUMBO_TAG_H1 && c->v.element.tag <= GUMBO_TAG_H6)
            return c;
        const GumboNode *h = depth < 2 ? first_heading(c, depth + 1) : NULL;
        if (h)
            return h;
    }
    return NULL;
}

/* Lowercase letters and digits of n's text (non-ASCII bytes kept). */
static void key_of_text(const GumboNode *n, char *key, size_t cap, size_t *k, int depth)
{
    const GumboVector *kids = &n->v.element.children;
    for (unsigned i = 0; i < kids->length && *k + 1 < cap; i++) {
        const GumboNode *c = kids->data[i];
        if (c->type == GUMBO_NODE_TEXT) {
            for (const unsigned char *p = (const unsigned char *)c->v.text.text; *p && *k + 1 < cap;
                 p++)
                if (isalnum(*p) || *p >= 0x80)
                    key[(*k)++] = (char)tolower(*p);
        } else if (html_is_element(c) && depth < 3) {
            key_of_text(c, key, cap, k, depth + 1);
        }
    }
    key[*k] = '\0';
}

/* Whether the id is the slug of the element's heading ("sharing-with-a-
 * partner" on a section headed "Sharing with a partner", as documentation
 * generators write them): it names the heading's words, not a role. Four
 * words at least, so that "comments" or "related-posts" still count. */
static bool id_is_slug(const GumboNode *g, const char *id)
{
    char idkey[256], head[256];
    size_t n = 0, words = 0;
    bool in = false;
    for (const unsigned char *p = (const unsigned char *)id; *p && n + 1 < sizeof idkey; p++) {
        bool w = isalnum(*p) || *p >= 0x80;
        if (w) {
            idkey[n++] = (char)tolower(*p);
            words += !in;
        }
        in = w;
    }
    idkey[n] = '\0';
    while (n && isdigit((unsigned char)idkey[n - 1])) /* "-1", "-2" for a repeated heading */
        idkey[--n] = '\0';
    if (words < 4 || n < 8)
        return false;
    const GumboNode *h = first_heading(g, 0);
    size_t k = 0;
    if (!h)
        return false;
    key_of_text(h, head, sizeof head, &k, 0);
    return strncmp(head, idkey, n) == 0;
}

/* The id, unless it is a heading's slug. */
static const char *naming_id(const GumboNode *g)
{
    const char *id = html_attr(g, "id");
    return id && id[0] && !id_is_slug(g, id) ? id : NULL;
}

static bool names_any(const GumboNode *g, bool (*hit)(const char *, const void *),
                      const char *const *list)
{
    const char *c = html_attr(g, "class"), *id = naming_id(g);
    return (c && any_word(c, hit, list)) || (id && any_word(id, hit, list));
}

/* Readability's class weight, by words: each of class and id counts -25 for
 * a boilerplate word, +25 for a content word. */
int html_class_weight(const GumboNode *g)
{
    int w = 0;
    const char *v[2] = {html_attr(g, "class"), naming_id(g)};
    for (int i = 0; i < 2; i++) {
        if (!v[i] || !v[i][0])
            continue;
        if (any_word(v[i], in_words_pl, weak_neg_words) || any_word(v[i], in_words_pl, neg_words))
            w -= 25;
        if (any_word(v[i], in_words, pos_words))
            w += 25;
    }
    const char *ip = html_attr(g, "itemprop");
    if (ip && html_has_word(ip, "articlebody"))
        w += 25;
    return w;
}

bool html_names_boilerplate(const GumboNode *g)
{
    return names_any(g, in_words_pl, neg_words) && !names_any(g, in_words, maybe_words);
}

bool html_names_share(const GumboNode *g)
{
    return names_any(g, in_words, (const char *const[]){"share", "sharing", "sharebar", NULL});
}

bool html_names_byline(const GumboNode *g)
{
    return names_any(g, in_words,
                     (const char *const[]){"byline", "author", "dateline", "writtenby", NULL});
}
