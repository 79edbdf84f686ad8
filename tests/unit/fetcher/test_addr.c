/* tests/unit/fetcher/test_addr.c — the address classifier on a table of
 * IPv4/IPv6 addresses, and the "IP:port" exemption list. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "fetcher/fetch.h"
#include "fetcher/fetch_int.h"
#include "tests/tap.h"

static struct sockaddr_storage make(const char *ip, unsigned port)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    if (strchr(ip, ':')) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, ip, &s6->sin6_addr) != 1)
            ss.ss_family = AF_UNSPEC;
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, ip, &s4->sin_addr) != 1)
            ss.ss_family = AF_UNSPEC;
    }
    return ss;
}

static const struct {
    const char *ip;
    enum fetch_addr_class want;
} table[] = {
    {"8.8.8.8", FETCH_ADDR_PUBLIC},
    {"1.1.1.1", FETCH_ADDR_PUBLIC},
    {"93.184.216.34", FETCH_ADDR_PUBLIC},
    {"100.63.255.255", FETCH_ADDR_PUBLIC},
    {"100.128.0.0", FETCH_ADDR_PUBLIC},
    {"172.15.255.255", FETCH_ADDR_PUBLIC},
    {"172.32.0.0", FETCH_ADDR_PUBLIC},
    {"192.169.0.1", FETCH_ADDR_PUBLIC},
    {"223.255.255.255", FETCH_ADDR_PUBLIC},
    {"0.0.0.0", FETCH_ADDR_UNSPECIFIED},
    {"0.1.2.3", FETCH_ADDR_UNSPECIFIED},
    {"127.0.0.1", FETCH_ADDR_LOOPBACK},
    {"127.255.255.254", FETCH_ADDR_LOOPBACK},
    {"10.0.0.1", FETCH_ADDR_PRIVATE},
    {"10.255.255.255", FETCH_ADDR_PRIVATE},
    {"172.16.0.1", FETCH_ADDR_PRIVATE},
    {"172.31.255.255", FETCH_ADDR_PRIVATE},
    {"192.168.1.1", FETCH_ADDR_PRIVATE},
    {"100.64.0.1", FETCH_ADDR_CGNAT},
    {"100.127.255.255", FETCH_ADDR_CGNAT},
    {"169.254.169.254", FETCH_ADDR_LINKLOCAL},
    {"169.254.0.1", FETCH_ADDR_LINKLOCAL},
    {"224.0.0.1", FETCH_ADDR_MULTICAST},
    {"239.255.255.250", FETCH_ADDR_MULTICAST},
    {"240.0.0.1", FETCH_ADDR_RESERVED},
    {"255.255.255.255", FETCH_ADDR_RESERVED},
    {"192.0.2.1", FETCH_ADDR_RESERVED},
    {"198.51.100.7", FETCH_ADDR_RESERVED},
    {"203.0.113.9", FETCH_ADDR_RESERVED},
    {"198.18.0.1", FETCH_ADDR_RESERVED},
    {"192.0.0.8", FETCH_ADDR_RESERVED},
    {"2606:4700:4700::1111", FETCH_ADDR_PUBLIC},
    {"2001:4860:4860::8888", FETCH_ADDR_PUBLIC},
    {"2a00:1450:4001:80b::200e", FETCH_ADDR_PUBLIC},
    {"::", FETCH_ADDR_UNSPECIFIED},
    {"::1", FETCH_ADDR_LOOPBACK},
    {"fe80::1", FETCH_ADDR_LINKLOCAL},
    {"febf::1", FETCH_ADDR_LINKLOCAL},
    {"fc00::1", FETCH_ADDR_UNIQUELOCAL},
    {"fd12:3456:789a::1", FETCH_ADDR_UNIQUELOCAL},
    {"fec0::1", FETCH_ADDR_UNIQUELOCAL},
    {"ff02::1", FETCH_ADDR_MULTICAST},
    {"ff05::2", FETCH_ADDR_MULTICAST},
    {"2001:db8::1", FETCH_ADDR_RESERVED},
    {"2001::1", FETCH_ADDR_RESERVED},
    {"100::1", FETCH_ADDR_RESERVED},
    {"::ffff:127.0.0.1", FETCH_ADDR_LOOPBACK},
    {"::ffff:169.254.169.254", FETCH_ADDR_LINKLOCAL},
    {"::ffff:10.1.2.3", FETCH_ADDR_PRIVATE},
    {"::ffff:8.8.8.8", FETCH_ADDR_PUBLIC},
    {"64:ff9b::7f00:1", FETCH_ADDR_LOOPBACK},
    {"64:ff9b::808:808", FETCH_ADDR_PUBLIC},
    {"2002:c0a8:0101::1", FETCH_ADDR_PRIVATE},
    {"2002:0808:0808::1", FETCH_ADDR_PUBLIC},
    {"::127.0.0.1", FETCH_ADDR_RESERVED},
    {"4000::1", FETCH_ADDR_RESERVED},
};

int main(void)
{
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        struct sockaddr_storage ss = make(table[i].ip, 80);
        enum fetch_addr_class got = fetch_addr_classify((const struct sockaddr *)&ss);
        if (!ok(ss.ss_family != AF_UNSPEC && got == table[i].want, "%s is %s", table[i].ip,
                fetch_addr_class_name(table[i].want)))
            printf("#   got %s\n", fetch_addr_class_name(got));
    }
    struct sockaddr_storage unix_ss;
    memset(&unix_ss, 0, sizeof(unix_ss));
    unix_ss.ss_family = AF_UNIX;
    is_int(fetch_addr_classify((const struct sockaddr *)&unix_ss), FETCH_ADDR_RESERVED,
           "other families are reserved");

    const char *list[] = {"127.0.0.1:8080", "[::1]:9090", "bogus", "10.0.0.1:", NULL};
    struct sockaddr_storage a = make("127.0.0.1", 8080), b = make("127.0.0.1", 8081),
                            c = make("::1", 9090), d = make("10.0.0.1", 0);
    ok(fetch_addr_listed((struct sockaddr *)&a, list), "exemption: IPv4 address and port match");
    ok(!fetch_addr_listed((struct sockaddr *)&b, list), "exemption: another port does not");
    ok(fetch_addr_listed((struct sockaddr *)&c, list), "exemption: [IPv6]:port matches");
    ok(!fetch_addr_listed((struct sockaddr *)&d, list), "exemption: malformed entries ignored");
    ok(!fetch_addr_listed((struct sockaddr *)&a, NULL), "exemption: NULL list matches nothing");
    char buf[64];
    fetch_addr_format((struct sockaddr *)&c, buf, sizeof(buf));
    is_str(buf, "::1", "format: IPv6 text form");
    return done();
}
