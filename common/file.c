#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file.h"

int ecf_read_file(const char *path, size_t cap, char **buf, size_t *len, char *err, size_t errcap)
{
    /* O_NONBLOCK: opening a FIFO without a writer must not wait for one
     * (the type check below refuses it); it changes nothing for a file. */
    bool is_stdin = strcmp(path, "-") == 0;
    int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    char *b = NULL;
    size_t n = 0, bcap = 0;
    int rc = -1;
    *buf = NULL;
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
        if (n + 1 >= bcap) {
            size_t ncap = bcap ? bcap * 2 : 65536;
            if (ncap > cap + 2)
                ncap = cap + 2;
            if (ncap <= n + 1) {
                snprintf(err, errcap, "larger than the %zu-byte limit", cap);
                goto out;
            }
            char *nb = realloc(b, ncap);
            if (!nb) {
                snprintf(err, errcap, "out of memory");
                goto out;
            }
            b = nb;
            bcap = ncap;
        }
        ssize_t r = read(fd, b + n, bcap - n - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(err, errcap, "%s", strerror(errno));
            goto out;
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (n > cap) {
            snprintf(err, errcap, "larger than the %zu-byte limit", cap);
            goto out;
        }
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    b = NULL;
    rc = 0;
out:
    free(b);
    if (fd != STDIN_FILENO)
        close(fd);
    return rc;
}
