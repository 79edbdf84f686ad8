#include "server/metrics.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/jbuf.h"
#include "server/cache.h"
#include "server/encoding.h"
#include "server/router.h"

static const unsigned statuses[] = {200, 201, 202, 204, 304, 400, 401, 404, 405, 409,
                                    411, 413, 414, 415, 431, 499, 500, 503, 507};
#define NSTATUS      (sizeof statuses / sizeof statuses[0])
#define OTHER_STATUS NSTATUS /* anything else */

static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                 0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
#define NBUCKETS (sizeof buckets / sizeof buckets[0])

/* The rendered text's cap: some 30 lines of under 150 bytes per route,
 * under 100 KB for the whole table. */
#define METRICS_TEXT_MAX ((size_t)1 << 20)

struct slot {
    atomic_ulong by_status[NSTATUS + 1];
    atomic_ulong bucket[NBUCKETS + 1]; /* last: +Inf */
    atomic_ulong sum_us;
};

struct metrics {
    size_t nslots;
    atomic_ulong header_timeouts;  /* connections shut for a late header block */
    atomic_ulong inplace_rewrites; /* replica: data.mdb rewritten under its mapping */
    struct slot slots[];
};

struct metrics *metrics_new(size_t nslots)
{
    struct metrics *m = calloc(1, sizeof *m + (nslots + 1) * sizeof(struct slot));
    if (m)
        m->nslots = nslots;
    return m;
}

void metrics_free(struct metrics *m)
{
    free(m);
}

void metrics_count_header_timeout(struct metrics *m)
{
    atomic_fetch_add_explicit(&m->header_timeouts, 1, memory_order_relaxed);
}

void metrics_count_inplace_rewrite(struct metrics *m)
{
    atomic_fetch_add_explicit(&m->inplace_rewrites, 1, memory_order_relaxed);
}

