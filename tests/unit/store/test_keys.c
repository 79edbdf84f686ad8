/* tests/unit/store/test_keys.c — key encoding: byte order is iteration order. */
#include <stdlib.h>
#include <string.h>

#include "store/keys.h"
#include "tests/tap.h"

static int key_cmp(const struct keybuf *a, const struct keybuf *b)
{
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->b, b->b, n);
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

static void pair(struct keybuf *k, const char *a, const char *b)
{
    keys_init(k);
    keys_put_str(k, a);
    keys_put_last(k, b);
}

static void test_be(void)
{
    static const uint32_t v[] = {0,     1,          255,         256,        65535,
                                 65536, 0x7fffffff, 0x80000000u, 0xffffffffu};
    int sorted = 1, round = 1;
    for (size_t i = 0; i + 1 < sizeof v / sizeof *v; i++) {
        struct keybuf a, b;
        keys_init(&a);
        keys_init(&b);
        keys_put_be32(&a, v[i]);
        keys_put_be32(&b, v[i + 1]);
        sorted &= key_cmp(&a, &b) < 0;
        round &= keys_be32_dec(a.b) == v[i];
    }
    ok(sorted, "be32: numeric order is byte order");
    ok(round, "be32: round trip");
    struct keybuf a, b;
    keys_init(&a);
    keys_init(&b);
    keys_put_be64(&a, 0xffffffffull);
    keys_put_be64(&b, 0x100000000ull);
    ok(key_cmp(&a, &b) < 0 && keys_be64_dec(b.b) == 0x100000000ull, "be64: order and round trip");
}

static void test_tuples(void)
{
    struct keybuf a, b;
    pair(&a, "ab", "zzz");
    pair(&b, "abc", "aaa");
    ok(key_cmp(&a, &b) < 0, "tuple: first component decides (\"ab\" < \"abc\")");
    pair(&a, "chip", "h100");
    pair(&b, "chip", "h20");
    ok(key_cmp(&a, &b) < 0, "tuple: then the id");
    pair(&a, "2019", "s-1");
    pair(&b, "2019-05-16", "s-0");
    ok(key_cmp(&a, &b) < 0, "tuple: a partial date sorts before its refinements");
    pair(&a, "huawei", "x");
    struct keybuf pre;
    keys_init(&pre);
    keys_put_str(&pre, "huawei");
    ok(keys_has_prefix(a.b, a.len, pre.b, pre.len), "tuple: \"huawei\\0\" is a prefix of the key");
    pair(&b, "huawei technologies", "x");
    ok(!keys_has_prefix(b.b, b.len, pre.b, pre.len), "tuple: no bleed into longer names");

    struct keys_part parts[4];
    const char v[] = "subj\0pred\0";
    size_t n = keys_split(v, sizeof v - 1, parts, 4);
    is_int(n, 3, "split: three parts (last empty)");
    ok(parts[1].n == 4 && memcmp(parts[1].p, "pred", 4) == 0 && parts[2].n == 0,
       "split: parts and empty last part");
    struct keys_part last = keys_last(a.b, a.len);
    ok(last.n == 1 && last.p[0] == 'x', "last component is the id");

    struct keybuf big;
    keys_init(&big);
    char s[400];
    memset(s, 'a', sizeof s - 1);
    s[sizeof s - 1] = '\0';
    keys_put_str(&big, s);
    ok(!big.over, "a 400-byte component fits");
    keys_put_str(&big, s);
    ok(big.over && big.len <= KEYS_MAX, "overflow is sticky and bounded");
}

