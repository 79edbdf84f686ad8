#include "app/config.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/file.h"
#include "common/util.h"

enum opt_kind { K_STR, K_ADDR, K_UINT, K_SIZE, K_BOOL, K_LOGFMT, K_DURATION, K_THREADS };

struct opt {
    const char *flag;
    const char *env;
    const char *metavar;
    enum opt_kind kind;
    size_t off;
    size_t size;            /* K_STR: buffer size */
    unsigned long min, max; /* K_UINT/K_SIZE bounds */
    unsigned cmds;
    const char *dflt;
    const char *help;
};

#define OFF(f)     offsetof(struct config, f)
#define STORE_CMDS (CMD_SERVE | CMD_INGEST | CMD_STATS | CMD_EXPORT | CMD_SNAPSHOT | CMD_FETCH)

static const struct opt opts[] = {
    {"listen", "ECFACTS_LISTEN", "HOST:PORT", K_ADDR, OFF(listen),
     sizeof(((struct config *)0)->listen), 0, 0, CMD_SERVE | CMD_HEALTH, "127.0.0.1:8080",
     "address to listen on; port 0 picks a free port"},
    {"data", "ECFACTS_DATA", "DIR", K_STR, OFF(data_dir), CONFIG_PATH_MAX, 0, 0, STORE_CMDS,
     "./ecfacts-data", "data directory (the LMDB store)"},
    {"threads", "ECFACTS_THREADS", "N|auto", K_THREADS, OFF(threads), 0, 1, 256, CMD_SERVE, "auto",
     "worker threads; auto: one per online CPU"},
    {"token-file", "ECFACTS_TOKEN_FILE", "FILE", K_STR, OFF(token_file), CONFIG_PATH_MAX, 0, 0,
     CMD_SERVE, "", "file whose first line is the bearer token for writes (or set ECFACTS_TOKEN)"},
    {"cors-origin", "ECFACTS_CORS_ORIGIN", "ORIGINS", K_STR, OFF(cors_origin), 1024, 0, 0,
     CMD_SERVE, "", "'*' or comma-separated origins allowed by CORS; empty disables CORS"},
    {"map-size", "ECFACTS_MAP_SIZE", "BYTES", K_SIZE, OFF(map_size), 0, 65536,
     (unsigned long)1 << 40, STORE_CMDS, "1G",
     "LMDB map size (K/M/G suffixes); larger grows the store"},
    {"max-body", "ECFACTS_MAX_BODY", "BYTES", K_SIZE, OFF(max_body), 0, 1024, 64UL << 20, CMD_SERVE,
     "1M", "largest accepted request body"},
    {"max-connections", "ECFACTS_MAX_CONNECTIONS", "N", K_UINT, OFF(max_connections), 0, 1, 100000,
     CMD_SERVE, "1024", "simultaneous connections"},
    {"timeout", "ECFACTS_TIMEOUT", "SECONDS", K_UINT, OFF(timeout), 0, 1, 3600, CMD_SERVE, "30",
     "idle connection timeout"},
    {"header-timeout", "ECFACTS_HEADER_TIMEOUT", "DURATION", K_DURATION, OFF(header_timeout), 0, 0,
     3600, CMD_SERVE, "10s",
     "a connection must send a complete request header block within this time of being "
     "accepted or of its previous response (slowloris); 0 disables (s/m/h suffixes)"},
    {"per-ip-connections", "ECFACTS_PER_IP_CONNECTIONS", "N", K_UINT, OFF(per_ip_connections), 0, 0,
     100000, CMD_SERVE, "0",
     "simultaneous connections from one client address; 0: no limit (behind a proxy every "
     "client has the proxy's address)"},
    {"grace", "ECFACTS_GRACE", "SECONDS", K_UINT, OFF(grace), 0, 0, 600, CMD_SERVE, "10",
     "time allowed for in-flight requests on SIGTERM"},
    {"log-format", "ECFACTS_LOG_FORMAT", "text|json", K_LOGFMT, OFF(log_format), 0, 0, 0, CMD_SERVE,
     "text", "log lines on stdout: human text or one JSON object per line"},
    {"access-log", "ECFACTS_ACCESS_LOG", NULL, K_BOOL, OFF(access_log), 0, 0, 0, CMD_SERVE, "1",
     "log one line per request (--access-log=0 to turn off)"},
    {"cache-size", "ECFACTS_CACHE_SIZE", "BYTES", K_SIZE, OFF(cache_size), 0, 0, 1UL << 32,
     CMD_SERVE, "16M", "memory for rendered responses, reused until the store changes; 0 disables"},
    {"no-sample", "ECFACTS_NO_SAMPLE", NULL, K_BOOL, OFF(no_sample), 0, 0, 0, CMD_SERVE, "0",
     "do not load the embedded sample articles into an empty store"},
    {"read-only", "ECFACTS_READ_ONLY", NULL, K_BOOL, OFF(read_only), 0, 0, 0, CMD_SERVE, "0",
     "serve a snapshot nobody writes (replicas): no lock file, POST answers 503; the store is "
     "reopened on SIGHUP or when data.mdb is replaced"},
    {"sources", "ECFACTS_SOURCES", "FILE", K_STR, OFF(sources), CONFIG_PATH_MAX, 0, 0,
     CMD_SERVE | CMD_FETCH, "", "file of feed/article URLs to fetch, one per line, # comments"},
    {"fetch-interval", "ECFACTS_FETCH_INTERVAL", "DURATION", K_DURATION, OFF(fetch_interval), 0, 60,
     7 * 86400, CMD_SERVE, "30m", "how often serve polls --sources (s/m/h suffixes)"},
    {"allow-private", "ECFACTS_ALLOW_PRIVATE", NULL, K_BOOL, OFF(allow_private), 0, 0, 0,
     CMD_SERVE | CMD_FETCH, "0",
     "also fetch from loopback, private and link-local addresses (tests, intranets)"},
    {"host-delay", "ECFACTS_HOST_DELAY", "MS", K_UINT, OFF(host_delay), 0, 0, 60000,
     CMD_SERVE | CMD_FETCH, "1000", "milliseconds between requests to one host"},
    {"allow-addr", "ECFACTS_ALLOW_ADDR", "IP:PORT,...", K_STR, OFF(allow_addrs), 1024, 0, 0,
     CMD_SERVE | CMD_FETCH, "",
     "exact addresses the fetcher may reach although not public (e.g. a test server); "
     "unlike --allow-private, redirects elsewhere are still checked"},
    {"retries", "ECFACTS_RETRIES", "N", K_UINT, OFF(retries), 0, 0, 10, CMD_SERVE | CMD_FETCH, "2",
     "retries after a timeout, 5xx or 429 (with backoff, honouring Retry-After)"},
    {"json", NULL, NULL, K_BOOL, OFF(json), 0, 0, 0, CMD_EXTRACT, "1",
     "JSON lines output (the only format; accepted for clarity)"},
    {"no-parse", "ECFACTS_NO_PARSE", NULL, K_BOOL, OFF(no_parse), 0, 0, 0,
     CMD_SERVE | CMD_INGEST | CMD_FETCH | CMD_EXTRACT, "0",
     "token rules only: do not load the parse layer (Link Grammar and data/frames.tsv)"},
    {"explain", NULL, NULL, K_BOOL, OFF(explain), 0, 0, 0, CMD_EXTRACT, "0",
     "instead of JSON, explain per sentence: mentions, rules and frames that fired, the parse "
     "roles read, and why candidates were dropped"},
    {"help", NULL, NULL, K_BOOL, OFF(help), 0, 0, 0, ~0u, "0", "show this help"},
};

