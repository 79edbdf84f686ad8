/* handlers/values.c — the syntax of query and path values, pure (see params.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "handlers/params.h"
#include "store/keys.h"
#include "store/store.h"

bool id_valid(const char *s)
{
    return keys_valid_id(s); /* the one id syntax: store/keys.h */
}

bool value_uint(const char *v, unsigned long min, unsigned long max, unsigned long *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long n = (*v >= '0' && *v <= '9') ? strtoul(v, &end, 10) : 0;
    if (!end || *end || errno || n < min || n > max)
        return false;
    *out = n;
    return true;
}

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
    }
    return true;
}

bool value_date(const char *v)
{
    size_t n = strlen(v);
    bool ok = (n == 4 || n == 7 || n == 10) && digits(v, 4);
    if (ok && n >= 7) {
        int mon = (v[5] - '0') * 10 + (v[6] - '0');
        ok = v[4] == '-' && digits(v + 5, 2) && mon >= 1 && mon <= 12;
        if (ok && n == 10) {
            static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
            int day = (v[8] - '0') * 10 + (v[9] - '0');
            ok = v[7] == '-' && digits(v + 8, 2) && day >= 1 && day <= mdays[mon - 1];
        }
    }
    return ok;
}

bool value_country(const char *v)
{
    return strlen(v) == 2 && v[0] >= 'A' && v[0] <= 'Z' && v[1] >= 'A' && v[1] <= 'Z';
}
