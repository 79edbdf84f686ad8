/* cli/cli.h — the subcommands (serve and routes: server/serve.h; the
 * table and main(): cli/main.c). Each takes the arguments after its name and
 * returns the process exit status: 0 success, 1 an input or the store
 * failed (named on stderr), 2 a usage error. */
#ifndef ECF_CLI_H
#define ECF_CLI_H

#include "app/config.h" /* EXIT_* */

int cmd_ingest(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_health(int argc, char **argv);
int cmd_snapshot(int argc, char **argv);
int cmd_fetch(int argc, char **argv);

#endif