#define NOPTS (sizeof opts / sizeof opts[0])

static int parse_size(const char *s, unsigned long long *out)
{
    char *end = NULL;
    errno = 0;
    if (*s < '0' || *s > '9')
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    unsigned shift = 0;
    switch (*end) {
    case '\0':
        break;
    case 'k':
    case 'K':
        shift = 10;
        end++;
        break;
    case 'm':
    case 'M':
        shift = 20;
        end++;
        break;
    case 'g':
    case 'G':
        shift = 30;
        end++;
        break;
    case 't':
    case 'T':
        shift = 40;
        end++;
        break;
    default:
        return -1;
    }
    if (*end == 'i' || *end == 'B')
        end += (*end == 'i' && end[1] == 'B') ? 2 : 1;
    if (*end != '\0' || (shift && v > (ULLONG_MAX >> shift)))
        return -1;
    *out = v << shift;
    return 0;
}

/* Applies one textual value; src names where it came from for messages. */
static int apply(struct config *c, const struct opt *o, const char *val, const char *src, FILE *err)
{
    char *base = (char *)c + o->off;
    unsigned long long v = 0;
    switch (o->kind) {
    case K_ADDR: {
        /* HOST:PORT with PORT plain digits in 0..65535: getaddrinfo would
         * take "+80" and wrap 65536 to 0 (a random port) */
        const char *colon = strrchr(val, ':');
        const char *p = colon ? colon + 1 : "";
        size_t nd = strspn(p, "0123456789");
        if (!colon || colon == val || nd == 0 || nd > 5 || p[nd] != '\0' ||
            strtoul(p, NULL, 10) > 65535) {
            fprintf(err, "ecfacts: %s: '%s' is not HOST:PORT with a port in 0..65535\n", src, val);
            return -1;
        }
    }
        /* fall through */
    case K_STR:
        if (strlen(val) >= o->size) {
            fprintf(err, "ecfacts: %s: value too long (at most %zu bytes)\n", src, o->size - 1);
            return -1;
        }
        ecf_strlcpy(base, val, o->size);
        return 0;
    case K_THREADS:
        if (!strcmp(val, "auto")) {
            /* More threads than CPUs only add switches: 4 on 2 cores served 13%
             * fewer entity GETs than 2. */
            long n = sysconf(_SC_NPROCESSORS_ONLN);
            *(unsigned *)(void *)base = n < (long)o->min   ? (unsigned)o->min
                                        : n > (long)o->max ? (unsigned)o->max
                                                           : (unsigned)n;
            return 0;
        }
        /* fall through */
    case K_UINT:
    case K_SIZE:
        if (parse_size(val, &v) != 0 || (o->kind != K_SIZE && strpbrk(val, "kKmMgGtT")) ||
            v < o->min || v > o->max) {
            fprintf(err, "ecfacts: %s: '%s' is not %s in %lu..%lu%s\n", src, val,
                    o->kind != K_SIZE ? "a whole number" : "a byte size", o->min, o->max,
                    o->kind == K_THREADS ? " or 'auto'" : "");
            return -1;
        }
        if (o->kind != K_SIZE)
            *(unsigned *)(void *)base = (unsigned)v;
        else
            *(size_t *)(void *)base = (size_t)v;
        return 0;
    case K_BOOL:
        if (!strcmp(val, "1") || !strcmp(val, "true") || !strcmp(val, "yes")) {
            *(bool *)(void *)base = true;
        } else if (!strcmp(val, "0") || !strcmp(val, "false") || !strcmp(val, "no") || !*val) {
            *(bool *)(void *)base = false;
        } else {
            fprintf(err, "ecfacts: %s: '%s' is not a boolean (1/0, true/false)\n", src, val);
            return -1;
        }
        return 0;
    case K_DURATION: {
        /* "90", "90s", "30m", "2h", "1d" */
        char *end = NULL;
        errno = 0;
        unsigned long n = (*val >= '0' && *val <= '9') ? strtoul(val, &end, 10) : 0;
        unsigned long mul = 1;
        if (end && *end) {
            mul = !strcmp(end, "s")   ? 1
                  : !strcmp(end, "m") ? 60
                  : !strcmp(end, "h") ? 3600
                  : !strcmp(end, "d") ? 86400
                                      : 0;
        }
        if (!end || errno || !mul || n > o->max / mul || n * mul < o->min) {
            fprintf(err, "ecfacts: %s: '%s' is not a duration from %lus to %lus (e.g. 30m)\n", src,
                    val, o->min, o->max);
            return -1;
        }
        *(unsigned *)(void *)base = (unsigned)(n * mul);
        return 0;
    }
    case K_LOGFMT:
        if (!strcmp(val, "text")) {
            *(enum log_format *)(void *)base = LOG_TEXT;
        } else if (!strcmp(val, "json")) {
            *(enum log_format *)(void *)base = LOG_JSON;
        } else {
            fprintf(err, "ecfacts: %s: '%s' is not 'text' or 'json'\n", src, val);
            return -1;
        }
        return 0;
    }
    return -1;
}

