/* fetcher/robots.c — robots.txt parsing and matching (RFC 9309). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fetcher/fetch_int.h"

#define ROBOTS_MAX_RULES   4096u
#define ROBOTS_MAX_PATTERN 1024u

/* Whether the user-agent value's product token names agent. */
static bool agent_matches(const char *v, size_t n, const char *agent)
{
    size_t k = 0;
    while (k < n && (isalnum((unsigned char)v[k]) || v[k] == '-' || v[k] == '_'))
        k++;
    if (k != strlen(agent))
        return false;
    for (size_t i = 0; i < k; i++)
        if (tolower((unsigned char)v[i]) != tolower((unsigned char)agent[i]))
            return false;
    return true;
}

static bool key_is(const char *k, size_t n, const char *want)
{
    if (n != strlen(want))
        return false;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)k[i]) != want[i])
            return false;
    return true;
}

static bool push_rule(struct robots *r, size_t *alloc, const char *v, size_t n, bool allow)
{
    if (r->n >= ROBOTS_MAX_RULES || n > ROBOTS_MAX_PATTERN)
        return true; /* ignored, not an error */
    if (r->n == *alloc) {
        size_t na = *alloc ? *alloc * 2 : 16;
        struct robots_rule *p = realloc(r->rules, na * sizeof(*p));
        if (!p)
            return false;
        r->rules = p;
        *alloc = na;
    }
    char *pat = fetch_strndup(v, n);
    if (!pat)
        return false;
    r->rules[r->n].pattern = pat;
    r->rules[r->n].allow = allow;
    r->n++;
    return true;
}

bool robots_parse(const char *text, size_t n, const char *agent, struct robots *out)
{
    /* Two rule sets are collected in one pass: for agent and for "*". */
    struct robots mine = {0}, star = {0};
    size_t mine_alloc = 0, star_alloc = 0;
    bool matched_agent = false;
    bool g_mine = false, g_star = false; /* the current group applies to ... */
    bool in_agents = false;              /* last line was a user-agent line */

    memset(out, 0, sizeof(*out));
    if (n > ROBOTS_MAX_BYTES)
        n = ROBOTS_MAX_BYTES;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && text[j] != '\n' && text[j] != '\r')
            j++;
        size_t a = i, b = j;
        i = j + 1;
        const char *hash = memchr(text + a, '#', b - a);
        if (hash)
            b = (size_t)(hash - text);
        const char *colon = memchr(text + a, ':', b - a);
        if (!colon)
            continue;
        size_t ka = a, kb = (size_t)(colon - text);
        while (ka < kb && isspace((unsigned char)text[ka]))
            ka++;
        while (kb > ka && isspace((unsigned char)text[kb - 1]))
            kb--;
        size_t va = (size_t)(colon - text) + 1, vb = b;
        while (va < vb && isspace((unsigned char)text[va]))
            va++;
        while (vb > va && isspace((unsigned char)text[vb - 1]))
            vb--;
        const char *k = text + ka, *v = text + va;
        size_t kn = kb - ka, vn = vb - va;

        if (key_is(k, kn, "user-agent")) {
            if (!in_agents)
                g_mine = g_star = false;
            in_agents = true;
            if (vn == 1 && v[0] == '*')
                g_star = true;
            else if (agent_matches(v, vn, agent)) {
                g_mine = true;
                matched_agent = true;
            }
            continue;
        }
        bool allow = key_is(k, kn, "allow");
        if (!allow && !key_is(k, kn, "disallow"))
            continue; /* sitemap, crawl-delay, unknown: not group-ending */
        in_agents = false;
        if (vn == 0)
            continue; /* "Disallow:" allows everything */
        if (g_mine && !push_rule(&mine, &mine_alloc, v, vn, allow))
            goto nomem;
        if (g_star && !push_rule(&star, &star_alloc, v, vn, allow))
            goto nomem;
    }
    if (matched_agent) {
        *out = mine;
        robots_free(&star);
    } else {
        *out = star;
        robots_free(&mine);
    }
    return true;
nomem:
    robots_free(&mine);
    robots_free(&star);
    return false;
}

/* Wildcard match of p[0..pn) against the whole of s; '*' matches any run.
 * Greedy with backtracking to the last star: O(len(p) * len(s)). */
static bool glob_full(const char *p, size_t pn, const char *s)
{
    size_t pi = 0, si = 0, star = (size_t)-1, mark = 0;
    size_t sn = strlen(s);
    while (si < sn) {
        if (pi < pn && p[pi] == '*') {
            star = pi++;
            mark = si;
        } else if (pi < pn && p[pi] == s[si]) {
            pi++;
            si++;
        } else if (star != (size_t)-1) {
            pi = star + 1;
            si = ++mark;
        } else {
            return false;
        }
    }
    while (pi < pn && p[pi] == '*')
        pi++;
    return pi == pn;
}

static bool rule_matches(const char *pat, const char *path)
{
    size_t pn = strlen(pat);
    if (pn && pat[pn - 1] == '$')
        return glob_full(pat, pn - 1, path);
    /* A rule matches a prefix: the pattern followed by an implicit '*'. */
    char buf[ROBOTS_MAX_PATTERN + 2];
    memcpy(buf, pat, pn);
    buf[pn] = '*';
    buf[pn + 1] = '\0';
    return glob_full(buf, pn + 1, path);
}

bool robots_allowed(const struct robots *r, const char *path)
{
    if (strcmp(path, "/robots.txt") == 0)
        return true;
    size_t best = 0;
    bool found = false, allow = true;
    for (size_t i = 0; i < r->n; i++) {
        size_t len = strlen(r->rules[i].pattern);
        if (!rule_matches(r->rules[i].pattern, path))
            continue;
        if (!found || len > best || (len == best && r->rules[i].allow)) {
            best = len;
            allow = r->rules[i].allow;
            found = true;
        }
    }
    return allow;
}

void robots_free(struct robots *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->rules[i].pattern);
    free(r->rules);
    r->rules = NULL;
    r->n = 0;
}
