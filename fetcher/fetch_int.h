/* fetcher/fetch_int.h — helpers shared by the fetcher's files; not public. */
#ifndef ECF_FETCHER_FETCH_INT_H
#define ECF_FETCHER_FETCH_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fetcher/fetch.h"

#define FETCH_URL_MAX 4096

/* ---- capped growable buffer (buf.c) --------------------------------------
 * The hard cap is fixed at creation: input never grows it past max bytes
 * (plus the NUL kept after the data). */
struct fbuf {
    char *p; /* NUL-terminated when non-NULL */
    size_t len, alloc, max;
    bool full; /* an append was refused for the cap */
};

void fbuf_init(struct fbuf *b, size_t max);
/* false on ENOMEM or when the cap would be exceeded (then b->full is set and
 * nothing is appended). */
bool fbuf_append(struct fbuf *b, const void *data, size_t n) ECF_WUR;
void fbuf_reset(struct fbuf *b); /* len = 0, keeps memory */
void fbuf_free(struct fbuf *b);
/* Hands the data over as a malloc'd string ("" when empty); NULL on ENOMEM. */
char *fbuf_steal(struct fbuf *b);

/* ---- text with whitespace normalised (buf.c) -----------------------------
 * Appends words separated by single spaces and paragraphs separated by one
 * blank line: runs of ASCII whitespace and U+00A0 collapse; nothing leads or
 * trails. */
struct ftext {
    struct fbuf b;
    bool pending_space; /* a space before the next word */
    bool pending_par;   /* a paragraph break before the next word */
};

void ftext_init(struct ftext *t, size_t max);
bool ftext_add(struct ftext *t, const char *s, size_t n) ECF_WUR;
void ftext_break(struct ftext *t); /* paragraph break */
void ftext_space(struct ftext *t); /* word break */

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

/* ---- robots.txt (robots.c) ----------------------------------------------- */

struct robots_rule {
    char *pattern; /* path pattern: '*' any run, trailing '$' anchors */
    bool allow;
};

struct robots {
    struct robots_rule *rules;
    size_t n;
};

/* Parses robots.txt (RFC 9309) and keeps the rules of the group for agent
 * (a product token, "ecfacts"), or of "*" when no group names it. Only the
 * first 512 KiB are read. Returns false on ENOMEM. */
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
