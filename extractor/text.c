/* extractor/text.c — folding with an offset map, and sentence splitting. */
#include "extractor/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

/* U+00C0..U+00FF with accents stripped; 0x7f where no letter fits. */
static const char latin1_fold[65] = "AAAAAAACEEEEIIIIDNOOOOO\x7fOUUUUYTs"
                                    "aaaaaaaceeeeiiiidnooooo\x7fouuuuyty";

static char fold_cp(uint32_t cp)
{
    if (cp < 0x80) {
        if (cp == '\t' || cp == '\r' || cp == '\f' || cp == '\v')
            return ' ';
        if (cp < 0x20 && cp != '\n')
            return TX_OTHER;
        return (char)cp;
    }
    if (cp >= 0xC0 && cp <= 0xFF)
        return latin1_fold[cp - 0xC0];
    switch (cp) {
    case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x2032: case 0x00B4:
    case 0x02BC: case 0xFF07:
        return '\'';
    case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x00AB: case 0x00BB:
    case 0x2033: case 0xFF02:
        return '"';
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015:
    case 0x2212: case 0xFE58: case 0xFE63: case 0xFF0D:
        return '-';
    case 0x00A0: case 0x2000: case 0x2001: case 0x2002: case 0x2003: case 0x2004:
    case 0x2005: case 0x2006: case 0x2007: case 0x2008: case 0x2009: case 0x200A:
    case 0x202F: case 0x205F: case 0x3000:
        return ' ';
    case 0x2026:
        return '.';
    case 0x2028: case 0x2029:
        return '\n';
    default:
        return TX_OTHER;
    }
}

enum ex_err tx_build(struct tx *t, const char *text, size_t len)
{
    memset(t, 0, sizeof *t);
    t->orig = text;
    t->olen = len;
    size_t n = ecf_utf8_count(text, len);
    t->norm = malloc(n + 1);
    t->low = malloc(n + 1);
    /* pure ASCII text needs no offset map: code point i is byte i */
    if (n != len)
        t->cpb = malloc((n + 1) * sizeof *t->cpb);
    if (!t->norm || !t->low || (n != len && !t->cpb))
        return EX_E_NOMEM;
    if (n == len) {
        for (size_t i = 0; i < len; i++) {
            char f = fold_cp((unsigned char)text[i]);
            t->norm[i] = f;
            t->low[i] = (f >= 'A' && f <= 'Z') ? (char)(f + 32) : f;
        }
        t->norm[n] = t->low[n] = '\0';
        t->n = n;
        return EX_OK;
    }
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0, k = 0;
    while (i < len && k < n) {
        unsigned char c = s[i];
        if (c >= 0x20 && c < 0x7f) { /* the common case: printable ASCII */
            t->cpb[k] = i;
            t->norm[k] = (char)c;
            t->low[k] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : (char)c;
            k++;
            i++;
            continue;
        }
        uint32_t cp;
        size_t w;
        if (c < 0x80) {
            cp = c;
            w = 1;
        } else if ((c & 0xE0) == 0xC0) {
            cp = c & 0x1Fu;
            w = 2;
        } else if ((c & 0xF0) == 0xE0) {
            cp = c & 0x0Fu;
            w = 3;
        } else {
            cp = c & 0x07u;
            w = 4;
        }
        for (size_t j = 1; j < w && i + j < len; j++)
            cp = (cp << 6) | (s[i + j] & 0x3Fu);
        char f = fold_cp(cp);
        t->cpb[k] = i;
        t->norm[k] = f;
        t->low[k] = (f >= 'A' && f <= 'Z') ? (char)(f + 32) : f;
        k++;
        i += w;
    }
    t->cpb[k] = len;
    t->norm[k] = '\0';
    t->low[k] = '\0';
    t->n = k;
    return EX_OK;
}

void tx_free(struct tx *t)
{
    free(t->norm);
    free(t->low);
    free(t->cpb);
    memset(t, 0, sizeof *t);
}

/* Abbreviations that never end a sentence when followed by a capital. */
static const char *const abbrev_inner[] = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "lt", "col", "st", "jr",
    "sr", "vs", "e.g", "i.e", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "fig", "approx", "no", "nos", "vol", "mt", "ft", "pres",
    "rev", "hon", "messrs", "cf", "al",
};
/* Abbreviations that may also close a sentence ("... in the U.S. The ..."). */
static const char *const abbrev_final[] = {
    "u.s", "u.k", "u.n", "e.u", "inc", "corp", "co", "ltd", "etc", "llc", "plc", "bros",
    "p.m", "a.m", "u.s.a",
};
/* Words that start a new sentence after an abbreviation like "U.S.". */
static const char *const starters[] = {
    "the", "this", "that", "these", "those", "it", "its", "in", "on", "at", "as", "but",
    "and", "however", "meanwhile", "a", "an", "he", "she", "they", "we", "i", "such",
    "while", "although", "according", "after", "before", "since", "with", "for", "if",
    "when", "yet", "still", "also", "some", "many", "most", "other", "both", "last",
    "earlier", "later", "there", "what", "why", "how", "despite", "under", "from",
};

static bool in_list(const char *const *list, size_t n, const char *w, size_t wl)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i]) == wl && strncmp(list[i], w, wl) == 0)
            return true;
    return false;
}

