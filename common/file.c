#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file.h"
#include "common/jbuf.h"

int ecf_read_file(const char *path, size_t cap, char **buf, size_t *len, char *err, size_t errcap)
{
    /* O_NONBLOCK: opening a FIFO without a writer must not wait for one
     * (the type check below refuses it); it changes nothing for a file. */
    bool is_stdin = strcmp(path, "-") == 0;
    int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct jbuf b;
    int rc = -1;
    *buf = NULL;
    jbuf_init_max(&b, cap < SIZE_MAX ? cap + 1 : 0); /* cap bytes fit, one more does not */
    if (fd < 0) {
        snprintf(err, errcap, "%s", strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(err, errcap, "is a directory");
        goto out;
    }
    if (!is_stdin && fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
        snprintf(err, errcap, "not a regular file (%s); use \"-\" to read stdin",
                 S_ISFIFO(st.st_mode)   ? "a FIFO"
                 : S_ISSOCK(st.st_mode) ? "a socket"
                                        : "a device");
        goto out;
    }
    for (;;) {
        char chunk[16384];
        ssize_t r = read(fd, chunk, sizeof chunk);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(err, errcap, "%s", strerror(errno));
            goto out;
        }
        if (r == 0)
            break;
        if (!jbuf_put_fit(&b, chunk, (size_t)r)) {
            if (b.over)
                snprintf(err, errcap, "larger than the %zu-byte limit", cap);
            else
                snprintf(err, errcap, "out of memory");
            goto out;
        }
    }
    *buf = jbuf_steal(&b, len);
    if (!*buf) {
        snprintf(err, errcap, "out of memory");
        goto out;
    }
    rc = 0;
out:
    jbuf_free(&b);
    if (fd != STDIN_FILENO)
        close(fd);
    return rc;
}
