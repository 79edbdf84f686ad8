/* server/holder.h — the store the server currently serves, swappable while
 * requests run. Each request acquires the current store once and releases it
 * when it completes; a swap installs the new store at once (new requests use
 * it) and closes the old one only after its last request has released it.
 * This is how a replica picks up a new snapshot without dropping requests. */
#ifndef ECF_SERVER_HOLDER_H
#define ECF_SERVER_HOLDER_H

struct store;
struct store_holder;
struct holder_ref;

/* Takes ownership of s. NULL on ENOMEM (s is then still the caller's). */
struct store_holder *holder_new(struct store *s);

/* Closes the current store and frees the holder; no request may be running. */
void holder_free(struct store_holder *h);

/* The current store, valid until holder_release(h, *ref). */
struct store *holder_acquire(struct store_holder *h, struct holder_ref **ref);
void holder_release(struct store_holder *h, struct holder_ref *ref);

/* Installs ns (taking ownership), waits for the requests still using the
 * old store, then closes it. Returns 0, or -1 on ENOMEM (ns left untouched). */
int holder_swap(struct store_holder *h, struct store *ns);

#endif
