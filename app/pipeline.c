#include "app/pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/embedded.h"
#include "common/util.h"
#include "store/keys.h"

enum ex_err pipeline_extractor_new(bool parse, struct extractor **out, char *errbuf, size_t cap)
{
    const struct ecf_embedded *g = ecf_embedded_find("gazetteer.tsv");
    const struct ecf_embedded *r = ecf_embedded_find("rules.tsv");
    const struct ecf_embedded *f = ecf_embedded_find("frames.tsv");
    if (!g || !r || !f) {
        snprintf(errbuf, cap, "embedded gazetteer, rules or frames missing from the build");
        return EX_E_DATA;
    }
    enum ex_err e = extractor_new((const char *)g->data, g->len, (const char *)r->data, r->len, out,
                                  errbuf, cap);
    if (e || !parse)
        return e;
    /* ECFACTS_LG_DATA: where Link Grammar's en/ dictionary is, when not in
     * the library's default place (/usr/share/link-grammar) */
    const char *dir = getenv("ECFACTS_LG_DATA");
    e = extractor_parse_open(*out, (const char *)f->data, f->len, dir && *dir ? dir : NULL, errbuf,
                             cap);
    if (e) {
        /* an operator asked for the parse layer (the default) and it is not
         * there: refuse to start rather than extract less than configured */
        size_t n = strlen(errbuf);
        if (e == EX_E_DATA && n < cap)
            snprintf(errbuf + n, cap - n,
                     "; install it (Debian: link-grammar), set "
                     "ECFACTS_LG_DATA to its directory, or run with "
                     "--no-parse (ECFACTS_NO_PARSE=1) for the token rules only");
        extractor_free(*out);
        *out = NULL;
    }
    return e;
}

static bool id_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

bool pipeline_id_valid(const char *id)
{
    /* The record id syntax (store/keys.h); an article id is also a file
     * name where it came from one, and never a hidden one. */
    return id[0] != '.' && keys_valid_id(id);
}

void pipeline_id_from_path(const char *path, char *out, size_t cap)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    bool wide = false; /* a byte >= 0x80: a non-ASCII (UTF-8) name */
    for (size_t i = 0; i < n; i++)
        wide |= (unsigned char)base[i] >= 0x80;
    if (!wide) {
        /* ASCII names keep the ids they always had */
        if (n >= cap)
            n = cap - 1;
        for (size_t i = 0; i < n; i++)
            out[i] = id_char(base[i]) ? base[i] : '-';
        out[n] = '\0';
        return;
    }
    /* Non-ASCII letters are outside the id grammar ([A-Za-z0-9._-], see
     * openapi.yaml ArticleId): each run of them becomes one '-', and 12 hex
     * digits of the name's SHA-256 keep "華為" and "中芯" apart, the same on
     * every run ("華為.txt" -> "h-1b2c...", "Huawei 華為.txt" -> "Huawei-h-..."). */
    char hex[65];
    ecf_sha256_hex(base, n, hex);
    size_t o = 0, keep = cap > 16 ? cap - 16 : 0; /* room for "h-" + 12 hex + NUL */
    for (size_t i = 0; i < n && o < keep; i++) {
        char c = id_char(base[i]) ? base[i] : '-';
        if (c == '-' && o > 0 && out[o - 1] == '-')
            continue;
        out[o++] = c;
    }
    while (o > 0 && out[o - 1] == '-')
        o--;
    size_t start = 0;
    while (start < o && (out[start] == '-' || out[start] == '.'))
        start++;
    memmove(out, out + start, o - start);
    o -= start;
    (void)snprintf(out + o, cap - o, "%sh-%.12s", o ? "-" : "", hex);
}

void pipeline_title(const char *text, size_t len, char *out, size_t cap)
{
    size_t s, n = ecf_title_line(text, len,
                                 cap - 1 < PIPELINE_TITLE_MAX ? cap - 1 : PIPELINE_TITLE_MAX, &s);
    memcpy(out, text + s, n);
    out[n] = '\0';
}

