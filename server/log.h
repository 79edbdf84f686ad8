/* server/log.h — one line per event on stdout: human text by default, one
 * JSON object per line with --log-format json. Lines are written whole, so
 * threads never interleave within a line. */
#ifndef ECF_SERVER_LOG_H
#define ECF_SERVER_LOG_H

#include <stddef.h>

#include "app/config.h"

void log_set_format(enum log_format f);

/* An event: "listening", "shutdown", "error", ... with a formatted message. */
void log_event(const char *event, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void log_access(const char *method, const char *path, unsigned status, double seconds);

#endif
