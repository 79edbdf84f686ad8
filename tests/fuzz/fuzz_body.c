/* tests/fuzz/fuzz_body.c — POST /v1/articles body parsing and the query value
 * syntax (handlers/body.h, handlers/params.h value_*, id_valid).
 *
 * The whole input is a request body; each '\n'-separated slice of it (up to
 * 16) is also a query/path value. Properties: no crash; an accepted body has
 * text without NUL and of text_len bytes, a date of form YYYY-MM-DD; the value
 * checks agree with independent reference checks (and with store/keys.c). */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>

#include "handlers/body.h"
#include "handlers/params.h"
#include "store/keys.h"
#include "store/store.h"
#include "fuzz_common.h"

static int ref_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int ref_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Like value_date, but with real month lengths except that Feb 29 is always
 * allowed (the value carries no reliable year context for partial dates). */
static int ref_date(const char *v)
{
    size_t n = strlen(v);
    if (!(n == 4 || n == 7 || n == 10) || !ref_digits(v, 4))
        return 0;
    if (n == 4)
        return 1;
    if (v[4] != '-' || !ref_digits(v + 5, 2))
        return 0;
    int mon = (v[5] - '0') * 10 + (v[6] - '0');
    if (mon < 1 || mon > 12)
        return 0;
    if (n == 7)
        return 1;
    if (v[7] != '-' || !ref_digits(v + 8, 2))
        return 0;
    static const int md[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int day = (v[8] - '0') * 10 + (v[9] - '0');
    (void)ref_leap;
    return day >= 1 && day <= md[mon - 1];
}

static int ref_id(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= STORE_ID_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!(isalnum(c) && c < 0x80) && c != '-' && c != '_' && c != '.')
            return 0;
    }
    return 1;
}

static void values(const char *v)
{
    /* value_uint against a reference with several bounds. */
    static const unsigned long bounds[][2] = {{0, ~0UL}, {1, 100}, {0, 10}, {1, 1000}, {5, 5}};
    for (size_t b = 0; b < sizeof bounds / sizeof bounds[0]; b++) {
        unsigned long out = 12345;
        bool got = value_uint(v, bounds[b][0], bounds[b][1], &out);
        bool want = false;
        unsigned long ref = 0;
        size_t n = strlen(v);
        if (n > 0 && ref_digits(v, n)) {
            char *end;
            errno = 0;
            ref = strtoul(v, &end, 10);
            want = !errno && ref >= bounds[b][0] && ref <= bounds[b][1];
        }
        FUZZ_CHECK(got == want, "value_uint('%s', %lu, %lu) = %d, want %d", v, bounds[b][0],
                   bounds[b][1], got, want);
        if (got)
            FUZZ_CHECK(out == ref, "value_uint('%s') = %lu, want %lu", v, out, ref);
        else
            FUZZ_CHECK(out == 12345, "value_uint('%s') wrote *out on failure", v);
    }
    bool d = value_date(v);
    FUZZ_CHECK(d == (bool)ref_date(v), "value_date('%s') = %d", v, d);
    if (d)
        FUZZ_CHECK(keys_valid_date(v), "value_date accepts '%s' but keys_valid_date rejects", v);
    bool c = value_country(v);
    FUZZ_CHECK(c == (strlen(v) == 2 && isupper((unsigned char)v[0]) && (unsigned char)v[0] < 0x80 &&
                     isupper((unsigned char)v[1]) && (unsigned char)v[1] < 0x80),
               "value_country('%s') = %d", v, c);
    bool id = id_valid(v);
    FUZZ_CHECK(id == (bool)ref_id(v), "id_valid('%s') = %d", v, id);
    FUZZ_CHECK(id == keys_valid_id(v), "id_valid('%s') = %d but keys_valid_id = %d", v, id,
               keys_valid_id(v));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Exact-size buffer, not NUL-terminated: body_parse_article takes a length. */
    char *body = malloc(size ? size : 1);
    if (!body)
        return 0;
    if (size)
        memcpy(body, data, size);
    json_t *doc = NULL;
    struct article_post p;
    char why[200];
    why[0] = '\0';
    bool okb = body_parse_article(body, size, &doc, &p, why, sizeof why);
    if (okb) {
        FUZZ_CHECK(doc && json_is_object(doc), "accepted a non-object");
        FUZZ_CHECK(p.text != NULL, "accepted without text");
        FUZZ_CHECK(strlen(p.text) == p.text_len, "text has a NUL or wrong length %zu vs %zu",
                   strlen(p.text), p.text_len);
        if (p.date) {
            FUZZ_CHECK(strlen(p.date) == 10 && p.date[4] == '-' && p.date[7] == '-' &&
                           ref_digits(p.date, 4) && ref_digits(p.date + 5, 2) &&
                           ref_digits(p.date + 8, 2),
                       "accepted date '%s'", p.date);
        }
        if (p.id)
            FUZZ_CHECK(strlen(p.id) < STORE_ID_MAX, "id too long");
    } else {
        FUZZ_CHECK(why[0] != '\0', "rejected without a reason");
        FUZZ_CHECK(memchr(why, '\0', sizeof why) != NULL, "reason not terminated");
    }
    json_decref(doc);
    free(body);

    size_t start = 0;
    for (int k = 0; k < 16 && start <= size; k++) {
        const uint8_t *nl = memchr(data + start, '\n', size - start);
        size_t end = nl ? (size_t)(nl - data) : size;
        char *v = fuzz_cstr(data + start, end - start);
        values(v);
        free(v);
        if (!nl)
            break;
        start = end + 1;
    }
    return 0;
}
