/* fetcher/fetch.h — pulls articles from the web, politely and safely.
 *
 * Three layers, usable on their own:
 *   - pure parsers: sources files, RSS/Atom feeds, HTML to article text, the
 *     address classifier (no I/O, thread-safe);
 *   - the engine: libcurl multi, bounded concurrency (global and per host),
 *     per-host delay, robots.txt, conditional GET, retries with backoff;
 *   - callbacks through which the caller supplies stored validators and
 *     receives articles, per-source reports and progress. Persistence and
 *     extraction are the caller's business.
 *
 * Threading: call fetch_global_init() once at start-up, before any thread
 * uses this module (it runs curl_global_init). An engine
 * runs in the calling thread and belongs to it: one engine per thread. There
 * are no other globals.
 *
 * Strings handed to callbacks are borrowed and valid only during the call.
 * Every string this module returns in a struct is malloc'd and released by
 * that struct's _free function. */
#ifndef ECF_FETCHER_FETCH_H
#define ECF_FETCHER_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "common/util.h"

#define FETCH_USER_AGENT    "ecfacts/0.1 (+https://github.com/ecfacts)"
#define FETCH_MAX_REDIRECTS 5 /* hard ceiling; settings may only lower it */
#define FETCH_ERRMSG_MAX    256
#define FETCH_ETAG_MAX      256
#define FETCH_LASTMOD_MAX   64

enum fetch_err {
    FETCH_OK = 0,
    FETCH_E_NOMEM,    /* out of memory */
    FETCH_E_INVALID,  /* bad argument, or a URL that is not http(s) with a host */
    FETCH_E_IO,       /* reading a local file failed */
    FETCH_E_PARSE,    /* broken XML / not a feed / sources file with bad lines */
    FETCH_E_ROBOTS,   /* disallowed by robots.txt (no request was made) */
    FETCH_E_ADDRESS,  /* resolved to a non-public address (allow_private off) */
    FETCH_E_PROTOCOL, /* scheme other than http/https, also after a redirect */
    FETCH_E_REDIRECT, /* redirect loop or more than max_redirects */
    FETCH_E_TOOBIG,   /* body larger than max_body */
    FETCH_E_TIMEOUT,  /* connect or total timeout */
    FETCH_E_CONNECT,  /* DNS failure, refused, reset, truncated response */
    FETCH_E_TLS,      /* certificate or handshake failure */
    FETCH_E_HTTP,     /* a final HTTP status that is not 2xx/304 */
    FETCH_E_CONTENT,  /* fetched but no usable text (empty page, bad encoding) */
    FETCH_E_CALLBACK, /* the article callback returned FETCH_STORE_ERROR */
    FETCH_E_CANCELLED /* fetch_engine_cancel() was called */
};

/* Short static description ("disallowed by robots.txt"). Never NULL. */
const char *fetch_strerror(enum fetch_err e);

/* Once per process, before any thread uses the module. Not thread-safe.
 * fetch_global_cleanup() undoes it at exit (optional). */
enum fetch_err fetch_global_init(void) ECF_WUR;
void fetch_global_cleanup(void);

/* Copies in (NULL = "") into out[cap] as valid UTF-8 for error texts and
 * header values that get recorded (JSON, LMDB): each byte of an invalid
 * sequence becomes U+FFFD, control characters (C0, DEL) become "\xNN", and
 * the copy is cut at a character boundary to fit cap-1 bytes. Returns out. */
char *fetch_text_clean(const char *in, char *out, size_t cap);

/* ---- URLs and sources files --------------------------------------------- */

/* Validates an absolute http(s) URL and normalises it for dedup: scheme and
 * host lowercased, fragment and default port dropped. *out is malloc'd
 * (caller frees). FETCH_E_INVALID for anything else (too long, no host,
 * other scheme, control characters or spaces). */
enum fetch_err fetch_url_normalize(const char *url, char **out) ECF_WUR;

/* Whether a page at url may name canonical as its canonical URL: the same
 * host, or the same registrable domain by the Public Suffix List (libpsl;
 * "news.example.co.uk" and "www.example.co.uk" are one site, "a.github.io"
 * and "b.github.io" are two). IP addresses must match exactly. Either URL
 * unparsable: false. */
bool fetch_url_same_site(const char *url, const char *canonical);

struct fetch_line_error {
    unsigned line; /* 1-based */
    char msg[96];
};

