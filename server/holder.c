#include "server/holder.h"

#include <pthread.h>
#include <stdlib.h>

#include "store/store.h"

struct holder_ref {
    struct store *s;
    unsigned users;
};

struct store_holder {
    pthread_mutex_t mu;
    pthread_cond_t drained;
    struct holder_ref *cur;
};

static struct holder_ref *ref_new(struct store *s)
{
    struct holder_ref *r = calloc(1, sizeof *r);
    if (r)
        r->s = s;
    return r;
}

struct store_holder *holder_new(struct store *s)
{
    struct store_holder *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->cur = ref_new(s);
    if (!h->cur) {
        free(h);
        return NULL;
    }
    pthread_mutex_init(&h->mu, NULL);
    pthread_cond_init(&h->drained, NULL);
    return h;
}

void holder_free(struct store_holder *h)
{
    if (!h)
        return;
    store_close(h->cur->s);
    free(h->cur);
    pthread_mutex_destroy(&h->mu);
    pthread_cond_destroy(&h->drained);
    free(h);
}

struct store *holder_acquire(struct store_holder *h, struct holder_ref **ref)
{
    pthread_mutex_lock(&h->mu);
    struct holder_ref *r = h->cur;
    r->users++;
    pthread_mutex_unlock(&h->mu);
    *ref = r;
    return r->s;
}

void holder_release(struct store_holder *h, struct holder_ref *ref)
{
    if (!ref)
        return;
    pthread_mutex_lock(&h->mu);
    if (--ref->users == 0 && ref != h->cur)
        pthread_cond_broadcast(&h->drained);
    pthread_mutex_unlock(&h->mu);
}

int holder_swap(struct store_holder *h, struct store *ns)
{
    struct holder_ref *nr = ref_new(ns);
    if (!nr)
        return -1;
    pthread_mutex_lock(&h->mu);
    struct holder_ref *old = h->cur;
    h->cur = nr;
    while (old->users > 0)
        pthread_cond_wait(&h->drained, &h->mu);
    pthread_mutex_unlock(&h->mu);
    store_close(old->s);
    free(old);
    return 0;
}