#define LIST_HAS(l, w, wl) in_list((l), sizeof(l) / sizeof((l)[0]), (w), (wl))

static bool is_closer(char c)
{
    return c == '"' || c == '\'' || c == ')' || c == ']';
}

/* Decides whether the '.', '!' or '?' at i (inside line [ls, le)) ends a
 * sentence; *end receives the end of the sentence (after closing quotes). */
static bool is_boundary(const struct tx *t, size_t ls, size_t le, size_t i, size_t *end)
{
    const char *p = t->norm;
    size_t j = i + 1;
    if (p[i] == '.' && j < le && p[j] == '.')
        return false; /* inside an ellipsis: decide at its last dot */
    while (j < le && is_closer(p[j]))
        j++;
    *end = j;
    if (j >= le)
        return true;
    if (p[j] != ' ')
        return false;
    size_t k = j;
    while (k < le && p[k] == ' ')
        k++;
    if (k >= le)
        return true;
    char nc = p[k];
    if (tx_islower(nc))
        return false;
    if (p[i] != '.')
        return true;
    /* the word before the dot: letters, digits, inner dots */
    size_t ws = i;
    while (ws > ls && (tx_isalnum(p[ws - 1]) || p[ws - 1] == '.'))
        ws--;
    size_t wl = i - ws;
    if (wl == 0)
        return true;
    char w[16];
    if (wl < sizeof w) {
        for (size_t q = 0; q < wl; q++)
            w[q] = t->low[ws + q];
        w[wl] = '\0';
        if (wl == 1 && tx_isupper(p[ws]))
            return false; /* an initial: "J. Smith" */
        if (LIST_HAS(abbrev_inner, w, wl)) {
            if ((strcmp(w, "no") == 0 || strcmp(w, "nos") == 0) && !tx_isdigit(nc))
                return true;
            return false;
        }
        bool dotted = memchr(w, '.', wl) != NULL && !tx_isdigit(w[0]);
        if (LIST_HAS(abbrev_final, w, wl) || dotted) {
            size_t ne = k;
            while (ne < le && tx_isalnum(p[ne]))
                ne++;
            return LIST_HAS(starters, t->low + k, ne - k);
        }
    }
    /* "1. Heading" at the start of a line is a list marker */
    bool digits = true;
    for (size_t q = ws; q < i; q++)
        digits = digits && tx_isdigit(p[q]);
    if (digits) {
        size_t b = ls;
        while (b < ws && p[b] == ' ')
            b++;
        if (b == ws)
            return false;
    }
    return true;
}

static enum ex_err push_sent(struct tx_sent **v, size_t *n, size_t *cap, const struct tx *t,
                             size_t s, size_t e, size_t line, bool ev)
{
    while (s < e && tx_isspace(t->norm[s]))
        s++;
    while (e > s && tx_isspace(t->norm[e - 1]))
        e--;
    if (s >= e)
        return EX_OK;
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 32;
        struct tx_sent *nv = realloc(*v, nc * sizeof *nv);
        if (!nv)
            return EX_E_NOMEM;
        *v = nv;
        *cap = nc;
    }
    (*v)[(*n)++] = (struct tx_sent){.s = s, .e = e, .line = line, .evidence = ev};
    return EX_OK;
}

static size_t count_words(const char *p, size_t s, size_t e)
{
    size_t w = 0;
    bool in = false;
    for (size_t i = s; i < e; i++) {
        bool a = tx_isalnum(p[i]);
        if (a && !in)
            w++;
        in = a;
    }
    return w;
}

enum ex_err tx_split(const struct tx *t, struct tx_sent **out, size_t *n)
{
    enum ex_err err = EX_OK;
    struct tx_sent *v = NULL;
    size_t nv = 0, cap = 0, line = 0;
    const char *p = t->norm;
    size_t ls = 0;
    while (ls <= t->n) {
        size_t le = ls;
        while (le < t->n && p[le] != '\n')
            le++;
        /* last meaningful char of the line, skipping closers */
        size_t last = le;
        while (last > ls && (tx_isspace(p[last - 1]) || is_closer(p[last - 1])))
            last--;
        bool prose = last > ls && (p[last - 1] == '.' || p[last - 1] == '!' || p[last - 1] == '?');
        size_t ss = ls;
        bool split_any = false;
        for (size_t i = ls; i < le; i++) {
            if (p[i] != '.' && p[i] != '!' && p[i] != '?')
                continue;
            size_t end;
            if (!is_boundary(t, ls, le, i, &end))
                continue;
            err = push_sent(&v, &nv, &cap, t, ss, end, line, true);
            if (err)
                goto out;
            split_any = true;
            ss = end;
            i = end > i ? end - 1 : i;
        }
        if (ss < le) {
            /* a trailing piece with no terminal punctuation: a headline, a
             * caption, or (when long) prose whose full stop went missing */
            bool ev = !prose && !split_any && count_words(p, ss, le) >= 25;
            err = push_sent(&v, &nv, &cap, t, ss, le, line, ev);
            if (err)
                goto out;
        }
        line++;
        ls = le + 1;
    }
out:
    if (err) {
        free(v);
        v = NULL;
        nv = 0;
    }
    *out = v;
    *n = nv;
    return err;
}
