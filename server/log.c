#include "server/log.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

/* Set once at start-up before threads exist; read-only afterwards. */
static atomic_int log_format_json;

void log_set_format(enum log_format f)
{
    atomic_store(&log_format_json, f == LOG_JSON);
}

static void emit(json_t *obj, const char *text)
{
    if (atomic_load(&log_format_json)) {
        char *s = json_dumps(obj, JSON_COMPACT | JSON_ENSURE_ASCII);
        if (s) {
            size_t n = strlen(s);
            s[n] = '\n';
            /* one fwrite per line: stdio locks the stream for its duration */
            fwrite(s, 1, n + 1, stdout);
            free(s);
        }
    } else {
        fputs(text, stdout);
    }
    fflush(stdout);
}

void log_event(const char *event, const char *fmt, ...)
{
    char msg[1024], ts[21], line[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ecf_now_iso(ts);
    snprintf(line, sizeof line, "%s %s: %s\n", ts, event, msg);
    json_t *o = json_pack("{s:s, s:s, s:s}", "ts", ts, "event", event, "msg", msg);
    emit(o, line);
    json_decref(o);
}

void log_access(const char *method, const char *path, unsigned status, double seconds)
{
    char ts[21], line[600];
    ecf_now_iso(ts);
    snprintf(line, sizeof line, "%s access: %s %.400s %u %.3fms\n", ts, method, path, status,
             seconds * 1e3);
    json_t *o = atomic_load(&log_format_json)
                    ? json_pack("{s:s, s:s, s:s, s:s%, s:I, s:f}", "ts", ts, "event", "access",
                                "method", method, "path", path, strlen(path), "status",
                                (json_int_t)status, "seconds", seconds)
                    : NULL;
    emit(o, line);
    json_decref(o);
}