static const struct opt *find_opt(const char *name, size_t n, enum config_cmd cmd)
{
    for (size_t i = 0; i < NOPTS; i++) {
        if ((opts[i].cmds & cmd) && strlen(opts[i].flag) == n && !memcmp(opts[i].flag, name, n))
            return &opts[i];
    }
    return NULL;
}

static enum config_result load_token(struct config *c, FILE *err)
{
    const char *env = getenv("ECFACTS_TOKEN");
    const char *line = NULL;
    char buf[4096];
    if (c->token_file[0]) {
        /* a regular file only (a directory or a FIFO is named as such; a
         * FIFO would block start-up) */
        char *text = NULL, why[256];
        size_t len = 0;
        if (ecf_read_file(c->token_file, sizeof buf - 1, &text, &len, why, sizeof why) != 0) {
            fprintf(err, "ecfacts: token file %s: %s\n", c->token_file, why);
            return CONFIG_ERROR;
        }
        memcpy(buf, text, len + 1);
        free(text);
        if (len == 0) {
            fprintf(err, "ecfacts: token file %s is empty\n", c->token_file);
            return CONFIG_ERROR;
        }
        buf[strcspn(buf, "\r\n")] = '\0';
        line = buf;
    } else if (env && *env) {
        line = env;
    }
    if (!line)
        return CONFIG_OK;
    char from[CONFIG_PATH_MAX + 16];
    snprintf(from, sizeof from, "%s%s", c->token_file[0] ? "token file " : "",
             c->token_file[0] ? c->token_file : "ECFACTS_TOKEN");
    if (!memcmp(line, "\xEF\xBB\xBF", 3)) {
        /* Refused, not stripped: the file's encoding is the operator's to fix,
         * and a token that silently differs from the file's bytes is worse. */
        fprintf(err,
                "ecfacts: the token in %s starts with a UTF-8 byte order mark (EF BB BF): save "
                "it without one (e.g. sed -i '1s/^\\xEF\\xBB\\xBF//' FILE)\n",
                from);
        return CONFIG_ERROR;
    }
    for (size_t i = 0; line[i]; i++) {
        unsigned char ch = (unsigned char)line[i];
        /* A client sends it in an Authorization header: whitespace at either
         * end is stripped by HTTP, control and non-ASCII bytes are not portable. */
        if (ch <= 0x20 || ch >= 0x7F) {
            fprintf(err,
                    "ecfacts: the token in %s has %s at byte %zu: a bearer token must be "
                    "printable ASCII without spaces (HTTP strips them at the ends of a header, so "
                    "such a token would never match)\n",
                    from, ch == ' ' || ch == '\t' ? "whitespace" : "a control or non-ASCII byte",
                    i + 1);
            return CONFIG_ERROR;
        }
    }
    if (strlen(line) < 16) {
        fprintf(err, "ecfacts: the bearer token must be at least 16 characters\n");
        return CONFIG_ERROR;
    }
    c->token = strdup(line);
    if (!c->token)
        return CONFIG_ERROR;
    c->token_len = strlen(c->token);
    return CONFIG_OK;
}