void metrics_observe(struct metrics *m, size_t slot, unsigned status, double seconds)
{
    if (slot > m->nslots)
        slot = m->nslots;
    struct slot *s = &m->slots[slot];
    size_t si = OTHER_STATUS;
    for (size_t i = 0; i < NSTATUS; i++) {
        if (statuses[i] == status)
            si = i;
    }
    atomic_fetch_add_explicit(&s->by_status[si], 1, memory_order_relaxed);
    size_t b = 0;
    while (b < NBUCKETS && seconds > buckets[b])
        b++;
    atomic_fetch_add_explicit(&s->bucket[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->sum_us, (unsigned long)(seconds * 1e6), memory_order_relaxed);
}

static const char *slot_name(const struct metrics *m, size_t i)
{
    return i < m->nslots ? router_routes[i].pattern : "unmatched";
}

char *metrics_render(struct metrics *m, const struct store_stats *st, const struct resp_cache *c,
                     size_t *len)
{
    struct jbuf o;
    jbuf_init_max(&o, METRICS_TEXT_MAX);
    jbuf_printf(&o,
                "# HELP ecfacts_http_requests_total HTTP requests answered, by route and status.\n"
                "# TYPE ecfacts_http_requests_total counter\n");
    for (size_t i = 0; i <= m->nslots; i++) {
        for (size_t k = 0; k <= NSTATUS; k++) {
            unsigned long v = atomic_load_explicit(&m->slots[i].by_status[k], memory_order_relaxed);
            if (!v)
                continue;
            if (k < NSTATUS)
                jbuf_printf(&o, "ecfacts_http_requests_total{route=\"%s\",status=\"%u\"} %lu\n",
                            slot_name(m, i), statuses[k], v);
            else
                jbuf_printf(&o, "ecfacts_http_requests_total{route=\"%s\",status=\"other\"} %lu\n",
                            slot_name(m, i), v);
        }
    }
    jbuf_printf(
        &o, "# HELP ecfacts_http_request_duration_seconds Time from request headers to response "
            "queued.\n"
            "# TYPE ecfacts_http_request_duration_seconds histogram\n");
    for (size_t i = 0; i <= m->nslots; i++) {
        unsigned long cum = 0;
        struct slot *s = &m->slots[i];
        for (size_t b = 0; b <= NBUCKETS; b++)
            cum += atomic_load_explicit(&s->bucket[b], memory_order_relaxed);
        if (!cum)
            continue;
        cum = 0;
        for (size_t b = 0; b <= NBUCKETS; b++) {
            cum += atomic_load_explicit(&s->bucket[b], memory_order_relaxed);
            if (b < NBUCKETS)
                jbuf_printf(
                    &o,
                    "ecfacts_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %lu\n",
                    slot_name(m, i), buckets[b], cum);
            else
                jbuf_printf(
                    &o,
                    "ecfacts_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %lu\n",
                    slot_name(m, i), cum);
        }
        jbuf_printf(&o, "ecfacts_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n",
                    slot_name(m, i),
                    (double)atomic_load_explicit(&s->sum_us, memory_order_relaxed) / 1e6);
        jbuf_printf(&o, "ecfacts_http_request_duration_seconds_count{route=\"%s\"} %lu\n",
                    slot_name(m, i), cum);
    }
    jbuf_printf(&o,
                "# HELP ecfacts_http_header_timeouts_total Connections closed because a request "
                "header block did not arrive within --header-timeout.\n"
                "# TYPE ecfacts_http_header_timeouts_total counter\n"
                "ecfacts_http_header_timeouts_total %lu\n",
                atomic_load_explicit(&m->header_timeouts, memory_order_relaxed));
    jbuf_printf(&o,
                "# HELP ecfacts_snapshot_inplace_rewrites_total Times a replica's data.mdb was "
                "rewritten in place (same inode) instead of replaced by a rename.\n"
                "# TYPE ecfacts_snapshot_inplace_rewrites_total counter\n"
                "ecfacts_snapshot_inplace_rewrites_total %lu\n",
                atomic_load_explicit(&m->inplace_rewrites, memory_order_relaxed));
    if (st) {
        jbuf_printf(&o,
                    "# HELP ecfacts_store_bytes Bytes of the LMDB map in use.\n"
                    "# TYPE ecfacts_store_bytes gauge\necfacts_store_bytes %llu\n"
                    "# HELP ecfacts_store_map_bytes Configured LMDB map size.\n"
                    "# TYPE ecfacts_store_map_bytes gauge\necfacts_store_map_bytes %llu\n",
                    (unsigned long long)st->used_bytes, (unsigned long long)st->map_size);
        jbuf_printf(&o,
                    "# HELP ecfacts_articles Articles stored.\n# TYPE ecfacts_articles gauge\n"
                    "ecfacts_articles %llu\n"
                    "# HELP ecfacts_entities Entities stored.\n# TYPE ecfacts_entities gauge\n"
                    "ecfacts_entities %llu\n"
                    "# HELP ecfacts_facts Facts stored.\n# TYPE ecfacts_facts gauge\n"
                    "ecfacts_facts %llu\n"
                    "# HELP ecfacts_sanctions Sanctions stored.\n# TYPE ecfacts_sanctions gauge\n"
                    "ecfacts_sanctions %llu\n",
                    (unsigned long long)st->articles, (unsigned long long)st->entities,
                    (unsigned long long)st->facts, (unsigned long long)st->sanctions);
    }
    if (c) {
        uint64_t hits, misses;
        size_t bytes;
        cache_counts(c, &hits, &misses, &bytes);
        jbuf_printf(&o,
                    "# HELP ecfacts_cache_hits_total Requests answered from the response cache.\n"
                    "# TYPE ecfacts_cache_hits_total counter\necfacts_cache_hits_total %llu\n"
                    "# HELP ecfacts_cache_misses_total Cacheable requests that had to be built.\n"
                    "# TYPE ecfacts_cache_misses_total counter\necfacts_cache_misses_total %llu\n"
                    "# HELP ecfacts_cache_bytes Bytes of responses held by the cache.\n"
                    "# TYPE ecfacts_cache_bytes gauge\necfacts_cache_bytes %zu\n",
                    (unsigned long long)hits, (unsigned long long)misses, bytes);
    }
    uint64_t gz_responses, gz_saved;
    encoding_counts(&gz_responses, &gz_saved);
    jbuf_printf(&o,
                "# HELP ecfacts_gzip_responses_total Answers sent gzip'd (Accept-Encoding), HEADs "
                "too.\n"
                "# TYPE ecfacts_gzip_responses_total counter\necfacts_gzip_responses_total %llu\n"
                "# HELP ecfacts_gzip_saved_bytes_total Bytes gzip saved on those answers.\n"
                "# TYPE ecfacts_gzip_saved_bytes_total counter\necfacts_gzip_saved_bytes_total "
                "%llu\n",
                (unsigned long long)gz_responses, (unsigned long long)gz_saved);
    return jbuf_steal(&o, len); /* NULL when an append failed */
}
