/* extractor/dates.c — date expressions over lowercased folded text. */
#include "extractor/dates.h"

#include <string.h>

#include "extractor/text.h"

#define DT_MAXW 96

struct dt_word {
    size_t s, e;
};

static const char *const months[] = {"january",   "february", "march",    "april",
                                     "may",       "june",     "july",     "august",
                                     "september", "october",  "november", "december"};
static const char *const mabbr[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                    "jul", "aug", "sep", "oct", "nov", "dec"};

static bool word_is(const char *low, const struct dt_word *w, const char *lit)
{
    size_t l = strlen(lit);
    return w->e - w->s == l && memcmp(low + w->s, lit, l) == 0;
}

/* 1..12 for a month name or abbreviation ("sept" too), else 0. */
static int month_of(const char *low, const struct dt_word *w)
{
    static const unsigned char mlen[12] = {7, 8, 5, 5, 3, 4, 4, 6, 9, 7, 8, 8};
    size_t l = w->e - w->s;
    const char *p = low + w->s;
    if (l < 3 || l > 9)
        return 0; /* no month name is shorter or longer */
    for (int i = 0; i < 12; i++) {
        if (months[i][0] != p[0])
            continue;
        if ((l == mlen[i] && memcmp(p, months[i], l) == 0) ||
            (l == 3 && memcmp(p, mabbr[i], 3) == 0))
            return i + 1;
    }
    if (l == 4 && memcmp(p, "sept", 4) == 0)
        return 9;
    return 0;
}

/* Non-negative integer value of an all-digit word (optionally with an
 * ordinal suffix when ord), or -1. */
static long num_of(const char *low, const struct dt_word *w, bool ord)
{
    long v = 0;
    size_t i = w->s;
    if (i >= w->e || !tx_isdigit(low[i]))
        return -1;
    while (i < w->e && tx_isdigit(low[i])) {
        v = v * 10 + (low[i] - '0');
        if (v > 100000)
            return -1;
        i++;
    }
    if (i == w->e)
        return v;
    if (ord && w->e - i == 2) {
        const char *suf = low + i;
        if (!strncmp(suf, "st", 2) || !strncmp(suf, "nd", 2) || !strncmp(suf, "rd", 2) ||
            !strncmp(suf, "th", 2))
            return v;
    }
    return -1;
}

static bool is_year(long v)
{
    return v >= 1950 && v <= 2099;
}

static long days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static struct dt_date civil_from_days(long z)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp + (mp < 10 ? 3 : -9);
    return (struct dt_date){(int)(y + (m <= 2)), (int)m, (int)d};
}

static struct dt_date add_days(const struct dt_date *a, long k)
{
    return civil_from_days(days_from_civil(a->y, a->m, a->d) + k);
}

bool dates_parse_iso(const char *s, struct dt_date *out)
{
    struct dt_date d = {0, 0, 0};
    size_t l = strlen(s);
    if (l != 4 && l != 7 && l != 10)
        return false;
    for (size_t i = 0; i < l; i++) {
        bool dash = i == 4 || i == 7;
        if (dash ? s[i] != '-' : !tx_isdigit(s[i]))
            return false;
    }
    d.y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    if (l >= 7)
        d.m = (s[5] - '0') * 10 + (s[6] - '0');
    if (l == 10)
        d.d = (s[8] - '0') * 10 + (s[9] - '0');
    if ((l >= 7 && (d.m < 1 || d.m > 12)) || (l == 10 && (d.d < 1 || d.d > 31)))
        return false;
    *out = d;
    return true;
}

void dates_format(const struct dt_date *d, char out[11])
{
    out[0] = '\0';
    if (d->y <= 0 || d->y > 9999)
        return;
    int y = d->y;
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '\0';
    if (d->m < 1 || d->m > 12)
        return;
    out[4] = '-';
    out[5] = (char)('0' + d->m / 10);
    out[6] = (char)('0' + d->m % 10);
    out[7] = '\0';
    if (d->d < 1 || d->d > 31)
        return;
    out[7] = '-';
    out[8] = (char)('0' + d->d / 10);
    out[9] = (char)('0' + d->d % 10);
    out[10] = '\0';
}

static size_t split_words(const char *low, size_t s, size_t e, struct dt_word *w, size_t cap)
{
    size_t n = 0;
    size_t i = s;
    while (i < e && n < cap) {
        if (!tx_isalnum(low[i])) {
            i++;
            continue;
        }
        size_t b = i;
        while (i < e && tx_isalnum(low[i]))
            i++;
        w[n++] = (struct dt_word){b, i};
    }
    return n;
}

/* Words before a bare year or month that make it a date, not a quantity. */
static bool date_lead(const char *low, const struct dt_word *w)
{
    static const char *const lead[] = {"in",    "since", "by",   "from",  "during",   "early",
                                       "late",  "mid",   "of",   "until", "through",  "before",
                                       "after", "last",  "this", "next",  "starting", "on"};
    for (size_t i = 0; i < sizeof lead / sizeof lead[0]; i++)
        if (word_is(low, w, lead[i]))
            return true;
    return false;
}

