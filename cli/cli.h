/* cli/cli.h — the subcommands. Each takes the arguments after its name and
 * returns the process exit status: 0 success, 1 an input or the store
 * failed (named on stderr), 2 a usage error. */
#ifndef ECF_CLI_H
#define ECF_CLI_H

#include <stddef.h>

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

int cmd_serve(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_routes(int argc, char **argv);
int cmd_health(int argc, char **argv);
int cmd_snapshot(int argc, char **argv);
int cmd_fetch(int argc, char **argv);

/* Reads a whole file (or stdin for "-") of at most cap bytes into a malloc'd,
 * NUL-terminated buffer. Only regular files (and "-"): a FIFO, socket or
 * device is refused at once. On failure returns -1 with a reason in err. */
int cli_read_file(const char *path, size_t cap, char **buf, size_t *len, char *err, size_t errcap);

#endif
