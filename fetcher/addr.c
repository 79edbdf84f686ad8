/* fetcher/addr.c — which resolved addresses we may connect to.
 * Ranges from the IANA IPv4/IPv6 special-purpose registries (RFC 6890). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetcher/fetch_int.h"

struct v4range {
    uint32_t net;
    unsigned bits;
    enum fetch_addr_class cls;
};

#define V4(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (d))

static const struct v4range v4_ranges[] = {
    {V4(0, 0, 0, 0), 8, FETCH_ADDR_UNSPECIFIED},
    {V4(10, 0, 0, 0), 8, FETCH_ADDR_PRIVATE},
    {V4(100, 64, 0, 0), 10, FETCH_ADDR_CGNAT},
    {V4(127, 0, 0, 0), 8, FETCH_ADDR_LOOPBACK},
    {V4(169, 254, 0, 0), 16, FETCH_ADDR_LINKLOCAL},
    {V4(172, 16, 0, 0), 12, FETCH_ADDR_PRIVATE},
    {V4(192, 0, 0, 0), 24, FETCH_ADDR_RESERVED},   /* IETF protocol assignments */
    {V4(192, 0, 2, 0), 24, FETCH_ADDR_RESERVED},   /* TEST-NET-1 */
    {V4(192, 88, 99, 0), 24, FETCH_ADDR_RESERVED}, /* 6to4 relay anycast */
    {V4(192, 168, 0, 0), 16, FETCH_ADDR_PRIVATE},
    {V4(198, 18, 0, 0), 15, FETCH_ADDR_RESERVED},   /* benchmarking */
    {V4(198, 51, 100, 0), 24, FETCH_ADDR_RESERVED}, /* TEST-NET-2 */
    {V4(203, 0, 113, 0), 24, FETCH_ADDR_RESERVED},  /* TEST-NET-3 */
    {V4(224, 0, 0, 0), 4, FETCH_ADDR_MULTICAST},
    {V4(240, 0, 0, 0), 4, FETCH_ADDR_RESERVED}, /* incl. 255.255.255.255 */
};

static enum fetch_addr_class classify_v4(uint32_t a)
{
    for (size_t i = 0; i < sizeof(v4_ranges) / sizeof(v4_ranges[0]); i++) {
        uint32_t mask = ~(uint32_t)0 << (32 - v4_ranges[i].bits);
        if ((a & mask) == v4_ranges[i].net)
            return v4_ranges[i].cls;
    }
    return FETCH_ADDR_PUBLIC;
}

static uint32_t v4_at(const unsigned char *p)
{
    return V4(p[0], p[1], p[2], p[3]);
}

static bool prefix_is(const unsigned char *a, const unsigned char *p, unsigned bits)
{
    unsigned full = bits / 8, rest = bits % 8;
    if (memcmp(a, p, full) != 0)
        return false;
    if (!rest)
        return true;
    unsigned char mask = (unsigned char)(0xFF << (8 - rest));
    return (a[full] & mask) == (p[full] & mask);
}

static enum fetch_addr_class classify_v6(const unsigned char *a)
{
    static const unsigned char zero[16] = {0};
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    static const unsigned char nat64[12] = {0, 0x64, 0xFF, 0x9B};
    static const unsigned char nat64_local[6] = {0, 0x64, 0xFF, 0x9B, 0, 1};
    static const unsigned char discard[8] = {0x01, 0x00};
    static const unsigned char ietf[3] = {0x20, 0x01, 0x00};
    static const unsigned char doc[4] = {0x20, 0x01, 0x0D, 0xB8};
    static const unsigned char six2four[2] = {0x20, 0x02};

    if (memcmp(a, zero, 15) == 0 && a[15] == 0)
        return FETCH_ADDR_UNSPECIFIED;
    if (memcmp(a, zero, 15) == 0 && a[15] == 1)
        return FETCH_ADDR_LOOPBACK;
    if (memcmp(a, mapped, 12) == 0 || memcmp(a, nat64, 12) == 0)
        return classify_v4(v4_at(a + 12));
    if (a[0] == 0xFF)
        return FETCH_ADDR_MULTICAST;
    if (a[0] == 0xFE && (a[1] & 0xC0) == 0x80)
        return FETCH_ADDR_LINKLOCAL;
    if ((a[0] & 0xFE) == 0xFC || (a[0] == 0xFE && (a[1] & 0xC0) == 0xC0))
        return FETCH_ADDR_UNIQUELOCAL;
    if (prefix_is(a, nat64_local, 48) || prefix_is(a, discard, 64) || prefix_is(a, doc, 32) ||
        prefix_is(a, ietf, 23))
        return FETCH_ADDR_RESERVED; /* incl. Teredo 2001::/32 */
    if (prefix_is(a, six2four, 16))
        return classify_v4(v4_at(a + 2));
    if ((a[0] & 0xE0) != 0x20)
        return FETCH_ADDR_RESERVED; /* only 2000::/3 is global unicast */
    return FETCH_ADDR_PUBLIC;
}

