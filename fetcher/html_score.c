/* fetcher/html_score.c — which part of a page is the article.
 *
 * By evidence, as Readability and boilerpipe do it: every paragraph (and
 * every run of text in a div) of 25 characters or more scores 1 + its commas
 * + one per 100 characters (at most 3) for its parent, half of that for its
 * grandparent and a third per level above, up to five levels. Ancestors start
 * from their tag (div +5, lists -3, headings -5) and from the words in their
 * class and id (content words +25, boilerplate words -25), and their score
 * shrinks with their link density. The best candidate, or an ancestor shared
 * by several good ones, is the article, with the siblings that score nearly
 * as well, read as paragraphs, or hold a candidate nearly as good (an
 * article split into an intro container and a body container). A table is
 * data, never cleaned out, when it has headers or the size of one (10 rows,
 * 5 columns, 11 cells) and no table inside; a block whose text is mostly
 * lists, at any depth, is judged as a list.
 *
 * Names are matched as words (html_names.c), never as substrings. A name
 * only drops a block, never an inline element inside running text (an
 * equation or a glossary term between words), and only in the first pass; when a pass leaves less than 500 characters
 * the next one is more lenient (names kept, then page chrome kept, then all
 * visible text), so a wrongly named article container costs a retry, not the
 * article. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fetcher/html_int.h"

#define HTML_MIN_TEXT  500 /* a pass that leaves less tries the next */
#define HTML_MAX_NODES 2000000

static const char *const hard_names[] = {
    "script",   "style",      "noscript",       "template", "svg",    "iframe", "button", "select",
    "textarea", "input",      "object",         "embed",    "canvas", "head",   "link",   "meta",
    "title",    "annotation", "annotation-xml", NULL,
};
static const char *const chrome_names[] = {"nav",  "header", "footer", "aside",
                                           "menu", "dialog", NULL};
static const char *const chrome_roles[] = {
    "navigation",  "banner", "contentinfo", "complementary", "search", "dialog",
    "alertdialog", "alert",  "menu",        "menubar",       NULL,
};
static const char *const block_names[] = {
    "p",       "div",        "section", "article", "main",  "h1",   "h2",       "h3",
    "h4",      "h5",         "h6",      "li",      "ul",    "ol",   "dl",       "dt",
    "dd",      "blockquote", "pre",     "table",   "tr",    "td",   "th",       "caption",
    "figure",  "figcaption", "address", "hr",      "br",    "body", "center",   "details",
    "summary", "header",     "footer",  "nav",     "aside", "form", "fieldset", NULL,
};

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

bool html_is_element(const GumboNode *n)
{
    return n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE;
}

