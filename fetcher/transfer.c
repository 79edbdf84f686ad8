/* fetcher/transfer.c — the option set and outcome of one transfer. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "fetcher/transfer.h"

#define ACCEPT_VALUE                                                                               \
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"                    \
    "application/xml;q=0.9,*/*;q=0.8"

static size_t on_write(char *p, size_t size, size_t nmemb, void *ud)
{
    struct xfer *x = ud;
    size_t n = size * nmemb;
    if (!jbuf_put_fit(&x->body, p, n)) {
        if (!x->body.over) {
            x->nomem = true;
            return 0;
        }
        if (!x->truncate) {
            x->too_big = true;
            return 0; /* aborts the transfer: CURLE_WRITE_ERROR */
        }
        /* Keep the prefix up to the cap and stop reading (robots.txt): a
         * body that never ends must not run into the timeout. */
        size_t room = x->body.toobig - 1 - x->body.len;
        if (room && !jbuf_put_fit(&x->body, p, room)) {
            x->nomem = true;
            return 0;
        }
        *x->bytes += room;
        x->truncated = true;
        return 0; /* CURLE_WRITE_ERROR, classified as success */
    }
    *x->bytes += n;
    return n;
}

/* Runs for every socket libcurl opens, with the address resolution chose:
 * the check sees the real peer, after redirects and after any DNS trick. */
static curl_socket_t on_open_socket(void *ud, curlsocktype purpose, struct curl_sockaddr *a)
{
    struct xfer *x = ud;
    if (purpose == CURLSOCKTYPE_IPCXN && !x->s->allow_private) {
        const struct sockaddr *sa = &a->addr;
        enum fetch_addr_class c = fetch_addr_classify(sa);
        if (c != FETCH_ADDR_PUBLIC && !fetch_addr_listed(sa, x->s->allow_addrs)) {
            char ip[64];
            fetch_addr_format(sa, ip, sizeof(ip));
            (void)snprintf(x->refused, sizeof(x->refused), "%s is %s", ip,
                           fetch_addr_class_name(c));
            x->addr_refused = true;
            return CURL_SOCKET_BAD;
        }
    }
    return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

/* Header values come from a store that got them from servers: refuse any
 * control character rather than inject a header line. */
static bool header_safe(const char *v)
{
    for (; *v; v++)
        if ((unsigned char)*v < 0x20 || *v == 0x7f)
            return false;
    return true;
}

static bool add_header(struct xfer *x, const char *name, const char *value)
{
    char line[FETCH_ETAG_MAX + 64];
    if (!value || !value[0] || !header_safe(value))
        return true;
    if ((size_t)snprintf(line, sizeof(line), "%s: %s", name, value) >= sizeof(line))
        return true;
    struct curl_slist *l = curl_slist_append(x->hdrs, line);
    if (!l)
        return false;
    x->hdrs = l;
    return true;
}

enum fetch_err xfer_setup(struct xfer *x, CURL *easy, const struct fetch_settings *s,
                          const char *url, const struct fetch_validators *v, size_t cap,
                          bool truncate, uint64_t *bytes)
{
    memset(x, 0, sizeof(*x));
    x->easy = easy;
    x->s = s;
    x->truncate = truncate;
    x->bytes = bytes;
    jbuf_init_max(&x->body, cap + 1); /* at most cap bytes */
    curl_easy_reset(easy);

    if (!add_header(x, "Accept", ACCEPT_VALUE))
        return FETCH_E_NOMEM;
    if (v && (!add_header(x, "If-None-Match", v->etag) ||
              !add_header(x, "If-Modified-Since", v->last_modified)))
        return FETCH_E_NOMEM;

    unsigned redirs =
        s->max_redirects < FETCH_MAX_REDIRECTS ? s->max_redirects : FETCH_MAX_REDIRECTS;
    CURLcode rc = CURLE_OK;
#define SET(opt, val)                                                                              \
    do {                                                                                           \
        if (rc == CURLE_OK)                                                                        \
            rc = curl_easy_setopt(easy, opt, val);                                                 \
    } while (0)
    SET(CURLOPT_URL, url);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_FOLLOWLOCATION, 1L);
    SET(CURLOPT_MAXREDIRS, (long)redirs);
    SET(CURLOPT_CONNECTTIMEOUT_MS, (long)s->connect_timeout_ms);
    SET(CURLOPT_TIMEOUT_MS, (long)s->timeout_ms);
    SET(CURLOPT_USERAGENT, s->user_agent ? s->user_agent : FETCH_USER_AGENT);
    SET(CURLOPT_ACCEPT_ENCODING, ""); /* every encoding this libcurl decodes */
    SET(CURLOPT_HTTPHEADER, x->hdrs);
    SET(CURLOPT_WRITEFUNCTION, on_write);
    SET(CURLOPT_WRITEDATA, x);
    SET(CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
    SET(CURLOPT_OPENSOCKETDATA, x);
    SET(CURLOPT_SSL_VERIFYPEER, 1L);
    SET(CURLOPT_SSL_VERIFYHOST, 2L);
    SET(CURLOPT_PROXY, ""); /* no proxy from the environment: it would bypass the address check */
    SET(CURLOPT_ERRORBUFFER, x->errbuf);
    if (!truncate)
        SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)cap);
