/* app/pipeline.h — the one path from article text to the store, shared by
 * `ecfacts ingest`, POST /v1/articles and the embedded sample loader:
 * validate, extract, store in one transaction. */
#ifndef ECF_APP_PIPELINE_H
#define ECF_APP_PIPELINE_H

#include "common/compiler.h"

#include <stdbool.h>
#include <stddef.h>

#include "extractor/extract.h"
#include "store/store.h"

enum pipeline_err {
    PL_OK = 0,
    PL_E_UTF8,    /* the text is not UTF-8 */
    PL_E_EMPTY,   /* nothing but whitespace */
    PL_E_TOOBIG,  /* over EX_MAX_TEXT */
    PL_E_ID,      /* the id is not [A-Za-z0-9._-]{1,127} */
    PL_E_EXTRACT, /* the extractor failed (out of memory) */
    PL_E_STORE    /* see *serr */
};

/* The extractor built from the embedded gazetteer and rules, with the parse
 * layer (embedded frames) only when parse is true (`--no-parse`).
 * Link Grammar's dictionary is looked for in $ECFACTS_LG_DATA when set, else
 * in the library's default place; when it cannot be loaded this fails
 * (EX_E_DATA) with errbuf saying where it looked and how to run without the
 * layer: a missing dictionary is a start-up error, never a silent downgrade. */
enum ex_err pipeline_extractor_new(bool parse, struct extractor **out, char *errbuf,
                                   size_t cap) ECF_WUR;

/* Whether id is a valid article id: a record id (keys_valid_id) that does
 * not start with '.'. */
bool pipeline_id_valid(const char *id);

/* Derives an article id from a file path: the base name without its last
 * extension, with characters outside [A-Za-z0-9._-] replaced by '-'. A name
 * with non-ASCII (UTF-8) bytes gets each run of them as one '-' and
 * "h-" + 12 hex digits of the name's SHA-256 appended, so distinct names
 * give distinct, stable ids. cap >= 17. */
void pipeline_id_from_path(const char *path, char *out, size_t cap);

/* Longest stored title, in bytes (cut at a UTF-8 character boundary). */
#define PIPELINE_TITLE_MAX 300

/* The title of text[0..len) into out[cap]: the first line that is not blank
 * (a leading BOM skipped; LF, CRLF and CR end lines; spaces and tabs
 * trimmed), cut to PIPELINE_TITLE_MAX bytes at a character boundary. Also
 * caps a given title (its first line). "" when there is none. */
void pipeline_title(const char *text, size_t len, char *out, size_t cap);

/* The store's record of r (what store_ingest takes): arrays allocated in
 * *out, strings and aliases borrowed from r, which must outlive it. Free
 * with pipeline_record_free. false when out of memory (*out then empty). */
bool pipeline_record(const struct ex_result *r, struct store_record *out) ECF_WUR;
void pipeline_record_free(struct store_record *rec);

/* Extracts a->text and stores it. *res (if non-NULL) receives the extraction
 * (caller frees with ex_result_free), also for duplicates. errbuf explains any
 * failure in one line that names the article. */
enum pipeline_err pipeline_ingest(struct store *s, const struct extractor *x,
                                  const struct store_article *a, struct store_ingest_info *info,
                                  struct ex_result **res, enum store_err *serr, char *errbuf,
                                  size_t cap) ECF_WUR;

/* Ingests every embedded sample article; returns how many failed. */
size_t pipeline_load_samples(struct store *s, const struct extractor *x, size_t *loaded);

#endif