const char *html_name_of(const GumboNode *n, char buf[HTML_NAME_MAX])
{
    buf[0] = '\0';
    if (!html_is_element(n))
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

const char *html_attr(const GumboNode *n, const char *name)
{
    if (!html_is_element(n))
        return NULL;
    const GumboAttribute *a = gumbo_get_attribute(&n->v.element.attributes, name);
    return a ? a->value : NULL;
}

/* ---- building the flat tree ---------------------------------------------- */

/* The new node's index; -1 on ENOMEM, -2 when the tree is full. */
static int push(struct htree *t, const GumboNode *g, int parent, int *last_child)
{
    if (t->count == t->alloc) {
        size_t na = t->alloc ? 2 * t->alloc : 1024;
        if (t->alloc >= HTML_MAX_NODES)
            return -2; /* full: the rest of the page is left out */
        if (na > HTML_MAX_NODES)
            na = HTML_MAX_NODES;
        struct hnode *p = realloc(t->n, na * sizeof *p);
        if (!p)
            return -1;
        t->n = p;
        t->alloc = na;
    }
    int i = (int)t->count++;
    struct hnode *h = &t->n[i];
    memset(h, 0, sizeof *h);
    h->g = g;
    h->parent = parent;
    h->first = h->next = -1;
    if (*last_child >= 0)
        t->n[*last_child].next = i;
    else if (parent >= 0)
        t->n[parent].first = i;
    *last_child = i;
    return i;
}

static bool hidden_style(const char *s)
{
    if (!s)
        return false;
    char b[256];
    size_t k = 0;
    for (; *s && k + 1 < sizeof b; s++)
        if (!isspace((unsigned char)*s))
            b[k++] = (char)tolower((unsigned char)*s);
    b[k] = '\0';
    return strstr(b, "display:none") || strstr(b, "visibility:hidden");
}

static uint32_t classify(const GumboNode *g, const char *name, uint32_t inherited, int *bonus)
{
    uint32_t f = inherited & HN_TABLEISH;
    *bonus = 0;
    if (in_list(name, hard_names) || html_attr(g, "hidden") || hidden_style(html_attr(g, "style")))
        f |= HN_HARD;
    const char *ah = html_attr(g, "aria-hidden");
    if (ah && strcasecmp(ah, "true") == 0 && !html_has_word(html_attr(g, "class"), "fallback"))
        f |= HN_HARD;
    const char *role = html_attr(g, "role");
    if (in_list(name, chrome_names))
        f |= HN_CHROME;
    for (size_t i = 0; role && chrome_roles[i]; i++)
        if (strcasecmp(role, chrome_roles[i]) == 0)
            f |= HN_CHROME;
    if (in_list(name, block_names))
        f |= HN_BLOCK;
    const char *ip = html_attr(g, "itemprop");
    if (!strcmp(name, "html") || !strcmp(name, "body") || !strcmp(name, "article") ||
        !strcmp(name, "main") || (role && strcasecmp(role, "main") == 0) ||
        (ip && html_has_word(ip, "articlebody")))
        f |= HN_KEEP;
    if (!strcmp(name, "article") || !strcmp(name, "main") ||
        (role && strcasecmp(role, "main") == 0) || (ip && html_has_word(ip, "articlebody")))
        f |= HN_STRONG;
    if (!(f & (HN_KEEP | HN_TABLEISH)) && strcmp(name, "a") != 0 && html_names_boilerplate(g))
        f |= HN_NEG;
    if (html_names_share(g))
        f |= HN_SHARE;
    if (!strcmp(name, "a"))
        f |= HN_LINK;
    else if (!strcmp(name, "br"))
        f |= HN_BR;
    else if (!strcmp(name, "p") || !strcmp(name, "pre") || !strcmp(name, "td") ||
             (name[0] == 'h' && name[1] >= '2' && name[1] <= '6' && !name[2]))
        f |= HN_PARA;
    if (!strcmp(name, "div") || !strcmp(name, "section") || !strcmp(name, "article") ||
        !strcmp(name, "main") || !strcmp(name, "center") || !strcmp(name, "font"))
        f |= HN_RUNS;
    if (!strcmp(name, "div") || !strcmp(name, "section") || !strcmp(name, "ul") ||
        !strcmp(name, "table") || !strcmp(name, "form") || !strcmp(name, "fieldset"))
        f |= HN_CLEAN;
    if (!strcmp(name, "ul") || !strcmp(name, "ol"))
        f |= HN_LIST;
    if (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && !name[2])
        f |= HN_HEAD;
    if (!strcmp(name, "table") || !strcmp(name, "code") || !strcmp(name, "pre"))
        f |= HN_TABLEISH;
    if (!strcmp(name, "div"))
        *bonus = 5;
    else if (!strcmp(name, "pre") || !strcmp(name, "td") || !strcmp(name, "blockquote"))
        *bonus = 3;
    else if (!strcmp(name, "address") || !strcmp(name, "ol") || !strcmp(name, "ul") ||
             !strcmp(name, "dl") || !strcmp(name, "dd") || !strcmp(name, "dt") ||
             !strcmp(name, "li") || !strcmp(name, "form"))
        *bonus = -3;
    else if ((f & HN_HEAD) || !strcmp(name, "th"))
        *bonus = -5;
    return f;
}

/* Characters of text with whitespace runs counted once; commas (also the
 * CJK and Arabic ones) into *commas. */
static size_t text_len(const char *s, uint32_t *commas)
{
    size_t n = 0;
    bool ws = true;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (isspace(*p)) {
            if (!ws)
                n++;
            ws = true;
            continue;
        }
        ws = false;
        if ((*p & 0xC0) != 0x80)
            n++;
        if (*p == ',' || (p[0] == 0xEF && p[1] == 0xBC && p[2] == 0x8C) ||
            (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x81) || (p[0] == 0xD8 && p[1] == 0x8C))
            (*commas)++;
    }
    return n;
}

