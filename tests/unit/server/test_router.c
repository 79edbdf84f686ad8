/* The route table matcher and the pure helpers of reply.c and config.c. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "handlers/handlers.h"
#include "app/config.h"
#include "server/http.h"
#include "server/reply.h"
#include "server/router.h"
#include "tests/tap.h"

/* The real table, without the real handlers: the tests only match. */
static void h(struct request *rq, struct reply *rp)
{
    (void)rq;
    (void)rp;
}

const struct route router_routes[] = {
    {HTTP_GET, "/v1/entities", h, 0, "type,limit"},
    {HTTP_GET, "/v1/entities/{id}", h, 0, NULL},
    {HTTP_GET, "/v1/chips/{id}/lineage", h, 0, "depth"},
    {HTTP_POST, "/v1/articles", h, ROUTE_AUTH, NULL},
    {HTTP_GET, "/v1/articles", h, 0, "limit,cursor"},
};
const size_t router_nroutes = sizeof router_routes / sizeof router_routes[0];

/* reply.c's collaborators, outside what these tests exercise. */
const char *request_header(const struct request *rq, const char *name)
{
    (void)rq;
    (void)name;
    return NULL;
}

const char *store_strerror(enum store_err e)
{
    (void)e;
    return "store error";
}

static void test_match(void)
{
    const struct route *r = NULL;
    char caps[ROUTER_MAX_CAPTURES][ROUTER_CAPTURE_MAX];
    unsigned allow = 0;
    ok(router_match("/v1/entities", HTTP_GET, &r, caps, &allow) == ROUTER_MATCH &&
           r == &router_routes[0],
       "literal path matches");
    ok(router_match("/v1/entities/huawei", HTTP_GET, &r, caps, &allow) == ROUTER_MATCH &&
           r == &router_routes[1],
       "capture route matches");
    is_str(caps[0], "huawei", "capture is the segment");
    ok(router_match("/v1/chips/h20/lineage", HTTP_HEAD, &r, caps, &allow) == ROUTER_MATCH,
       "HEAD is accepted where GET is");
    is_str(caps[0], "h20", "inner capture");
    ok(router_match("/v1/entities/", HTTP_GET, &r, caps, &allow) == ROUTER_NOT_FOUND,
       "empty capture does not match");
    ok(router_match("/v1/entities/a/b", HTTP_GET, &r, caps, &allow) == ROUTER_NOT_FOUND,
       "extra segment does not match");
    ok(router_match("/v1/entitiesx", HTTP_GET, &r, caps, &allow) == ROUTER_NOT_FOUND,
       "prefix of a segment does not match");
    ok(router_match("v1/entities", HTTP_GET, &r, caps, &allow) == ROUTER_NOT_FOUND,
       "relative path does not match");
    ok(router_match("/v1/entities", HTTP_DELETE, &r, caps, &allow) == ROUTER_BAD_METHOD,
       "wrong method on a known path is 405");
    ok(allow == (HTTP_GET | HTTP_HEAD | HTTP_OPTIONS), "Allow lists GET, HEAD, OPTIONS");
    ok(router_match("/v1/articles", HTTP_POST, &r, caps, &allow) == ROUTER_MATCH &&
           r == &router_routes[3],
       "same path, method picks the route");
    ok(router_match("/v1/articles", HTTP_PUT, &r, caps, &allow) == ROUTER_BAD_METHOD &&
           (allow & HTTP_POST) && (allow & HTTP_GET),
       "Allow unions every route of the path");
    char longseg[400];
    memset(longseg, 'a', sizeof longseg);
    memcpy(longseg, "/v1/entities/", 13);
    longseg[sizeof longseg - 1] = '\0';
    ok(router_match(longseg, HTTP_GET, &r, caps, &allow) == ROUTER_NOT_FOUND,
       "an over-long capture is refused, never truncated");
    char buf[96];
    router_allow_string(HTTP_GET | HTTP_HEAD | HTTP_POST | HTTP_OPTIONS, buf, sizeof buf);
    is_str(buf, "GET, HEAD, POST, OPTIONS", "Allow header text");
    ok(router_param_allowed(&router_routes[4], "cursor"), "listed parameter allowed");
    ok(!router_param_allowed(&router_routes[4], "curs"), "prefix of a parameter is not");
    ok(!router_param_allowed(&router_routes[1], "limit"), "route without parameters");
    ok(router_method_parse("GET") == HTTP_GET && router_method_parse("get") == HTTP_OTHER,
       "methods are case-sensitive");
}