enum config_result config_parse(struct config *c, enum config_cmd cmd, int argc, char **argv,
                                char ***pos, int *npos, FILE *err)
{
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < NOPTS; i++) {
        if ((opts[i].cmds & cmd) && apply(c, &opts[i], opts[i].dflt, opts[i].flag, err) != 0)
            return CONFIG_USAGE;
    }
    for (size_t i = 0; i < NOPTS; i++) {
        const char *v = opts[i].env ? getenv(opts[i].env) : NULL;
        if ((opts[i].cmds & cmd) && v && apply(c, &opts[i], v, opts[i].env, err) != 0)
            return CONFIG_USAGE;
    }
    /* Flags; positional arguments are compacted to the front of argv. */
    int np = 0;
    bool only_pos = false;
    for (int i = 0; i < argc; i++) {
        char *a = argv[i];
        if (only_pos || a[0] != '-' || a[1] == '\0') {
            argv[np++] = a;
            continue;
        }
        if (!strcmp(a, "--")) {
            only_pos = true;
            continue;
        }
        if (!strcmp(a, "-h"))
            a = "--help";
        if (a[1] != '-') {
            fprintf(err, "ecfacts: unknown option '%s' (see --help)\n", a);
            return CONFIG_USAGE;
        }
        const char *name = a + 2;
        const char *eq = strchr(name, '=');
        size_t n = eq ? (size_t)(eq - name) : strlen(name);
        const struct opt *o = find_opt(name, n, cmd);
        if (!o) {
            fprintf(err, "ecfacts: unknown option '--%.*s' (see --help)\n", (int)n, name);
            return CONFIG_USAGE;
        }
        const char *val = eq ? eq + 1 : NULL;
        if (!val && o->kind == K_BOOL) {
            val = "1";
        } else if (!val) {
            if (i + 1 >= argc) {
                fprintf(err, "ecfacts: option '--%s' needs a value (%s)\n", o->flag, o->metavar);
                return CONFIG_USAGE;
            }
            val = argv[++i];
        }
        char src[64];
        snprintf(src, sizeof src, "--%s", o->flag);
        if (apply(c, o, val, src, err) != 0)
            return CONFIG_USAGE;
    }
    *pos = argv;
    *npos = np;
    if (c->help)
        return CONFIG_OK;
    if (cmd == CMD_SERVE)
        return load_token(c, err);
    return CONFIG_OK;
}

