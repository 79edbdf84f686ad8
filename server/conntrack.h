/* server/conntrack.h — every accepted connection, watched for the header
 * deadline (--header-timeout, against slowloris and idle floods) and marked
 * for a lingering close (linger.h) when it was answered with its body unread.
 *
 * http.c registers conntrack_on_connection as MHD's NOTIFY_CONNECTION
 * callback and tells the tracker when a request's headers are in and when a
 * response was sent; a reaper thread shuts down the sockets past their
 * deadline. Thread-safe: each function may be called from any MHD thread. */
#ifndef ECF_SERVER_CONNTRACK_H
#define ECF_SERVER_CONNTRACK_H

#include "common/compiler.h"

#include <microhttpd.h>

struct lingerer;
struct metrics;
struct conntrack;

/* A tracker; header_ms 0: no deadline and no reaper. lingerer (may be NULL)
 * and metrics are borrowed and must outlive the tracker. NULL on ENOMEM. */
struct conntrack *conntrack_new(long long header_ms, struct lingerer *lingerer,
                                struct metrics *metrics) ECF_WUR;

/* Starts the reaper thread (none when header_ms is 0). 0, or -1 when it
 * cannot start. */
int conntrack_start(struct conntrack *ct) ECF_WUR;

/* Stops and joins the reaper thread, if it runs. */
void conntrack_stop(struct conntrack *ct);

/* Frees the tracker: after MHD_stop_daemon, whose CLOSED notifications
 * have unlinked every connection, and after conntrack_stop. */
void conntrack_free(struct conntrack *ct);

/* MHD_OPTION_NOTIFY_CONNECTION callback; cls is the tracker. STARTED links
 * the connection with its deadline, CLOSED unlinks it (and hands a duplicate
 * of its socket to the lingerer when it was marked). */
void conntrack_on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                             enum MHD_ConnectionNotificationCode toe);

/* The access handler's first call for a request: its headers are in. */
void conntrack_headers_in(struct MHD_Connection *conn);

/* A response was sent: the next request's headers are due within the limit. */
void conntrack_response_sent(const struct conntrack *ct, struct MHD_Connection *conn);

/* Answered with its body unread: linger before the close. Call only from
 * the connection's MHD thread. */
void conntrack_linger(struct MHD_Connection *conn);

#endif