static void test_reply_helpers(void)
{
    ok(reply_etag_match("\"abc\"", "\"abc\""), "ETag exact");
    ok(reply_etag_match("W/\"abc\"", "\"abc\""), "weak ETag matches for GET");
    ok(reply_etag_match("\"x\", \"abc\"", "\"abc\""), "ETag in a list");
    ok(reply_etag_match("*", "\"abc\""), "* matches");
    ok(!reply_etag_match("\"abcd\"", "\"abc\""), "longer tag does not match");
    ok(!reply_etag_match("\"ab", "\"abc\""), "unterminated tag does not match");
    ok(!reply_etag_match("", "\"abc\""), "empty header does not match");
    is_str(reply_cors_origin("*", NULL), "*", "CORS wildcard");
    is_str(reply_cors_origin("https://a.example, https://b.example", "https://b.example"),
           "https://b.example", "CORS list echoes the allowed origin");
    ok(reply_cors_origin("https://a.example", "https://evil.example") == NULL,
       "CORS refuses other origins");
    ok(reply_cors_origin("https://a.example", "https://a.example.evil") == NULL,
       "CORS compares whole origins");
    ok(reply_cors_origin("", "https://a.example") == NULL, "CORS off by default");
}

/* The problem reply_store_error_id gives for e: status, and the body holds want. */
static bool store_reply(enum store_err e, const char *id, unsigned status, const char *want)
{
    struct reply rp;
    reply_init(&rp, "/v1/x");
    reply_store_error_id(&rp, e, "chip", id);
    bool good = rp.status == status && rp.body && strstr(rp.body, want);
    if (!good)
        printf("#   got: %u %s\n", rp.status, rp.body ? rp.body : "(no body)");
    reply_free(&rp);
    return good;
}

/* reply.c is the one place that turns a store error into a status; these
 * are the answers the handlers used to write by hand. */
static void test_store_errors(void)
{
    ok(store_reply(STORE_E_NOTFOUND, "x", 404, "\"detail\":\"no chip with that id\""),
       "NOTFOUND: 404");
    ok(store_reply(STORE_E_CURSOR, NULL, 400,
                   "\"detail\":\"cursor is not one this server issued\","
                   "\"instance\":\"/v1/x\",\"parameter\":\"cursor\""),
       "CURSOR: 400 naming the cursor parameter");
    ok(store_reply(STORE_E_KIND, "huawei", 400,
                   "\"detail\":\"entity 'huawei' is not a chip\",\"instance\":\"/v1/x\","
                   "\"parameter\":\"id\""),
       "KIND: 400 naming the id");
    ok(store_reply(STORE_E_QUERY, NULL, 400,
                   "\"detail\":\"q is too short to search for\",\"instance\":\"/v1/x\","
                   "\"parameter\":\"q\""),
       "QUERY: 400 naming q");
    ok(store_reply(STORE_E_INVALID, NULL, 400, "bad-body"), "INVALID: 400 without a parameter");
    ok(store_reply(STORE_E_CONFLICT, NULL, 409, "conflict"), "CONFLICT: 409");
    ok(store_reply(STORE_E_MAPFULL, NULL, 507, "insufficient-storage") &&
           store_reply(STORE_E_NOSPACE, NULL, 507, "insufficient-storage"),
       "MAPFULL, NOSPACE: 507");
    ok(store_reply(STORE_E_BUSY, NULL, 503, "not-ready") &&
           store_reply(STORE_E_IO, NULL, 503, "not-ready") &&
           store_reply(STORE_E_VERSION, NULL, 503, "not-ready"),
       "BUSY, IO, VERSION: 503");
    ok(store_reply(STORE_E_CORRUPT, NULL, 500, "internal") &&
           store_reply(STORE_E_NOMEM, NULL, 500, "internal"),
       "CORRUPT, NOMEM: 500");
    struct reply rp;
    reply_init(&rp, NULL);
    reply_store_unreadable(&rp, STORE_E_NOMEM, false);
    ok(rp.status == 503 && rp.body && strstr(rp.body, "\"the store cannot be read: "),
       "a read that cannot begin: 503 whatever the error");
    reply_store_unreadable(&rp, STORE_E_CORRUPT, true);
    ok(rp.status == 503 && rp.body && strstr(rp.body, "\"the store is not readable: "),
       "counts that cannot be read: 503");
    reply_free(&rp);
}

