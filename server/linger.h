/* server/linger.h — lingering close (as nginx does) for connections that
 * were answered before their request body was read (413, 401, ...).
 *
 * libmicrohttpd sends the answer, shuts down its write side and closes the
 * socket; if the client is still sending, the unread bytes make the kernel
 * answer with a reset, and a client that writes its whole body before
 * reading (Python's http.client, Node's fetch) gets a broken pipe instead of
 * our 413. A lingerer takes a duplicate of the descriptor just before MHD
 * closes its own and reads and discards what the client still sends, until
 * it stops (EOF), for at most LINGER_MS and LINGER_BYTES; then the last
 * descriptor closes and the client has had time to read the answer. It
 * holds no MHD connection slot, and at most LINGER_SOCKETS at once: past
 * that, a socket closes at once as before. */
#ifndef ECF_SERVER_LINGER_H
#define ECF_SERVER_LINGER_H

#include "common/compiler.h"

#include <stdbool.h>

#define LINGER_MS      5000
#define LINGER_BYTES   (128UL << 20) /* a 64 MiB upload over a 1 MiB --max-body reads its 413 */
#define LINGER_SOCKETS 64

struct lingerer;

/* Starts the thread; NULL when it cannot. */
struct lingerer *linger_start(void) ECF_WUR;

/* Takes over fd (a duplicate the caller made; always closed, at once when
 * the lingerer is full). Any thread. */
void linger_add(struct lingerer *l, int fd);

/* Stops the thread and closes every socket it holds. NULL is fine. */
void linger_stop(struct lingerer *l);

#endif