struct fetch_sources {
    char **urls; /* normalised, in file order, duplicates removed */
    size_t n_urls;
    struct fetch_line_error *bad; /* invalid lines, in file order */
    size_t n_bad;
};

/* Parses a sources list: one URL per line, '#' starts a comment (whole line or
 * after whitespace), blank lines ignored, CRLF accepted. Valid URLs land in
 * out->urls; each invalid line in out->bad with its number. Returns FETCH_OK
 * when every line was valid, FETCH_E_PARSE when some were not (out is still
 * filled), FETCH_E_NOMEM. At most 100,000 URLs; more is FETCH_E_PARSE.
 * Always release out with fetch_sources_free(). */
enum fetch_err fetch_sources_parse(const char *text, size_t n, struct fetch_sources *out) ECF_WUR;
/* The same for a file (a regular file of at most 16 MiB); FETCH_E_IO when it
 * cannot be read, with the reason ("not a regular file", "larger than ...",
 * strerror) in err. */
enum fetch_err fetch_sources_load(const char *path, struct fetch_sources *out, char *err,
                                  size_t errcap) ECF_WUR;
void fetch_sources_free(struct fetch_sources *s);

/* ---- address policy ------------------------------------------------------ */

enum fetch_addr_class {
    FETCH_ADDR_PUBLIC = 0,
    FETCH_ADDR_UNSPECIFIED, /* 0.0.0.0/8, :: */
    FETCH_ADDR_LOOPBACK,    /* 127/8, ::1 */
    FETCH_ADDR_PRIVATE,     /* 10/8, 172.16/12, 192.168/16 */
    FETCH_ADDR_CGNAT,       /* 100.64/10 */
    FETCH_ADDR_LINKLOCAL,   /* 169.254/16 (cloud metadata), fe80::/10 */
    FETCH_ADDR_UNIQUELOCAL, /* fc00::/7, deprecated site-local fec0::/10 */
    FETCH_ADDR_MULTICAST,   /* 224/4, ff00::/8 */
    FETCH_ADDR_RESERVED     /* documentation, benchmarking, 240/4, broadcast,
                               non-global IPv6 outside 2000::/3, ... */
};

/* Classifies an AF_INET / AF_INET6 address. IPv4-mapped (::ffff:a.b.c.d),
 * NAT64 (64:ff9b::/96) and 6to4 (2002::/16) addresses are classified by the
 * IPv4 address they embed. Other families are FETCH_ADDR_RESERVED. */
enum fetch_addr_class fetch_addr_classify(const struct sockaddr *sa);
/* "public", "loopback", ... */
const char *fetch_addr_class_name(enum fetch_addr_class c);

/* ---- feeds --------------------------------------------------------------- */

struct fetch_feed_item {
    char *link;  /* absolute, normalised http(s) URL */
    char *title; /* "" when absent */
    char *date;  /* "YYYY-MM-DD" or "" */
};

struct fetch_feed {
    struct fetch_feed_item *items;
    size_t n;
    bool broken; /* the XML broke off: items are those read whole before the break */
};

/* Parses RSS 2.0 (also RSS 1.0/RDF) or Atom with expat, with no network
 * access and no entities (a document declaring any is FETCH_E_PARSE); other
 * encodings than UTF-8/UTF-16 are converted with iconv. Item links: RSS
 * <link>, else <guid> unless isPermaLink="false", else atom:link; Atom
 * <link href> (alternate first), else a <link> whose text is the URL.
 * Relative links are resolved against xml:base and base_url (may be NULL);
 * links that are not http(s) are skipped, repeats dropped; at most max_items
 * items are kept (0 = 1000). An empty but valid feed is FETCH_OK with n == 0.
 * XML that breaks off after at least one whole item of a feed root is
 * FETCH_OK with those items, out->broken set and the reason in errbuf
 * ("broken XML at line N: ..."). Other broken XML, entity declarations or a
 * root that is neither rss, rdf:RDF nor feed is FETCH_E_PARSE, with a
 * one-line reason in errbuf (may be NULL), and no items. Always release out
 * with fetch_feed_free(). */
enum fetch_err fetch_feed_parse(const char *xml, size_t n, const char *base_url, size_t max_items,
                                struct fetch_feed *out, char *errbuf, size_t cap) ECF_WUR;
void fetch_feed_free(struct fetch_feed *f);

/* Whether a response looks like a feed: by content type (rss, atom, xml but
 * not html) or, when that says nothing, by the first element of the body. */
bool fetch_feed_sniff(const char *content_type, const char *body, size_t n);