static bool is_table(const struct hnode *h)
{
    return !(h->flags & HN_TEXT) && h->g->v.element.tag == GUMBO_TAG_TABLE;
}

/* A cell's span attribute, 1 when absent or odd (capped: it only counts). */
static uint32_t span_of(const GumboNode *g, const char *attr)
{
    const char *v = html_attr(g, attr);
    long n = v ? strtol(v, NULL, 10) : 1;
    return n < 1 ? 1 : n > 1000 ? 1000 : (uint32_t)n;
}

/* table: the nearest enclosing table's index, or -1. */
static bool build(struct htree *t, const GumboNode *g, int parent, int table, uint32_t inherited,
                  int depth)
{
    const GumboVector *kids = g->type == GUMBO_NODE_DOCUMENT ? &g->v.document.children
                              : html_is_element(g)           ? &g->v.element.children
                                                             : NULL;
    int last = -1;
    uint32_t cells = 0;
    for (unsigned k = 0; kids && k < kids->length; k++) {
        const GumboNode *c = kids->data[k];
        if (c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_CDATA ||
            c->type == GUMBO_NODE_WHITESPACE) {
            int i = push(t, c, parent, &last);
            if (i < 0)
                return i == -2;
            t->n[i].flags = HN_TEXT;
            t->n[i].len = text_len(c->v.text.text, &t->n[i].commas);
            continue;
        }
        if (!html_is_element(c) || depth >= HTML_MAX_DEPTH)
            continue;
        char buf[HTML_NAME_MAX];
        const char *name = html_name_of(c, buf);
        int i = push(t, c, parent, &last);
        if (i < 0)
            return i == -2;
        int bonus;
        uint32_t f = classify(c, name, inherited, &bonus);
        t->n[i].flags = f;
        t->n[i].tag_bonus = bonus;
        t->n[i].weight = html_class_weight(c);
        if (!strcmp(name, "body") && t->body < 0)
            t->body = i;
        int inner = table;
        if (!strcmp(name, "table")) {
            if (table >= 0)
                t->n[table].flags |= HN_OUTER;
            inner = i;
        } else if (table >= 0) {
            if (!strcmp(name, "th") || !strcmp(name, "caption") || !strcmp(name, "thead") ||
                !strcmp(name, "tfoot") || !strcmp(name, "col") || !strcmp(name, "colgroup"))
                t->n[table].flags |= HN_DATA;
            if (!strcmp(name, "tr") && t->n[table].rows < UINT32_MAX - 1000)
                t->n[table].rows++;
            if ((!strcmp(name, "td") || !strcmp(name, "th")) && cells < UINT32_MAX - 1000)
                cells += span_of(c, "colspan");
        }
        if (!build(t, c, i, inner, f, depth + 1))
            return false;
    }
    if (table >= 0 && cells > t->n[table].cols)
        t->n[table].cols = cells;
    return true;
}

/* Readability's data table by its size: not layout (no table inside, not
 * role=presentation) and 10 rows, 5 columns or 11 cells or more. A data
 * table is never cleaned out of the article. */
static void mark_data_tables(struct htree *t)
{
    for (size_t k = 0; k < t->count; k++) {
        struct hnode *h = &t->n[k];
        if (!is_table(h) || (h->flags & (HN_DATA | HN_OUTER)))
            continue;
        const char *role = html_attr(h->g, "role"), *dt = html_attr(h->g, "datatable");
        if ((role && strcasecmp(role, "presentation") == 0) || (dt && strcmp(dt, "0") == 0))
            continue;
        if (html_attr(h->g, "summary") || h->rows >= 10 || h->cols > 4 ||
            (uint64_t)h->rows * h->cols > 10)
            h->flags |= HN_DATA;
    }
}

static void mark_byline(struct htree *t);

