/* fetcher/url.c — URL validation and normalisation, sources files. */
#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <libpsl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/file.h"
#include "fetcher/fetch_int.h"

#define SOURCES_MAX_URLS 100000u
#define SOURCES_MAX_FILE ((size_t)16 * 1024 * 1024)

enum fetch_err fetch_url_normalize(const char *url, char **out)
{
    enum fetch_err err = FETCH_E_INVALID;
    CURLU *h = NULL;
    char *scheme = NULL, *host = NULL, *port = NULL, *user = NULL, *full = NULL;
    *out = NULL;

    size_t n = strlen(url);
    if (n == 0 || n > FETCH_URL_MAX)
        goto out;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)url[i] <= 0x20 || url[i] == 0x7f)
            goto out;
    h = curl_url();
    if (!h) {
        err = FETCH_E_NOMEM;
        goto out;
    }
    if (curl_url_set(h, CURLUPART_URL, url, 0) != CURLUE_OK)
        goto out;
    if (curl_url_get(h, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK)
        goto out;
    bool https = strcmp(scheme, "https") == 0;
    if (!https && strcmp(scheme, "http") != 0)
        goto out;
    /* "http:///x" would parse with "x" as its host: an authority must follow "//". */
    const char *auth = strstr(url, "://");
    if (!auth || auth[3] == '/' || auth[3] == '\0')
        goto out;
    if (curl_url_get(h, CURLUPART_USER, &user, 0) == CURLUE_OK)
        goto out; /* credentials in a URL: never from a sources list */
    if (curl_url_get(h, CURLUPART_HOST, &host, 0) != CURLUE_OK || !host[0])
        goto out;
    for (char *c = host; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    if (curl_url_set(h, CURLUPART_HOST, host, 0) != CURLUE_OK)
        goto out;
    if (curl_url_get(h, CURLUPART_PORT, &port, 0) == CURLUE_OK &&
        strcmp(port, https ? "443" : "80") == 0 &&
        curl_url_set(h, CURLUPART_PORT, NULL, 0) != CURLUE_OK)
        goto out;
    if (curl_url_set(h, CURLUPART_FRAGMENT, NULL, 0) != CURLUE_OK)
        goto out;
    if (curl_url_get(h, CURLUPART_URL, &full, 0) != CURLUE_OK)
        goto out;
    if (strlen(full) > FETCH_URL_MAX)
        goto out;
    *out = fetch_strndup(full, strlen(full));
    err = *out ? FETCH_OK : FETCH_E_NOMEM;
out:
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_free(user);
    curl_free(full);
    curl_url_cleanup(h);
    return err;
}

/* The host of url, lowercased (curl_free it), or NULL. */
static char *host_of(const char *url)
{
    CURLU *h = curl_url();
    char *host = NULL;
    if (h && (curl_url_set(h, CURLUPART_URL, url, 0) != CURLUE_OK ||
              curl_url_get(h, CURLUPART_HOST, &host, 0) != CURLUE_OK)) {
        curl_free(host);
        host = NULL;
    }
    curl_url_cleanup(h);
    for (char *c = host; c && *c; c++)
        *c = (char)tolower((unsigned char)*c);
    return host;
}

/* An IPv6 literal ("[::1]") or a dotted IPv4 address: no registrable domain. */
static bool host_is_ip(const char *h)
{
    if (h[0] == '[')
        return true;
    for (; *h; h++)
        if (!isdigit((unsigned char)*h) && *h != '.')
            return false;
    return true;
}

bool fetch_url_same_site(const char *url, const char *canonical)
{
    char *a = host_of(url), *b = host_of(canonical);
    bool same = false;
    if (a && b && a[0] && b[0]) {
        if (strcmp(a, b) == 0) {
            same = true;
        } else if (!host_is_ip(a) && !host_is_ip(b)) {
            /* The list compiled into libpsl: no file to load, nothing to free,
             * safe to share between threads. */
            const psl_ctx_t *psl = psl_builtin();
            const char *ra = psl ? psl_registrable_domain(psl, a) : NULL;
            const char *rb = psl ? psl_registrable_domain(psl, b) : NULL;
            same = ra && rb && strcmp(ra, rb) == 0;
        }
    }
    curl_free(a);
    curl_free(b);
    return same;
}

/* Whether s is a fragment-only or empty reference ("#x", ""): the base itself. */
static bool same_document(const char *s)
{
    return s[0] == '\0' || s[0] == '#';
}

enum fetch_err fetch_url_resolve(const char *base, const char *href, char **out)
{
    enum fetch_err err = FETCH_E_INVALID;
    CURLU *h = NULL;
    char *full = NULL, *ref = NULL;
    *out = NULL;

    /* URLs in attributes and feeds may be padded with ASCII whitespace. */
    while (*href == ' ' || *href == '\t' || *href == '\n' || *href == '\r' || *href == '\f')
        href++;
    size_t n = strlen(href);
    while (n && (href[n - 1] == ' ' || href[n - 1] == '\t' || href[n - 1] == '\n' ||
                 href[n - 1] == '\r' || href[n - 1] == '\f'))
        n--;
    if (n > FETCH_URL_MAX)
        goto out;
    ref = fetch_strndup(href, n);
    if (!ref) {
        err = FETCH_E_NOMEM;
        goto out;
    }
    if (!base || !base[0] || strlen(base) > FETCH_URL_MAX) {
        err = fetch_url_normalize(ref, out);
        goto out;
    }
    if (same_document(ref)) {
        err = fetch_url_normalize(base, out);
        goto out;
    }
    h = curl_url();
    if (!h) {
        err = FETCH_E_NOMEM;
        goto out;
    }
    /* A relative reference is resolved against the URL already set (RFC 3986);
     * an absolute one replaces it. */
    if (curl_url_set(h, CURLUPART_URL, base, 0) != CURLUE_OK ||
        curl_url_set(h, CURLUPART_URL, ref, 0) != CURLUE_OK ||
        curl_url_get(h, CURLUPART_URL, &full, 0) != CURLUE_OK)
        goto out;
    err = fetch_url_normalize(full, out);
out:
    free(ref);
    curl_free(full);
    curl_url_cleanup(h);
    return err;
}

static bool add_bad(struct fetch_sources *s, unsigned line, const char *msg)
{
    struct fetch_line_error *p = realloc(s->bad, (s->n_bad + 1) * sizeof(*p));
    if (!p)
        return false;
    s->bad = p;
    p[s->n_bad].line = line;
    ecf_strlcpy(p[s->n_bad].msg, msg, sizeof(p[s->n_bad].msg));
    s->n_bad++;
    return true;
}

enum fetch_err fetch_sources_parse(const char *text, size_t n, struct fetch_sources *out)
{
    enum fetch_err err = FETCH_OK;
    struct strset seen;
    size_t alloc = 0;
    unsigned line = 0;
    char *lbuf = NULL;

    memset(out, 0, sizeof(*out));
    strset_init(&seen);
    lbuf = malloc(FETCH_URL_MAX + 2);
    if (!lbuf) {
        err = FETCH_E_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && text[j] != '\n')
            j++;
        size_t a = i, b = j;
        i = j < n ? j + 1 : j;
        line++;
        if (line == 1 && b - a >= 3 && memcmp(text + a, "\xEF\xBB\xBF", 3) == 0)
            a += 3; /* UTF-8 BOM */
        /* A comment starts at a '#' that begins the line or follows
         * whitespace; a '#' inside a URL is its fragment. */
        for (size_t k = a; k < b; k++)
            if (text[k] == '#' && (k == a || isspace((unsigned char)text[k - 1]))) {
                b = k;
                break;
            }
        while (a < b && isspace((unsigned char)text[a]))
            a++;
        while (b > a && isspace((unsigned char)text[b - 1]))
            b--;
        if (a == b)
            continue;
        const char *msg = NULL;
        char *norm = NULL;
        if (b - a > FETCH_URL_MAX) {
            msg = "line too long for a URL";
        } else if (memchr(text + a, '\0', b - a)) {
            msg = "NUL byte in line";
        } else {
            memcpy(lbuf, text + a, b - a);
            lbuf[b - a] = '\0';
            if (strpbrk(lbuf, " \t"))
                msg = "expected one URL per line";
            else {
                enum fetch_err e = fetch_url_normalize(lbuf, &norm);
                if (e == FETCH_E_NOMEM) {
                    err = e;
                    goto out;
                }
                if (e)
                    msg = "not an absolute http(s) URL";
            }
        }
        if (msg) {
            if (!add_bad(out, line, msg)) {
                err = FETCH_E_NOMEM;
                goto out;
            }
            continue;
        }
        int r = strset_add(&seen, norm);
        if (r <= 0) {
            free(norm);
            if (r < 0) {
                err = FETCH_E_NOMEM;
                goto out;
            }
            continue; /* listed twice: fetched once */
        }
        if (out->n_urls == SOURCES_MAX_URLS) {
            free(norm);
            if (!add_bad(out, line, "too many URLs (limit 100000)")) {
                err = FETCH_E_NOMEM;
                goto out;
            }
            break;
        }
        if (out->n_urls == alloc) {
            size_t na = alloc ? alloc * 2 : 16;
            char **p = realloc(out->urls, na * sizeof(*p));
            if (!p) {
                free(norm);
                err = FETCH_E_NOMEM;
                goto out;
            }
            out->urls = p;
            alloc = na;
        }
        out->urls[out->n_urls++] = norm;
    }
    if (out->n_bad)
        err = FETCH_E_PARSE;
out:
    free(lbuf);
    strset_free(&seen);
    return err;
}

enum fetch_err fetch_sources_load(const char *path, struct fetch_sources *out, char *err,
                                  size_t errcap)
{
    char *text = NULL;
    size_t len = 0;
    memset(out, 0, sizeof(*out));
    /* a regular file only: opening a FIFO with no writer would block the
     * command, or the server's fetch thread and with it shutdown */
    if (ecf_read_file(path, SOURCES_MAX_FILE, &text, &len, err, errcap) != 0)
        return FETCH_E_IO;
    enum fetch_err e = fetch_sources_parse(text, len, out);
    free(text);
    return e;
}

void fetch_sources_free(struct fetch_sources *s)
{
    for (size_t i = 0; i < s->n_urls; i++)
        free(s->urls[i]);
    free(s->urls);
    free(s->bad);
    memset(s, 0, sizeof(*s));
}