/* ---- HTML to article text ------------------------------------------------ */

struct fetch_doc {
    char *title;     /* JSON-LD name/headline, else dc:title, og:title, meta title,
                        twitter:title, else <title> without its site part, else the
                        first <h1>; "" if none */
    char *date;      /* "YYYY-MM-DD": published, else <time datetime>, else a meta date; or "" */
    char *canonical; /* <link rel=canonical>, else og:url, normalised; "" if none */
    char *body;      /* paragraphs separated by one blank line, no boilerplate */
    char *published; /* "YYYY-MM-DD" the page says it was published (meta, JSON-LD); or "" */
    char *byline;    /* author(s) as the page names them; "" if none */
    char *site;      /* site name (og:site_name, JSON-LD publisher); "" if none */
    char *lang;      /* <html lang> / content-language, e.g. "en-US"; "" if none */
    char *text;      /* title line, blank line, body: the ingest format */
    size_t text_len;
};

/* Extracts an article from HTML bytes with gumbo's HTML5 parser (no network,
 * error recovery as browsers do). charset is the HTTP Content-Type charset
 * (may be NULL or unknown: then a <meta charset> in the first 1024 bytes
 * decides, else UTF-8 when the bytes are valid UTF-8, else windows-1252;
 * a byte order mark beats them all). Invalid sequences become U+FFFD.
 * base_url (may be NULL) resolves a relative canonical URL. The output is
 * valid UTF-8. FETCH_E_CONTENT when no body text remains. Always release out
 * with fetch_doc_free(). */
enum fetch_err fetch_html_extract(const char *html, size_t n, const char *charset,
                                  const char *base_url, struct fetch_doc *out) ECF_WUR;
void fetch_doc_free(struct fetch_doc *d);

/* Normalises a date as found in feeds and pages (ISO 8601 "2025-01-02T...",
 * RFC 822 "Thu, 02 Jan 2025 10:00:00 GMT", "2025/01/02") into out[11]
 * "YYYY-MM-DD". Returns false (out = "") when it is not a plausible date. */
bool fetch_date_normalize(const char *s, char out[11]);

/* ---- the engine ---------------------------------------------------------- */

struct fetch_settings {
    unsigned max_in_flight;      /* transfers at once; default 16 */
    unsigned max_per_host;       /* per scheme://host:port; default 2 */
    unsigned host_delay_ms;      /* min gap between request starts per host; default 1000 */
    unsigned max_attempts;       /* per URL including the first; default 3 */
    unsigned backoff_base_ms;    /* retry n waits base*2^(n-1), jittered; default 500 */
    unsigned backoff_max_ms;     /* cap on one backoff; default 30000 */
    unsigned retry_after_max_ms; /* a longer Retry-After fails the URL; default 120000 */
    unsigned connect_timeout_ms; /* default 10000 */
    unsigned timeout_ms;         /* whole transfer; default 30000 */
    size_t max_body;             /* decoded body bytes; default 8 MiB */
    unsigned max_redirects;      /* default and ceiling FETCH_MAX_REDIRECTS */
    size_t max_items_per_feed;   /* default 200 */
    bool allow_private;          /* skip the public-address rule (tests, intranets) */
    bool ignore_robots;          /* default false: robots.txt is honoured. It is
                                    fetched once per origin per engine, before any
                                    other request there; a redirect target on
                                    another origin is not re-checked. */
    /* Exceptions to the public-address rule when allow_private is off:
     * "IP:port" strings ("127.0.0.1:8080", "[::1]:8080"), NULL-terminated,
     * borrowed for the engine's lifetime. May be NULL. */
    const char *const *allow_addrs;
    const char *user_agent; /* NULL = FETCH_USER_AGENT; borrowed */
};

/* Fills s with the defaults above. */
void fetch_settings_default(struct fetch_settings *s);

struct fetch_validators {
    char etag[FETCH_ETAG_MAX];             /* "" = none */
    char last_modified[FETCH_LASTMOD_MAX]; /* HTTP date as received; "" = none */
};

struct fetch_article {
    const char *source_url;    /* the sources-file entry this came from */
    const char *url;           /* the URL requested */
    const char *final_url;     /* after redirects */
    const char *canonical_url; /* <link rel=canonical>/og:url on the page's own site
                                  (fetch_url_same_site), else final_url */
    const char *title;         /* page title, else the feed item's; may be "" */
    const char *date;          /* "YYYY-MM-DD" from the page, else the feed item's; or "" */
    const char *text;          /* UTF-8: title line, blank line, body */
    size_t text_len;
    const char *published; /* struct fetch_doc's published, byline, site, lang: */
    const char *byline;    /*   what the page says about itself, "" when it */
    const char *site;      /*   does not say */
    const char *lang;
    long http_status;
    const char *etag;          /* "" when absent */
    const char *last_modified; /* "" when absent */
    const char *content_type;  /* "" when absent */
    time_t fetched_at;         /* wall clock, UTC */
};

