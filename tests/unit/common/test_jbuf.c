/* tests/unit/common/test_jbuf.c — the JSON text builder and the compact
 * object scanner, with jansson as the oracle: spliced answers must be
 * byte-identical to what jansson would have written. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/jbuf.h"
#include "tests/tap.h"

#define FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10))

/* jbuf_put_jstr(s) == jansson's dump of the string s. */
static int same_as_jansson(const char *s, size_t n)
{
    struct jbuf b = JBUF_INIT;
    jbuf_put_jstr(&b, s, n);
    json_t *v = json_stringn(s, n);
    char *want = v ? json_dumps(v, FLAGS | JSON_ENCODE_ANY) : NULL;
    int same = want && !b.failed && strcmp(b.p, want) == 0;
    if (!same)
        printf("#   got:  %s\n#   want: %s\n", b.p ? b.p : "(null)", want ? want : "(null)");
    free(want);
    json_decref(v);
    jbuf_free(&b);
    return same;
}

static void escapes(void)
{
    static const char *const cases[] = {"",
                                        "plain",
                                        "quote \" and \\ backslash",
                                        "tab\there",
                                        "nl\ncr\rff\fbs\b",
                                        "slash / stays",
                                        "\x01\x1f\x7f controls",
                                        "Caf\xc3\xa9 \xe2\x80\x94 910C",
                                        "\xf0\x9f\x98\x80 emoji",
                                        "\xe2\x80\xa8 line sep"};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        ok(same_as_jansson(cases[i], strlen(cases[i])), "jstr escapes like jansson: case %zu", i);
    ok(same_as_jansson("a\0b", 3), "jstr: an embedded NUL is \\u0000");
    /* every single byte below 0x80 */
    int all = 1;
    for (int c = 0; c < 0x80; c++) {
        char s[2] = {(char)c, 0};
        all &= same_as_jansson(s, 1);
    }
    ok(all, "jstr: each ASCII byte escaped like jansson");
}

static void building(void)
{
    struct jbuf b = JBUF_INIT;
    for (int i = 0; i < 10000; i++)
        jbuf_puts(&b, "0123456789");
    ok(!b.failed && b.len == 100000 && b.p[b.len] == '\0', "grows to 100000 bytes, NUL-kept");
    jbuf_truncate(&b, 5);
    is_str(b.p, "01234", "truncate");
    jbuf_truncate(&b, 50);
    is_int(b.len, 5, "truncate never grows");
    size_t n;
    char *s = jbuf_steal(&b, &n);
    ok(s && n == 5 && b.p == NULL && b.len == 0, "steal hands over the text and resets");
    free(s);
    s = jbuf_steal(&b, &n);
    ok(s && n == 0 && s[0] == '\0', "steal of an empty buffer is \"\"");
    free(s);
    b.failed = true;
    jbuf_puts(&b, "x");
    ok(b.len == 0, "appends after a failure are no-ops");
    ok(jbuf_steal(&b, &n) == NULL && n == 0, "steal after a failure is NULL");
    jbuf_free(&b);
}

/* jraw_member(o, key) against jansson's view of the same object. */
static int member_agrees(const char *o, const char *key)
{
    const char *v;
    size_t vn;
    json_t *doc = json_loads(o, 0, NULL);
    json_t *want = doc ? json_object_get(doc, key) : NULL;
    bool found = jraw_member(o, strlen(o), key, &v, &vn);
    int same;
    if (!want) {
        same = !found;
    } else {
        json_t *got = found ? json_loadb(v, vn, JSON_DECODE_ANY, NULL) : NULL;
        same = got && json_equal(got, want);
        json_decref(got);
    }
    json_decref(doc);
    return same;
}

