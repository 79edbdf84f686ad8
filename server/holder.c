#include "server/holder.h"

#include <pthread.h>
#include <stdlib.h>

#include "store/store.h"

struct holder_ref {
    struct store *s;
    uint64_t gen;
    unsigned users; /* requests holding it, plus one while it is current */
};

struct store_holder {
    pthread_mutex_t mu;
    struct holder_ref *cur; /* NULL after holder_retire */
    uint64_t gen;           /* of the last store installed */
    unsigned draining;      /* replaced refs not yet closed */
};

static struct holder_ref *ref_new(struct store_holder *h, struct store *s)
{
    struct holder_ref *r = calloc(1, sizeof *r);
    if (r) {
        r->s = s;
        r->users = 1; /* the holder's own reference while current */
        r->gen = ++h->gen;
    }
    return r;
}

static void ref_close(struct holder_ref *r)
{
    store_close(r->s);
    free(r);
}

struct store_holder *holder_new(struct store *s)
{
    struct store_holder *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->cur = ref_new(h, s);
    if (!h->cur) {
        free(h);
        return NULL;
    }
    pthread_mutex_init(&h->mu, NULL);
    return h;
}

void holder_free(struct store_holder *h)
{
    if (!h)
        return;
    if (h->cur)
        ref_close(h->cur);
    pthread_mutex_destroy(&h->mu);
    free(h);
}

struct store *holder_acquire(struct store_holder *h, struct holder_ref **ref)
{
    pthread_mutex_lock(&h->mu);
    struct holder_ref *r = h->cur;
    if (r)
        r->users++;
    pthread_mutex_unlock(&h->mu);
    *ref = r;
    return r ? r->s : NULL;
}

/* Drops one reference under h->mu; true when r must now be closed. */
static bool unref_locked(struct store_holder *h, struct holder_ref *r)
{
    if (--r->users > 0)
        return false;
    h->draining--;
    return true;
}

void holder_release(struct store_holder *h, struct holder_ref *ref)
{
    if (!ref)
        return;
    pthread_mutex_lock(&h->mu);
    bool last = unref_locked(h, ref);
    pthread_mutex_unlock(&h->mu);
    if (last)
        ref_close(ref); /* outside the lock: munmap and close can take a while */
}

uint64_t holder_generation(const struct holder_ref *ref)
{
    return ref ? ref->gen : 0;
}

/* Replaces the current ref by nr (NULL: none) and drops the holder's reference. */
static void replace(struct store_holder *h, struct holder_ref *nr)
{
    pthread_mutex_lock(&h->mu);
    struct holder_ref *old = h->cur;
    h->cur = nr;
    bool last = false;
    if (old) {
        h->draining++;
        last = unref_locked(h, old);
    }
    pthread_mutex_unlock(&h->mu);
    if (last)
        ref_close(old);
}

int holder_swap(struct store_holder *h, struct store *ns)
{
    pthread_mutex_lock(&h->mu);
    struct holder_ref *nr = ref_new(h, ns);
    pthread_mutex_unlock(&h->mu);
    if (!nr)
        return -1;
    replace(h, nr);
    return 0;
}

void holder_retire(struct store_holder *h)
{
    replace(h, NULL);
}

unsigned holder_draining(struct store_holder *h)
{
    pthread_mutex_lock(&h->mu);
    unsigned n = h->draining;
    pthread_mutex_unlock(&h->mu);
    return n;
}
