/* fetcher/html_meta.h — what a page says about itself (html_meta.c); not
 * public. */
#ifndef ECF_FETCHER_HTML_META_H
#define ECF_FETCHER_HTML_META_H

#include <jansson.h>

#include "fetcher/html_int.h"

#define HTML_TITLE_MAX  1024u
#define HTML_META_HEADS 64

/* Borrowed from the gumbo tree, or from ld (owned). */
struct html_meta {
    const char *dc_title, *og_title, *name_title, *tw_title;
    const char *og_url, *canonical, *site, *author, *locale, *content_lang, *html_lang;
    const char *date_pub;  /* article:published_time, parsely-pub-date, ... */
    const char *date_meta; /* date, pubdate, dc.date, ... */
    const GumboNode *title_el, *time_el, *time_any;
    const GumboNode *heads[HTML_META_HEADS]; /* h1 and h2, in document order */
    size_t n_heads;
    json_t *ld; /* the first JSON-LD script with an Article (owned) */
    const char *ld_headline, *ld_name, *ld_date, *ld_body, *ld_site, *ld_author;
    char *ld_authors; /* owned: several authors joined */
};

/* Reads m from the tree; JSON-LD that does not parse is ignored. */
void html_meta_read(struct html_meta *m, const GumboOutput *g);
void html_meta_free(struct html_meta *m);
/* The article's title, malloc'd ("" when none; NULL on ENOMEM): JSON-LD
 * name (its headline when that is the one like <title>), dc:title, og:title, meta title, twitter:title, else <title>
 * without its site part, else the <h1>. text_of gives an element's
 * normalised text (malloc'd). */
char *html_meta_title(const struct html_meta *m, char *(*text_of)(const GumboNode *));

#endif
