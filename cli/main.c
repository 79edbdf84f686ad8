/* cli/main.c — main() and the subcommand table: the top of the program,
 * the one place that knows every command (server/serve.h, cli/cli.h). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "server/serve.h"

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *about;
} commands[] = {
    {"serve", cmd_serve, "serve the knowledge base over HTTP"},
    {"ingest", cmd_ingest, "extract and store articles from files or directories"},
    {"fetch", cmd_fetch,
     "fetch articles from URLs, feeds (--sources) or local files into the store"},
    {"extract", cmd_extract, "print what the extractor finds in files (JSON lines), store nothing"},
    {"stats", cmd_stats, "print the store's counts"},
    {"export", cmd_export, "print the whole knowledge base as JSON lines"},
    {"snapshot", cmd_snapshot, "write a compacted copy of the store for read replicas"},
    {"routes", cmd_routes, "print the HTTP route table"},
    {"health", cmd_health, "exit 0 when the server at --listen answers GET /healthz"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: ecfacts COMMAND [OPTIONS] [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].about);
    fprintf(f, "\n'ecfacts COMMAND --help' describes each. Exit status: 0 success, 1 failure, "
               "2 usage error.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].fn(argc - 2, argv + 2);
    }
    fprintf(stderr, "ecfacts: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
