#include "app/fetchglue.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "app/pipeline.h"
#include "common/file.h"
#include "common/util.h"
#include "app/config.h"

void fetchglue_url_id(const char *url, char out[24])
{
    char hex[65];
    ecf_sha256_hex(url, strlen(url), hex);
    snprintf(out, 24, "u-%.16s", hex);
}

void fetchglue_settings(const struct config *c, struct fetch_settings *fs, char ***addrs)
{
    fetch_settings_default(fs);
    fs->allow_private = c->allow_private;
    fs->host_delay_ms = c->host_delay;
    fs->max_attempts = c->retries + 1;
    *addrs = NULL;
    size_t n = 1, len = strlen(c->allow_addrs);
    if (!len)
        return;
    for (size_t i = 0; i < len; i++)
        n += c->allow_addrs[i] == ',';
    /* one block: the pointer array, then a copy of the list cut at commas */
    char **arr = malloc((n + 1) * sizeof *arr + len + 1);
    if (!arr)
        return;
    char *copy = (char *)(arr + n + 1);
    memcpy(copy, c->allow_addrs, len + 1);
    size_t k = 0;
    for (char *p = copy; p && k < n;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        while (*p == ' ')
            p++;
        if (*p)
            arr[k++] = p;
        p = comma ? comma + 1 : NULL;
    }
    arr[k] = NULL;
    fs->allow_addrs = (const char *const *)arr;
    *addrs = arr;
}

static bool lookup_validators(void *user, const char *url, struct fetch_validators *out)
{
    struct fetchglue *g = user;
    return store_http_get(g->store, url, out->etag, out->last_modified) == STORE_OK &&
           (out->etag[0] || out->last_modified[0]);
}

static void iso_time(time_t t, char out[21])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    if (strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        out[0] = '\0';
}

/* What a page says about itself, made storable (store.h limits): byline and
 * site cut at a character boundary, a date only when it is one, a language
 * tag only when it is one ("en_US" as "en-US", the first of a list). */
struct page_meta {
    char byline[STORE_PAGE_TEXT_MAX + 1], site[STORE_PAGE_TEXT_MAX + 1];
    char lang[STORE_LANG_MAX + 1];
    const char *published;
};

static void page_meta(const char *published, const char *byline, const char *site, const char *lang,
                      struct page_meta *m)
{
    fetch_text_clean(byline, m->byline, sizeof m->byline);
    fetch_text_clean(site, m->site, sizeof m->site);
    m->published = published && strlen(published) == 10 ? published : NULL;
    size_t n = 0;
    lang = lang ? lang + strspn(lang, " \t") : "";
    while (n < sizeof m->lang - 1 && lang[n] && !strchr(",; \t", lang[n])) {
        m->lang[n] = lang[n] == '_' ? '-' : lang[n];
        n++;
    }
    m->lang[n] = '\0';
    if (!store_lang_valid(m->lang) || (lang[n] && !strchr(",; \t", lang[n])))
        m->lang[0] = '\0';
}