static void test_cursor(void)
{
    const unsigned char key[] = "chip\0h100";
    char *c = keys_cursor_encode('t', key, sizeof key - 1);
    unsigned char tag, out[KEYS_MAX];
    size_t len = 0;
    ok(c && keys_cursor_decode(c, &tag, out, sizeof out, &len) == 0, "cursor round trip");
    ok(tag == 't' && len == sizeof key - 1 && memcmp(out, key, len) == 0, "cursor tag and key");
    ok(strspn(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == strlen(c),
       "cursor is base64url");
    free(c);
    ok(keys_cursor_decode("", &tag, out, sizeof out, &len) != 0, "empty cursor rejected");
    ok(keys_cursor_decode("!!!!", &tag, out, sizeof out, &len) != 0, "non-alphabet rejected");
    ok(keys_cursor_decode("A", &tag, out, sizeof out, &len) != 0, "impossible length rejected");
    ok(keys_cursor_decode("dGE", &tag, out, sizeof out, &len) == 0 && tag == 't' && len == 1,
       "canonical two-byte cursor accepted");
    ok(keys_cursor_decode("dGF", &tag, out, sizeof out, &len) != 0, "non-canonical rejected");
    char longc[1200];
    memset(longc, 'A', sizeof longc - 1);
    longc[sizeof longc - 1] = '\0';
    ok(keys_cursor_decode(longc, &tag, out, sizeof out, &len) != 0, "over-long cursor rejected");
}

static void test_names(void)
{
    char *k = keys_name("The Huawei's", 12);
    is_str(k, "huawei", "name key: article and possessive dropped");
    free(k);
    unsigned char tri[KEYS_TRIGRAMS_MAX][3];
    size_t n = keys_trigrams("huawei", tri, KEYS_TRIGRAMS_MAX);
    is_int(n, 7, "trigrams of huawei: 7 with padding");
    int sorted = 1;
    for (size_t i = 0; i + 1 < n; i++)
        sorted &= memcmp(tri[i], tri[i + 1], 3) < 0;
    ok(sorted, "trigrams sorted and distinct");
    ok(memcmp(tri[0], "  h", 3) == 0, "first trigram is the padded start");
    n = keys_trigrams("aaaa", tri, KEYS_TRIGRAMS_MAX);
    is_int(n, 4, "repeated trigrams counted once");
    char longname[600];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    k = keys_name(longname, strlen(longname));
    ok(k && strlen(k) == KEYS_NAME_MAX, "long name key cut to KEYS_NAME_MAX");
    free(k);
}

static void test_valid(void)
{
    ok(keys_valid_id("seed-000") && keys_valid_id("A.b_c-9"), "valid ids");
    ok(!keys_valid_id("") && !keys_valid_id("a/b") && !keys_valid_id("a b") && !keys_valid_id(NULL),
       "invalid ids");
    char id[200];
    memset(id, 'a', sizeof id - 1);
    id[sizeof id - 1] = '\0';
    ok(!keys_valid_id(id), "over-long id");
    id[128] = '\0';
    ok(!keys_valid_id(id), "128 bytes: not below STORE_ID_MAX");
    id[127] = '\0';
    ok(keys_valid_id(id), "127 bytes ok");
    ok(keys_valid_date("2019") && keys_valid_date("2024-10") && keys_valid_date("2024-10-22"),
       "valid dates");
    ok(!keys_valid_date("19") && !keys_valid_date("2024-1") && !keys_valid_date("2024/10/22") &&
           !keys_valid_date("abcd"),
       "invalid dates");
}

/* URL keys: URL order, long URLs cut and hashed, limits. */
static void test_url(void)
{
    static char u400[KEYS_URL_INLINE + 1], l1[KEYS_URL_MAX + 2], l2[KEYS_URL_MAX + 2];
    struct keybuf a, b, c;
    memset(u400, 'a', KEYS_URL_INLINE);
    memset(l1, 'a', KEYS_URL_MAX);
    memcpy(l2, l1, sizeof l2);
    l2[KEYS_URL_MAX - 1] = 'b';
    ok(keys_url(&a, "https://a.example/") && a.len == 18 &&
           memcmp(a.b, "https://a.example/", 18) == 0,
       "a short URL is its own key");
    ok(keys_url(&a, "https://a.example/") && keys_url(&b, "https://a.example/x") &&
           keys_url(&c, "https://b.example/") && key_cmp(&a, &b) < 0 && key_cmp(&b, &c) < 0,
       "URL order is key order");
    ok(keys_url(&a, u400) && a.len == KEYS_URL_INLINE, "400 bytes: inline");
    ok(keys_url(&b, l1) && b.len == KEYS_URL_INLINE + 64 && b.len <= KEYS_MAX &&
           key_cmp(&a, &b) < 0,
       "2048 bytes: cut + hash, after its 400-byte prefix");
    ok(keys_url(&c, l2) && key_cmp(&b, &c) != 0, "long URLs differing late have distinct keys");
    l1[KEYS_URL_MAX] = 'a';
    ok(!keys_url(&a, l1) && !keys_url(&a, "") && !keys_url(&a, NULL),
       "2049 bytes, \"\", NULL: no key");
}

int main(void)
{
    test_url();
    test_be();
    test_tuples();
    test_cursor();
    test_names();
    test_valid();
    return done();
}