static void test_config(void)
{
    struct config c;
    char **pos;
    int npos;
    FILE *devnull = fopen("/dev/null", "w");
    setenv("ECFACTS_THREADS", "7", 1);
    setenv("ECFACTS_LISTEN", "127.0.0.1:9999", 1);
    unsetenv("ECFACTS_TOKEN");
    char *argv1[] = {"--listen", "127.0.0.1:0", "--map-size=2M", "--no-sample", NULL};
    ok(config_parse(&c, CMD_SERVE, 4, argv1, &pos, &npos, devnull) == CONFIG_OK,
       "serve flags parse");
    is_str(c.listen, "127.0.0.1:0", "flag wins over environment");
    is_int(c.threads, 7, "environment wins over default");
    is_int(c.map_size, 2u << 20, "size suffix");
    ok(c.no_sample, "boolean flag");
    is_int(c.max_body, 1u << 20, "default applies");
    config_free(&c);
    char *argv2[] = {"--threads", "0", NULL};
    ok(config_parse(&c, CMD_SERVE, 2, argv2, &pos, &npos, devnull) == CONFIG_USAGE,
       "out-of-range value is a usage error");
    config_free(&c);
    char *argv3[] = {"--listen", "x", NULL};
    ok(config_parse(&c, CMD_INGEST, 2, argv3, &pos, &npos, devnull) == CONFIG_USAGE,
       "an option of another subcommand is refused");
    config_free(&c);
    char *argv4[] = {"a.txt", "--data", "/tmp/x", "b.txt", "--", "--c.txt", NULL};
    ok(config_parse(&c, CMD_INGEST, 6, argv4, &pos, &npos, devnull) == CONFIG_OK && npos == 3,
       "positional arguments around flags, -- ends options");
    ok(npos == 3 && !strcmp(pos[0], "a.txt") && !strcmp(pos[2], "--c.txt"),
       "positionals kept in order");
    config_free(&c);
    setenv("ECFACTS_THREADS", "many", 1);
    char *argv5[] = {NULL};
    ok(config_parse(&c, CMD_SERVE, 0, argv5, &pos, &npos, devnull) == CONFIG_USAGE,
       "a bad environment value is reported");
    config_free(&c);
    unsetenv("ECFACTS_THREADS");
    setenv("ECFACTS_TOKEN", "short", 1);
    ok(config_parse(&c, CMD_SERVE, 0, argv5, &pos, &npos, devnull) == CONFIG_ERROR,
       "a token under 16 characters is refused");
    config_free(&c);
    setenv("ECFACTS_TOKEN", "0123456789abcdef0123", 1);
    ok(config_parse(&c, CMD_SERVE, 0, argv5, &pos, &npos, devnull) == CONFIG_OK && c.token &&
           c.token_len == 20,
       "token from the environment");
    config_free(&c);
    /* tokens that could never match an Authorization header */
    const char *never[] = {"                ",
                           "\xEF\xBB\xBF"
                           "0123456789abcdef0123",
                           "0123456789 abcdef0123", "0123456789abcdef0123\t"};
    for (size_t i = 0; i < sizeof never / sizeof never[0]; i++) {
        setenv("ECFACTS_TOKEN", never[i], 1);
        ok(config_parse(&c, CMD_SERVE, 0, argv5, &pos, &npos, devnull) == CONFIG_ERROR && !c.token,
           "token %zu (spaces, BOM, inner space, trailing tab) is refused", i);
        config_free(&c);
    }
    /* --threads: auto (the default) is one per online CPU */
    unsetenv("ECFACTS_TOKEN");
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    ok(config_parse(&c, CMD_SERVE, 0, argv5, &pos, &npos, devnull) == CONFIG_OK &&
           (long)c.threads == (cpus < 1     ? 1
                               : cpus > 256 ? 256
                                            : cpus),
       "default threads: the online CPUs (%ld)", cpus);
    config_free(&c);
    char *argv10[] = {"--threads", "auto", NULL};
    ok(config_parse(&c, CMD_SERVE, 2, argv10, &pos, &npos, devnull) == CONFIG_OK &&
           (long)c.threads == (cpus < 1     ? 1
                               : cpus > 256 ? 256
                                            : cpus),
       "--threads auto");
    config_free(&c);
    char *argv7[] = {"--fetch-interval", "30m", NULL};
    ok(config_parse(&c, CMD_SERVE, 2, argv7, &pos, &npos, devnull) == CONFIG_OK &&
           c.fetch_interval == 1800,
       "duration with a minute suffix");
    config_free(&c);
    char *argv8[] = {"--fetch-interval", "10s", NULL};
    ok(config_parse(&c, CMD_SERVE, 2, argv8, &pos, &npos, devnull) == CONFIG_USAGE,
       "a duration under the minimum is refused");
    config_free(&c);
    char *argv9[] = {"--fetch-interval", "5x", NULL};
    ok(config_parse(&c, CMD_SERVE, 2, argv9, &pos, &npos, devnull) == CONFIG_USAGE,
       "an unknown duration unit is refused");
    config_free(&c);
    setenv("ECFACTS_TOKEN", "0123456789abcdef0123", 1);
    char *argv6[] = {"--token-file", "/nonexistent/token", NULL};
    ok(config_parse(&c, CMD_SERVE, 2, argv6, &pos, &npos, devnull) == CONFIG_ERROR,
       "an unreadable token file is an error");
    config_free(&c);
    fclose(devnull);
}

int main(void)
{
    test_match();
    test_reply_helpers();
    test_store_errors();
    test_config();
    return done();
}
