/* server/holder.h — the store the server currently serves, swappable while
 * requests run. Each request acquires the current store once and releases it
 * when it completes; a swap installs the new store at once (new requests use
 * it) and never waits: the old store is closed by whoever releases it last
 * (the swapping thread itself when nobody used it). This is how a replica
 * picks up a new snapshot without dropping requests, and why a swap never
 * blocks the signal thread.
 *
 * Only replicas swap (a writer never reopens its environment: LMDB forbids
 * opening one environment twice in a process, its locks would be reset).
 * Every installed store gets a new generation number, never reused: it is
 * what cached answers are keyed on (an address can be reused, and every
 * compacted snapshot has LMDB transaction id 1). */
#ifndef ECF_SERVER_HOLDER_H
#define ECF_SERVER_HOLDER_H

#include <stdint.h>

struct store;
struct store_holder;
struct holder_ref;

/* Takes ownership of s. NULL on ENOMEM (s is then still the caller's). */
struct store_holder *holder_new(struct store *s);

/* Closes the current store and frees the holder; no request may be running. */
void holder_free(struct store_holder *h);

/* The current store, valid until holder_release(h, *ref); NULL (and *ref
 * NULL) between holder_retire and the next holder_swap. */
struct store *holder_acquire(struct store_holder *h, struct holder_ref **ref);
/* Releases ref (NULL is fine); the last release of a replaced store closes it. */
void holder_release(struct store_holder *h, struct holder_ref *ref);

/* The generation of the store ref holds: 1 for the first, +1 per swap. */
uint64_t holder_generation(const struct holder_ref *ref);

/* Installs ns (taking ownership) without waiting; the old store is closed by
 * its last user. Returns 0, or -1 on ENOMEM (ns left untouched). */
int holder_swap(struct store_holder *h, struct store *ns);

/* Withdraws the current store: acquires get NULL until the next swap, and
 * the store is closed by its last user. For a data file rewritten in place,
 * which must not be opened again while the old environment is open. */
void holder_retire(struct store_holder *h);

/* Replaced or retired stores whose users have not all left yet (so still open). */
unsigned holder_draining(struct store_holder *h);

#endif