bool html_tree_build(struct htree *t, const GumboOutput *g)
{
    memset(t, 0, sizeof *t);
    t->body = -1;
    if (!build(t, g->document, -1, -1, 0, 0))
        return false;
    mark_data_tables(t);
    /* An inline element inside running text (a tooltip, an equation, a
     * glossary term between words) is part of a sentence: its name never
     * drops it, whatever words its class has. */
    for (size_t k = 0; k < t->count; k++)
        if ((t->n[k].flags & HN_TEXT) && t->n[k].len && t->n[k].parent >= 0)
            t->n[t->n[k].parent].flags |= HN_OWNTEXT;
    for (size_t k = 0; k < t->count; k++) {
        struct hnode *h = &t->n[k];
        if ((h->flags & HN_NEG) && !(h->flags & HN_BLOCK) && h->parent >= 0 &&
            (t->n[h->parent].flags & HN_OWNTEXT))
            h->flags &= ~HN_NEG;
    }
    mark_byline(t);
    return true;
}

void html_tree_free(struct htree *t)
{
    free(t->n);
    memset(t, 0, sizeof *t);
}

/* ---- one pass -------------------------------------------------------------- */

bool html_dropped(const struct htree *t, int i, int pass)
{
    uint32_t f = t->n[i].flags;
    if (f & (HN_HARD | HN_BYLINE))
        return true;
    if ((f & HN_CHROME) && !(f & HN_KEEP))
        return true;
    return pass == 0 && (f & HN_NEG);
}

/* Per-node totals over what the pass keeps (reverse document order: every
 * child before its parent). */
static void totals(struct htree *t, int pass)
{
    for (size_t k = 0; k < t->count; k++) {
        struct hnode *h = &t->n[k];
        h->gone = html_dropped(t, (int)k, pass) || (h->parent >= 0 && t->n[h->parent].gone);
        h->score = 0;
        h->scored = false;
        if (!(h->flags & HN_TEXT)) {
            h->len = h->alen = h->hlen = h->llen = 0;
            h->commas = h->np = h->nimg = h->nli = h->ninput = h->nembed = 0;
        }
    }
    for (size_t k = t->count; k-- > 0;) {
        struct hnode *h = &t->n[k];
        if (!(h->flags & HN_TEXT)) {
            char buf[HTML_NAME_MAX];
            const char *name = html_name_of(h->g, buf);
            if (h->flags & HN_LINK)
                h->alen = h->len;
            if (h->flags & HN_HEAD)
                h->hlen = h->len;
            if (h->flags & HN_LIST)
                h->llen = h->len;
            h->np += !strcmp(name, "p");
            h->nimg += !strcmp(name, "img");
            h->nli += !strcmp(name, "li");
            h->ninput += !strcmp(name, "input");
            h->nembed +=
                !strcmp(name, "embed") || !strcmp(name, "object") || !strcmp(name, "iframe");
        }
        if (h->parent < 0 || (h->gone && !(h->flags & HN_HARD)))
            continue;
        struct hnode *p = &t->n[h->parent];
        if (h->flags & HN_HARD) { /* counted as elements only, not as text */
            p->ninput += h->ninput;
            p->nembed += h->nembed;
            continue;
        }
        p->len += h->len;
        p->alen += h->alen;
        p->hlen += h->hlen;
        p->llen += h->llen;
        p->commas += h->commas;
        p->np += h->np;
        p->nimg += h->nimg;
        p->nli += h->nli;
        p->ninput += h->ninput;
        p->nembed += h->nembed;
    }
}

static double link_density(const struct hnode *h)
{
    return h->len ? (double)h->alen / (double)h->len : 0.0;
}

static void credit(struct htree *t, int from, double s, int pass)
{
    for (int level = 0, a = from; a >= 0 && level < 5; level++, a = t->n[a].parent) {
        struct hnode *h = &t->n[a];
        if (h->flags & HN_TEXT)
            continue;
        if (!h->scored) {
            h->scored = true;
            h->score =
                h->tag_bonus + (pass <= 1 ? h->weight : 0) + ((h->flags & HN_STRONG) ? 5 : 0);
        }
        h->score += s / (level == 0 ? 1.0 : level == 1 ? 2.0 : level * 3.0);
    }
}

