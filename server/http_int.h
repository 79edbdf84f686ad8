/* server/http_int.h — what the daemon (http.c) and the per-request
 * dispatcher (dispatch.c) share; not for handlers (they see http.h). */
#ifndef ECF_SERVER_HTTP_INT_H
#define ECF_SERVER_HTTP_INT_H

#include <pthread.h>
#include <time.h>

#include <microhttpd.h>

#include "server/http.h"

struct http_server {
    struct MHD_Daemon *d;
    struct app *app;
    struct resp_cache *cache; /* NULL when --cache-size is 0 */
    pthread_mutex_t mu;
    pthread_cond_t idle; /* signalled when a request starts or the last one ends */
    unsigned inflight;
    unsigned long started; /* requests started, ever: tells a quiet period */
    MHD_socket listen_fd;
    struct lingerer *lingerer; /* NULL when its thread could not start */
    struct conntrack *ct;      /* header deadline and lingering close (conntrack.h) */
    pthread_mutex_t log_mu;    /* rate limit of libmicrohttpd's messages */
    time_t log_window;
    unsigned log_lines, log_dropped;
};

/* libmicrohttpd's callbacks (dispatch.c), cls being the struct http_server
 * (on_request_line: none). */
void *http_on_request_line(void *cls, const char *uri, struct MHD_Connection *conn);
enum MHD_Result http_on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                const char *method, const char *version, const char *upload_data,
                                size_t *upload_data_size, void **req_cls);
void http_on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                       enum MHD_RequestTerminationCode toe);

#endif
