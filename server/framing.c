/* server/framing.c — the checks every request passes before its handler
 * (framing.h). The access handler calls framing_refuse_early() when a
 * request's headers are in and the rest from its dispatcher. */
#include "server/framing.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <microhttpd.h>

#include "common/util.h"

/* ---- query checks done once for every route ------------------------------ */

struct query_check {
    const struct route *route;
    const char *bad_name; /* first offending parameter */
    const char *why;
    const char *seen[16];
    size_t nseen;
};

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                 size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    struct query_check *q = cls;
    if (q->bad_name || (key_size == 0 && !value))
        return MHD_YES; /* an empty segment ("?&a=1", "a=1&&b=2", "a=1&"): nothing */
    if (!value && router_param_allowed(q->route, key)) {
        q->bad_name = key;
        q->why = "needs a value (name=value)";
    } else if (strlen(key) != key_size || (value && strlen(value) != value_size)) {
        q->bad_name = key;
        q->why = "contains a NUL byte";
    } else if (!ecf_utf8_valid(key, key_size, NULL)) {
        q->bad_name = "(query)";
        q->why = "has a name that is not valid UTF-8";
    } else if (value && !ecf_utf8_valid(value, value_size, NULL)) {
        q->bad_name = key;
        q->why = "is not valid UTF-8";
    } else if (!router_param_allowed(q->route, key)) {
        q->bad_name = key;
        q->why = "is not a parameter of this route";
    } else {
        for (size_t i = 0; i < q->nseen; i++) {
            if (!strcmp(q->seen[i], key)) {
                q->bad_name = key;
                q->why = "is given more than once";
                return MHD_YES;
            }
        }
        if (q->nseen < sizeof q->seen / sizeof q->seen[0])
            q->seen[q->nseen++] = key;
    }
    return MHD_YES;
}

/* Constant-time comparison of the bearer token: the time taken does not
 * depend on where the first difference is. */
static bool token_ok(const struct request *rq)
{
    const struct config *c = rq->app->cfg;
    const char *h = request_header(rq, MHD_HTTP_HEADER_AUTHORIZATION);
    if (!c->token || !h || strncasecmp(h, "Bearer ", 7) != 0)
        return false;
    const char *t = h + 7;
    size_t n = strlen(t);
    unsigned char diff = (unsigned char)(n != c->token_len);
    for (size_t i = 0; i < c->token_len; i++)
        diff |= (unsigned char)(c->token[i] ^ (i < n ? t[i] : 0));
    return diff == 0;
}

static bool media_type_is(const char *ct, const char *want)
{
    size_t n = strlen(want);
    return ct && strncasecmp(ct, want, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

struct framing {
    unsigned host, content_length, transfer_encoding;
    const char *cl_first;
    bool cl_differ;
    const char *bad_name;  /* first header name that is not a token */
    const char *bad_value; /* first header whose value holds a bare CR */
    bool folded;           /* an obs-fold continuation line was joined */
    size_t bytes;          /* the header block, as "name: value\r\n" lines */
};

/* RFC 9110 section 5.6.2: a field name is a token. */
static bool is_tchar(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* libmicrohttpd 0.9.75 (connection.c: process_header_line and
 * process_broken_line) keeps a header's name and value where they were read:
 * "name\0[SP/HTAB...]value" in one line of the read buffer. It accepts
 * whitespace before the colon (the name keeps it: "Transfer-Encoding ")
 * and, for an obs-fold continuation line, copies the NAME to a new pool
 * block and appends the continuation to it ("Transfer-Encodingchunked",
 * value ""). No option of 0.9.75 refuses either (MHD_OPTION_STRICT_FOR_CLIENT
 * only checks the request target and Host; at -1 it refuses whitespace
 * before the colon, with its own HTML page). So: a name that is not a token
 * is refused below, and a value that does not follow its name in memory
 * marks a folded line. tests/integration/test_malformed.py pins both. */
static bool header_folded(const char *key, size_t key_size, const char *value)
{
    uintptr_t after = (uintptr_t)key + key_size + 1, v = (uintptr_t)value;
    if (!value || v < after || v - after > 4096)
        return true;
    for (const char *p = key + key_size + 1; p < value; p++) {
        if (*p != ' ' && *p != '\t')
            return true;
    }
    return false;
}

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                    size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    struct framing *f = cls;
    f->bytes += key_size + value_size + 4;
    if (!f->bad_name) {
        for (size_t i = 0; i < key_size; i++) {
            if (!is_tchar((unsigned char)key[i])) {
                f->bad_name = key;
                break;
            }
        }
        if (!key_size)
            f->bad_name = key;
    }
    if (!f->folded && header_folded(key, key_size, value))
        f->folded = true;
    /* RFC 9110 section 5.5 / RFC 9112 section 2.2: a bare CR in a value is
     * refused, not passed on. libmicrohttpd keeps it, and a front end that
     * ends lines at a bare CR would read a header this server never sees
     * ("X: a<CR>Transfer-Encoding: chunked"). (A NUL cannot be seen here:
     * MHD measures values with strlen, so "a<NUL>b" arrives as "a".) */
    if (!f->bad_value && value && memchr(value, '\r', value_size))
        f->bad_value = key;
    if (!strcasecmp(key, MHD_HTTP_HEADER_HOST)) {
        f->host++;
    } else if (!strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH)) {
        if (f->content_length++ && value && f->cl_first && strcmp(value, f->cl_first) != 0)
            f->cl_differ = true;
        if (!f->cl_first)
            f->cl_first = value;
    } else if (!strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING)) {
        f->transfer_encoding++;
    }
    return MHD_YES;
}