static double unit(size_t len, uint32_t commas)
{
    size_t hundreds = len / 100;
    return 1.0 + commas + (double)(hundreds > 3 ? 3 : hundreds);
}

/* Scores paragraphs, and runs of inline text in div-like elements. */
static void score(struct htree *t, int pass)
{
    for (size_t k = 0; k < t->count; k++) {
        struct hnode *h = &t->n[k];
        if (h->gone || (h->flags & HN_TEXT))
            continue;
        if ((h->flags & HN_PARA) && h->len >= 25 && h->parent >= 0)
            credit(t, h->parent, unit(h->len, h->commas), pass);
        if (!(h->flags & HN_RUNS))
            continue;
        size_t run = 0;
        uint32_t commas = 0;
        bool br = false;
        for (int c = h->first;; c = t->n[c].next) {
            const struct hnode *ch = c >= 0 ? &t->n[c] : NULL;
            bool ends = !ch || (!ch->gone && (ch->flags & HN_BLOCK) && !(ch->flags & HN_BR)) ||
                        (ch && (ch->flags & HN_BR) && br);
            if (ends && run >= 25)
                credit(t, (int)k, unit(run, commas), pass);
            if (ends)
                run = commas = 0;
            if (!ch)
                break;
            if (ch->flags & HN_BR) {
                br = true;
                continue;
            }
            if (ch->len)
                br = false;
            if (!ch->gone && !(ch->flags & HN_BLOCK)) {
                run += ch->len;
                commas += ch->commas;
            }
        }
    }
}

/* ---- the byline element ---------------------------------------------------- */

/* The first element named as a byline (rel=author, itemprop author, class or
 * id word byline/author/dateline/writtenby) with 1..99 characters of text:
 * Readability drops it from the text and reads it as the byline. */
static void mark_byline(struct htree *t)
{
    for (size_t k = 0; k < t->count; k++) {
        struct hnode *h = &t->n[k];
        if (h->flags & (HN_TEXT | HN_HARD | HN_KEEP))
            continue;
        const char *rel = html_attr(h->g, "rel"), *ip = html_attr(h->g, "itemprop");
        if (!((rel && html_has_word(rel, "author")) || (ip && html_has_word(ip, "author")) ||
              html_names_byline(h->g)))
            continue;
        size_t len = 0;
        /* its text, roughly: the text nodes below it */
        for (size_t j = k + 1; j < t->count; j++) {
            int a = t->n[j].parent;
            while (a >= 0 && a != (int)k)
                a = t->n[a].parent;
            if (a != (int)k)
                break;
            if ((t->n[j].flags & HN_TEXT))
                len += t->n[j].len;
        }
        if (len > 0 && len < 100) {
            h->flags |= HN_BYLINE;
            return;
        }
    }
}

/* ---- choosing the article ----------------------------------------------------- */

static bool is_tag(const struct hnode *h, const char *name)
{
    char buf[HTML_NAME_MAX];
    return !(h->flags & HN_TEXT) && strcmp(html_name_of(h->g, buf), name) == 0;
}

static int n_element_children(const struct htree *t, int i)
{
    int n = 0;
    for (int c = t->n[i].first; c >= 0; c = t->n[c].next)
        n += !(t->n[c].flags & HN_TEXT);
    return n;
}

static bool is_ancestor(const struct htree *t, int a, int i)
{
    for (; i >= 0; i = t->n[i].parent)
        if (i == a)
            return true;
    return false;
}

#define TOP_N 5