void config_usage(enum config_cmd cmd, const char *synopsis, const char *about, FILE *out)
{
    fprintf(out, "usage: ecfacts %s\n\n%s\n\noptions:\n", synopsis, about);
    for (size_t i = 0; i < NOPTS; i++) {
        const struct opt *o = &opts[i];
        if (!(o->cmds & cmd))
            continue;
        char left[64];
        snprintf(left, sizeof left, "--%s%s%s", o->flag, o->metavar ? " " : "",
                 o->metavar ? o->metavar : "");
        fprintf(out, "  %-28s %s", left, o->help);
        if (o->env)
            fprintf(out, " [env %s", o->env);
        if (o->env && o->dflt && *o->dflt && o->kind != K_BOOL)
            fprintf(out, ", default %s]", o->dflt);
        else if (o->env)
            fprintf(out, "]");
        fputc('\n', out);
    }
}

int config_command(struct config *c, enum config_cmd cmd, int argc, char **argv, char ***pos,
                   int *npos, const char *synopsis, const char *about)
{
    enum config_result cr = config_parse(c, cmd, argc, argv, pos, npos, stderr);
    if (cr != CONFIG_OK) {
        config_free(c);
        return cr == CONFIG_USAGE ? EXIT_USAGE : EXIT_FAIL;
    }
    if (c->help) {
        config_usage(cmd, synopsis, about, stdout);
        config_free(c);
        return EXIT_OK;
    }
    return -1;
}

void config_free(struct config *c)
{
    if (c->token) {
        memset(c->token, 0, c->token_len);
        free(c->token);
    }
    c->token = NULL;
}
