/* server/serve.h — the server's two commands: `ecfacts serve` (start-up and
 * shutdown order, signals, replica reopening) and `ecfacts routes`. Each
 * takes the arguments after its name and returns an EXIT_* status. */
#ifndef ECF_SERVER_SERVE_H
#define ECF_SERVER_SERVE_H

int cmd_serve(int argc, char **argv);
int cmd_routes(int argc, char **argv);

#endif