static int top_candidate(struct htree *t)
{
    int top[TOP_N];
    size_t ntop = 0;
    for (size_t k = 0; k < t->count; k++) {
        struct hnode *h = &t->n[k];
        if (!h->scored)
            continue;
        h->score *= 1.0 - link_density(h);
        size_t at = ntop;
        while (at > 0 && t->n[top[at - 1]].score < h->score)
            at--;
        if (at >= TOP_N)
            continue;
        if (ntop < TOP_N)
            ntop++;
        memmove(top + at + 1, top + at, (ntop - 1 - at) * sizeof top[0]);
        top[at] = (int)k;
    }
    /* The best candidate inside each subtree (children after parents). */
    for (size_t k = 0; k < t->count; k++)
        t->n[k].deep = t->n[k].scored ? t->n[k].score : 0;
    for (size_t k = t->count; k-- > 0;) {
        const struct hnode *h = &t->n[k];
        if (h->parent >= 0 && h->deep > t->n[h->parent].deep)
            t->n[h->parent].deep = h->deep;
    }
    if (!ntop || is_tag(&t->n[top[0]], "body"))
        return t->body;
    int best = top[0];
    /* Several good candidates under one ancestor: the ancestor. */
    int alts[TOP_N];
    size_t nalt = 0;
    for (size_t i = 1; i < ntop; i++)
        if (t->n[top[i]].score >= 0.75 * t->n[best].score)
            alts[nalt++] = top[i];
    if (nalt >= 3) {
        for (int p = t->n[best].parent; p >= 0 && !is_tag(&t->n[p], "body"); p = t->n[p].parent) {
            size_t in = 0;
            for (size_t i = 0; i < nalt; i++)
                in += is_ancestor(t, p, alts[i]);
            if (in >= 3) {
                best = p;
                break;
            }
        }
    }
    /* Climb while the parent scores better (and not far worse). */
    double last = t->n[best].score, threshold = last / 3;
    for (int p = t->n[best].parent; p >= 0 && !is_tag(&t->n[p], "body"); p = t->n[p].parent) {
        if (!t->n[p].scored)
            continue;
        if (t->n[p].score < threshold)
            break;
        if (t->n[p].score > last) {
            best = p;
            break;
        }
        last = t->n[p].score;
    }
    /* An only child: its parent. */
    for (int p = t->n[best].parent; p >= 0 && !is_tag(&t->n[p], "body") &&
                                    !is_tag(&t->n[p], "html") && n_element_children(t, p) == 1;
         p = t->n[p].parent)
        best = p;
    return best;
}

static bool has_sentence_end(const struct htree *t, int i)
{
    for (size_t k = (size_t)i + 1; k < t->count && is_ancestor(t, i, (int)k); k++) {
        const struct hnode *h = &t->n[k];
        if (!(h->flags & HN_TEXT) || h->gone)
            continue;
        const char *s = h->g->v.text.text;
        size_t n = strlen(s);
        while (n && isspace((unsigned char)s[n - 1]))
            n--;
        if (strstr(s, ". ") || (n && s[n - 1] == '.'))
            return true;
    }
    return false;
}

static bool same_class(const struct hnode *a, const struct hnode *b)
{
    const char *x = html_attr(a->g, "class"), *y = html_attr(b->g, "class");
    return x && y && x[0] && strcmp(x, y) == 0;
}

/* The top candidate and the siblings that belong with it. */
static size_t with_siblings(const struct htree *t, int top, int *sel, size_t cap)
{
    int parent = t->n[top].parent;
    if (parent < 0 || top == t->body || is_tag(&t->n[top], "html")) {
        sel[0] = top;
        return 1;
    }
    double deep_thr = t->n[top].deep / 3;
    if (deep_thr < 10)
        deep_thr = 10;
    double thr = t->n[top].score * 0.2;
    if (thr < 10)
        thr = 10;
    size_t n = 0;
    for (int c = t->n[parent].first; c >= 0 && n < cap; c = t->n[c].next) {
        const struct hnode *h = &t->n[c];
        if ((h->flags & HN_TEXT) || h->gone)
            continue;
        bool take = c == top;
        double bonus = same_class(h, &t->n[top]) ? t->n[top].score * 0.2 : 0;
        if (!take && h->scored && h->score + bonus >= thr)
            take = true;
        /* The article split across sibling containers (an intro block, a
         * body block): a sibling holding a candidate nearly as good as the
         * best, in text rather than links, belongs with it. */
        else if (!take && h->deep >= deep_thr && link_density(h) < 0.25 &&
                 (double)h->len >= 0.3 * (double)t->n[top].len)
            take = true;
        else if (!take && is_tag(h, "p")) {
            double ld = link_density(h);
            take = (h->len > 80 && ld < 0.25) ||
                   (h->len > 0 && h->len <= 80 && ld == 0 && has_sentence_end(t, c));
        }
        if (take)
            sel[n++] = c;
    }
    return n;
}

