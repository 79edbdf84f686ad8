/* fetcher/transfer.h — one HTTP transfer on a libcurl easy handle: the safe
 * option set, the address check at connect time, the capped body, and the
 * translation of CURLcode + status into fetch_err. CURLcode stays in here
 * and in the engine's files (engine*.c); nothing outside fetcher/ sees it. */
#ifndef ECF_FETCHER_TRANSFER_H
#define ECF_FETCHER_TRANSFER_H

#include <curl/curl.h>

#include "fetcher/fetch_int.h"

struct xfer {
    CURL *easy;              /* borrowed from the engine's pool */
    struct curl_slist *hdrs; /* owned */
    struct jbuf body;        /* decoded body, capped */
    bool truncate;           /* keep the first cap bytes instead of failing */
    bool truncated;          /* ...and the transfer was stopped there */
    bool too_big, nomem;
    bool addr_refused;
    char refused[128]; /* "127.0.0.1 is loopback" */
    char errbuf[CURL_ERROR_SIZE];
    const struct fetch_settings *s;
    uint64_t *bytes; /* progress counter to add received bytes to */
};

/* Prepares x on easy for url: every option of the safety policy, the
 * conditional-GET headers from v (may be NULL), a body cap of cap bytes.
 * FETCH_E_NOMEM or FETCH_E_INVALID (an option refused). */
enum fetch_err xfer_setup(struct xfer *x, CURL *easy, const struct fetch_settings *s,
                          const char *url, const struct fetch_validators *v, size_t cap,
                          bool truncate, uint64_t *bytes) ECF_WUR;

struct xfer_result {
    enum fetch_err err;  /* FETCH_OK for 2xx and 304 */
    bool retry;          /* a transient failure (timeout, connection, 5xx, 429) */
    bool not_modified;   /* 304 */
    long status;         /* last HTTP status, 0 if none */
    long retry_after_ms; /* from Retry-After, -1 if none */
    char msg[FETCH_ERRMSG_MAX];
};

/* Classifies a finished transfer. */
void xfer_classify(struct xfer *x, CURLcode rc, struct xfer_result *r);

/* Value of a response header of the final response, or "" (borrowed from
 * the handle, valid until the next transfer on it). */
const char *xfer_header(struct xfer *x, const char *name);

/* Releases the headers and body; the easy handle stays with its owner. */
void xfer_cleanup(struct xfer *x);

#endif
