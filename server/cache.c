#include "server/cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

#define SHARDS 16

struct entry {
    char *key;
    size_t klen;
    uint64_t gen; /* store generation */
    uint64_t txn;
    struct MHD_Response *resp; /* one reference owned by the cache */
    size_t bytes;
};

struct resp_cache {
    size_t nslots; /* power of two */
    size_t budget;
    atomic_size_t used;
    atomic_uint_fast64_t hits, misses;
    pthread_mutex_t mu[SHARDS];
    struct entry *slots;
};

struct resp_cache *cache_new(size_t slots, size_t budget)
{
    size_t n = 64;
    while (n < slots)
        n <<= 1;
    struct resp_cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->slots = calloc(n, sizeof *c->slots);
    if (!c->slots) {
        free(c);
        return NULL;
    }
    c->nslots = n;
    c->budget = budget;
    for (int i = 0; i < SHARDS; i++)
        pthread_mutex_init(&c->mu[i], NULL);
    return c;
}

static void entry_clear(struct resp_cache *c, struct entry *e)
{
    if (e->resp) {
        MHD_destroy_response(e->resp);
        atomic_fetch_sub(&c->used, e->bytes);
    }
    free(e->key);
    memset(e, 0, sizeof *e);
}

void cache_free(struct resp_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nslots; i++)
        entry_clear(c, &c->slots[i]);
    for (int i = 0; i < SHARDS; i++)
        pthread_mutex_destroy(&c->mu[i]);
    free(c->slots);
    free(c);
}

static size_t slot_of(const struct resp_cache *c, const char *key, size_t klen)
{
    return (size_t)ecf_fnv1a64(key, klen) & (c->nslots - 1);
}

bool cache_serve(struct resp_cache *c, const char *key, size_t klen, uint64_t gen, uint64_t txn,
                 struct MHD_Connection *conn)
{
    size_t i = slot_of(c, key, klen);
    pthread_mutex_t *mu = &c->mu[i % SHARDS];
    bool served = false;
    pthread_mutex_lock(mu);
    struct entry *e = &c->slots[i];
    if (e->resp && e->gen == gen && e->txn == txn && e->klen == klen &&
        memcmp(e->key, key, klen) == 0) {
        /* queued under the lock: an eviction cannot free it meanwhile */
        served = MHD_queue_response(conn, MHD_HTTP_OK, e->resp) == MHD_YES;
    }
    pthread_mutex_unlock(mu);
    atomic_fetch_add_explicit(served ? &c->hits : &c->misses, 1, memory_order_relaxed);
    return served;
}

void cache_put(struct resp_cache *c, const char *key, size_t klen, uint64_t gen, uint64_t txn,
               struct MHD_Response *resp, size_t body_len)
{
    size_t i = slot_of(c, key, klen);
    pthread_mutex_t *mu = &c->mu[i % SHARDS];
    char *k = NULL;
    if (body_len > CACHE_MAX_BODY || klen > CACHE_KEY_MAX || !(k = malloc(klen))) {
        MHD_destroy_response(resp);
        return;
    }
    memcpy(k, key, klen);
    pthread_mutex_lock(mu);
    struct entry *e = &c->slots[i];
    entry_clear(c, e);
    if (atomic_load(&c->used) + body_len > c->budget) {
        pthread_mutex_unlock(mu);
        free(k);
        MHD_destroy_response(resp);
        return;
    }
    *e = (struct entry){
        .key = k, .klen = klen, .gen = gen, .txn = txn, .resp = resp, .bytes = body_len};
    atomic_fetch_add(&c->used, body_len);
    pthread_mutex_unlock(mu);
}

void cache_counts(const struct resp_cache *c, uint64_t *hits, uint64_t *misses, size_t *bytes)
{
    *hits = atomic_load(&c->hits);
    *misses = atomic_load(&c->misses);
    *bytes = atomic_load(&c->used);
}
