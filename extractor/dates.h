/* extractor/dates.h — dates in running text: absolute ("October 22, 2024",
 * "22 October 2024", "2024-10-22"), partial ("June 2023", "in 2019") and
 * relative ones ("last week", "October 22", "in late April") resolved against
 * an anchor (the article date) when there is one. Works on the lowercased
 * folded text of text.h; pure functions. */
#ifndef ECF_EX_DATES_H
#define ECF_EX_DATES_H

#include <stdbool.h>
#include <stddef.h>

struct dt_date {
    int y, m, d; /* 0 = not known */
};

/* Parses "YYYY", "YYYY-MM" or "YYYY-MM-DD"; false on anything else. */
bool dates_parse_iso(const char *s, struct dt_date *out);

/* Writes "YYYY", "YYYY-MM" or "YYYY-MM-DD" (or "" when y == 0) into out[11]. */
void dates_format(const struct dt_date *d, char out[11]);

/* The first date expression in low[s..e). anchor may be NULL or have y == 0,
 * in which case expressions that need one are skipped. On success writes the
 * date and its start offset (*at, may be NULL) and returns true. */
bool dates_find(const char *low, size_t s, size_t e, const struct dt_date *anchor,
                struct dt_date *out, size_t *at);

/* The article's own date: a dateline or footer such as "Published on
 * November 7, 2024" or "Last Updated on 2024-11-07"; false when none. */
bool dates_article(const char *low, size_t n, struct dt_date *out);

#endif
