/* server/fetchd.h — the server's fetch thread. It polls the sources file at
 * start and every --fetch-interval, and runs the fetches queued by
 * POST /v1/fetch as jobs. Network I/O happens only in this thread, never in
 * request threads. Jobs live in memory: the last FETCHD_JOBS are kept. */
#ifndef ECF_SERVER_FETCHD_H
#define ECF_SERVER_FETCHD_H

#include "common/compiler.h"

#include <jansson.h>

#define FETCHD_JOBS   1024 /* jobs remembered */
#define FETCHD_QUEUE  1000 /* jobs waiting at most */
#define FETCHD_ID_MAX 24

struct app;
struct fetchd;

enum fetchd_err { FETCHD_OK = 0, FETCHD_E_FULL, FETCHD_E_NOMEM, FETCHD_E_THREAD };

/* Starts the thread. app is borrowed and must outlive fetchd_stop(). */
enum fetchd_err fetchd_start(struct app *app, struct fetchd **out) ECF_WUR;

/* Cancels a running fetch (within ~100 ms), stops the thread, frees. */
void fetchd_stop(struct fetchd *f);

/* Queues url (already checked to be http(s)); id receives "j-<n>". The job as
 * JSON (docs/API.md "Job") goes to *job (new reference) when non-NULL. */
enum fetchd_err fetchd_submit(struct fetchd *f, const char *url, char id[FETCHD_ID_MAX],
                              json_t **job) ECF_WUR;

/* A job as JSON (new reference), or NULL when unknown or forgotten. */
json_t *fetchd_job(struct fetchd *f, const char *id);

#endif
