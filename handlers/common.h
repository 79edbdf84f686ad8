/* handlers/common.h — the pieces every resource handler shares. */
#ifndef ECF_HANDLERS_COMMON_H
#define ECF_HANDLERS_COMMON_H

#include <stdbool.h>
#include <stdlib.h>

#include <jansson.h>

#include "handlers/handlers.h"
#include "store/store.h"

/* limit (1..500, default 50) and cursor. */
bool page_params(struct request *rq, struct reply *rp, struct store_page *pg);

/* A list result: 200 page, 400 for a bad cursor, else the store error.
 * Steals items and next. */
void page_reply(struct reply *rp, enum store_err e, json_t *items, char *next);

/* A single record: 200 or the store error (404 naming what). Steals rec. */
void record_reply(struct reply *rp, enum store_err e, json_t *rec, const char *what);

/* GET of one record by the {id} capture: the whole handler for a route whose
 * answer is get's record (404 naming what when there is none). */
void record_get(struct request *rq, struct reply *rp, const char *what,
                enum store_err (*get)(struct store_txn *, const char *, json_t **));

/* GET of an unfiltered paged list: the whole handler for such a route. */
void page_get(struct request *rq, struct reply *rp,
              enum store_err (*list)(struct store_txn *, const struct store_page *, json_t **,
                                     char **));

/* The store's counts in one short read transaction; on failure fills rp. */
bool read_stats(struct request *rq, struct reply *rp, struct store_stats *st);

/* The {id} path capture, checked; an impossible id is a 404 like any unknown id. */
bool capture_id(struct request *rq, struct reply *rp, const char *what, const char **out);

#endif