static bool has_anchor(const struct dt_date *a)
{
    return a && a->y > 0;
}

/* 0 (Monday) .. 6 for a weekday name, else -1. */
static int weekday_of(const char *low, const struct dt_word *w)
{
    static const char *const days[] = {"monday", "tuesday",  "wednesday", "thursday",
                                       "friday", "saturday", "sunday"};
    for (int k = 0; k < 7; k++)
        if (word_is(low, w, days[k]))
            return k;
    return -1;
}

/* Tries every pattern at word i; returns true with *out set. */
static bool match_at(const char *low, const struct dt_word *w, size_t n, size_t i,
                     const struct dt_date *anchor, struct dt_date *out)
{
    const struct dt_word *a = &w[i];
    /* YYYY-MM-DD (the words are split on '-') */
    long y = num_of(low, a, false);
    if (y >= 0 && is_year(y) && i + 2 < n && a->e < w[i + 1].s && low[a->e] == '-' &&
        w[i + 1].s == a->e + 1 && low[w[i + 1].e] == '-' && w[i + 2].s == w[i + 1].e + 1) {
        long m = num_of(low, &w[i + 1], false), d = num_of(low, &w[i + 2], false);
        if (m >= 1 && m <= 12 && d >= 1 && d <= 31) {
            *out = (struct dt_date){(int)y, (int)m, (int)d};
            return true;
        }
    }
    int mo = month_of(low, a);
    if (mo) {
        bool lead = i > 0 && date_lead(low, &w[i - 1]);
        long d = i + 1 < n ? num_of(low, &w[i + 1], true) : -1;
        if (d >= 1 && d <= 31) {
            long yy = i + 2 < n ? num_of(low, &w[i + 2], false) : -1;
            if (is_year(yy)) {
                *out = (struct dt_date){(int)yy, mo, (int)d};
                return true;
            }
            if (has_anchor(anchor)) {
                *out = (struct dt_date){anchor->y, mo, (int)d};
                return true;
            }
            return false;
        }
        long yy = i + 1 < n ? num_of(low, &w[i + 1], false) : -1;
        if (is_year(yy)) {
            *out = (struct dt_date){(int)yy, mo, 0};
            return true;
        }
        /* "this may change": a modal, not a month */
        if (mo == 5 && lead &&
            (word_is(low, &w[i - 1], "this") || word_is(low, &w[i - 1], "next") ||
             word_is(low, &w[i - 1], "last") || word_is(low, &w[i - 1], "on")))
            lead = false;
        if (lead && has_anchor(anchor)) {
            int year = mo <= anchor->m ? anchor->y : anchor->y - 1;
            *out = (struct dt_date){year, mo, 0};
            return true;
        }
        return false;
    }
    /* D Month YYYY */
    long d = num_of(low, a, true);
    if (d >= 1 && d <= 31 && i + 2 < n) {
        int m2 = month_of(low, &w[i + 1]);
        long yy = num_of(low, &w[i + 2], false);
        if (m2 && is_year(yy)) {
            *out = (struct dt_date){(int)yy, m2, (int)d};
            return true;
        }
    }
    if (y >= 0 && is_year(y) && a->e - a->s == 4 && i > 0 && date_lead(low, &w[i - 1])) {
        *out = (struct dt_date){(int)y, 0, 0};
        return true;
    }
    if (!has_anchor(anchor))
        return false;
    /* "on Wednesday": the latest such day up to the article date; "starting
     * Monday", "from Monday", "next Monday": the first one from it on */
    int wd = weekday_of(low, a);
    if (wd >= 0 && anchor->d && i > 0) {
        const struct dt_word *p = &w[i - 1];
        bool past = word_is(low, p, "on") || word_is(low, p, "last");
        bool fut = word_is(low, p, "starting") || word_is(low, p, "from") ||
                   word_is(low, p, "beginning") || word_is(low, p, "effective") ||
                   word_is(low, p, "next");
        if (past || fut) {
            long z = days_from_civil(anchor->y, anchor->m, anchor->d);
            long aw = ((z + 3) % 7 + 7) % 7; /* 1970-01-01 was a Thursday; Monday = 0 */
            long k = past ? -((aw - wd + 7) % 7) : (wd - aw + 7) % 7;
            if (word_is(low, p, "last") && k == 0)
                k = -7;
            if (word_is(low, p, "next") && k == 0)
                k = 7;
            *out = add_days(anchor, k);
            return true;
        }
    }
    if (word_is(low, a, "yesterday") && anchor->d) {
        *out = add_days(anchor, -1);
        return true;
    }
    if (i + 1 < n) {
        const struct dt_word *b = &w[i + 1];
        bool last = word_is(low, a, "last"), this_ = word_is(low, a, "this");
        if (last && word_is(low, b, "week") && anchor->d) {
            *out = add_days(anchor, -7);
            return true;
        }
        if (last && word_is(low, b, "month") && anchor->m) {
            *out = anchor->m == 1 ? (struct dt_date){anchor->y - 1, 12, 0}
                                  : (struct dt_date){anchor->y, anchor->m - 1, 0};
            return true;
        }
        if (last && word_is(low, b, "year")) {
            *out = (struct dt_date){anchor->y - 1, 0, 0};
            return true;
        }
        if (this_ && word_is(low, b, "year")) {
            *out = (struct dt_date){anchor->y, 0, 0};
            return true;
        }
        if (this_ && word_is(low, b, "month") && anchor->m) {
            *out = (struct dt_date){anchor->y, anchor->m, 0};
            return true;
        }
    }
    return false;
}

