/* tests/unit/app/test_record.c — the store's record of an extraction
 * (pipeline_record) stores the same bytes as the extractor's result did
 * when store_ingest took struct ex_result itself (issue 16): a hand-built
 * result with every field in use (aliases, a literal fact, statuses that
 * merge, a sanction with items and a date, a non-ASCII sentence), ingested
 * twice under two ids, exported, and the export's hash compared with the
 * one the old path gave. Since evidences carry their mentions (issue 17),
 * the export with each evidence's "mentions" taken out is still exactly
 * that, and the whole export is pinned as NEW_EXPORT_SHA256. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/pipeline.h"
#include "common/util.h"
#include "tests/tap.h"

/* The SHA-256 of the export (ingested_at masked) that the old path,
 * store_ingest(s, a, struct ex_result *), wrote for this input. */
#define OLD_EXPORT_SHA256 "9c32bff55be0f82b278e66e77efb59eec19273c1f5af761dfc90216a62a6eb63"
/* ... and the same export now, with the mentions below. */
#define NEW_EXPORT_SHA256 "1ae219908627ea7514b9c4be477386de36a8d204a95fe2ba3d4a853b0215cede"

static char text[1024];
static size_t text_len;

static struct ex_span add_sentence(const char *s)
{
    struct ex_span sp;
    size_t n = strlen(s);
    sp.start = text_len;
    sp.cstart = ecf_utf8_count(text, text_len);
    memcpy(text + text_len, s, n);
    text_len += n;
    sp.end = text_len;
    sp.cend = ecf_utf8_count(text, text_len);
    text[text_len++] = ' ';
    text[text_len] = '\0';
    return sp;
}

/* The span of the first needle in sentence sp of text. */
static struct ex_span sub_span(struct ex_span sp, const char *needle)
{
    size_t nl = strlen(needle);
    for (size_t i = sp.start; i + nl <= sp.end; i++)
        if (!memcmp(text + i, needle, nl))
            return (struct ex_span){i, i + nl, ecf_utf8_count(text, i),
                                    ecf_utf8_count(text, i + nl)};
    abort();
}

/* s without each ',"mentions":[...]' (no brackets inside), in place. */
static void strip_mentions(char *s)
{
    static const char key[] = ",\"mentions\":[";
    char *p;
    while ((p = strstr(s, key)) != NULL) {
        char *e = strchr(p + sizeof key - 1, ']');
        if (!e)
            return;
        memmove(p, e + 1, strlen(e + 1) + 1);
    }
}

static char *hw_aliases[] = {"Huawei Technologies", "\xe5\x8d\x8e\xe4\xb8\xba"};
static char *items[] = {"Ascend 910C", "chips"};

static void build(struct ex_result *r, struct ex_entity *e, struct ex_fact *f,
                  struct ex_sanction *sn, enum ex_status st)
{
    memset(r, 0, sizeof *r);
    r->title = (char *)"Huawei \xe2\x80\x94 listed";
    snprintf(r->date, sizeof r->date, "%s", "2024-03-01");
    e[0] = (struct ex_entity){.id = (char *)"huawei",
                              .name = (char *)"Huawei",
                              .type = EX_T_COMPANY,
                              .country = "CN",
                              .aliases = hw_aliases,
                              .n_aliases = 2,
                              .mentions = 3};
    e[1] = (struct ex_entity){.id = (char *)"united-states",
                              .name = (char *)"United States",
                              .type = EX_T_COUNTRY,
                              .country = "US",
                              .mentions = 1};
    e[2] = (struct ex_entity){.id = (char *)"ascend-910c",
                              .name = (char *)"Ascend 910C",
                              .type = EX_T_CHIP,
                              .mentions = 2};
    f[0] = (struct ex_fact){
        .subject = 0,
        .pred = EX_P_DEVELOPS,
        .object = 2,
        .confidence = 0.8,
        .status = st,
        .ev = {.sentence = add_sentence("Huawei (\xe5\x8d\x8e\xe4\xb8\xba) develops the "
                                        "Ascend 910C."),
               .rule = "develops-rule"}};
    f[1] = (struct ex_fact){
        .subject = 2,
        .pred = EX_P_PROCESS_NODE,
        .object = EX_NONE,
        .value = (char *)"7nm",
        .confidence = 0.55,
        .status = EX_S_HEDGED,
        .ev = {.sentence = add_sentence("The Ascend 910C is reportedly made on 7nm."),
               .rule = "node-rule"}};
    sn[0] = (struct ex_sanction){
        .imposer = 1,
        .target = 0,
        .measure = EX_M_ENTITY_LISTING,
        .items = items,
        .n_items = 2,
        .date = "2019-05",
        .confidence = 0.9,
        .status = st,
        .ev = {.sentence = add_sentence("The United States listed Huawei in May "
                                        "2019."),
               .rule = "sanction-rule"}};
    /* the roles' tokens: the subject named, the object "the Ascend 910C"
     * (non-ASCII before it), the value; the sanction's imposer and target */
    f[0].ev.role[0] = sub_span(f[0].ev.sentence, "Huawei");
    f[0].ev.role[1] = sub_span(f[0].ev.sentence, "Ascend 910C");
    f[1].ev.role[0] = sub_span(f[1].ev.sentence, "The Ascend 910C");
    f[1].ev.role[1] = sub_span(f[1].ev.sentence, "7nm");
    sn[0].ev.role[0] = sub_span(sn[0].ev.sentence, "The United States");
    sn[0].ev.role[1] = sub_span(sn[0].ev.sentence, "Huawei");
    r->entities = e;
    r->n_entities = 3;
    r->facts = f;
    r->n_facts = 2;
    r->sanctions = sn;
    r->n_sanctions = 1;
}