enum fetch_addr_class fetch_addr_classify(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) {
        struct sockaddr_in in;
        memcpy(&in, sa, sizeof(in));
        return classify_v4(ntohl(in.sin_addr.s_addr));
    }
    if (sa->sa_family == AF_INET6) {
        struct sockaddr_in6 in6;
        memcpy(&in6, sa, sizeof(in6));
        return classify_v6(in6.sin6_addr.s6_addr);
    }
    return FETCH_ADDR_RESERVED;
}

const char *fetch_addr_class_name(enum fetch_addr_class c)
{
    switch (c) {
    case FETCH_ADDR_PUBLIC:
        return "public";
    case FETCH_ADDR_UNSPECIFIED:
        return "unspecified";
    case FETCH_ADDR_LOOPBACK:
        return "loopback";
    case FETCH_ADDR_PRIVATE:
        return "private";
    case FETCH_ADDR_CGNAT:
        return "carrier-grade NAT";
    case FETCH_ADDR_LINKLOCAL:
        return "link-local";
    case FETCH_ADDR_UNIQUELOCAL:
        return "unique-local";
    case FETCH_ADDR_MULTICAST:
        return "multicast";
    case FETCH_ADDR_RESERVED:
        return "reserved";
    }
    return "reserved";
}

void fetch_addr_format(const struct sockaddr *sa, char *out, size_t cap)
{
    const void *src = NULL;
    struct sockaddr_in in;
    struct sockaddr_in6 in6;
    if (sa->sa_family == AF_INET) {
        memcpy(&in, sa, sizeof(in));
        src = &in.sin_addr;
    } else if (sa->sa_family == AF_INET6) {
        memcpy(&in6, sa, sizeof(in6));
        src = &in6.sin6_addr;
    }
    if (!src || !inet_ntop(sa->sa_family, src, out, (socklen_t)cap))
        ecf_strlcpy(out, "?", cap);
}

/* Splits "IP:port" / "[IPv6]:port" and compares with sa. */
static bool entry_matches(const struct sockaddr *sa, const char *entry)
{
    char host[64];
    const char *colon;
    size_t hl;
    if (entry[0] == '[') {
        const char *close = strchr(entry, ']');
        if (!close || close[1] != ':')
            return false;
        hl = (size_t)(close - entry - 1);
        entry++;
        colon = close + 1;
    } else {
        colon = strrchr(entry, ':');
        if (!colon)
            return false;
        hl = (size_t)(colon - entry);
    }
    if (hl == 0 || hl >= sizeof(host))
        return false;
    memcpy(host, entry, hl);
    host[hl] = '\0';
    char *end = NULL;
    unsigned long port = strtoul(colon + 1, &end, 10);
    if (end == colon + 1 || *end || port > 65535)
        return false;

    if (sa->sa_family == AF_INET) {
        struct sockaddr_in in;
        struct in_addr want;
        memcpy(&in, sa, sizeof(in));
        return inet_pton(AF_INET, host, &want) == 1 && want.s_addr == in.sin_addr.s_addr &&
               ntohs(in.sin_port) == port;
    }
    if (sa->sa_family == AF_INET6) {
        struct sockaddr_in6 in6;
        struct in6_addr want;
        memcpy(&in6, sa, sizeof(in6));
        return inet_pton(AF_INET6, host, &want) == 1 &&
               memcmp(&want, &in6.sin6_addr, sizeof(want)) == 0 && ntohs(in6.sin6_port) == port;
    }
    return false;
}

bool fetch_addr_listed(const struct sockaddr *sa, const char *const *list)
{
    for (; list && *list; list++)
        if (entry_matches(sa, *list))
            return true;
    return false;
}
