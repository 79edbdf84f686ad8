/* app/fetchglue.h — the fetcher's callbacks bound to the store and the
 * extractor, shared by `ecfacts fetch` and the server's fetch thread:
 * validators come from and go to LMDB, each fetched article goes through
 * the ingest pipeline (one transaction, with its URL and HTTP metadata as
 * provenance), each source's outcome is recorded for GET /v1/sources. */
#ifndef ECF_APP_FETCHGLUE_H
#define ECF_APP_FETCHGLUE_H

#include <stdio.h>

#include "fetcher/fetch.h"
#include "store/store.h"

struct fetchglue {
    struct store *store;
    const struct extractor *x;
    /* Optional: called after each source is recorded (CLI output, job results). */
    void (*on_source)(void *user, const struct fetch_source_report *r);
    void (*on_progress)(void *user, const struct fetch_progress *p);
    void *user;
    /* Totals over the run. */
    size_t stored, duplicates, unchanged, failed, errors;
    /* The first store failure that should stop the run (map full), or STORE_OK. */
    enum store_err fatal;
};

/* Callbacks for fetch_engine_new() with g as their user pointer. */
void fetchglue_callbacks(struct fetchglue *g, struct fetch_callbacks *cb);

/* Ingests a local file or a directory of *.txt / *.html / *.htm files the way
 * a fetched page is (HTML goes through fetch_html_extract). Reports each file
 * as a source through g->on_source. Returns the number of failures. */
size_t fetchglue_local(struct fetchglue *g, const char *path);

/* Fetch settings from the configuration (allow-private, allow-addr, host
 * delay, retries); *addrs receives the allow_addrs array the settings
 * borrow: free it with free() after the engine is freed. */
struct config;
void fetchglue_settings(const struct config *c, struct fetch_settings *fs, char ***addrs);

/* Article id for a fetched URL: "u-" + 16 hex digits of its SHA-256. */
void fetchglue_url_id(const char *url, char out[24]);

#endif
