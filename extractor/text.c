/* extractor/text.c — folding with an offset map, and sentence splitting. */
#include "extractor/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

#define D TXC_DIGIT
#define L TXC_LOWER
#define U TXC_UPPER
const unsigned char tx_ctab[256] = {
    ['0'] = D, ['1'] = D, ['2'] = D, ['3'] = D, ['4'] = D, ['5'] = D, ['6'] = D, ['7'] = D,
    ['8'] = D, ['9'] = D, ['a'] = L, ['b'] = L, ['c'] = L, ['d'] = L, ['e'] = L, ['f'] = L,
    ['g'] = L, ['h'] = L, ['i'] = L, ['j'] = L, ['k'] = L, ['l'] = L, ['m'] = L, ['n'] = L,
    ['o'] = L, ['p'] = L, ['q'] = L, ['r'] = L, ['s'] = L, ['t'] = L, ['u'] = L, ['v'] = L,
    ['w'] = L, ['x'] = L, ['y'] = L, ['z'] = L, ['A'] = U, ['B'] = U, ['C'] = U, ['D'] = U,
    ['E'] = U, ['F'] = U, ['G'] = U, ['H'] = U, ['I'] = U, ['J'] = U, ['K'] = U, ['L'] = U,
    ['M'] = U, ['N'] = U, ['O'] = U, ['P'] = U, ['Q'] = U, ['R'] = U, ['S'] = U, ['T'] = U,
    ['U'] = U, ['V'] = U, ['W'] = U, ['X'] = U, ['Y'] = U, ['Z'] = U,
};
#undef D
#undef L
#undef U

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
    case 0x2018:
    case 0x2019:
    case 0x201A:
    case 0x201B:
    case 0x2032:
    case 0x00B4:
    case 0x02BC:
    case 0xFF07:
        return '\'';
    case 0x201C:
    case 0x201D:
    case 0x201E:
    case 0x201F:
    case 0x00AB:
    case 0x00BB:
    case 0x2033:
    case 0xFF02:
        return '"';
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2014:
    case 0x2015:
    case 0x2212:
    case 0xFE58:
    case 0xFE63:
    case 0xFF0D:
        return '-';
    case 0x00A0:
    case 0x2000:
    case 0x2001:
    case 0x2002:
    case 0x2003:
    case 0x2004:
    case 0x2005:
    case 0x2006:
    case 0x2007:
    case 0x2008:
    case 0x2009:
    case 0x200A:
    case 0x202F:
    case 0x205F:
    case 0x3000:
        return ' ';
    case 0x2026:
        return '.';
    case 0x2028:
    case 0x2029:
        return '\n';
    default:
        return TX_OTHER;
    }
}

#define TX_HIGH 0x8080808080808080u

/* Code points in valid UTF-8: bytes that are not continuation bytes. */
static size_t count_cps(const char *text, size_t len)
{
    size_t i = 0, cont = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t k;
        memcpy(&k, text + i, 8);
        cont += (size_t)__builtin_popcountll(k & ~(k << 1) & TX_HIGH); /* 10xxxxxx */
    }
    for (; i < len; i++)
        cont += ((unsigned char)text[i] & 0xC0) == 0x80;
    return len - cont;
}

/* Whether the 8 bytes of w are all printable ASCII (0x20..0x7e). */
static inline bool printable8(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101u;
    uint64_t ctl = (w - 0x20 * ones) & ~w; /* high bit: a byte below 0x20 */
    uint64_t del = ((w ^ 0x7f * ones) - ones) & ~(w ^ 0x7f * ones); /* a byte 0x7f */
    return !((w | ctl | del) & TX_HIGH);
}

