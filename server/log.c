#include "server/log.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
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

/* Client bytes made safe for one log line, text or JSON: control
 * characters (C0, DEL, C1), backslash and bytes that are not valid UTF-8
 * become \xNN, never dropped; valid UTF-8 passes. field: the value is one
 * space-separated field of a text line (the access line's method and path),
 * so a space and the Unicode line and paragraph separators (U+2028, U+2029)
 * are escaped too: a parser splitting on spaces or lines sees what was sent.
 * Output is cut at cap-1 bytes with "..." (cap >= 8). Returns out. */
static const char *log_escape(const char *in, size_t n, char *out, size_t cap, bool field)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)in[i];
        size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
        bool ok = len && i + len <= n && ecf_utf8_valid(in + i, len, NULL);
        /* C1 controls (U+0080..U+009F; U+009B is CSI): both bytes escaped */
        size_t esc = ok && len == 2 && c == 0xC2 && (unsigned char)in[i + 1] < 0xA0 ? 2 : 1;
        if (esc == 2 || (len == 1 && (c < 0x20 || c == 0x7F || c == '\\')))
            ok = false; /* C0, DEL, backslash */
        if (field && ok &&
            (c == ' ' || (len == 3 && c == 0xE2 && (unsigned char)in[i + 1] == 0x80 &&
                          ((unsigned char)in[i + 2] & 0xFE) == 0xA8))) {
            ok = false;
            esc = len; /* a space, or all three bytes of U+2028/U+2029 */
        }
        size_t need = ok ? len : 4 * esc;
        if (o + need + 4 > cap) {
            memcpy(out + o, "...", 4);
            return out;
        }
        if (ok) {
            memcpy(out + o, in + i, len);
            o += len;
            i += len;
            continue;
        }
        for (size_t k = 0; k < esc; k++) {
            unsigned char b = (unsigned char)in[i + k];
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[b >> 4];
            out[o++] = hex[b & 15];
        }
        i += esc;
    }
    out[o] = '\0';
    return out;
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
    char raw[1024], msg[1024], ts[21], line[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    log_escape(raw, strlen(raw), msg, sizeof msg, false); /* messages may quote a client */
    ecf_now_iso(ts);
    snprintf(line, sizeof line, "%s %s: %s\n", ts, event, msg);
    json_t *o = json_pack("{s:s, s:s, s:s}", "ts", ts, "event", event, "msg", msg);
    emit(o, line);
    json_decref(o);
}

void log_access(const char *method, const char *path, unsigned status, double seconds)
{
    char ts[21], line[1400], m[80], p[1200];
    ecf_now_iso(ts);
    bool json = atomic_load(&log_format_json);
    log_escape(method, strlen(method), m, sizeof m, !json);
    log_escape(path, strlen(path), p, sizeof p, !json);
    snprintf(line, sizeof line, "%s access: %s %s %u %.3fms\n", ts, m, p, status, seconds * 1e3);
    json_t *o =
        json ? json_pack("{s:s, s:s, s:s, s:s, s:I, s:f}", "ts", ts, "event", "access", "method", m,
                         "path", p, "status", (json_int_t)status, "seconds", seconds)
             : NULL;
    emit(o, line);
    json_decref(o);
}
