/* fetcher/fetch_int.h — helpers shared by the fetcher's files; not public. */
#ifndef ECF_FETCHER_FETCH_INT_H
#define ECF_FETCHER_FETCH_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/jbuf.h"
#include "fetcher/fetch.h"

#define FETCH_URL_MAX 4096

/* Resolves href (surrounding whitespace ignored) against base (an absolute
 * URL, may be NULL) and normalises the result with fetch_url_normalize().
 * *out is malloc'd (caller frees). FETCH_E_INVALID when the result is not
 * an http(s) URL, FETCH_E_NOMEM. (url.c) */
enum fetch_err fetch_url_resolve(const char *base, const char *href, char **out) ECF_WUR;

/* ---- text with whitespace normalised (buf.c) -----------------------------
 * Appends words separated by single spaces and paragraphs separated by one
 * blank line: runs of ASCII whitespace and U+00A0 collapse; nothing leads or
 * trails. */
struct ftext {
    struct jbuf b;      /* capped (jbuf_init_max): b.over when text was refused for the cap */
    bool pending_space; /* a space before the next word */
    bool pending_par;   /* a paragraph break before the next word */
};

/* Text of at most max bytes: t->b has toobig max + 1. */
void ftext_init(struct ftext *t, size_t max);
bool ftext_add(struct ftext *t, const char *s, size_t n) ECF_WUR;
void ftext_break(struct ftext *t); /* paragraph break */
void ftext_space(struct ftext *t); /* word break */
/* Hands the text over as a malloc'd string ("" when empty); NULL on ENOMEM. */
char *ftext_steal(struct ftext *t);

/* ---- string set (buf.c) --------------------------------------------------
 * Open addressing over FNV-1a; owns copies of its strings. */
struct strset {
    char **slot;
    size_t cap, n;
};

void strset_init(struct strset *s);
bool strset_has(const struct strset *s, const char *key);
/* 1 inserted, 0 already present, -1 ENOMEM. */
int strset_add(struct strset *s, const char *key) ECF_WUR;
void strset_free(struct strset *s);

/* malloc'd copy of s[0..n) with a NUL; NULL on ENOMEM. */
char *fetch_strndup(const char *s, size_t n);
/* ASCII case-insensitive search for needle in hay. */
bool fetch_contains_ci(const char *hay, const char *needle);

/* ---- decoding to UTF-8 (decode.c, nest.c) -------------------------------- */

/* The iconv name for a charset label as browsers read it ("latin1" and
 * "us-ascii" are windows-1252, "gb2312" is GBK, ...) into out[cap]. false
 * (out = "") for NULL, a malformed label, or one iconv does not know. */
bool fetch_charset_name(const char *label, char *out, size_t cap);
/* Converts n bytes in charset name (from fetch_charset_name) to UTF-8; every
 * invalid or truncated sequence becomes U+FFFD. *out is malloc'd and
 * NUL-terminated, at most 3n+64 bytes. FETCH_E_INVALID when iconv does not
 * know name, FETCH_E_NOMEM. */
enum fetch_err fetch_to_utf8(const char *in, size_t n, const char *name, char **out,
                             size_t *out_len) ECF_WUR;
/* The charset of a <meta charset> or <meta http-equiv=content-type> in the
 * first 1024 bytes (HTML5 prescan), as an iconv name into out[cap]. */
bool fetch_html_prescan(const char *s, size_t n, char *out, size_t cap);
/* An HTML page as UTF-8: byte order mark, else charset (the HTTP parameter,
 * may be NULL), else the prescan, else UTF-8 when valid, else windows-1252.
 * *out is malloc'd. FETCH_E_NOMEM, else FETCH_OK. */
enum fetch_err fetch_html_decode(const char *html, size_t n, const char *charset, char **out,
                                 size_t *out_len) ECF_WUR;
/* The encoding named by an XML declaration at the start of s into out[cap]. */
bool fetch_xml_declared(const char *s, size_t n, char *out, size_t cap);
/* A copy of the UTF-8 page s[0..n) for gumbo, *out malloc'd (at most 2n+16
 * bytes): start tags that would nest elements more than 256 deep are deleted
 * (text is kept), "<!---->" goes before every </form>, and the page ends
 * before its start tag number FETCH_HTML_MAX_TAGS + 1. FETCH_E_NOMEM. */
#define FETCH_HTML_MAX_TAGS 100000
enum fetch_err fetch_html_prepare(const char *s, size_t n, char **out, size_t *out_len) ECF_WUR;

/* ---- robots.txt (robots.c) ----------------------------------------------- */

struct robots_rule {
    char *pattern; /* path pattern: '*' any run, trailing '$' anchors */
    bool allow;
};

struct robots {
    struct robots_rule *rules;
    size_t n;
};

/* RFC 9309 asks crawlers to parse at least 500 KiB: the download cap of a
 * robots.txt and the part robots_parse reads. */
#define ROBOTS_MAX_BYTES ((size_t)512 * 1024)

/* Parses robots.txt (RFC 9309) and keeps the rules of the group for agent
 * (a product token, "ecfacts"), or of "*" when no group names it. Only the
 * first ROBOTS_MAX_BYTES are read. Returns false on ENOMEM. */
bool robots_parse(const char *text, size_t n, const char *agent, struct robots *out) ECF_WUR;
/* Whether path (path plus query, starting with '/') may be fetched: the
 * longest matching rule wins, Allow on a tie; no match allows. */
bool robots_allowed(const struct robots *r, const char *path);
void robots_free(struct robots *r);

/* ---- addresses (addr.c) --------------------------------------------------- */

/* Whether sa equals one of the "IP:port" / "[IPv6]:port" entries. */
bool fetch_addr_listed(const struct sockaddr *sa, const char *const *list);
/* Text form of sa ("127.0.0.1" / "::1") into out. */
void fetch_addr_format(const struct sockaddr *sa, char *out, size_t cap);

#endif