enum fetch_store_result {
    FETCH_STORE_OK = 0,    /* stored */
    FETCH_STORE_DUPLICATE, /* already known (the callback decides) */
    FETCH_STORE_ERROR      /* failed; counted as an item failure */
};

struct fetch_source_report {
    const char *url;
    long http_status;   /* of the source itself; 0 when no response */
    enum fetch_err err; /* of the source itself */
    const char *error;  /* "" on success, else one line naming the cause */
    const char *note;   /* "" or one line about a page that was stored anyway
                           (a canonical URL on another site, ignored) or a
                           feed whose XML broke off (its items before the
                           break were queued); the first such note */
    bool is_feed;
    bool not_modified;  /* the source answered 304 */
    size_t items_found; /* feed items (1 for an article page) */
    size_t items_stored, items_duplicate, items_not_modified, items_failed;
    double seconds; /* from the source's first request to its last item */
};

/* Every item (a feed entry, or a source that is itself an article page). */
struct fetch_item_report {
    const char *source_url;
    const char *url;
    long http_status;
    enum fetch_err err;
    const char *error; /* "" on success */
    bool not_modified;
    bool duplicate;
    unsigned attempts;
};

struct fetch_progress {
    size_t sources_total, sources_done;
    size_t items_total, items_done; /* pages to fetch (sources + feed items) */
    size_t requests;                /* HTTP requests incl. retries and robots.txt */
    size_t stored, duplicates, not_modified, errors;
    uint64_t bytes; /* body bytes received (decoded) */
    size_t in_flight;
};

/* All callbacks run in the engine's thread, from inside fetch_engine_run().
 * Any may be NULL except store_article. They must not call back into the
 * engine, except fetch_engine_cancel(). */
struct fetch_callbacks {
    void *user;
    /* Fill *out with validators stored for url; return false when none. */
    bool (*lookup_validators)(void *user, const char *url, struct fetch_validators *out);
    /* One fetched article. The same canonical URL is handed over at most once
     * per run; duplicate content under other URLs is for the callee to spot. */
    enum fetch_store_result (*store_article)(void *user, const struct fetch_article *a);
    /* Once per source, when it and all its items are finished. */
    void (*report_source)(void *user, const struct fetch_source_report *r);
    /* Once per item when finished (optional, for logs). */
    void (*report_item)(void *user, const struct fetch_item_report *r);
    /* After every finished request; cheap to compute, throttle in the callee. */
    void (*progress)(void *user, const struct fetch_progress *p);
};

struct fetch_engine;

/* Creates an engine. settings NULL = defaults; both structs are copied (the
 * strings they point to are borrowed). FETCH_E_INVALID without store_article
 * or with a zero limit. Release with fetch_engine_free(). */
enum fetch_err fetch_engine_new(const struct fetch_settings *settings,
                                const struct fetch_callbacks *cb,
                                struct fetch_engine **out) ECF_WUR;
void fetch_engine_free(struct fetch_engine *e);

/* Queues one source (a feed or an article page). A URL already queued in this
 * engine is ignored (FETCH_OK). FETCH_E_INVALID for a non-http(s) URL. */
enum fetch_err fetch_engine_add(struct fetch_engine *e, const char *url) ECF_WUR;

/* Runs until every queued source is finished and reported, in this thread.
 * Per-URL failures are reported through the callbacks, not returned: the
 * result is FETCH_OK, FETCH_E_NOMEM, or FETCH_E_CANCELLED. May be called
 * again after adding more sources; robots.txt and dedup state persist. */
enum fetch_err fetch_engine_run(struct fetch_engine *e) ECF_WUR;

/* Asks a running engine to stop within ~100 ms: transfers are aborted and
 * unfinished sources reported with FETCH_E_CANCELLED. Thread-safe and
 * async-signal-safe (a lock-free atomic flag). */
void fetch_engine_cancel(struct fetch_engine *e);

/* A snapshot of the counters. */
void fetch_engine_progress(const struct fetch_engine *e, struct fetch_progress *out);

#endif