static enum store_err ingest(struct store *s, const char *id, enum ex_status st)
{
    struct ex_result r;
    struct ex_entity e[3];
    struct ex_fact f[2];
    struct ex_sanction sn[1];
    text_len = 0;
    if (st != EX_S_ASSERTED) /* another text: merged, not a duplicate */
        (void)add_sentence("Later.");
    build(&r, e, f, sn, st);
    struct store_article a = {.id = id, .text = text, .len = text_len};
    struct store_ingest_info info;
    struct store_record rec;
    if (!pipeline_record(&r, &rec))
        return STORE_E_NOMEM;
    enum store_err err = store_ingest(s, &a, &rec, &info);
    pipeline_record_free(&rec);
    return err;
}

/* The export of s with each "ingested_at" value masked; malloc'd. */
static char *export_masked(struct store *s)
{
    FILE *fp = tmpfile();
    if (!fp || store_export(s, fileno(fp)) != STORE_OK)
        return NULL;
    off_t n = lseek(fileno(fp), 0, SEEK_END);
    char *buf = n > 0 ? malloc((size_t)n + 1) : NULL;
    if (!buf || pread(fileno(fp), buf, (size_t)n, 0) != n) {
        free(buf);
        fclose(fp);
        return NULL;
    }
    buf[n] = '\0';
    fclose(fp);
    static const char key[] = "\"ingested_at\":\"";
    for (char *p = strstr(buf, key); p; p = strstr(p, key)) {
        p += sizeof key - 1;
        while (*p && *p != '"')
            *p++ = 'T';
    }
    return buf;
}

int main(void)
{
    char dir[] = "/tmp/ecf-record-test-XXXXXX";
    if (!mkdtemp(dir)) {
        skip_all("no temp dir");
        return 0;
    }
    struct store_opts o = {.map_size = 8u << 20};
    struct store *s = NULL;
    char err[256];
    ok(store_open(dir, &o, &s, err, sizeof err) == STORE_OK, "open a fresh store");
    is_int(ingest(s, "a1", EX_S_ASSERTED), STORE_OK, "ingest the result");
    is_int(ingest(s, "a2", EX_S_DENIED), STORE_OK, "and again under another id (merged)");
    char *out = s ? export_masked(s) : NULL;
    char hex[65] = "";
    if (out)
        ecf_sha256_hex(out, strlen(out), hex);
    is_str(hex, NEW_EXPORT_SHA256, "the export is byte for byte what this format stores");
    if (out && strcmp(hex, NEW_EXPORT_SHA256) != 0) /* show what differs */
        for (const char *l = out, *nl; *l; l = nl ? nl + 1 : l + strlen(l)) {
            nl = strchr(l, '\n');
            printf("# %.*s\n", (int)(nl ? (size_t)(nl - l) : strlen(l)), l);
        }
    ok(out && strstr(out, "\"mentions\":[{\"role\":\"subject\""), "the evidences hold mentions");
    if (out)
        strip_mentions(out);
    hex[0] = '\0';
    if (out)
        ecf_sha256_hex(out, strlen(out), hex);
    is_str(hex, OLD_EXPORT_SHA256,
           "without its mentions, the export is byte for byte what the old path stored");
    free(out);
    store_close(s);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", dir);
    return done();
}
