#include "server/router.h"

#include <string.h>

enum http_method router_method_parse(const char *m)
{
    static const struct {
        const char *name;
        enum http_method m;
    } names[] = {{"GET", HTTP_GET},        {"HEAD", HTTP_HEAD},     {"POST", HTTP_POST},
                 {"PUT", HTTP_PUT},        {"DELETE", HTTP_DELETE}, {"PATCH", HTTP_PATCH},
                 {"OPTIONS", HTTP_OPTIONS}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(m, names[i].name) == 0)
            return names[i].m;
    }
    return HTTP_OTHER;
}

/* Compares one pattern against path segment by segment. Captures are
 * bounded: an over-long segment does not match (404, never truncation). */
static bool match_pattern(const char *pat, const char *path,
                          char caps[ROUTER_MAX_CAPTURES][ROUTER_CAPTURE_MAX])
{
    size_t ncap = 0;
    while (*pat && *path) {
        if (*pat != '/' || *path != '/')
            return false;
        pat++;
        path++;
        const char *pend = strchr(pat, '/');
        const char *send = strchr(path, '/');
        size_t plen = pend ? (size_t)(pend - pat) : strlen(pat);
        size_t slen = send ? (size_t)(send - path) : strlen(path);
        if (plen >= 2 && pat[0] == '{' && pat[plen - 1] == '}') {
            if (slen == 0 || slen >= ROUTER_CAPTURE_MAX || ncap >= ROUTER_MAX_CAPTURES)
                return false;
            memcpy(caps[ncap], path, slen);
            caps[ncap][slen] = '\0';
            ncap++;
        } else if (plen != slen || memcmp(pat, path, plen) != 0) {
            return false;
        }
        pat += plen;
        path += slen;
    }
    return *pat == '\0' && *path == '\0';
}

enum router_result router_match(const char *path, enum http_method method, const struct route **out,
                                char caps[ROUTER_MAX_CAPTURES][ROUTER_CAPTURE_MAX], unsigned *allow)
{
    unsigned seen = 0;
    char scratch[ROUTER_MAX_CAPTURES][ROUTER_CAPTURE_MAX];
    for (size_t i = 0; i < router_nroutes; i++) {
        const struct route *r = &router_routes[i];
        if (!match_pattern(r->pattern, path, scratch))
            continue;
        unsigned m = r->methods;
        if (m & HTTP_GET)
            m |= HTTP_HEAD;
        seen |= m;
        if (m & method) {
            memcpy(caps, scratch, sizeof scratch);
            *out = r;
            return ROUTER_MATCH;
        }
    }
    if (!seen)
        return ROUTER_NOT_FOUND;
    *allow = seen | HTTP_OPTIONS;
    return ROUTER_BAD_METHOD;
}

void router_allow_string(unsigned methods, char *buf, size_t cap)
{
    static const struct {
        unsigned m;
        const char *name;
    } order[] = {{HTTP_GET, "GET"},        {HTTP_HEAD, "HEAD"},     {HTTP_POST, "POST"},
                 {HTTP_PUT, "PUT"},        {HTTP_DELETE, "DELETE"}, {HTTP_PATCH, "PATCH"},
                 {HTTP_OPTIONS, "OPTIONS"}};
    size_t o = 0;
    if (cap)
        buf[0] = '\0';
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        if (!(methods & order[i].m))
            continue;
        size_t n = strlen(order[i].name);
        if (o + n + 3 > cap)
            break;
        if (o) {
            memcpy(buf + o, ", ", 2);
            o += 2;
        }
        memcpy(buf + o, order[i].name, n);
        o += n;
        buf[o] = '\0';
    }
}

bool router_param_allowed(const struct route *r, const char *name)
{
    if (!r->params)
        return false;
    size_t n = strlen(name);
    const char *p = r->params;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && memcmp(p, name, n) == 0)
            return true;
        if (!e)
            break;
        p = e + 1;
    }
    return false;
}
