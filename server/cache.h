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
 * CACHE_MAX_BODY and anything beyond the byte budget are not cached.
 *
 * An entry holds up to two representations of one answer, identity and
 * gzip (server/encoding.h), each stored when a client first asks for it:
 * compressing at put time would cost every miss of a client that never
 * wants gzip (bench/gzip measures both costs). */
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

/* Which representation a stored response is. */
enum cache_coding {
    CACHE_IDENTITY, /* identity body of an answer that has a gzip one too */
    CACHE_ANY,      /* the answer's only representation: every client gets it */
    CACHE_GZIP,     /* the gzip representation */
};

/* Queues the cached response for key on conn when there is a valid one in
 * the representation the client takes (gzip: it accepts gzip, reply.h).
 * Returns true when it did (the request is answered with 200). */
bool cache_serve(struct resp_cache *c, const char *key, size_t klen, uint64_t gen, uint64_t txn,
                 bool gzip, struct MHD_Connection *conn);

/* Stores resp (taking over the caller's reference) for key as its coding
 * representation, beside the other one when the entry holds the same
 * answer; body_len (the bytes sent) counts against the budget, plain_len is
 * the identity length (for the bytes-saved count). When it is not kept, the
 * reference is released. */
void cache_put(struct resp_cache *c, const char *key, size_t klen, uint64_t gen, uint64_t txn,
               struct MHD_Response *resp, enum cache_coding coding, size_t body_len,
               size_t plain_len);

/* Hits and misses since start (for /metrics). */
void cache_counts(const struct resp_cache *c, uint64_t *hits, uint64_t *misses, size_t *bytes);

#endif
