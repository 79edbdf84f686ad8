/* common/file.h — reading an input file whole, for the commands and the
 * fetcher's local files alike. */
#ifndef ECF_COMMON_FILE_H
#define ECF_COMMON_FILE_H

#include "common/compiler.h"

#include <stddef.h>

/* Reads a whole file (or stdin for "-") of at most cap bytes into a malloc'd,
 * NUL-terminated buffer. Only regular files (and "-"): a FIFO, socket or
 * device is refused at once. On failure returns -1 with a reason in err. */
int ecf_read_file(const char *path, size_t cap, char **buf, size_t *len, char *err,
                  size_t errcap) ECF_WUR;

#endif