static struct store_rec_evidence record_evidence(const struct ex_evidence *ev)
{
    struct store_rec_evidence o = {
        .sentence = {ev->sentence.start, ev->sentence.end, ev->sentence.cstart, ev->sentence.cend},
        .rule = ev->rule};
    for (size_t k = 0; k < EX_ROLE__COUNT; k++)
        o.role[k] = (struct store_rec_span){ev->role[k].start, ev->role[k].end, ev->role[k].cstart,
                                            ev->role[k].cend};
    return o;
}

/* An index into r->entities, EX_NONE as STORE_REC_NONE. */
static size_t record_index(size_t i)
{
    return i == EX_NONE ? STORE_REC_NONE : i;
}

bool pipeline_record(const struct ex_result *r, struct store_record *out)
{
    memset(out, 0, sizeof *out);
    struct store_rec_entity *ents = r->n_entities ? calloc(r->n_entities, sizeof *ents) : NULL;
    struct store_rec_fact *facts = r->n_facts ? calloc(r->n_facts, sizeof *facts) : NULL;
    struct store_rec_sanction *sancs =
        r->n_sanctions ? calloc(r->n_sanctions, sizeof *sancs) : NULL;
    if ((r->n_entities && !ents) || (r->n_facts && !facts) || (r->n_sanctions && !sancs)) {
        free(ents);
        free(facts);
        free(sancs);
        return false;
    }
    for (size_t i = 0; i < r->n_entities; i++) {
        const struct ex_entity *e = &r->entities[i];
        ents[i] = (struct store_rec_entity){.id = e->id,
                                            .name = e->name,
                                            .type = ex_type_name(e->type),
                                            .aliases = (const char *const *)e->aliases,
                                            .n_aliases = e->n_aliases,
                                            .mentions = e->mentions};
        memcpy(ents[i].country, e->country, sizeof ents[i].country);
    }
    for (size_t i = 0; i < r->n_facts; i++) {
        const struct ex_fact *f = &r->facts[i];
        facts[i] = (struct store_rec_fact){.subject = record_index(f->subject),
                                           .pred = ex_pred_name(f->pred),
                                           .object = record_index(f->object),
                                           .value = f->value,
                                           .confidence = f->confidence,
                                           .status = ex_status_name(f->status),
                                           .ev = record_evidence(&f->ev)};
    }
    for (size_t i = 0; i < r->n_sanctions; i++) {
        const struct ex_sanction *sn = &r->sanctions[i];
        sancs[i] = (struct store_rec_sanction){.imposer = record_index(sn->imposer),
                                               .target = record_index(sn->target),
                                               .measure = ex_measure_name(sn->measure),
                                               .items = (const char *const *)sn->items,
                                               .n_items = sn->n_items,
                                               .confidence = sn->confidence,
                                               .status = ex_status_name(sn->status),
                                               .ev = record_evidence(&sn->ev)};
        memcpy(sancs[i].date, sn->date, sizeof sancs[i].date);
    }
    out->title = r->title;
    memcpy(out->date, r->date, sizeof out->date);
    out->entities = ents;
    out->n_entities = r->n_entities;
    out->facts = facts;
    out->n_facts = r->n_facts;
    out->sanctions = sancs;
    out->n_sanctions = r->n_sanctions;
    return true;
}

void pipeline_record_free(struct store_record *rec)
{
    if (!rec)
        return;
    free((void *)rec->entities);
    free((void *)rec->facts);
    free((void *)rec->sanctions);
    memset(rec, 0, sizeof *rec);
}