bool dates_find(const char *low, size_t s, size_t e, const struct dt_date *anchor,
                struct dt_date *out, size_t *at)
{
    struct dt_word w[DT_MAXW];
    size_t n = split_words(low, s, e, w, DT_MAXW);
    for (size_t i = 0; i < n; i++) {
        if (match_at(low, w, n, i, anchor, out)) {
            if (at)
                *at = w[i].s;
            return true;
        }
    }
    return false;
}

#define DT_MAXHITS 64

bool dates_article(const char *low, size_t n, struct dt_date *out)
{
    static const char *const cues[] = {"last updated on", "last updated:", "last updated",
                                       "updated on",      "updated:",      "published on",
                                       "published:",      "published",     "posted on",
                                       "posted:",         "date:"};
    enum { NCUES = sizeof cues / sizeof cues[0] };
    /* Every cue begins with one of the stems, which all contain a 'd': one
     * memchr pass over the d's finds the positions where a stem starts a
     * word (cues never start right after a letter or digit). Then the cues
     * are tried in their order of preference, each at its candidate
     * positions in text order. */
    static const struct {
        const char *s;
        size_t len, d1, d2; /* offsets of its 'd's (d2 == d1 when one) */
    } stems[] = {{"last updated", 12, 7, 11},
                 {"updated", 7, 2, 6},
                 {"published", 9, 8, 8},
                 {"posted", 6, 5, 5},
                 {"date:", 5, 0, 0}};
    size_t hit[DT_MAXHITS];
    size_t nh = 0;
    bool all = false; /* too many candidates: try every position */
    for (const char *q = memchr(low, 'd', n); q && !all;
         q = memchr(q + 1, 'd', n - (size_t)(q + 1 - low))) {
        size_t j = (size_t)(q - low);
        for (size_t k = 0; k < sizeof stems / sizeof stems[0]; k++) {
            for (int which = 0; which < 2; which++) {
                size_t off = which ? stems[k].d2 : stems[k].d1;
                if ((which && off == stems[k].d1) || off > j)
                    continue;
                size_t i = j - off;
                if (low[i] != stems[k].s[0] || i + stems[k].len > n ||
                    memcmp(low + i, stems[k].s, stems[k].len) != 0 ||
                    (i > 0 && tx_isalnum(low[i - 1])))
                    continue;
                /* keep hit[] sorted and unique */
                size_t at = nh;
                while (at > 0 && hit[at - 1] > i)
                    at--;
                if (at > 0 && hit[at - 1] == i)
                    continue;
                if (nh == DT_MAXHITS) {
                    all = true;
                    break;
                }
                memmove(hit + at + 1, hit + at, (nh - at) * sizeof *hit);
                hit[at] = i;
                nh++;
            }
        }
    }
    for (size_t c = 0; c < NCUES; c++) {
        size_t cl = strlen(cues[c]);
        for (size_t h = 0; all ? h < n : h < nh; h++) {
            size_t i = all ? h : hit[h];
            if (i + cl > n || memcmp(low + i, cues[c], cl) != 0)
                continue;
            if (i > 0 && tx_isalnum(low[i - 1]))
                continue;
            size_t e = i + cl + 40 < n ? i + cl + 40 : n;
            struct dt_date d;
            size_t at;
            if (dates_find(low, i + cl, e, NULL, &d, &at) && d.d > 0 && at < i + cl + 4) {
                *out = d;
                return true;
            }
        }
    }
    /* a dateline: a short line near the top that starts with a full date
     * ("Jan 15, 2025 | Washington") */
    size_t ls = 0;
    for (int line = 0; line < 6 && ls < n; line++) {
        const char *nl = memchr(low + ls, '\n', n - ls);
        size_t le = nl ? (size_t)(nl - low) : n;
        struct dt_date d;
        size_t at;
        if (line > 0 && le - ls < 120 && dates_find(low, ls, le, NULL, &d, &at) && d.d > 0 &&
            at < ls + 4) {
            *out = d;
            return true;
        }
        ls = le + 1;
    }
    return false;
}
