/* Unit tests: gazetteer parsing and the Aho-Corasick matcher. */
#include <stdlib.h>
#include <string.h>

#include "extractor/gazetteer.h"
#include "extractor/text.h"
#include "tests/tap.h"

static const char data[] = "# test gazetteer\n"
                           "company\tAcme\tUS\tAcme Corp|Acme Corporation\t-\n"
                           "company\tAcme Labs\tUS\t-\t-\n"
                           "country\tUnited States\tUS\tU.S.|=US|Washington\t-\n"
                           "country\tChina\tCN\tBeijing\t-\n"
                           "demonym\tChina\tCN\tChinese\t-\n"
                           "program\tEntity List\tUS\t~entity list\t-\n"
                           "chip\tZeta\tCN\t-\text\n"
                           "product\tNova\tCN\t-\tneed\n";

struct found {
    char text[64];
    const char *name;
};

static size_t scan(const struct gz *g, const char *text, struct found *out, size_t cap)
{
    struct tx t;
    struct gz_match *m = NULL;
    size_t n = 0;
    if (tx_build(&t, text, strlen(text)) != EX_OK || gz_scan(g, t.low, t.norm, t.n, &m, &n)) {
        tx_free(&t);
        return 0;
    }
    for (size_t i = 0; i < n && i < cap; i++) {
        size_t l = m[i].e - m[i].s < 63 ? m[i].e - m[i].s : 63;
        memcpy(out[i].text, t.norm + m[i].s, l);
        out[i].text[l] = '\0';
        out[i].name = gz_entry(g, m[i].entry)->name;
    }
    free(m);
    tx_free(&t);
    return n;
}

int main(void)
{
    struct gz *g = NULL;
    char err[128];
    ok(gz_new(data, strlen(data), &g, err, sizeof err) == EX_OK, "test gazetteer compiles");
    if (!g)
        return done();
    is_int(gz_count(g), 8, "eight entries");
    ok(gz_find(g, "china") >= 0 && gz_entry(g, (uint32_t)gz_find(g, "china"))->type == EX_T_COUNTRY,
       "gz_find skips demonyms and ignores case");

    struct found f[16];
    size_t n = scan(g, "Acme Corporation and ACME sued Acme Labs in Washington.", f, 16);
    is_int(n, 4, "four names");
    if (n == 4) {
        is_str(f[0].text, "Acme Corporation", "longest alias wins");
        is_str(f[1].name, "Acme", "case-insensitive match of a capitalised alias");
        is_str(f[2].name, "Acme Labs", "longer entry beats its prefix");
        is_str(f[3].name, "United States", "a place alias names its country");
    }
    n = scan(g, "let us go to the US and the U.S.-China talks", f, 16);
    is_int(n, 3, "exact-case US only, U.S. before a hyphen, China after");
    if (n == 3)
        is_str(f[0].text, "US", "'us' the pronoun is not the US");
    n = scan(g, "Acmes, subAcme and Acme's chip", f, 16);
    is_int(n, 1, "word boundaries: only the possessive one");
    if (n == 1)
        is_str(f[0].text, "Acme", "possessive stripped by the boundary");
    n = scan(g, "an entity list entry and the Entity List", f, 16);
    is_int(n, 2, "~ alias matches in any case");
    n = scan(g, "acme in lowercase", f, 16);
    is_int(n, 0, "a capitalised alias needs a capital in the text");
    n = scan(g, "Chinese firms and Beijing", f, 16);
    ok(n == 2 && gz_entry(g, 0) && strcmp(f[0].name, "China") == 0, "demonym matches");
    n = scan(g,
             "\xE2\x80\x9C"
             "Acme\xE2\x80\x9D Corp",
             f, 16);
    is_int(n, 1, "quotes fold before matching");
    gz_free(g);

    ok(gz_new("company\tX\n", 10, &g, err, sizeof err) == EX_OK, "minimal line is fine");
    gz_free(g);
    g = NULL;
    ok(gz_new("company\tA\tUS\nwidget\tB\tUS\n", 25, &g, err, sizeof err) == EX_E_DATA && !g,
       "unknown type is EX_E_DATA");
    ok(strstr(err, ":2:") != NULL, "error names the line");
    ok(gz_new("chip\tA\tUS\t-\tfast\n", 17, &g, err, sizeof err) == EX_E_DATA,
       "unknown flag is EX_E_DATA");
    ok(gz_new("chip\tA\tUSA\n", 11, &g, err, sizeof err) == EX_E_DATA, "bad country");
    ok(gz_new("", 0, &g, err, sizeof err) == EX_OK, "empty gazetteer is allowed");
    if (g) {
        struct gz_match *m = NULL;
        size_t nm = 1;
        ok(gz_scan(g, "abc", "abc", 3, &m, &nm) == EX_OK && nm == 0, "nothing matches");
        free(m);
    }
    gz_free(g);
    return done();
}
