/* server/encoding.h — content codings: which answers may be sent gzip'd, what
 * a client's Accept-Encoding allows (RFC 9110 section 12.5.3), and the
 * compression itself (zlib). Pure functions but for the process-wide counters
 * that /metrics shows. reply.c decides per response; cache.c keeps both
 * representations. */
#ifndef ECF_SERVER_ENCODING_H
#define ECF_SERVER_ENCODING_H

#include "common/compiler.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bodies shorter than this are sent as they are: a gzip header and trailer
 * cost 18 bytes, and under ~1 KB the saving is lost in the packet anyway. */
#define ENCODING_MIN_BODY 1024

/* zlib level: bench/gzip/levels.py on the sample data's answers (a 50-fact
 * page, an entity, the API contract). Each compressed body is kept in the
 * response cache, so the ratio is worth more than the time. */
#define ENCODING_GZIP_LEVEL 6

/* What one or more Accept-Encoding field values say, as q-values in
 * thousandths (0–1000); -1 where the coding is not named. */
struct accept_encoding {
    int gzip; /* "gzip" or "x-gzip" */
    int identity;
    int star; /* "*": any coding not named */
};

/* Starts with nothing named (what a request without the header says). */
void encoding_accept_init(struct accept_encoding *ae);

/* Adds one field value (a comma list of codings with parameters). Names are
 * case-insensitive; an element with a malformed q-value or trailing junk is
 * ignored; a coding named twice keeps its first q-value. */
void encoding_accept_parse(struct accept_encoding *ae, const char *value);

/* Should the answer be gzip'd? Only when gzip is acceptable (q > 0, named or
 * through "*") and not less preferred than identity. No header at all, or an
 * empty one, means identity. */
bool encoding_accept_gzip(const struct accept_encoding *ae);

/* Is a body of this Content-Type worth compressing (JSON, HTML, CSS,
 * JavaScript, YAML, SVG, plain text)? Parameters such as charset are
 * ignored; problem+json is not (error answers are small and not worth CPU). */
bool encoding_negotiable(const char *content_type);

/* gzip of in[0..len) at ENCODING_GZIP_LEVEL into *out (malloc'd, the
 * caller frees) and *outlen. Returns false (and *out NULL) when memory ran
 * out or the result would not be smaller than the input. */
bool encoding_gzip(const char *in, size_t len, char **out, size_t *outlen) ECF_WUR;

/* Counts one gzip'd answer sent (for /metrics): its plain and sent sizes. */
void encoding_count(size_t plain_len, size_t gzip_len);

/* gzip'd answers sent, and the bytes they saved, since start. */
void encoding_counts(uint64_t *responses, uint64_t *saved);

#endif