static void scanning(void)
{
    const char *rec =
        "{\"id\":\"h\\\"x\",\"n\":-1.5e3,\"t\":true,\"z\":null,\"o\":{\"a\":[1,{\"b\":\"}\"}]},"
        "\"arr\":[\"]\",[],{}],\"s\":\"\\\\\",\"last\":\"end\"}";
    static const char *const keys[] = {"id", "n",    "t", "z", "o",       "arr",
                                       "s",  "last", "a", "b", "missing", ""};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        ok(member_agrees(rec, keys[i]), "member '%s' agrees with jansson", keys[i]);
    ok(member_agrees("{ \"a\" : 1 , \"b\" : [ 2 ] }", "b"), "whitespace between tokens");
    /* several members in one pass == one at a time */
    size_t nk = sizeof keys / sizeof *keys;
    const char *mv[16];
    size_t mvn[16];
    int agree = jraw_members(rec, strlen(rec), keys, nk, mv, mvn);
    for (size_t i = 0; i < nk; i++) {
        const char *v1;
        size_t n1;
        bool f = jraw_member(rec, strlen(rec), keys[i], &v1, &n1);
        agree &= f ? mvn[i] == n1 && mv[i] == v1 : mvn[i] == 0;
    }
    ok(agree, "jraw_members finds what jraw_member finds, in one pass");
    const char *const ab[] = {"a", "ab"};
    ok(jraw_members("{\"ab\":1,\"a\":2}", 15, ab, 2, mv, mvn) && mvn[0] == 1 && mv[0][0] == '2' &&
           mvn[1] == 1 && mv[1][0] == '1',
       "a key that is a prefix of another is not confused with it");
    const char *v;
    size_t vn;
    ok(jraw_member(rec, strlen(rec), "id", &v, &vn) && vn == 6 && memcmp(v, "\"h\\\"x\"", 6) == 0,
       "a string value keeps its quotes and escapes");
    /* malformed or truncated: never found, never read past the end (ASan) */
    static const char *const bad[] = {"",
                                      "{",
                                      "[\"id\",1]",
                                      "{\"id\"",
                                      "{\"id\":",
                                      "{\"id\":\"abc",
                                      "{\"x\":[1,2",
                                      "{\"x\":{\"id\":1}",
                                      "{\"x\" 1,\"id\":2}",
                                      "{\"x\":1 \"id\":2}",
                                      "{\"x\":\"\\",
                                      "{\"x\":,\"id\":1}",
                                      "{}",
                                      "{\"x\":1}garbage\"id\":2"};
    int none = 1;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        size_t n = strlen(bad[i]);
        char *copy = malloc(n ? n : 1); /* exact size: ASan sees any over-read */
        memcpy(copy, bad[i], n);
        none &= !jraw_member(copy, n, "id", &v, &vn);
        free(copy);
    }
    ok(none, "malformed and truncated objects yield no member and no over-read");
    /* fuzz_jraw regression: jansson skips a raw NUL between tokens, JSON does not */
    ok(!jraw_member("{\"x\":true\0}", 11, "x", &v, &vn) || vn == 4,
       "a raw NUL after a value: at most the value itself, never past it");
    /* every prefix of a valid record */
    size_t n = strlen(rec);
    int prefixes = 1;
    for (size_t k = 0; k < n; k++) {
        char *copy = malloc(k ? k : 1);
        memcpy(copy, rec, k);
        bool f = jraw_member(copy, k, "last", &v, &vn);
        prefixes &= !f || (v >= copy && v + vn <= copy + k);
        free(copy);
    }
    ok(prefixes, "every prefix of a record scans inside its bounds");
    ok(jraw_is_object("{}", 2) && !jraw_is_object("{", 1) && !jraw_is_object("[]", 2) &&
           !jraw_is_object("{\"a\":1", 6),
       "is_object checks the braces");
}

/* jraw_array_len against jansson's count, and malformed arrays refused. */
static void array_len(void)
{
    static const char *const good[] = {"[]",
                                       "[1]",
                                       "[ 1 , 2 ]",
                                       "[\"a,]\",{\"b\":[1,2]},[],null]",
                                       "[{\"x\":\"\\\"]\"}]",
                                       "[\"a\\\\\",1]",
                                       "[\"},{\",\"\\\\\\\"\"]"};
    int agree = 1;
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        json_t *a = json_loads(good[i], 0, NULL);
        agree &= a && jraw_array_len(good[i], strlen(good[i])) == json_array_size(a);
        json_decref(a);
    }
    ok(agree, "array length agrees with jansson's");
    static const char *const bad[] = {"",      "[",    "]",     "{}",   "[1,]", "[,1]",
                                      "[1 2]", "[1]x", "[\"a]", "[[1]", "[1]]"};
    int none = 1;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        size_t n = strlen(bad[i]);
        char *copy = malloc(n ? n : 1); /* exact size: ASan sees any over-read */
        memcpy(copy, bad[i], n);
        none &= jraw_array_len(copy, n) == (size_t)-1;
        free(copy);
    }
    ok(none, "malformed arrays are refused without over-reads");
}