#undef SET
    if (rc == CURLE_OUT_OF_MEMORY)
        return FETCH_E_NOMEM;
    return rc == CURLE_OK ? FETCH_OK : FETCH_E_INVALID;
}

const char *xfer_header(struct xfer *x, const char *name)
{
    struct curl_header *h = NULL;
    if (curl_easy_header(x->easy, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK || !h)
        return "";
    return h->value;
}

static void set_msg(struct xfer_result *r, enum fetch_err err, bool retry, const char *fmt,
                    const char *detail)
{
    char tmp[2 * FETCH_ERRMSG_MAX];
    r->err = err;
    r->retry = retry;
    (void)snprintf(tmp, sizeof(tmp), fmt, detail);
    ecf_strlcpy(r->msg, tmp, sizeof(r->msg)); /* a long curl message is cut */
}

void xfer_classify(struct xfer *x, CURLcode rc, struct xfer_result *r)
{
    memset(r, 0, sizeof(*r));
    r->retry_after_ms = -1;
    (void)curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &r->status);
    const char *detail = x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc);
    char num[32];

    if (x->truncated && rc == CURLE_WRITE_ERROR)
        rc = CURLE_OK; /* we stopped it at the cap: the prefix is the body */
    if (rc == CURLE_OK) {
        if (r->status == 304) {
            r->not_modified = true;
            return;
        }
        if (r->status >= 200 && r->status < 300)
            return;
        (void)snprintf(num, sizeof(num), "%ld", r->status);
        bool transient = r->status == 429 || (r->status >= 500 && r->status < 600);
        set_msg(r, FETCH_E_HTTP, transient, "HTTP %s", num);
        if (transient) {
            curl_off_t ra = -1;
            if (curl_easy_getinfo(x->easy, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
                r->retry_after_ms = ra > 86400 ? 86400000L : (long)ra * 1000L;
        }
        return;
    }
    if (x->nomem || rc == CURLE_OUT_OF_MEMORY) {
        set_msg(r, FETCH_E_NOMEM, false, "%s", "out of memory");
        return;
    }
    if (x->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
        (void)snprintf(num, sizeof(num), "%zu", x->body.toobig - 1);
        set_msg(r, FETCH_E_TOOBIG, false, "body larger than %s bytes", num);
        return;
    }
    if (x->addr_refused) {
        set_msg(r, FETCH_E_ADDRESS, false, "refused to connect: %s", x->refused);
        return;
    }
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
        set_msg(r, FETCH_E_TIMEOUT, true, "timed out: %s", detail);
        break;
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_WEIRD_SERVER_REPLY:
        set_msg(r, FETCH_E_CONNECT, true, "connection failed: %s", detail);
        break;
    case CURLE_COULDNT_RESOLVE_HOST:
        set_msg(r, FETCH_E_CONNECT, false, "cannot resolve host: %s", detail);
        break;
    case CURLE_TOO_MANY_REDIRECTS:
        set_msg(r, FETCH_E_REDIRECT, false, "redirect loop or too many redirects: %s", detail);
        break;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        set_msg(r, FETCH_E_PROTOCOL, false, "only http and https are fetched: %s", detail);
        break;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
        set_msg(r, FETCH_E_TLS, false, "TLS: %s", detail);
        break;
    default:
        set_msg(r, FETCH_E_CONNECT, false, "transfer failed: %s", detail);
        break;
    }
    r->msg[strcspn(r->msg, "\r\n")] = '\0';
}

void xfer_cleanup(struct xfer *x)
{
    curl_slist_free_all(x->hdrs);
    x->hdrs = NULL;
    jbuf_free(&x->body);
}
