#include "server/cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "server/encoding.h"

#define SHARDS 16

struct entry {
    char *key;
    size_t klen;
    uint64_t gen; /* store generation */
    uint64_t txn;
    struct MHD_Response *resp; /* identity; one reference owned by the cache */
    struct MHD_Response *gz;   /* gzip; likewise */
    size_t plain_len, gz_len;  /* bodies' bytes (each counted in used when held) */
    bool any;                  /* resp is the only representation */
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
        atomic_fetch_sub(&c->used, e->plain_len);
    }
    if (e->gz) {
        MHD_destroy_response(e->gz);
        atomic_fetch_sub(&c->used, e->gz_len);
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

static bool entry_is(const struct entry *e, const char *key, size_t klen, uint64_t gen,
                     uint64_t txn)
{
    return (e->resp || e->gz) && e->gen == gen && e->txn == txn && e->klen == klen &&
           memcmp(e->key, key, klen) == 0;
}

bool cache_serve(struct resp_cache *c, const char *key, size_t klen, uint64_t gen, uint64_t txn,
                 bool gzip, struct MHD_Connection *conn)
{
    size_t i = slot_of(c, key, klen);
    pthread_mutex_t *mu = &c->mu[i % SHARDS];
    bool served = false;
    size_t plain_len = 0, gz_len = 0;
    pthread_mutex_lock(mu);
    struct entry *e = &c->slots[i];
    if (entry_is(e, key, klen, gen, txn)) {
        /* queued under the lock: an eviction cannot free it meanwhile */
        struct MHD_Response *r = gzip && e->gz ? e->gz : (!gzip || e->any) ? e->resp : NULL;
        if (r)
            served = MHD_queue_response(conn, MHD_HTTP_OK, r) == MHD_YES;
        if (served && r == e->gz) {
            plain_len = e->plain_len;
            gz_len = e->gz_len;
        }
    }
    pthread_mutex_unlock(mu);
    atomic_fetch_add_explicit(served ? &c->hits : &c->misses, 1, memory_order_relaxed);
    if (gz_len)
        encoding_count(plain_len, gz_len);
    return served;
}

void cache_put(struct resp_cache *c, const char *key, size_t klen, uint64_t gen, uint64_t txn,
               struct MHD_Response *resp, enum cache_coding coding, size_t body_len,
               size_t plain_len)
{
    size_t i = slot_of(c, key, klen);
    pthread_mutex_t *mu = &c->mu[i % SHARDS];
    char *k = NULL;
    if (plain_len > CACHE_MAX_BODY || klen > CACHE_KEY_MAX || !(k = malloc(klen))) {
        MHD_destroy_response(resp);
        return;
    }
    memcpy(k, key, klen);
    pthread_mutex_lock(mu);
    struct entry *e = &c->slots[i];
    if (entry_is(e, key, klen, gen, txn)) {
        free(k);
    } else {
        entry_clear(c, e);
        *e = (struct entry){.key = k, .klen = klen, .gen = gen, .txn = txn};
    }
    /* The same answer's other representation joins it; one it already
     * holds (two misses raced) stays. */
    struct MHD_Response **slot = coding == CACHE_GZIP ? &e->gz : &e->resp;
    if (*slot || atomic_load(&c->used) + body_len > c->budget) {
        bool empty = !e->resp && !e->gz;
        if (empty) {
            free(e->key);
            memset(e, 0, sizeof *e);
        }
        pthread_mutex_unlock(mu);
        MHD_destroy_response(resp);
        return;
    }
    *slot = resp;
    if (coding == CACHE_GZIP) {
        e->gz_len = body_len;
    } else {
        e->any = coding == CACHE_ANY;
    }
    e->plain_len = plain_len;
    atomic_fetch_add(&c->used, body_len);
    pthread_mutex_unlock(mu);
}

void cache_counts(const struct resp_cache *c, uint64_t *hits, uint64_t *misses, size_t *bytes)
{
    *hits = atomic_load(&c->hits);
    *misses = atomic_load(&c->misses);
    *bytes = atomic_load(&c->used);
}
