/* handlers/body.h — the request bodies of the write routes, parsed without
 * any HTTP context so they can be unit-tested and fuzzed. */
#ifndef ECF_HANDLERS_BODY_H
#define ECF_HANDLERS_BODY_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* POST /v1/articles as JSON: {"text", "id"?, "title"?, "url"?, "date"?,
 * "published"?, "byline"?, "site"?, "lang"?}. The strings are borrowed from
 * *doc (the caller releases it, also on failure); absent or null members are
 * NULL. */
struct article_post {
    const char *id, *title, *text, *url, *date;
    const char *published, *byline, *site, *lang;
    size_t text_len;
};

/* Parses body[0..len). On failure returns false with a one-line reason in
 * why (for a 400 problem). Checks: a JSON object, no duplicate or unknown
 * members, string types and sizes, text present without NULs, date
 * YYYY-MM-DD and a real calendar day (leap years), published likewise, byline
 * and site at most STORE_PAGE_TEXT_MAX bytes, lang a language tag
 * (store_lang_valid). The id's syntax is the pipeline's to check. */
bool body_parse_article(const char *body, size_t len, json_t **doc, struct article_post *p,
                        char *why, size_t cap);

#endif
