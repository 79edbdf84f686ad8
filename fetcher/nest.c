/* fetcher/nest.c — bounds how deeply gumbo will nest a page.
 *
 * Gumbo 0.10.1 has no depth limit: each start tag scans the stack of open
 * elements (scope checks), so 100,000 unclosed <div>s cost ~15 s, and its
 * tree code recurses. This pass runs before the parser over the UTF-8 text,
 * follows the stack of open elements the way the HTML5 tree builder would
 * (closely enough for pages, pessimistically for hostile input) and deletes
 * start tags that would nest deeper than NEST_MAX. Text is never removed.
 * It also works around a gumbo 0.10.1 bug (text just before </form> is
 * placed after the form) by putting an empty comment in front of </form>.
 *
 * A page is read up to its FETCH_HTML_MAX_TAGS-th start tag: gumbo's tree
 * costs some 200 bytes per node, so 8 MiB of "<p>x</p>" (a million
 * elements, two million nodes) took half a gigabyte; real pages have far
 * fewer (the largest of 94 real test pages: 9,892 start tags).
 *
 * Not followed: void elements and those whose end tags are optional or that
 * close their predecessors (p, li, td, tr, option, ...): they do not make a
 * page deeper by themselves. Raw text (script, style, textarea, title, ...)
 * is skipped to its end tag; in SVG/MathML a "/>" closes the element. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "fetcher/fetch_int.h"

#define NEST_MAX     256
#define NAME_MAX_LEN 15

struct open_el {
    char name[NAME_MAX_LEN + 1];
    bool foreign; /* SVG or MathML */
};

struct nest {
    struct open_el st[NEST_MAX];
    size_t n;
};

static bool listed(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(name, *list) == 0)
            return true;
    return false;
}

static const char *const not_followed[] = {
    "area",  "base",  "br",     "col",   "embed",    "hr",      "img",      "input",   "link",
    "meta",  "param", "source", "track", "wbr",      "keygen",  "basefont", "bgsound", "frame",
    "image", "p",     "li",     "dt",    "dd",       "option",  "optgroup", "tr",      "td",
    "th",    "tbody", "thead",  "tfoot", "colgroup", "caption", "rb",       "rt",      "rp",
    "rtc",   "html",  "head",   "body",  NULL,
};

static const char *const raw_text[] = {
    "script", "style", "xmp", "iframe", "noembed", "noframes", "textarea", "title", NULL,
};

/* The "special" elements of HTML5 that may be on our stack. */
static const char *const special[] = {
    "address", "applet",  "article",  "aside",    "blockquote", "button",     "center",
    "details", "dir",     "div",      "dl",       "fieldset",   "figcaption", "figure",
    "footer",  "form",    "frameset", "h1",       "h2",         "h3",         "h4",
    "h5",      "h6",      "header",   "hgroup",   "listing",    "main",       "marquee",
    "menu",    "nav",     "noscript", "object",   "ol",         "pre",        "section",
    "select",  "summary", "table",    "template", "ul",         NULL,
};

static const char *const scope_edge[] = {
    "applet", "table", "marquee", "object", "template", "foreignobject",  "desc",
    "mi",     "mo",    "mn",      "ms",     "mtext",    "annotation-xml", NULL,
};

/* Start tags that leave SVG/MathML for HTML. */
static const char *const breakout[] = {
    "b",   "big",  "blockquote", "body",  "br",      "center", "code",   "dd",   "div", "dl",
    "dt",  "em",   "embed",      "h1",    "h2",      "h3",     "h4",     "h5",   "h6",  "head",
    "hr",  "i",    "img",        "li",    "listing", "menu",   "meta",   "nobr", "ol",  "p",
    "pre", "ruby", "s",          "small", "span",    "strong", "strike", "sub",  "sup", "table",
    "tt",  "u",    "ul",         "var",   "font",    NULL,
};

static const char *const integration[] = {
    "foreignobject", "desc", "title", "mi", "mo", "mn", "ms", "mtext", "annotation-xml", NULL,
};

static bool in_foreign(const struct nest *k)
{
    return k->n && k->st[k->n - 1].foreign && !listed(k->st[k->n - 1].name, integration);
}

static void pop_foreign(struct nest *k)
{
    while (k->n && k->st[k->n - 1].foreign)
        k->n--;
}

/* An end tag: pops to the matching element as the tree builder would, or
 * leaves the stack alone when the builder would ignore the tag. */
static void end_tag(struct nest *k, const char *name)
{
    bool sp = listed(name, special);
    for (size_t i = k->n; i-- > 0;) {
        const struct open_el *e = &k->st[i];
        if (strcmp(e->name, name) == 0) {
            k->n = i;
            return;
        }
        if (!e->foreign && !sp && listed(e->name, special))
            return;
        if (sp && listed(e->name, scope_edge))
            return;
    }
}

