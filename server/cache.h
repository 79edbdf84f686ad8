/* server/cache.h — rendered 200 responses, reused while the store has not
 * changed. An entry is valid for one store generation (holder_generation,
 * never reused: store addresses are, and every compacted snapshot has
 * transaction id 1) and one LMDB transaction id: an entry is filed under the
 * id of the snapshot its answer was read from (store_txn_id) and served only
 * while store_last_txn() still equals it, so any write, by this process or
 * another, makes every older entry a miss, and so does a snapshot swap. The
 * cached MHD response object is queued as is (MHD counts its references),
 * so a hit costs a hash, a lock and MHD_queue_response: no LMDB read, no
 * JSON. Direct-mapped: a colliding entry replaces the older one; bodies over
 * CACHE_MAX_BODY and anything beyond the byte budget are not cached. */
#ifndef ECF_SERVER_CACHE_H
#define ECF_SERVER_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <microhttpd.h>

#define CACHE_KEY_MAX  4608
#define CACHE_MAX_BODY (256u * 1024u)

struct resp_cache;

/* slots: entries (a power of two is rounded up to); budget: bytes of bodies. */
struct resp_cache *cache_new(size_t slots, size_t budget);
void cache_free(struct resp_cache *c);

/* Queues the cached response for key on conn when there is a valid one.
 * Returns true when it did (the request is answered with 200). */
bool cache_serve(struct resp_cache *c, const char *key, size_t klen, uint64_t gen, uint64_t txn,
                 struct MHD_Connection *conn);

/* Stores resp (taking over the caller's reference) for key; body_len counts
 * against the budget. When it is not kept, the reference is released. */
void cache_put(struct resp_cache *c, const char *key, size_t klen, uint64_t gen, uint64_t txn,
               struct MHD_Response *resp, size_t body_len);

/* Hits and misses since start (for /metrics). */
void cache_counts(const struct resp_cache *c, uint64_t *hits, uint64_t *misses, size_t *bytes);

#endif
