#include "server/reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "server/encoding.h"
#include "server/http.h"

#define CT_JSON    "application/json; charset=utf-8"
#define CT_PROBLEM "application/problem+json; charset=utf-8"
/* The dashboard loads its own scripts and styles and talks to its own origin
 * only: no inline script or style, no plugins, not framed by other sites. */
#define CSP_PAGE   "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

static const struct {
    unsigned status;
    const char *slug;
    const char *title;
} problems[] = {
    {400, "bad-parameter", "Bad parameter"},
    {401, "unauthorized", "Unauthorized"},
    {404, "not-found", "Not found"},
    {405, "method-not-allowed", "Method not allowed"},
    {409, "conflict", "Conflict"},
    {411, "length-required", "Length required"},
    {413, "payload-too-large", "Payload too large"},
    {414, "uri-too-long", "URI too long"},
    {415, "unsupported-media-type", "Unsupported media type"},
    {431, "header-fields-too-large", "Request header fields too large"},
    {500, "internal", "Internal server error"},
    {503, "not-ready", "Service unavailable"},
    {507, "insufficient-storage", "Insufficient storage"},
};

void reply_init(struct reply *rp, const char *instance)
{
    memset(rp, 0, sizeof *rp);
    rp->instance = instance;
}

void reply_free(struct reply *rp)
{
    free(rp->body);
    rp->body = NULL;
}

void reply_raw(struct reply *rp, unsigned status, const char *ctype, char *body, size_t len)
{
    free(rp->body);
    rp->status = status;
    rp->content_type = ctype;
    rp->body = body;
    rp->len = len;
    rp->cacheable = status == 200;
}

void reply_json(struct reply *rp, unsigned status, json_t *v)
{
    char *s = v ? json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
    json_decref(v);
    if (!s) {
        reply_problem(rp, 500, NULL, "could not serialise the response");
        return;
    }
    reply_raw(rp, status, CT_JSON, s, strlen(s));
}

void reply_jbuf(struct reply *rp, unsigned status, struct jbuf *b)
{
    size_t len;
    char *text = jbuf_steal(b, &len);
    if (!text) {
        reply_problem(rp, 500, NULL, "out of memory");
        return;
    }
    reply_raw(rp, status, CT_JSON, text, len);
}

void reply_problem(struct reply *rp, unsigned status, const char *parameter, const char *fmt, ...)
{
    const char *slug = "error", *title = "Error";
    for (size_t i = 0; i < sizeof problems / sizeof problems[0]; i++) {
        if (problems[i].status == status) {
            slug = problems[i].slug;
            title = problems[i].title;
        }
    }
    if (status == 400 && !parameter) {
        slug = "bad-body"; /* the body (or a header), not a parameter */
        title = "Bad request";
    }
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    /* detail may quote client input: keep only valid UTF-8 for JSON. */
    if (!ecf_utf8_valid(detail, strlen(detail), NULL))
        ecf_strlcpy(detail, "the request contains invalid UTF-8", sizeof detail);
    char type[64];
    snprintf(type, sizeof type, "urn:ecfacts:problem:%s", slug);
    json_t *p = json_pack("{s:s, s:s, s:I, s:s}", "type", type, "title", title, "status",
                          (json_int_t)status, "detail", detail);
    /* a 414's path can be 200 KB: not echoed back */
    if (p && rp->instance && strlen(rp->instance) <= 1024 &&
        ecf_utf8_valid(rp->instance, strlen(rp->instance), NULL))
        json_object_set_new(p, "instance", json_string(rp->instance));
    if (p && parameter && ecf_utf8_valid(parameter, strlen(parameter), NULL))
        json_object_set_new(p, "parameter", json_string(parameter));
    char *s = p ? json_dumps(p, JSON_COMPACT) : NULL;
    json_decref(p);
    free(rp->body);
    rp->status = status;
    rp->content_type = CT_PROBLEM;
    rp->cacheable = false;
    rp->body = s;
    rp->len = s ? strlen(s) : 0;
    if (status == 401)
        rp->www_auth = true;
}

void reply_store_error(struct reply *rp, enum store_err e, const char *what)
{
    reply_store_error_id(rp, e, what, NULL);
}

