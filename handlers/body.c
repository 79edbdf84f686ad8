#include "handlers/body.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "extractor/extract.h"
#include "store/store.h"

static bool str_field(json_t *doc, const char *key, size_t max, const char **out, size_t *len,
                      char *why, size_t cap)
{
    json_t *v = json_object_get(doc, key);
    if (!v || json_is_null(v))
        return true;
    if (!json_is_string(v) || json_string_length(v) > max) {
        snprintf(why, cap, "field '%s' must be a string of at most %zu bytes", key, max);
        return false;
    }
    *out = json_string_value(v);
    if (len)
        *len = json_string_length(v);
    return true;
}

static bool date_valid(const char *d)
{
    /* YYYY-MM-DD, a day that exists (2024-02-29 yes, 2023-02-29 and
     * 2024-02-31 no); the extractor anchors relative dates on it. */
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (strlen(d) != 10 || d[4] != '-' || d[7] != '-')
        return false;
    for (int i = 0; i < 10; i++) {
        if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9'))
            return false;
    }
    int y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
    int m = (d[5] - '0') * 10 + (d[6] - '0'), day = (d[8] - '0') * 10 + (d[9] - '0');
    if (m < 1 || m > 12 || day < 1 || day > mdays[m - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && day == 29 && !leap);
}

bool body_parse_article(const char *body, size_t len, json_t **doc, struct article_post *p,
                        char *why, size_t cap)
{
    json_error_t jerr;
    memset(p, 0, sizeof *p);
    *doc = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES, &jerr);
    if (!*doc || !json_is_object(*doc)) {
        snprintf(why, cap, "the body is not a JSON object: %s",
                 *doc ? "another JSON type" : jerr.text);
        return false;
    }
    const char *key;
    json_t *v;
    json_object_foreach(*doc, key, v)
    {
        if (strcmp(key, "id") && strcmp(key, "title") && strcmp(key, "text") &&
            strcmp(key, "url") && strcmp(key, "date") && strcmp(key, "published") &&
            strcmp(key, "byline") && strcmp(key, "site") && strcmp(key, "lang")) {
            snprintf(why, cap,
                     "unknown field '%.64s' (id, title, text, url, date, published, byline, "
                     "site, lang)",
                     key);
            return false;
        }
    }
    if (!str_field(*doc, "id", STORE_ID_MAX - 1, &p->id, NULL, why, cap) ||
        !str_field(*doc, "title", 1000, &p->title, NULL, why, cap) ||
        !str_field(*doc, "url", 2048, &p->url, NULL, why, cap) ||
        !str_field(*doc, "date", 10, &p->date, NULL, why, cap) ||
        !str_field(*doc, "text", EX_MAX_TEXT, &p->text, &p->text_len, why, cap) ||
        !str_field(*doc, "published", 10, &p->published, NULL, why, cap) ||
        !str_field(*doc, "byline", STORE_PAGE_TEXT_MAX, &p->byline, NULL, why, cap) ||
        !str_field(*doc, "site", STORE_PAGE_TEXT_MAX, &p->site, NULL, why, cap) ||
        !str_field(*doc, "lang", STORE_LANG_MAX, &p->lang, NULL, why, cap))
        return false;
    if (!p->text) {
        snprintf(why, cap, "field 'text' is required");
        return false;
    }
    if (memchr(p->text, '\0', p->text_len)) {
        snprintf(why, cap, "field 'text' contains a NUL character");
        return false;
    }
    /* the URL is shown as a link by dashboards: http(s) only, never
     * javascript: or data: */
    if (p->url && strncasecmp(p->url, "http://", 7) != 0 &&
        strncasecmp(p->url, "https://", 8) != 0) {
        snprintf(why, cap, "field 'url' must be an http:// or https:// URL");
        return false;
    }
    if (p->date && !date_valid(p->date)) {
        snprintf(why, cap, "field 'date' must be a calendar date YYYY-MM-DD");
        return false;
    }
    if (p->published && !date_valid(p->published)) {
        snprintf(why, cap, "field 'published' must be a calendar date YYYY-MM-DD");
        return false;
    }
    if (p->lang && !store_lang_valid(p->lang)) {
        snprintf(why, cap, "field 'lang' must be a language tag such as en or pt-BR");
        return false;
    }
    return true;
}