static enum fetch_store_result store_article(void *user, const struct fetch_article *fa)
{
    struct fetchglue *g = user;
    char id[24], when[21], err[512];
    char etag[FETCH_ETAG_MAX], lm[FETCH_LASTMOD_MAX], ctype[FETCH_ERRMSG_MAX];
    const char *url = fa->canonical_url && *fa->canonical_url ? fa->canonical_url : fa->url;
    fetchglue_url_id(url, id);
    iso_time(fa->fetched_at, when);
    /* Header values may carry obs-text (bytes >= 0x80, RFC 9110) that is not
     * UTF-8: the record gets them escaped rather than losing the article. */
    struct store_fetch_meta meta = {
        .source = fa->source_url,
        .fetched_at = when,
        .http_status = (unsigned)fa->http_status,
        .etag = fetch_text_clean(fa->etag, etag, sizeof etag),
        .last_modified = fetch_text_clean(fa->last_modified, lm, sizeof lm),
        .content_type = fetch_text_clean(fa->content_type, ctype, sizeof ctype)};
    struct page_meta pm;
    page_meta(fa->published, fa->byline, fa->site, fa->lang, &pm);
    struct store_article a = {.id = id,
                              .title = fa->title && *fa->title ? fa->title : NULL,
                              .url = url,
                              .date = fa->date && *fa->date ? fa->date : NULL,
                              .text = fa->text,
                              .len = fa->text_len,
                              .fetch = &meta,
                              .published = pm.published,
                              .byline = pm.byline,
                              .site = pm.site,
                              .lang = pm.lang};
    struct store_ingest_info info = {0};
    enum store_err serr;
    if (pipeline_ingest(g->store, g->x, &a, &info, NULL, &serr, err, sizeof err) != PL_OK) {
        if ((serr == STORE_E_MAPFULL || serr == STORE_E_NOSPACE) && g->fatal == STORE_OK)
            g->fatal = serr;
        return FETCH_STORE_ERROR;
    }
    /* Remember validators for the next conditional GET of this URL, as the
     * server sent them (they go back in If-None-Match byte for byte). */
    if ((fa->etag && *fa->etag) || (fa->last_modified && *fa->last_modified)) {
        enum store_err e = store_http_put(g->store, fa->url, fa->etag ? fa->etag : "",
                                          fa->last_modified ? fa->last_modified : "");
        (void)e; /* losing validators only costs a full GET next time */
    }
    return info.duplicate ? FETCH_STORE_DUPLICATE : FETCH_STORE_OK;
}

static void report_source(void *user, const struct fetch_source_report *orig)
{
    struct fetchglue *g = user;
    /* An article page answered 304 is one item, unchanged (a feed answered
     * 304 has no items to count: they were not listed). */
    struct fetch_source_report adj = *orig;
    if (adj.not_modified && !adj.is_feed && adj.items_found == 0) {
        adj.items_found = 1;
        adj.items_not_modified = 1;
    }
    const struct fetch_source_report *r = &adj;
    char now[21], error[FETCH_ERRMSG_MAX], note[FETCH_ERRMSG_MAX];
    ecf_now_iso(now);
    struct store_source src = {.url = r->url,
                               .is_feed = r->is_feed,
                               .last_fetch = now,
                               .http_status = (unsigned)(r->http_status > 0 ? r->http_status : 0),
                               .error = fetch_text_clean(r->error, error, sizeof error),
                               .note = fetch_text_clean(r->note, note, sizeof note),
                               .not_modified = r->not_modified,
                               .found = (unsigned)r->items_found,
                               .stored = (unsigned)r->items_stored,
                               .duplicates = (unsigned)r->items_duplicate,
                               .unchanged = (unsigned)r->items_not_modified,
                               .failed = (unsigned)r->items_failed,
                               .seconds = r->seconds};
    char etag[256] = "", lm[64] = "", clean[256];
    if (store_http_get(g->store, r->url, etag, lm) == STORE_OK)
        src.etag = fetch_text_clean(etag, clean, sizeof clean);
    enum store_err e = store_source_put(g->store, &src);
    (void)e; /* the articles are stored; at worst /v1/sources shows the previous run */
    g->stored += r->items_stored;
    g->duplicates += r->items_duplicate;
    g->unchanged += r->items_not_modified;
    g->failed += r->items_failed;
    if (r->err != FETCH_OK)
        g->errors++;
    if (g->on_source)
        g->on_source(g->user, r);
}

static void progress(void *user, const struct fetch_progress *p)
{
    struct fetchglue *g = user;
    if (g->on_progress)
        g->on_progress(g->user, p);
}

void fetchglue_callbacks(struct fetchglue *g, struct fetch_callbacks *cb)
{
    memset(cb, 0, sizeof *cb);
    cb->user = g;
    cb->lookup_validators = lookup_validators;
    cb->store_article = store_article;
    cb->report_source = report_source;
    cb->progress = progress;
}

