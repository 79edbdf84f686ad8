/* ecfacts health — GET /healthz on the configured listen address and exit 0
 * on a 200. For container HEALTHCHECKs: the image needs no curl or wget. */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "app/config.h"

/* Splits "HOST:PORT" / "[V6]:PORT"; a wildcard host becomes loopback. */
static int split(const char *spec, char *host, size_t hcap, char *port, size_t pcap)
{
    const char *c = strrchr(spec, ':');
    if (!c || !c[1])
        return -1;
    const char *h = spec;
    size_t hl = (size_t)(c - spec);
    if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') {
        h++;
        hl -= 2;
    }
    if (hl >= hcap || strlen(c + 1) >= pcap)
        return -1;
    memcpy(host, h, hl);
    host[hl] = '\0';
    snprintf(port, pcap, "%s", c + 1);
    if (!strcmp(host, "0.0.0.0") || !*host)
        snprintf(host, hcap, "127.0.0.1");
    else if (!strcmp(host, "::"))
        snprintf(host, hcap, "::1");
    return 0;
}

static int wait_fd(int fd, short ev, int ms)
{
    struct pollfd p = {.fd = fd, .events = ev};
    int r;
    do {
        r = poll(&p, 1, ms);
    } while (r < 0 && errno == EINTR);
    return r > 0 ? 0 : -1;
}

int cmd_health(int argc, char **argv)
{
    struct config c;
    char **pos, host[256], port[16];
    int npos;
    int opened =
        config_command(&c, CMD_HEALTH, argc, argv, &pos, &npos, "health [--listen HOST:PORT]",
                       "Asks the server at the listen address for GET /healthz (3 s limit) "
                       "and exits 0 when it answers 200, 1 otherwise. Meant for HEALTHCHECK.");
    if (opened >= 0)
        return opened;
    if (split(c.listen, host, sizeof host, port, sizeof port) != 0) {
        fprintf(stderr, "ecfacts: health: --listen '%s' is not HOST:PORT\n", c.listen);
        return EXIT_USAGE;
    }
    struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
                             .ai_socktype = SOCK_STREAM};
    struct addrinfo *ai = NULL;
    if (getaddrinfo(host, port, &hints, &ai) != 0 || !ai) {
        fprintf(stderr, "ecfacts: health: bad address %s:%s\n", host, port);
        return EXIT_USAGE;
    }
    int rc = EXIT_FAIL;
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    char req[512], resp[64] = "";
    if (fd < 0)
        goto out;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS)
        goto out;
    if (wait_fd(fd, POLLOUT, 3000) != 0)
        goto out;
    int n =
        snprintf(req, sizeof req,
                 "GET /healthz HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n\r\n", host, port);
    if (send(fd, req, (size_t)n, MSG_NOSIGNAL) != n)
        goto out;
    size_t got = 0;
    while (got < sizeof resp - 1 && wait_fd(fd, POLLIN, 3000) == 0) {
        ssize_t r = recv(fd, resp + got, sizeof resp - 1 - got, 0);
        if (r <= 0)
            break;
        got += (size_t)r;
        resp[got] = '\0';
        if (strchr(resp, '\n'))
            break;
    }
    if (!strncmp(resp, "HTTP/1.1 200", 12) || !strncmp(resp, "HTTP/1.0 200", 12))
        rc = EXIT_OK;
out:
    if (rc != EXIT_OK) {
        resp[strcspn(resp, "\r\n")] = '\0';
        fprintf(stderr, "ecfacts: health: http://%s:%s/healthz did not answer 200%s%s\n", host,
                port, resp[0] ? ": " : "", resp);
    }
    if (fd >= 0)
        close(fd);
    freeaddrinfo(ai);
    return rc;
}