enum pipeline_err pipeline_ingest(struct store *s, const struct extractor *x,
                                  const struct store_article *a, struct store_ingest_info *info,
                                  struct ex_result **res, enum store_err *serr, char *errbuf,
                                  size_t cap)
{
    struct ex_result *r = NULL;
    enum pipeline_err rc = PL_OK;
    size_t bad = 0;
    *serr = STORE_OK;
    if (res)
        *res = NULL;
    if (!pipeline_id_valid(a->id)) {
        snprintf(errbuf, cap, "article id '%.64s' is not [A-Za-z0-9._-]{1,127}", a->id);
        return PL_E_ID;
    }
    if (a->len > EX_MAX_TEXT) {
        snprintf(errbuf, cap, "%s: %zu bytes is over the %u-byte limit", a->id, a->len,
                 EX_MAX_TEXT);
        return PL_E_TOOBIG;
    }
    /* The one UTF-8 check of an ingest: store_ingest only asserts it. */
    if (!ecf_utf8_valid(a->text, a->len, &bad)) {
        snprintf(errbuf, cap, "%s: not UTF-8 (invalid byte at offset %zu)", a->id, bad);
        return PL_E_UTF8;
    }
    /* A leading byte order mark is not text: it would open the title. */
    struct store_article art = *a;
    if (art.len >= 3 && memcmp(art.text, "\xEF\xBB\xBF", 3) == 0) {
        art.text += 3;
        art.len -= 3;
        art.sha256 = NULL; /* the caller's hash was of the text with its mark */
    }
    size_t i = 0;
    while (i < art.len && strchr(" \t\r\n\f\v", art.text[i]) && art.text[i])
        i++;
    if (i == art.len) {
        snprintf(errbuf, cap, "%s: the article is empty", a->id);
        return PL_E_EMPTY;
    }
    /* The title: the one given, else the first line; at most
     * PIPELINE_TITLE_MAX bytes either way. */
    char title[PIPELINE_TITLE_MAX + 1];
    if (art.title)
        pipeline_title(art.title, strlen(art.title), title, sizeof title);
    else
        pipeline_title(art.text, art.len, title, sizeof title);
    art.title = title;
    a = &art;
    enum ex_err xe = extract_run(x, a->text, a->len, a->date, &r);
    if (xe != EX_OK) {
        snprintf(errbuf, cap, "%s: extraction failed (%s)", a->id,
                 xe == EX_E_UTF8     ? "invalid UTF-8"
                 : xe == EX_E_TOOBIG ? "too big"
                                     : "out of memory");
        rc = xe == EX_E_UTF8 ? PL_E_UTF8 : xe == EX_E_TOOBIG ? PL_E_TOOBIG : PL_E_EXTRACT;
        goto out;
    }
    struct store_record rec;
    if (!pipeline_record(r, &rec)) {
        snprintf(errbuf, cap, "%s: %s", a->id, store_strerror(STORE_E_NOMEM));
        *serr = STORE_E_NOMEM;
        rc = PL_E_STORE;
        goto out;
    }
    *serr = store_ingest(s, a, &rec, info);
    pipeline_record_free(&rec);
    if (*serr != STORE_OK) {
        snprintf(errbuf, cap, "%s: %s", a->id, store_strerror(*serr));
        rc = PL_E_STORE;
        goto out;
    }
    if (res) {
        *res = r;
        r = NULL;
    }
out:
    ex_result_free(r);
    return rc;
}

size_t pipeline_load_samples(struct store *s, const struct extractor *x, size_t *loaded)
{
    size_t failed = 0;
    *loaded = 0;
    for (size_t i = 0; i < ecf_embedded_count; i++) {
        const struct ecf_embedded *e = &ecf_embedded_files[i];
        if (strncmp(e->name, "sample/", 7) != 0)
            continue;
        char id[STORE_ID_MAX];
        pipeline_id_from_path(e->name, id, sizeof id);
        struct store_article a = {.id = id, .text = (const char *)e->data, .len = e->len};
        struct store_ingest_info info;
        enum store_err serr;
        char err[256];
        if (pipeline_ingest(s, x, &a, &info, NULL, &serr, err, sizeof err) != PL_OK) {
            fprintf(stderr, "ecfacts: sample %s\n", err);
            failed++;
        } else {
            (*loaded)++;
        }
    }
    return failed;
}