static bool ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n > m && strcmp(s + n - m, suf) == 0;
}

static bool is_html(const char *path)
{
    return ends_with(path, ".html") || ends_with(path, ".htm");
}

/* One local file as a source: text as is, HTML through the HTML extractor. */
static size_t local_file(struct fetchglue *g, const char *path)
{
    char *raw = NULL, err[512] = "", id[STORE_ID_MAX];
    size_t len = 0;
    struct fetch_doc doc = {0};
    struct fetch_source_report r = {.url = path, .items_found = 1};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (ecf_read_file(path, EX_MAX_TEXT, &raw, &len, err, sizeof err) != 0) {
        r.err = FETCH_E_IO;
        goto report;
    }
    const char *text = raw;
    size_t tlen = len;
    const char *title = NULL, *date = NULL;
    struct page_meta pm = {0};
    if (is_html(path)) {
        enum fetch_err fe = fetch_html_extract(raw, len, NULL, NULL, &doc);
        if (fe != FETCH_OK) {
            snprintf(err, sizeof err, "%s", fetch_strerror(fe));
            r.err = fe;
            goto report;
        }
        text = doc.text;
        tlen = doc.text_len;
        title = doc.title[0] ? doc.title : NULL;
        date = doc.date[0] ? doc.date : NULL;
        page_meta(doc.published, doc.byline, doc.site, doc.lang, &pm);
    }
    pipeline_id_from_path(path, id, sizeof id);
    struct store_article a = {.id = id,
                              .title = title,
                              .date = date,
                              .text = text,
                              .len = tlen,
                              .published = pm.published,
                              .byline = pm.byline,
                              .site = pm.site,
                              .lang = pm.lang};
    struct store_ingest_info info = {0};
    enum store_err serr;
    if (pipeline_ingest(g->store, g->x, &a, &info, NULL, &serr, err, sizeof err) != PL_OK) {
        r.err = FETCH_E_CALLBACK;
        r.items_failed = 1;
        if ((serr == STORE_E_MAPFULL || serr == STORE_E_NOSPACE) && g->fatal == STORE_OK)
            g->fatal = serr;
    } else if (info.duplicate) {
        r.items_duplicate = 1;
    } else {
        r.items_stored = 1;
    }
report:
    clock_gettime(CLOCK_MONOTONIC, &t1);
    r.seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    r.error = err;
    g->stored += r.items_stored;
    g->duplicates += r.items_duplicate;
    g->failed += r.items_failed;
    if (r.err != FETCH_OK)
        g->errors++;
    if (g->on_source)
        g->on_source(g->user, &r);
    fetch_doc_free(&doc);
    free(raw);
    return r.err != FETCH_OK;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t fetchglue_local(struct fetchglue *g, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return local_file(g, path);
    DIR *d = opendir(path);
    if (!d) {
        char err[300];
        snprintf(err, sizeof err, "%s", strerror(errno));
        struct fetch_source_report r = {.url = path, .err = FETCH_E_IO, .error = err};
        g->errors++;
        if (g->on_source)
            g->on_source(g->user, &r);
        return 1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0, failed = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        struct stat est;
        if (e->d_name[0] == '.' || !(ends_with(e->d_name, ".txt") || is_html(e->d_name)))
            continue;
        /* Only regular files (symlinks followed): a FIFO named *.txt would
         * block the run; ecf_read_file refuses it when named directly. */
        if (fstatat(dirfd(d), e->d_name, &est, 0) != 0 || !S_ISREG(est.st_mode))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn)
                break;
            names = nn;
        }
        size_t plen = strlen(path) + strlen(e->d_name) + 2;
        if (!(names[n] = malloc(plen)))
            break;
        snprintf(names[n++], plen, "%s/%s", path, e->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        if (g->fatal == STORE_OK)
            failed += local_file(g, names[i]);
        free(names[i]);
    }
    free(names);
    return failed;
}
