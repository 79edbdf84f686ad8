/* tests/unit/app/test_pipeline.c — article ids from file names and titles
 * from text (app/pipeline.c), without a store. */
#include <stdio.h>
#include <string.h>

#include "app/pipeline.h"
#include "common/util.h"
#include "tests/tap.h"

static void test_ids(void)
{
    char a[STORE_ID_MAX], b[STORE_ID_MAX], c[STORE_ID_MAX];
    pipeline_id_from_path("dir/dev-01.txt", a, sizeof a);
    is_str(a, "dev-01", "id: an ASCII name keeps its id");
    pipeline_id_from_path("my file.txt", a, sizeof a);
    is_str(a, "my-file", "id: ASCII punctuation still becomes '-' (ids already stored stay)");

    pipeline_id_from_path("x/\xe8\x8f\xaf\xe7\x82\xba.txt", a, sizeof a); /* 華為 */
    pipeline_id_from_path("x/\xe4\xb8\xad\xe8\x8a\xaf.txt", b, sizeof b); /* 中芯 */
    ok(strcmp(a, b) != 0, "id: two Chinese names give two ids (%s, %s)", a, b);
    ok(pipeline_id_valid(a) && pipeline_id_valid(b), "id: both are valid article ids");
    ok(strncmp(a, "h-", 2) == 0 && strlen(a) == 14, "id: a name without ASCII is h- + 12 hex");
    pipeline_id_from_path("elsewhere/\xe8\x8f\xaf\xe7\x82\xba.html", c, sizeof c);
    is_str(c, a, "id: stable (same name, other directory and extension)");

    pipeline_id_from_path("Huawei \xe8\x8f\xaf\xe7\x82\xba report.txt", a, sizeof a);
    ok(strncmp(a, "Huawei-report-h-", 16) == 0 && pipeline_id_valid(a),
       "id: ASCII letters are kept, the non-ASCII run is one '-' (%s)", a);
    pipeline_id_from_path("Caf\xc3\xa9.txt", a, sizeof a);
    pipeline_id_from_path("Caf\xc3\xa8.txt", b, sizeof b);
    ok(strcmp(a, b) != 0 && pipeline_id_valid(a) && pipeline_id_valid(b),
       "id: names differing in one accented letter differ (%s, %s)", a, b);

    char longname[600];
    memset(longname, 'a', 400);
    memcpy(longname + 400, "\xe8\x8f\xaf.txt", 8);
    pipeline_id_from_path(longname, a, sizeof a);
    ok(pipeline_id_valid(a) && strlen(a) < STORE_ID_MAX, "id: a long name fits the id limit");
    longname[0] = 'b';
    pipeline_id_from_path(longname, b, sizeof b);
    ok(strcmp(a, b) != 0, "id: long names differing before the cut still differ");
    pipeline_id_from_path(".\xe8\x8f\xaf.txt", a, sizeof a);
    ok(pipeline_id_valid(a), "id: a leading dot does not make an invalid id (%s)", a);
}

static void test_titles(void)
{
    char t[PIPELINE_TITLE_MAX + 1];
    static const char bom[] = "\xEF\xBB\xBFTitle with a BOM\nBody.\n";
    pipeline_title(bom, strlen(bom), t, sizeof t);
    is_str(t, "Title with a BOM", "title: a leading BOM is not part of it");
    static const char cr[] = "Old Mac title\rSecond line\rThird\r";
    pipeline_title(cr, strlen(cr), t, sizeof t);
    is_str(t, "Old Mac title", "title: a lone CR ends the line");
    static const char crlf[] = "\r\n  \r\n  Windows title \t\r\nBody\r\n";
    pipeline_title(crlf, strlen(crlf), t, sizeof t);
    is_str(t, "Windows title", "title: CRLF ends lines, blank lines skipped, trimmed");

    static char big[1 << 20];
    memset(big, 'x', sizeof big - 1);
    pipeline_title(big, sizeof big - 1, t, sizeof t);
    is_int(strlen(t), PIPELINE_TITLE_MAX, "title: a 1 MB first line is cut to 300 bytes");

    /* 299 ASCII bytes then a 3-byte character: the cut falls inside it */
    char mixed[400];
    memset(mixed, 'y', 299);
    memcpy(mixed + 299, "\xe8\x8f\xaf\xe8\x8f\xaf\n", 8);
    pipeline_title(mixed, 307, t, sizeof t);
    ok(strlen(t) == 299 && ecf_utf8_valid(t, strlen(t), NULL),
       "title: cut at a character boundary, never inside (%zu bytes)", strlen(t));
    pipeline_title("\n\n \t\n", 5, t, sizeof t);
    is_str(t, "", "title: none in blank text");
}

int main(void)
{
    test_ids();
    test_titles();
    return done();
}