void reply_store_error_id(struct reply *rp, enum store_err e, const char *what, const char *id)
{
    switch (e) {
    case STORE_E_NOTFOUND:
        reply_problem(rp, 404, NULL, "no %s with that id", what);
        break;
    case STORE_E_CURSOR:
        reply_problem(rp, 400, "cursor", "cursor is not one this server issued");
        break;
    case STORE_E_KIND:
        if (id)
            reply_problem(rp, 400, "id", "entity '%.64s' is not a %s", id, what);
        else
            reply_problem(rp, 400, "id", "the entity is not a %s", what);
        break;
    case STORE_E_QUERY:
        reply_problem(rp, 400, "q", "q is too short to search for");
        break;
    case STORE_E_INVALID:
        reply_problem(rp, 400, NULL, "%s: %s", what, store_strerror(e));
        break;
    case STORE_E_CONFLICT:
        reply_problem(rp, 409, NULL, "%s: %s", what, store_strerror(e));
        break;
    case STORE_E_MAPFULL:
    case STORE_E_NOSPACE:
        reply_problem(rp, 507, NULL, "%s", store_strerror(e));
        break;
    case STORE_E_BUSY:
    case STORE_E_IO:
    case STORE_E_VERSION:
        reply_problem(rp, 503, NULL, "%s", store_strerror(e));
        break;
    default:
        reply_problem(rp, 500, NULL, "%s", store_strerror(e));
        break;
    }
}

void reply_store_unreadable(struct reply *rp, enum store_err e, bool begun)
{
    reply_problem(rp, 503, NULL,
                  begun ? "the store is not readable: %s" : "the store cannot be read: %s",
                  store_strerror(e));
}

/* RFC 9110 If-None-Match: "*" or a list of (possibly weak) entity tags. */
bool reply_etag_match(const char *inm, const char *etag)
{
    const char *tag = etag + 1; /* inside the quotes */
    size_t tlen = strlen(etag) - 2;
    for (const char *p = inm; *p;) {
        while (*p == ' ' || *p == ',' || *p == '\t')
            p++;
        if (*p == '*')
            return true;
        if (p[0] == 'W' && p[1] == '/')
            p += 2;
        if (*p != '"')
            return false;
        const char *q = strchr(p + 1, '"');
        if (!q)
            return false;
        if ((size_t)(q - p - 1) == tlen && memcmp(p + 1, tag, tlen) == 0)
            return true;
        p = q + 1;
    }
    return false;
}

/* Origin allowed by --cors-origin ("*" or a comma list)? Returns the value
 * for Access-Control-Allow-Origin or NULL. */
const char *reply_cors_origin(const char *conf, const char *origin)
{
    if (!conf[0])
        return NULL;
    if (!strcmp(conf, "*"))
        return "*";
    if (!origin)
        return NULL;
    size_t n = strlen(origin);
    for (const char *p = conf; *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        while (len && p[len - 1] == ' ')
            len--;
        if (len == n && !memcmp(p, origin, n))
            return origin;
        if (!e)
            break;
        p = e + 1;
    }
    return NULL;
}

static enum MHD_Result accept_encoding_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                             const char *value)
{
    (void)kind;
    if (key && value && strcasecmp(key, MHD_HTTP_HEADER_ACCEPT_ENCODING) == 0)
        encoding_accept_parse(cls, value);
    return MHD_YES;
}

bool reply_accepts_gzip(struct request *rq)
{
    if (!rq->gzip) {
        /* every Accept-Encoding field: several make one list (RFC 9110 5.3) */
        struct accept_encoding ae;
        encoding_accept_init(&ae);
        MHD_get_connection_values(rq->conn, MHD_HEADER_KIND, accept_encoding_field, &ae);
        rq->gzip = encoding_accept_gzip(&ae) ? 1 : 2;
    }
    return rq->gzip == 1;
}

#define ADD(resp, h, v)                                                                            \
    do {                                                                                           \
        if (MHD_add_response_header((resp), (h), (v)) != MHD_YES)                                  \
            goto fail;                                                                             \
    } while (0)

