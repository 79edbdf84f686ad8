/* fetcher/html_int.h — the HTML-to-text pieces shared by html.c (entry
 * point, text output), html_score.c (which part of the page is the article)
 * and html_meta.c (title, dates, byline, site, language); not public.
 *
 * html_names.c reads class and id as words.
 * The gumbo tree is copied into a flat array of struct hnode in document
 * order (a parent before its children), with what the scoring needs per
 * node. Pointers into the gumbo tree are borrowed: the array lives no
 * longer than the GumboOutput. */
#ifndef ECF_FETCHER_HTML_INT_H
#define ECF_FETCHER_HTML_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gumbo.h>

#include "fetcher/fetch_int.h"

#define HTML_MAX_DEPTH 512
#define HTML_NAME_MAX  32

/* hnode.flags */
#define HN_TEXT     0x0001u  /* a text node (else an element) */
#define HN_HARD     0x0002u  /* never text: script, style, form controls, hidden */
#define HN_CHROME   0x0004u  /* page chrome by tag or role: nav, aside, footer, header, dialog */
#define HN_NEG      0x0008u  /* class/id words name boilerplate, none names content */
#define HN_BLOCK    0x0010u  /* a paragraph break before and after */
#define HN_LINK     0x0020u  /* <a> */
#define HN_PARA     0x0040u  /* scored as a whole: p, pre, td, h2..h6 */
#define HN_BR       0x0080u  /* <br> */
#define HN_KEEP     0x0100u  /* never dropped for its name: html, body, article, main */
#define HN_SHARE    0x0200u  /* class/id word share/sharing: dropped when short */
#define HN_BYLINE   0x0400u  /* the page's byline element (dropped, read as metadata) */
#define HN_RUNS     0x0800u  /* div-like: its own inline text is scored in runs */
#define HN_CLEAN    0x1000u  /* checked by the conditional clean: div, section, ul, table, form */
#define HN_LIST     0x2000u  /* ul, ol */
#define HN_HEAD     0x4000u  /* h1..h6 */
#define HN_TABLEISH 0x8000u  /* inside table or code: never dropped for its name */
#define HN_DATA     0x10000u /* a data table (th, caption, thead): never cleaned */
#define HN_STRONG   0x20000u /* article, main, role=main, itemprop=articleBody */
#define HN_OUTER    0x40000u /* a table holding a table: layout, never data by its size */
#define HN_OWNTEXT  0x80000u /* has a child text node with visible characters */

struct hnode {
    const GumboNode *g;
    int parent, first, next; /* -1 when none */
    uint32_t flags;
    int tag_bonus, weight; /* Readability's tag score; class/id weight (+-25) */
    uint32_t rows, cols;   /* a table's rows and widest row in cells, counted at build */
    /* per pass, over the descendants the pass keeps */
    size_t len, alen, hlen, llen; /* text characters; of it inside links, headings, lists */
    uint32_t commas, np, nimg, nli, ninput, nembed;
    double score, deep; /* its score; the best score in its subtree */
    bool gone, scored;
};

struct htree {
    struct hnode *n;
    size_t count, alloc;
    int body; /* index of <body>, or -1 */
};

/* Tree and names (html_score.c) */
bool html_is_element(const GumboNode *n);
const char *html_name_of(const GumboNode *n, char buf[HTML_NAME_MAX]);
const char *html_attr(const GumboNode *n, const char *name);
/* Whether the class/id-like value has the token word (split on spaces,
 * punctuation and camelCase; ASCII case ignored). */
bool html_has_word(const char *value, const char *word);
/* Class and id as words (html_names.c): boilerplate words and no word that
 * keeps a block (content, article, main, ...); share words; byline words;
 * Readability's class weight (-25 per boilerplate name, +25 per content
 * name, +25 for itemprop=articleBody). */
bool html_names_boilerplate(const GumboNode *g);
bool html_names_share(const GumboNode *g);
bool html_names_byline(const GumboNode *g);
int html_class_weight(const GumboNode *g);
/* Builds t from the document; false on ENOMEM. */
bool html_tree_build(struct htree *t, const GumboOutput *g) ECF_WUR;
void html_tree_free(struct htree *t);

/* Whether node i is left out in pass (0: boilerplate names, chrome and
 * hidden; 1..3: chrome and hidden). */
bool html_dropped(const struct htree *t, int i, int pass);
/* The article's text into *out (initialised here, cap bytes): the best
 * candidate of the strictest pass that leaves 500 characters, else of a
 * more lenient pass that finds much more (names kept, weights and cleaning
 * off), else the visible text outside page chrome; "" when there is none.
 * false on ENOMEM. */
bool html_article(struct htree *t, size_t cap, struct ftext *out) ECF_WUR;

/* Appends the text of node i's subtree, leaving out what the last pass
 * marked gone; false on ENOMEM (a full buffer just truncates). (html.c) */
bool html_text(const struct htree *t, int i, struct ftext *out) ECF_WUR;

#endif