/* Message framing (RFC 9112 sections 3.2, 5 and 6): field names are tokens
 * with no whitespace before the colon, no obs-fold, one Host on HTTP/1.1;
 * Content-Length and Transfer-Encoding never ambiguous, since a proxy in
 * front may read them differently (request smuggling). Also the size of
 * the header block (431). */
static bool refuse_framing(struct request *rq, struct reply *rp)
{
    struct framing f = {0};
    MHD_get_connection_values_n(rq->conn, MHD_HEADER_KIND, count_header, &f);
    const char *te = request_header(rq, MHD_HTTP_HEADER_TRANSFER_ENCODING);
    if (f.folded) {
        reply_problem(rp, 400, NULL, "a header field is folded over two lines (obs-fold)");
    } else if (f.bad_name) {
        reply_problem(rp, 400, NULL,
                      "header name '%.64s' is not a token (whitespace before the colon?)",
                      f.bad_name);
    } else if (f.bad_value) {
        reply_problem(rp, 400, NULL, "the value of header '%.64s' holds a bare CR", f.bad_value);
    } else if (f.bytes > FRAMING_HEADERS_MAX) {
        reply_problem(rp, 431, NULL, "the request header fields are over %d bytes",
                      FRAMING_HEADERS_MAX);
    } else if (f.host > 1 || (f.host == 0 && rq->http11)) {
        reply_problem(rp, 400, NULL, "an HTTP/1.1 request needs exactly one Host header");
    } else if (f.cl_differ) {
        reply_problem(rp, 400, NULL, "Content-Length headers disagree");
    } else if (f.content_length && f.transfer_encoding) {
        reply_problem(rp, 400, NULL, "Content-Length and Transfer-Encoding together");
    } else if (f.transfer_encoding > 1 || (te && strcasecmp(te, "chunked") != 0)) {
        reply_problem(rp, 400, NULL, "only Transfer-Encoding: chunked is supported");
    } else {
        return false;
    }
    return true;
}

static enum MHD_Result add_len(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
                               const char *value, size_t value_size)
{
    (void)kind;
    (void)key;
    (void)value;
    *(size_t *)cls += key_size + value_size + 2;
    return MHD_YES;
}

/* A body announced: a Content-Length other than 0, or any Transfer-Encoding
 * (refuse_framing has made sure the two do not come together). */