enum MHD_Result reply_queue(struct request *rq, struct reply *rp, struct reply_kept *keep)
{
    if (keep)
        keep->resp = NULL;
    if (!rp->body && rp->status != 204 && rp->status != 304)
        reply_problem(rp, 500, NULL, "no response produced");
    /* The route says whether its answer may be revalidated (router.h). */
    if (rq->route && (rq->route->flags & (ROUTE_NO_CACHE | ROUTE_WRITE)))
        rp->cacheable = false;
    char etag[24] = "";
    unsigned status = rp->status;
    /* Negotiable: the representation depends on Accept-Encoding (Vary),
     * also where it is not compressed. Compressed before the ETag and 304:
     * the tag names the representation, and a 304's Content-Length is the
     * length of the body it stands for. */
    bool negotiable = rp->body && status >= 200 && status < 300 && status != 204 &&
                      encoding_negotiable(rp->content_type);
    bool gz_candidate = negotiable && rp->len >= ENCODING_MIN_BODY;
    bool gz_tried = gz_candidate && reply_accepts_gzip(rq);
    char *gz = NULL;
    size_t gz_len = 0;
    bool zipped = gz_tried && encoding_gzip(rp->body, rp->len, &gz, &gz_len);
    if (rp->cacheable && status == 200 && rp->body) {
        snprintf(etag, sizeof etag, "\"%016llx%s\"",
                 (unsigned long long)ecf_hash64(rp->body, rp->len), zipped ? "-gz" : "");
        const char *inm = request_header(rq, MHD_HTTP_HEADER_IF_NONE_MATCH);
        if (inm && reply_etag_match(inm, etag))
            status = 304;
    }
    /* A 304 is built from the 200's body, which MHD does not send: its
     * Content-Length is then the 200's length, as RFC 9110 section 8.6
     * allows; from an empty buffer 0.9.75 would send "Content-Length: 0". */
    struct MHD_Response *resp;
    if (status == 204 || !rp->body) {
        resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    } else if (zipped) {
        resp = MHD_create_response_from_buffer(gz_len, gz, MHD_RESPMEM_MUST_FREE);
        if (resp)
            gz = NULL; /* MHD frees it now */
    } else {
        resp = MHD_create_response_from_buffer(rp->len, rp->body, MHD_RESPMEM_MUST_FREE);
        if (resp)
            rp->body = NULL; /* MHD frees it now */
    }
    if (!resp) {
        free(gz);
        return MHD_NO;
    }
    if (status != 204 && status != 304 && rp->content_type)
        ADD(resp, MHD_HTTP_HEADER_CONTENT_TYPE, rp->content_type);
    if (zipped && status != 304)
        ADD(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
    if (etag[0]) {
        ADD(resp, MHD_HTTP_HEADER_ETAG, etag);
        ADD(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
    } else if (status >= 200 && status < 300) {
        ADD(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    }
    if (rp->allow) {
        char allow[96];
        router_allow_string(rp->allow, allow, sizeof allow);
        ADD(resp, MHD_HTTP_HEADER_ALLOW, allow);
    }
    if (rp->www_auth)
        ADD(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"ecfacts\"");
    if (rp->location[0])
        ADD(resp, MHD_HTTP_HEADER_LOCATION, rp->location);
    if (rp->close)
        ADD(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    if (rp->page) {
        ADD(resp, "Content-Security-Policy", CSP_PAGE);
        ADD(resp, "X-Content-Type-Options", "nosniff");
    }
    const char *origin = request_header(rq, "Origin");
    const char *conf = rq->app->cfg->cors_origin;
    const char *acao = reply_cors_origin(conf, origin);
    /* With a list, the answer depends on Origin even when it allows none. */
    bool vary_origin = conf[0] && strcmp(conf, "*") != 0;
    if (vary_origin || negotiable)
        ADD(resp, MHD_HTTP_HEADER_VARY,
            !negotiable   ? "Origin"
            : vary_origin ? "Origin, Accept-Encoding"
                          : "Accept-Encoding");
    if (acao) {
        ADD(resp, "Access-Control-Allow-Origin", acao);
        ADD(resp, "Access-Control-Expose-Headers", "ETag, Location");
        if (rq->method == HTTP_OPTIONS && rp->allow) {
            char allow[96];
            router_allow_string(rp->allow, allow, sizeof allow);
            ADD(resp, "Access-Control-Allow-Methods", allow);
            ADD(resp, "Access-Control-Allow-Headers", "Authorization, Content-Type, If-None-Match");
            ADD(resp, "Access-Control-Max-Age", "600");
        }
    }
    rq->status = status;
    enum MHD_Result r = MHD_queue_response(rq->conn, status, resp);
    if (r == MHD_YES && zipped && status != 304)
        encoding_count(rp->len, gz_len);
    if (keep && r == MHD_YES && status == 200 && etag[0]) {
        /* the caller's reference now; an identity body that a gzip client
         * would get too (small, not negotiable, or not smaller gzip'd)
         * serves every client */
        *keep = (struct reply_kept){.resp = resp,
                                    .coding = zipped                      ? CACHE_GZIP
                                              : gz_candidate && !gz_tried ? CACHE_IDENTITY
                                                                          : CACHE_ANY,
                                    .len = zipped ? gz_len : rp->len,
                                    .plain_len = rp->len};
    } else {
        MHD_destroy_response(resp);
    }
    rq->answered = r == MHD_YES;
    return r;
fail:
    free(gz);
    MHD_destroy_response(resp);
    return MHD_NO;
}
