/* handlers/body.c and the value checks of handlers/params.c. */
#include <string.h>

#include "handlers/body.h"
#include "handlers/params.h"
#include "tests/tap.h"

static int parses(const char *body, const char *want_why_part)
{
    json_t *doc = NULL;
    struct article_post p;
    char why[256] = "";
    bool okp = body_parse_article(body, strlen(body), &doc, &p, why, sizeof why);
    json_decref(doc);
    if (want_why_part)
        return !okp && strstr(why, want_why_part) != NULL;
    return okp;
}

int main(void)
{
    json_t *doc = NULL;
    struct article_post p;
    char why[256];
    const char *full =
        "{\"text\":\"Huawei develops the Ascend 910B.\",\"id\":\"a1\",\"title\":\"T\","
        "\"url\":\"https://example.org/a\",\"date\":\"2024-10-22\"}";
    ok(body_parse_article(full, strlen(full), &doc, &p, why, sizeof why), "a full body parses");
    is_str(p.id, "a1", "id");
    is_str(p.date, "2024-10-22", "date");
    is_int(p.text_len, strlen("Huawei develops the Ascend 910B."), "text length");
    json_decref(doc);
    ok(parses("{\"text\":\"x\",\"id\":null,\"url\":null}", NULL), "null members are absent");
    ok(parses("[1,2]", "not a JSON object"), "an array is refused");
    ok(parses("{\"text\":", "not a JSON object"), "truncated JSON is refused");
    ok(parses("{\"text\":\"a\",\"text\":\"b\"}", "not a JSON object"),
       "duplicate members are refused");
    ok(parses("{\"text\":\"a\",\"body\":\"b\"}", "unknown field 'body'"),
       "unknown members are refused");
    ok(parses("{\"title\":\"a\"}", "'text' is required"), "text is required");
    ok(parses("{\"text\":5}", "field 'text' must be a string"), "text must be a string");
    ok(parses("{\"text\":\"a\\u0000b\"}", "NUL"), "an escaped NUL in text is refused");
    ok(parses("{\"text\":\"a\",\"date\":\"2024-1-2\"}", "YYYY-MM-DD"),
       "a malformed date is refused");
    ok(parses("", "not a JSON object"), "an empty body is refused");

    /* What the page says about itself: optional, typed, bounded. */
    const char *meta = "{\"text\":\"x\",\"published\":\"2024-02-29\",\"byline\":\"Jane Roe\","
                       "\"site\":\"Chip Wire\",\"lang\":\"pt-BR\"}";
    ok(body_parse_article(meta, strlen(meta), &doc, &p, why, sizeof why), "page metadata parses");
    ok(p.published && p.byline && p.site && p.lang && strcmp(p.published, "2024-02-29") == 0 &&
           strcmp(p.byline, "Jane Roe") == 0 && strcmp(p.site, "Chip Wire") == 0 &&
           strcmp(p.lang, "pt-BR") == 0,
       "published, byline, site, lang");
    json_decref(doc);
    ok(parses("{\"text\":\"x\",\"published\":null,\"byline\":null,\"site\":null,\"lang\":null}",
              NULL),
       "null page metadata is absent");
    ok(parses("{\"text\":\"x\",\"published\":\"2023-02-29\"}", "field 'published'"),
       "published: not a calendar day, named");
    ok(parses("{\"text\":\"x\",\"published\":20240101}", "field 'published' must be a string"),
       "published: a number, named");
    ok(parses("{\"text\":\"x\",\"byline\":[\"a\"]}", "field 'byline' must be a string"),
       "byline: an array, named");
    char longer[400];
    snprintf(longer, sizeof longer, "{\"text\":\"x\",\"site\":\"%0257d\"}", 0);
    ok(parses(longer, "field 'site' must be a string of at most 256 bytes"),
       "site: over 256 bytes, named");
    ok(parses("{\"text\":\"x\",\"byline\":\"a\\u0000b\"}", "NUL"),
       "byline: an escaped NUL is refused (by the JSON parser)");
    ok(parses("{\"text\":\"x\",\"lang\":\"en_US\"}", "field 'lang' must be a language tag"),
       "lang: en_US is no tag, named");
    ok(parses("{\"text\":\"x\",\"lang\":\"\"}", "field 'lang'"), "lang: empty, named");
    ok(parses("{\"text\":\"x\",\"lang\":\"en-abcdefghijklmnopqrstuvwxyzabcdefgh\"}",
              "field 'lang' must be a string of at most 35 bytes"),
       "lang: over 35 bytes, named");

    unsigned long n = 0;
    ok(value_uint("50", 1, 500, &n) && n == 50, "uint in range");
    ok(!value_uint("0", 1, 500, &n), "uint under the range");
    ok(!value_uint("501", 1, 500, &n), "uint over the range");
    ok(!value_uint("-1", 0, 500, &n), "negative refused");
    ok(!value_uint("+5", 0, 500, &n), "sign refused");
    ok(!value_uint("5x", 0, 500, &n), "trailing junk refused");
    ok(!value_uint("", 0, 500, &n), "empty refused");
    ok(!value_uint("99999999999999999999999", 0, 500, &n), "overflow refused");
    ok(value_date("2019") && value_date("2024-02") && value_date("2024-02-29"), "dates accepted");
    ok(!value_date("2024-13") && !value_date("2024-04-31") && !value_date("2024-00-10") &&
           !value_date("24-01-01") && !value_date("2024/01/01") && !value_date(""),
       "impossible or malformed dates refused");
    ok(value_country("CN") && !value_country("cn") && !value_country("CHN") && !value_country(""),
       "country codes");
    ok(id_valid("ascend-910b") && id_valid("seed-000") && !id_valid("a b") && !id_valid("") &&
           !id_valid("x/y"),
       "ids");
    return done();
}
