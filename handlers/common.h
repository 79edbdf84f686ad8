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

/* The opening of a Page answer ({"items":) in b, before a store list
 * appends the array; page_reply closes it. */
void page_open(struct jbuf *b);

/* A list result: 200 page, else the store error (a bad cursor is a 400).
 * b holds page_open's text and the items array; takes b's text and next. */
void page_reply(struct reply *rp, enum store_err e, struct jbuf *b, char *next);

/* A single record in b: 200 or the store error (404 naming what). Takes b's text. */
void record_reply(struct reply *rp, enum store_err e, struct jbuf *b, const char *what);

/* GET of one record by the {id} capture: the whole handler for a route whose
 * answer is get's record (404 naming what when there is none). */
void record_get(struct request *rq, struct reply *rp, const char *what,
                enum store_err (*get)(struct store_txn *, const char *, struct jbuf *));

/* GET of an unfiltered paged list: the whole handler for such a route. */
void page_get(struct request *rq, struct reply *rp,
              enum store_err (*list)(struct store_txn *, const struct store_page *, struct jbuf *,
                                     char **));

/* A paged list filtered by filter (the store_*_filter list's own): one
 * read transaction and the Page answer, once the handler has read its
 * parameters. list is a wrapper of the store's typed list function. */
typedef enum store_err (*page_list_fn)(struct store_txn *t, const void *filter,
                                       const struct store_page *pg, struct jbuf *items,
                                       char **next);
void page_run(struct request *rq, struct reply *rp, page_list_fn list, const void *filter,
              const struct store_page *pg);

/* Defines name_list, the page_list_fn of store_name_list and its filter type. */
#define PAGE_LIST_FN(name, filter_type)                                                            \
    static enum store_err name##_list(struct store_txn *t, const void *f,                          \
                                      const struct store_page *pg, struct jbuf *b, char **next)    \
    {                                                                                              \
        return store_##name##_list(t, (const struct filter_type *)f, pg, b, next);                 \
    }

/* The store's counts in one short read transaction; on failure fills rp. */
bool read_stats(struct request *rq, struct reply *rp, struct store_stats *st);

/* The {id} path capture, checked; an impossible id is a 404 like any unknown id. */
bool capture_id(struct request *rq, struct reply *rp, const char *what, const char **out);

#endif
