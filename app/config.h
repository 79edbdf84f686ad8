/* app/config.h — every setting is a flag and an environment variable, the
 * flag winning over the variable, the variable over the default. One option
 * table drives parsing, validation and --help for every subcommand. */
#ifndef ECF_APP_CONFIG_H
#define ECF_APP_CONFIG_H

#include "common/compiler.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Every command's exit status: 0 success, 1 an input or the store failed
 * (named on stderr), 2 a usage error. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

enum log_format { LOG_TEXT, LOG_JSON };

enum config_cmd {
    CMD_SERVE = 1 << 0,
    CMD_INGEST = 1 << 1,
    CMD_EXTRACT = 1 << 2,
    CMD_STATS = 1 << 3,
    CMD_EXPORT = 1 << 4,
    CMD_ROUTES = 1 << 5,
    CMD_HEALTH = 1 << 6,
    CMD_SNAPSHOT = 1 << 7,
    CMD_FETCH = 1 << 8
};

#define CONFIG_PATH_MAX 4096

struct config {
    char listen[256];
    char data_dir[CONFIG_PATH_MAX];
    unsigned threads;
    char token_file[CONFIG_PATH_MAX];
    char cors_origin[1024];
    size_t map_size;
    size_t max_body;
    enum log_format log_format;
    bool no_sample;
    bool access_log;   /* one line per request */
    size_t cache_size; /* bytes of rendered responses kept; 0 disables */
    bool read_only;    /* serve a snapshot: MDB_RDONLY|MDB_NOLOCK, no writes */
    unsigned max_connections;
    unsigned timeout;            /* idle connection timeout, seconds */
    unsigned header_timeout;     /* seconds to send a request's headers; 0: no limit */
    unsigned per_ip_connections; /* simultaneous connections per client address; 0: no limit */
    unsigned grace;              /* seconds to finish in-flight requests on SIGTERM */
    bool json;                   /* extract --json (the default output anyway) */
    bool no_parse;               /* --no-parse (serve, ingest, fetch, extract): token rules only */
    bool explain;                /* extract --explain: the explanation instead of JSON */
    char sources[CONFIG_PATH_MAX]; /* sources file: one URL per line */
    unsigned fetch_interval;       /* seconds between polls of the sources (serve) */
    bool allow_private;            /* fetch from loopback/private addresses too */
    unsigned host_delay;           /* ms between requests to one host */
    unsigned retries;              /* extra attempts after a timeout, 5xx or 429 */
    char allow_addrs[1024];        /* "IP:PORT,..." reachable even when private (tests) */
    bool help;
    /* Resolved secret: ECFACTS_TOKEN, or the first line of the token file.
     * malloc'd; NULL when no token is configured (writes are then refused). */
    char *token;
    size_t token_len;
};

enum config_result { CONFIG_OK, CONFIG_USAGE, CONFIG_ERROR };

/* Parses argv (after the subcommand word) for cmd: defaults, then the
 * environment, then flags. Positional arguments are returned in *pos (a
 * pointer into argv) and *npos. Messages name the flag or variable at fault
 * and go to err. CONFIG_USAGE: bad flag/value (exit 2); CONFIG_ERROR: a
 * setting could not be applied, e.g. an unreadable token file (exit 1). */
enum config_result config_parse(struct config *c, enum config_cmd cmd, int argc, char **argv,
                                char ***pos, int *npos, FILE *err) ECF_WUR;

/* Prints the options of cmd with their variables and defaults. */
void config_usage(enum config_cmd cmd, const char *synopsis, const char *about, FILE *out);

/* The opening every command shares (cli/, server/serve.c): config_parse
 * with messages on stderr, then --help answered on stdout with
 * config_usage(cmd, synopsis, about). Returns -1 when the command goes on,
 * else the exit status to return at once (EXIT_OK after --help, EXIT_USAGE
 * or EXIT_FAIL after a bad option), c then holding nothing to free. */
int config_command(struct config *c, enum config_cmd cmd, int argc, char **argv, char ***pos,
                   int *npos, const char *synopsis, const char *about) ECF_WUR;

void config_free(struct config *c);

#endif
