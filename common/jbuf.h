/* common/jbuf.h — a growing byte buffer, optionally capped (curl's dynbuf
 * toobig), for building JSON text and gathering input, and a scanner
 * for members of a compact JSON object. The store writes its answers here by
 * splicing the stored records' bytes (records are compact JSON in the API's
 * key order), so a read never parses and re-serialises them.
 *
 * Errors are sticky (the knot_lmdb model): once an allocation fails every
 * further append is a no-op and b->failed stays true, so builders are
 * straight-line code checked once at the end. */
#ifndef ECF_COMMON_JBUF_H
#define ECF_COMMON_JBUF_H

#include <stdbool.h>
#include <stddef.h>

struct jbuf {
    char *p;    /* malloc'd, NUL-terminated when non-NULL; owned */
    size_t len; /* bytes of text, without the NUL */
    size_t cap;
    bool failed;   /* an append failed (memory, or over toobig): the text is incomplete */
    size_t toobig; /* 0: no cap; else len stays below it, a larger append fails */
    bool over;     /* an append was refused: it would have reached toobig */
};

#define JBUF_INIT                                                                                  \
    {                                                                                              \
        NULL, 0, 0, false, 0, false                                                                \
    }

/* An empty buffer whose text never reaches toobig bytes (curl's
 * Curl_dyn_init): an append that would fails, sets over and failed, and
 * leaves the text as it was. For anything that grows from input. */
void jbuf_init_max(struct jbuf *b, size_t toobig);

/* Appends p[0..n) whole or not at all, and unlike jbuf_put an append
 * refused for toobig does not fail the buffer: it returns false and sets
 * over, failed stays false, and a later, smaller append may still fit (text
 * gathered up to a cap and kept, as the fetcher's page text is). false with
 * failed set when memory runs out or b had failed before. */
bool jbuf_put_fit(struct jbuf *b, const void *p, size_t n);

/* Frees the text; b is empty again, its toobig kept. */
void jbuf_free(struct jbuf *b);
/* Makes room for n more bytes (sticky failure). */
bool jbuf_reserve(struct jbuf *b, size_t n);
void jbuf_put(struct jbuf *b, const void *p, size_t n);
void jbuf_putc(struct jbuf *b, char c);
void jbuf_puts(struct jbuf *b, const char *s);
/* Appends printf-formatted text, whole or not at all (sticky failure; over
 * toobig is refused as jbuf_put refuses it). */
void jbuf_printf(struct jbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s[0..n) as a JSON string literal, escaped exactly as jansson's compact dump
 * does (", \, \b \f \n \r \t, other controls as \u00XX; UTF-8 passes as is),
 * so spliced and jansson-serialised answers are byte-identical. */
void jbuf_put_jstr(struct jbuf *b, const char *s, size_t n);
/* Drops the text after the first len bytes (len <= b->len). */
void jbuf_truncate(struct jbuf *b, size_t len);
/* Hands the text (NUL-terminated) to the caller and resets b; NULL (and b
 * freed) when an append failed. *len receives its length. */
char *jbuf_steal(struct jbuf *b, size_t *len);

/* The raw bytes of the value of top-level member key of the JSON object
 * text o[0..n): *v points into o, *vn is its length (a string value keeps its
 * quotes). Returns false when the member is absent or o is not a
 * well-nested object (a corrupt record): the scan never reads outside o. */
bool jraw_member(const char *o, size_t n, const char *key, const char **v, size_t *vn);

/* One pass over the object for several members: for each keys[i] (i < nk)
 * found, v[i]/vn[i] are set as jraw_member would; absent ones get vn[i] = 0.
 * Returns false on a malformed object (then no output is meaningful). */
bool jraw_members(const char *o, size_t n, const char *const *keys, size_t nk, const char **v,
                  size_t *vn);

/* The number of elements of the JSON array text a[0..n), or (size_t)-1 when
 * its structure is not one array: brackets, strings and separators are
 * checked as jraw_members checks them, not the tokens themselves ("[tru]"
 * counts 1), nor whether "{...]" pairs match. For records jansson wrote. */
size_t jraw_array_len(const char *a, size_t n);

/* Whether o[0..n) looks like a JSON object: '{' ... '}' (no full
 * validation; records are written by jansson). */
bool jraw_is_object(const char *o, size_t n);

#endif
