/* server/metrics.h — request counters by route and status, a latency
 * histogram per route and connection counters, updated lock-free from
 * request threads and rendered in the Prometheus text format. */
#ifndef ECF_SERVER_METRICS_H
#define ECF_SERVER_METRICS_H

#include <stddef.h>

#include "store/store.h"

struct metrics;

/* nslots routes plus one slot for requests that matched none. */
struct metrics *metrics_new(size_t nslots);
void metrics_free(struct metrics *m);

void metrics_observe(struct metrics *m, size_t slot, unsigned status, double seconds);

/* One connection closed by the header deadline (--header-timeout). */
void metrics_count_header_timeout(struct metrics *m);

/* A replica's data.mdb was rewritten in place rather than renamed over. */
void metrics_count_inplace_rewrite(struct metrics *m);

/* Renders everything (and the store figures, when st is non-NULL) as a
 * malloc'd text; *len receives its length. NULL on ENOMEM (or past a 1 MiB cap). */
struct resp_cache;
char *metrics_render(struct metrics *m, const struct store_stats *st, const struct resp_cache *c,
                     size_t *len);

#endif