/* jbuf_init_max: the text stays below toobig; the append that would reach
 * it fails, sets over, and leaves the text as it was (curl's dynbuf). */
static void capped(void)
{
    struct jbuf b;
    jbuf_init_max(&b, 10);
    jbuf_put(&b, "012345678", 9);
    ok(!b.failed && !b.over && b.len == 9, "toobig 10: 9 bytes fit");
    ok(b.cap <= 10, "...in at most toobig bytes of memory (cap %zu)", b.cap);
    jbuf_putc(&b, 'x');
    ok(b.failed && b.over && b.len == 9 && strcmp(b.p, "012345678") == 0,
       "the 10th byte is refused: over, and the text is unchanged");
    jbuf_free(&b);
    ok(b.toobig == 10, "jbuf_free keeps toobig");
    struct jbuf u = JBUF_INIT;
    jbuf_put(&u, "0123456789abcdef", 16);
    ok(!u.failed && !u.over && u.len == 16, "JBUF_INIT has no cap");
    jbuf_free(&u);
}

/* jbuf_put_fit: an append refused for the cap sets over but not failed, and
 * a later one that fits is still appended (the fetcher's capped text). */
static void fit(void)
{
    struct jbuf b;
    jbuf_init_max(&b, 10);
    ok(jbuf_put_fit(&b, "01234", 5) && b.len == 5, "put_fit: 5 of toobig 10 fit");
    ok(!jbuf_put_fit(&b, "56789", 5) && b.over && !b.failed && b.len == 5,
       "put_fit: 5 more would reach toobig: refused, over, not failed, text kept");
    ok(jbuf_put_fit(&b, "5678", 4) && b.len == 9 && strcmp(b.p, "012345678") == 0,
       "put_fit: a smaller append still fits, up to toobig - 1 bytes");
    size_t n;
    char *s = jbuf_steal(&b, &n);
    ok(s && n == 9 && strcmp(s, "012345678") == 0, "put_fit: the capped text can be stolen");
    free(s);
    jbuf_init_max(&b, 4);
    jbuf_put(&b, "abcd", 4);
    ok(b.failed && !jbuf_put_fit(&b, "a", 1) && b.len == 0,
       "put_fit: a failed buffer stays failed");
    jbuf_free(&b);
}

/* jbuf_printf: formatted in place or after growing; over the cap nothing. */
static void printf_(void)
{
    struct jbuf b = JBUF_INIT;
    jbuf_printf(&b, "%s=%d;", "a", 1);
    ok(!b.failed && b.len == 4 && strcmp(b.p, "a=1;") == 0, "printf into an empty buffer");
    char big[1000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    jbuf_printf(&b, "[%s]%zu", big, (size_t)7);
    ok(!b.failed && b.len == 4 + 1001 + 1 && strncmp(b.p, "a=1;[x", 6) == 0 &&
           strcmp(b.p + b.len - 2, "]7") == 0,
       "printf past the buffer's room grows it and keeps the text");
    jbuf_free(&b);
    jbuf_init_max(&b, 300);
    jbuf_printf(&b, "%s", "head");
    jbuf_printf(&b, "%s", big);
    ok(b.failed && b.over && b.len == 4 && strcmp(b.p, "head") == 0,
       "printf over toobig: refused whole, the text unchanged");
    jbuf_free(&b);
}

int main(void)
{
    printf_();
    capped();
    fit();
    escapes();
    building();
    scanning();
    array_len();
    return done();
}