enum ex_err tx_build(struct tx *t, const char *text, size_t len)
{
    memset(t, 0, sizeof *t);
    t->orig = text;
    t->olen = len;
    size_t n = count_cps(text, len);
    t->norm = malloc(n + 1);
    t->low = malloc(n + TX_PAD);
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
        t->norm[n] = '\0';
        memset(t->low + n, 0, TX_PAD);
        t->n = n;
        return EX_OK;
    }
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0, k = 0;
    while (i < len && k < n) {
        uint64_t w8;
        if (len - i >= 8 && n - k >= 8 && (memcpy(&w8, s + i, 8), printable8(w8))) {
            /* eight printable ASCII bytes: fold and lowercase them at once */
            uint64_t up = (w8 + 0x3f3f3f3f3f3f3f3fu) & ~(w8 + 0x2525252525252525u) & TX_HIGH;
            uint64_t lo = w8 | (up >> 2); /* 'A'..'Z' + 0x20 */
            memcpy(t->norm + k, &w8, 8);
            memcpy(t->low + k, &lo, 8);
            for (size_t j = 0; j < 8; j++)
                t->cpb[k + j] = i + j;
            k += 8;
            i += 8;
            continue;
        }
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
    memset(t->low + k, 0, TX_PAD);
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
    "mr",  "mrs", "ms",  "dr",   "prof", "sen", "rep",    "gov", "gen",    "lt",  "col",
    "st",  "jr",  "sr",  "vs",   "e.g",  "i.e", "jan",    "feb", "mar",    "apr", "jun",
    "jul", "aug", "sep", "sept", "oct",  "nov", "dec",    "fig", "approx", "no",  "nos",
    "vol", "mt",  "ft",  "pres", "rev",  "hon", "messrs", "cf",  "al",
};
/* Abbreviations that may also close a sentence ("... in the U.S. The ..."). */
static const char *const abbrev_final[] = {
    "u.s", "u.k", "u.n", "e.u",  "inc", "corp", "co",    "ltd",
    "etc", "llc", "plc", "bros", "p.m", "a.m",  "u.s.a",
};
/* Words that start a new sentence after an abbreviation like "U.S.". */
static const char *const starters[] = {
    "the",    "this",  "that", "these",   "those",   "it",        "its",      "in",        "on",
    "at",     "as",    "but",  "and",     "however", "meanwhile", "a",        "an",        "he",
    "she",    "they",  "we",   "i",       "such",    "while",     "although", "according", "after",
    "before", "since", "with", "for",     "if",      "when",      "yet",      "still",     "also",
    "some",   "many",  "most", "other",   "both",    "last",      "earlier",  "later",     "there",
    "what",   "why",   "how",  "despite", "under",   "from",
};

static bool in_list(const char *const *list, size_t n, const char *w, size_t wl)
{
    for (size_t i = 0; i < n; i++)
        if (list[i][0] == w[0] && strlen(list[i]) == wl && strncmp(list[i], w, wl) == 0)
            return true;
    return false;
}

#define LIST_HAS(l, w, wl) in_list((l), sizeof(l) / sizeof((l)[0]), (w), (wl))

static bool is_closer(char c)
{
    return c == '"' || c == '\'' || c == ')' || c == ']';
}

/* Does the word at k start lowercase and carry a capital further in, like a
 * brand written "iQuanta" or "eBaz"? Such a word can open a sentence. */
static bool camel_word(const char *p, size_t k, size_t le)
{
    for (size_t q = k + 1; q < le && q < k + 16 && tx_isalnum(p[q]); q++)
        if (tx_isupper(p[q]))
            return true;
    return false;
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
    if (tx_islower(nc) && !camel_word(p, k, le))
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

static enum ex_err push_one(struct tx_sent **v, size_t *n, size_t *cap, const struct tx *t,
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

/* Where a sentence from code point s that is too long ends: the last space
 * in the second half of its first TX_SENT_MAX bytes, else the last code
 * point boundary within them. Returns a code point in (s, e). */
static size_t cut_at(const struct tx *t, size_t s, size_t e)
{
    size_t b0 = tx_byte(t, s);
    size_t c = s + TX_SENT_MAX < e ? s + TX_SENT_MAX : e - 1; /* a byte is at most a code point */
    while (c > s + 1 && tx_byte(t, c) - b0 > TX_SENT_MAX)
        c--;
    for (size_t q = c; q > s && tx_byte(t, q) - b0 > TX_SENT_MAX / 2; q--)
        if (tx_isspace(t->norm[q]))
            return q;
    return c;
}

/* Adds sentence [s, e), trimmed, cut into pieces of at most TX_SENT_MAX
 * bytes when longer. */
static enum ex_err push_sent(struct tx_sent **v, size_t *n, size_t *cap, const struct tx *t,
                             size_t s, size_t e, size_t line, bool ev)
{
    while (s < e && tx_byte(t, e) - tx_byte(t, s) > TX_SENT_MAX) {
        while (s < e && tx_isspace(t->norm[s]))
            s++;
        if (s >= e || tx_byte(t, e) - tx_byte(t, s) <= TX_SENT_MAX)
            break;
        size_t c = cut_at(t, s, e);
        enum ex_err err = push_one(v, n, cap, t, s, c, line, ev);
        if (err)
            return err;
        s = c;
    }
    return push_one(v, n, cap, t, s, e, line, ev);
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
        const char *nl = memchr(p + ls, '\n', t->n - ls);
        size_t le = nl ? (size_t)(nl - p) : t->n;
        /* last meaningful char of the line, skipping closers */
        size_t last = le;
        while (last > ls && (tx_isspace(p[last - 1]) || is_closer(p[last - 1])))
            last--;
        bool prose = last > ls && (p[last - 1] == '.' || p[last - 1] == '!' || p[last - 1] == '?');
        size_t ss = ls;
        bool split_any = false;
        for (size_t i = ls; i < le; i++) {
            /* '!' (33), '.' (46) and '?' (63): one range test and a bit */
            unsigned d = (unsigned)(unsigned char)p[i] - '!';
            if (d > '?' - '!' || !((0x40002001u >> d) & 1))
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
