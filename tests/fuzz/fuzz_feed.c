/* tests/fuzz/fuzz_feed.c — fetcher/feed.c: RSS/Atom parsing (expat) and
 * feed sniffing. Properties: no crash/leak; on FETCH_OK at most max_items
 * items, each link an http(s) URL, titles valid UTF-8, dates "" or
 * YYYY-MM-DD, no repeated links; errbuf terminated. */
#include <stdint.h>

#include "common/util.h"
#include "fetcher/fetch.h"
#include "fuzz_common.h"

static const char *ctypes[] = {NULL,
                               "",
                               "application/rss+xml",
                               "application/atom+xml; charset=utf-8",
                               "text/xml",
                               "text/html",
                               "application/xhtml+xml",
                               "text/plain",
                               "APPLICATION/XML",
                               "application/octet-stream"};

static void check(const char *s, const char *what)
{
    FUZZ_CHECK(s != NULL, "%s is NULL", what);
    FUZZ_CHECK(ecf_utf8_valid(s, strlen(s), NULL), "%s is not valid UTF-8", what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *xml = malloc(size ? size : 1); /* exact size, not terminated */
    if (!xml)
        return 0;
    if (size)
        memcpy(xml, data, size);

    static const size_t maxes[] = {0, 3};
    uint64_t h = ecf_fnv1a64(data, size);
    size_t max = maxes[h & 1];
    const char *base = (h & 2) ? "https://feeds.example.com/news/rss.xml" : NULL;
    struct fetch_feed f;
    memset(&f, 0, sizeof f);
    char *err = malloc(64);
    err[0] = '\0';
    enum fetch_err e = fetch_feed_parse(xml, size, base, max, &f, err, 64);
    FUZZ_CHECK(memchr(err, '\0', 64) != NULL, "errbuf not terminated");
    if (e == FETCH_OK) {
        FUZZ_CHECK(f.n <= (max ? max : 1000), "%zu items over max %zu", f.n, max);
        for (size_t i = 0; i < f.n; i++) {
            const struct fetch_feed_item *it = &f.items[i];
            check(it->link, "link");
            check(it->title, "title");
            check(it->date, "date");
            FUZZ_CHECK(!strncmp(it->link, "http://", 7) || !strncmp(it->link, "https://", 8),
                       "link '%s' is not http(s)", it->link);
            size_t dl = strlen(it->date);
            FUZZ_CHECK(dl == 0 || (dl == 10 && it->date[4] == '-' && it->date[7] == '-'),
                       "date '%s'", it->date);
            for (size_t k = 0; k < i; k++)
                FUZZ_CHECK(strcmp(f.items[k].link, it->link) != 0, "repeated link '%s'", it->link);
        }
    }
    fetch_feed_free(&f);
    free(err);

    /* A NULL errbuf must be accepted too (cheap: only for short inputs). */
    if (size < 512) {
        memset(&f, 0, sizeof f);
        enum fetch_err e2 = fetch_feed_parse(xml, size, NULL, 0, &f, NULL, 0);
        (void)e2;
        fetch_feed_free(&f);
    }

    for (size_t i = 0; i < sizeof ctypes / sizeof ctypes[0]; i++)
        (void)fetch_feed_sniff(ctypes[i], xml, size);
    free(xml);
    return 0;
}