/* A start tag; false when it must be deleted. */
static bool start_tag(struct nest *k, const char *name, bool self_closing)
{
    if (in_foreign(k)) {
        if (listed(name, breakout))
            pop_foreign(k);
        else if (self_closing)
            return true;
    }
    bool foreign = in_foreign(k) || strcmp(name, "svg") == 0 || strcmp(name, "math") == 0;
    if (foreign && self_closing)
        return true;
    if (!foreign && listed(name, not_followed))
        return true;
    if (!foreign && (strcmp(name, "a") == 0 || strcmp(name, "nobr") == 0 ||
                     strcmp(name, "button") == 0 || strcmp(name, "form") == 0))
        end_tag(k, name); /* these close an open one of their kind */
    if (!foreign && name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && !name[2] && k->n) {
        const char *top = k->st[k->n - 1].name;
        if (top[0] == 'h' && top[1] >= '1' && top[1] <= '6' && !top[2])
            k->n--;
    }
    if (k->n == NEST_MAX)
        return false;
    ecf_strlcpy(k->st[k->n].name, name, sizeof(k->st[k->n].name));
    k->st[k->n].foreign = foreign;
    k->n++;
    return true;
}

/* End of the tag starting at s[i] ('<'), quoted attribute values skipped:
 * the index after its '>' (n when unterminated). */
static size_t tag_end(const char *s, size_t n, size_t i)
{
    for (size_t p = i + 1; p < n; p++) {
        if (s[p] == '>')
            return p + 1;
        if (s[p] != '=')
            continue;
        p++;
        while (p < n && isspace((unsigned char)s[p]))
            p++;
        if (p < n && (s[p] == '"' || s[p] == '\'')) {
            char q = s[p++];
            while (p < n && s[p] != q)
                p++;
        } else {
            p--;
        }
    }
    return n;
}

/* Index of "</name" (case-insensitive) at or after i, else n. */
static size_t find_close(const char *s, size_t n, size_t i, const char *name)
{
    size_t nl = strlen(name);
    for (; i + 2 + nl <= n; i++)
        if (s[i] == '<' && s[i + 1] == '/' && strncasecmp(s + i + 2, name, nl) == 0 &&
            (i + 2 + nl == n || !isalnum((unsigned char)s[i + 2 + nl])))
            return i;
    return n;
}

static size_t find_str(const char *s, size_t n, size_t i, const char *pat)
{
    size_t pl = strlen(pat);
    for (; i + pl <= n; i++)
        if (memcmp(s + i, pat, pl) == 0)
            return i + pl;
    return n;
}

enum fetch_err fetch_html_prepare(const char *s, size_t n, char **out, size_t *out_len)
{
    enum fetch_err err = FETCH_E_NOMEM;
    struct nest *k = malloc(sizeof(*k)); /* owned; 4 KiB, kept off the stack */
    struct jbuf b;
    size_t i = 0, tags = 0;

    *out = NULL;
    *out_len = 0;
    /* at most one "<!---->" (7 bytes) per "</form>" (7 bytes or more) */
    jbuf_init_max(&b, (n < SIZE_MAX / 2 - 16 ? 2 * n + 16 : SIZE_MAX / 2) + 1);
    if (!k)
        goto out;
    k->n = 0;
    while (i < n) {
        size_t j = i + 1; /* copy s[i..j) */
        bool keep = true;
        if (s[i] != '<' || i + 1 >= n) {
            /* text: up to the next '<' */
            const char *lt = memchr(s + j, '<', n - j);
            j = lt ? (size_t)(lt - s) : n;
        } else if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
            j = find_str(s, n, i + 4, "-->");
        } else if (s[i + 1] == '!' || s[i + 1] == '?') {
            const char *gt = memchr(s + i, '>', n - i);
            j = gt ? (size_t)(gt - s) + 1 : n;
        } else if (isalpha((unsigned char)s[i + 1]) ||
                   (s[i + 1] == '/' && i + 2 < n && isalpha((unsigned char)s[i + 2]))) {
            bool end = s[i + 1] == '/';
            size_t p = i + 1 + end, m = 0;
            char name[NAME_MAX_LEN + 1];
            while (p < n && !isspace((unsigned char)s[p]) && s[p] != '/' && s[p] != '>') {
                if (m < NAME_MAX_LEN)
                    name[m++] = (char)tolower((unsigned char)s[p]);
                p++;
            }
            name[m] = '\0';
            j = tag_end(s, n, i);
            bool self_closing = j >= 2 && s[j - 1] == '>' && s[j - 2] == '/';
            if (!end && ++tags > FETCH_HTML_MAX_TAGS)
                break; /* the rest of the page is not read */
            if (end) {
                end_tag(k, name);
                /* gumbo 0.10.1 does not flush pending text at </form>: it
                 * would land after the form. A comment flushes it. */
                if (strcmp(name, "form") == 0 && !jbuf_put_fit(&b, "<!---->", 7))
                    goto out;
            } else if (strcmp(name, "plaintext") == 0 && !in_foreign(k)) {
                j = n; /* the rest is text */
            } else if (listed(name, raw_text) && !in_foreign(k)) {
                j = find_close(s, n, j, name);
            } else {
                keep = start_tag(k, name, self_closing);
            }
        }
        if (keep && !jbuf_put_fit(&b, s + i, j - i))
            goto out;
        i = j;
    }
    *out = jbuf_steal(&b, out_len);
    err = *out ? FETCH_OK : FETCH_E_NOMEM;
out:
    if (err != FETCH_OK && b.over)
        err = FETCH_E_TOOBIG;
    jbuf_free(&b);
    free(k);
    return err;
}