bool framing_has_body(const struct request *rq)
{
    const char *cl = request_header(rq, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (request_header(rq, MHD_HTTP_HEADER_TRANSFER_ENCODING))
        return true;
    if (!cl)
        return false;
    cl += strspn(cl, "0");
    return *cl != '\0';
}

bool framing_refuse_target(struct request *rq, struct reply *rp)
{
    size_t target = strlen(rq->path);
    if (!rq->target_over)
        MHD_get_connection_values_n(rq->conn, MHD_GET_ARGUMENT_KIND, add_len, &target);
    if (!rq->target_over && target <= FRAMING_URI_MAX)
        return false;
    reply_problem(rp, 414, NULL, "the request target is over %d bytes", FRAMING_URI_MAX);
    return true;
}

/* Checks made when the headers are in, before any body is read. Returns
 * true and fills rp when the request is refused right away (the caller
 * closes the connection: the body, if any, is left unread). */
bool framing_refuse_early(struct request *rq, struct reply *rp)
{
    if (refuse_framing(rq, rp))
        return true;
    if (framing_has_body(rq) && framing_refuse_target(rq, rp))
        return true; /* else answered on the final call, keeping the connection */
    /* A body on a route that takes none would be read and thrown away at
     * whatever pace the client likes, past the header deadline: refuse it
     * before reading, whatever the path. */
    if (framing_has_body(rq) && !(rq->route && (rq->route->flags & ROUTE_BODY))) {
        if (rq->match == ROUTER_NOT_FOUND) {
            reply_problem(rp, 404, NULL, "no resource at this path");
        } else if (rq->match == ROUTER_BAD_METHOD && rq->method != HTTP_OPTIONS) {
            reply_problem(rp, 405, NULL, "this path does not accept that method");
            rp->allow = rq->allow;
        } else {
            reply_problem(rp, 413, NULL, "%s %s takes no request body", rq->method_str,
                          rq->route ? rq->route->pattern : "on this path");
        }
        return true;
    }
    if (rq->method == HTTP_OPTIONS || !rq->route)
        return false; /* 204, 404 and 405 are answered on the final call */
    if (rq->route->flags & ROUTE_AUTH && !token_ok(rq)) {
        reply_problem(rp, 401, NULL,
                      rq->app->cfg->token ? "a valid bearer token is required"
                                          : "writes are disabled: no token is configured");
        return true;
    }
    if ((rq->route->flags & ROUTE_WRITE) && rq->app->cfg->read_only) {
        reply_problem(rp, 503, NULL,
                      "this server is a read-only replica: send writes to the writer");
        return true;
    }
    if (rq->route->flags & ROUTE_BODY) {
        const char *ct = request_header(rq, MHD_HTTP_HEADER_CONTENT_TYPE);
        const char *cl = request_header(rq, MHD_HTTP_HEADER_CONTENT_LENGTH);
        const char *te = request_header(rq, MHD_HTTP_HEADER_TRANSFER_ENCODING);
        if (!cl && !te) {
            reply_problem(rp, 411, NULL, "a Content-Length is required");
            return true;
        }
        if (cl) {
            char *end = NULL;
            errno = 0;
            unsigned long long v = strtoull(cl, &end, 10);
            if (errno || end == cl || *end || v > rq->app->cfg->max_body) {
                reply_problem(rp, 413, NULL, "the body is over the %zu-byte limit",
                              rq->app->cfg->max_body);
                return true;
            }
        }
        if (media_type_is(ct, "application/json")) {
            rq->body_text = false;
        } else if ((rq->route->flags & ROUTE_TEXT_OK) && media_type_is(ct, "text/plain")) {
            rq->body_text = true;
        } else {
            reply_problem(rp, 415, NULL, "send %s, not %s",
                          rq->route->flags & ROUTE_TEXT_OK ? "application/json or text/plain"
                                                           : "application/json",
                          ct ? ct : "(no Content-Type)");
            return true;
        }
    }
    return false;
}

bool framing_refuse_query(struct request *rq, struct reply *rp)
{
    if (rq->route && (rq->route->flags & ROUTE_ANY_QUERY))
        return false;
    struct query_check q = {.route = rq->route};
    MHD_get_connection_values_n(rq->conn, MHD_GET_ARGUMENT_KIND, check_arg, &q);
    if (!q.bad_name)
        return false;
    reply_problem(rp, 400, q.bad_name, "parameter '%.64s' %s", q.bad_name, q.why);
    return true;
}
