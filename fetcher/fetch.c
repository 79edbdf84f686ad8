/* fetcher/fetch.c — module-wide entry points of fetch.h.
 *
 * Owns what belongs to no engine: libcurl's process-wide init, the error
 * strings, and the default settings. */
#include <curl/curl.h>
#include <string.h>

#include "fetcher/fetch.h"

enum fetch_err fetch_global_init(void)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return FETCH_E_NOMEM;
    return FETCH_OK;
}

void fetch_global_cleanup(void)
{
    curl_global_cleanup();
}

const char *fetch_strerror(enum fetch_err e)
{
    switch (e) {
    case FETCH_OK:
        return "ok";
    case FETCH_E_NOMEM:
        return "out of memory";
    case FETCH_E_INVALID:
        return "invalid argument or URL";
    case FETCH_E_IO:
        return "cannot read file";
    case FETCH_E_PARSE:
        return "parse error";
    case FETCH_E_ROBOTS:
        return "disallowed by robots.txt";
    case FETCH_E_ADDRESS:
        return "address not allowed";
    case FETCH_E_PROTOCOL:
        return "protocol not allowed";
    case FETCH_E_REDIRECT:
        return "redirect loop or too many redirects";
    case FETCH_E_TOOBIG:
        return "body too large";
    case FETCH_E_TIMEOUT:
        return "timed out";
    case FETCH_E_CONNECT:
        return "connection failed";
    case FETCH_E_TLS:
        return "TLS failure";
    case FETCH_E_HTTP:
        return "HTTP error status";
    case FETCH_E_CONTENT:
        return "no article text";
    case FETCH_E_CALLBACK:
        return "store callback failed";
    case FETCH_E_CANCELLED:
        return "cancelled";
    }
    return "unknown error";
}

void fetch_settings_default(struct fetch_settings *s)
{
    memset(s, 0, sizeof(*s));
    s->max_in_flight = 16;
    s->max_per_host = 2;
    s->host_delay_ms = 1000;
    s->max_attempts = 3;
    s->backoff_base_ms = 500;
    s->backoff_max_ms = 30000;
    s->retry_after_max_ms = 120000;
    s->connect_timeout_ms = 10000;
    s->timeout_ms = 30000;
    s->max_body = (size_t)8 * 1024 * 1024;
    s->max_redirects = FETCH_MAX_REDIRECTS;
    s->max_items_per_feed = 200;
}
