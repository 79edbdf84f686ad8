/* fetcher/date.c — publication dates as found in feeds and pages. */
#include <ctype.h>
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fetcher/fetch_int.h"

static bool plausible(int y, int m, int d)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

bool fetch_date_normalize(const char *s, char out[11])
{
    out[0] = '\0';
    if (!s)
        return false;
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strnlen(s, 128);
    int y = -1, m = -1, d = -1;
    if (n >= 10 && (s[4] == '-' || s[4] == '/') && s[7] == s[4] &&
        (n == 10 || !isdigit((unsigned char)s[10]))) {
        y = digits(s, 4);
        m = digits(s + 5, 2);
        d = digits(s + 8, 2);
    } else if (n < 128 && n > 0) {
        /* RFC 822/850/asctime as used by RSS pubDate and HTTP. */
        time_t t = curl_getdate(s, NULL);
        struct tm tm;
        if (t != (time_t)-1 && gmtime_r(&t, &tm)) {
            y = tm.tm_year + 1900;
            m = tm.tm_mon + 1;
            d = tm.tm_mday;
        }
    }
    if (!plausible(y, m, d))
        return false;
    (void)snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
                   (unsigned)d % 100u);
    return true;
}