/* Readability's conditional clean of a div, section, list, table or form
 * inside the article: out when its names are boilerplate, or when it reads
 * as links, images, inputs or embeds rather than text. */
static bool clean_out(const struct htree *t, int i, bool weights)
{
    const struct hnode *h = &t->n[i];
    if (!(h->flags & HN_CLEAN) || (h->flags & (HN_DATA | HN_STRONG)))
        return false;
    for (int a = h->parent; a >= 0; a = t->n[a].parent)
        if (t->n[a].flags & HN_DATA)
            return false;
    int weight = weights ? h->weight : 0;
    if (weight < 0)
        return true;
    if (h->commas >= 10)
        return false;
    /* A block that is mostly lists, at any depth (a wrapper around a list
     * of feature cards), is judged as a list. */
    bool list = (h->flags & HN_LIST) || (h->len && (double)h->llen / (double)h->len > 0.9);
    bool in_figure = false;
    for (int a = h->parent; a >= 0 && !in_figure; a = t->n[a].parent)
        in_figure = is_tag(&t->n[a], "figure");
    double ld = link_density(h), hd = h->len ? (double)h->hlen / (double)h->len : 0;
    long li = (long)h->nli - 100;
    return (h->nimg > 1 && (double)h->np / h->nimg < 0.5 && !in_figure) ||
           (!list && li > (long)h->np) || (h->ninput > h->np / 3) ||
           (!list && hd < 0.9 && h->len < 25 && (h->nimg == 0 || h->nimg > 2) && !in_figure) ||
           (!list && weight < 25 && ld > 0.2) || (weight >= 25 && ld > 0.5) ||
           (h->nembed == 1 && h->len < 75) || h->nembed > 1;
}

/* Marks what the article's text leaves out in this pass: conditionally
 * cleaned blocks, short share bars, boilerplate-named headings. */
static void cut(struct htree *t, const int *sel, size_t nsel, int pass)
{
    for (size_t s = 0; s < nsel; s++) {
        for (size_t k = (size_t)sel[s] + 1; k < t->count && is_ancestor(t, sel[s], (int)k); k++) {
            struct hnode *h = &t->n[k];
            if (h->gone || (h->flags & HN_TEXT) || t->n[h->parent].gone)
                continue;
            bool out = ((h->flags & HN_SHARE) && h->len < HTML_MIN_TEXT) ||
                       (pass <= 1 && (h->flags & HN_HEAD) && h->weight < 0) ||
                       (pass <= 1 && clean_out(t, (int)k, true));
            if (out)
                h->gone = true;
        }
    }
}

bool html_article(struct htree *t, size_t cap, struct ftext *out)
{
    int sel[256];
    struct ftext best;
    ftext_init(&best, cap);
    for (int pass = 0; pass <= 3; pass++) {
        size_t nsel = 0;
        totals(t, pass);
        if (pass < 3) {
            score(t, pass);
            int top = top_candidate(t);
            if (top < 0)
                continue;
            nsel = with_siblings(t, top, sel, sizeof sel / sizeof sel[0]);
            cut(t, sel, nsel, pass);
        } else if (t->body >= 0) {
            sel[nsel++] = t->body;
        }
        struct ftext cur;
        ftext_init(&cur, cap);
        for (size_t s = 0; s < nsel; s++) {
            ftext_break(&cur);
            if (!html_text(t, sel[s], &cur) && !cur.b.over) {
                jbuf_free(&cur.b);
                jbuf_free(&best.b);
                return false;
            }
        }
        /* A more lenient pass must earn its place: much more text, or the
         * stricter ones found none (visible text only then). */
        if ((pass < 3 && cur.b.len > 2 * best.b.len + 200) || !best.b.len) {
            jbuf_free(&best.b);
            best = cur;
        } else {
            jbuf_free(&cur.b);
        }
        if (best.b.len >= HTML_MIN_TEXT || (pass == 2 && best.b.len))
            break;
    }
    *out = best;
    return true;
}
