/* Unit tests: the public contract of extract.h — errors, statuses, dates,
 * discovery, the JSON line and use from several threads. Texts are written
 * for these tests. */
#include <pthread.h>
#include <string.h>

#include "extractor/text.h"
#include "tests/tap.h"
#include "tests/unit/extractor/advgen.h"
#include "tests/unit/extractor/exhelp.h"

static const char article[] =
    "Chipmakers Brace for New Curbs\n"
    "Published on March 3, 2025\n"
    "Commerce Secretary Jane Doerr said on Monday that the rules would widen. "
    "Quasar Microsystems, a Chinese startup, reportedly plans to buy Nvidia\xE2\x80\x99s H20 "
    "chips. Quasar Microsystems denied these reports.\n"
    "Separately, Vexa Labs praised the ZX900 chips. Most Chinese developers lost access when "
    "OpenAI blocked its services for users in China last month.\n";

static void test_names(void)
{
    enum ex_type t;
    enum ex_pred p;
    enum ex_measure m;
    ok(ex_type_parse("ai_model", &t) == 0 && t == EX_T_AI_MODEL, "type parse");
    ok(ex_pred_parse("leases_compute_from", &p) == 0 && p == EX_P_LEASES_COMPUTE_FROM,
       "predicate parse");
    ok(ex_measure_parse("data_transfer_ban", &m) == 0 && m == EX_M_DATA_TRANSFER_BAN,
       "measure parse");
    ok(ex_measure_parse("procurement_ban", &m) == 0 && m == EX_M_PROCUREMENT_BAN &&
           !strcmp(ex_measure_name(EX_M_PROCUREMENT_BAN), "procurement_ban"),
       "procurement_ban is a measure");
    ok(ex_type_parse("gadget", &t) == -1 && ex_pred_parse(NULL, &p) == -1, "unknown names");
    int all = 1;
    for (int i = 0; i < EX_P__COUNT; i++)
        all = all && ex_pred_parse(ex_pred_name((enum ex_pred)i), &p) == 0 && (int)p == i;
    ok(all, "every predicate name round-trips");
    all = 1;
    for (int i = 0; i < EX_M__COUNT; i++)
        all = all && ex_measure_parse(ex_measure_name((enum ex_measure)i), &m) == 0 && (int)m == i;
    ok(all, "every measure name round-trips");
    is_str(ex_status_name(EX_S_DENIED), "denied", "status name");
}

static void test_errors(const struct extractor *x)
{
    struct ex_result *r = (struct ex_result *)1;
    ok(extract_run(x, "bad \xC3\x28 byte", 10, NULL, &r) == EX_E_UTF8 && r == NULL,
       "invalid UTF-8 is EX_E_UTF8");
    ok(extract_run(x, "\xED\xA0\x80", 3, NULL, &r) == EX_E_UTF8, "a surrogate is invalid");
    ok(extract_run(x, "x", (size_t)EX_MAX_TEXT + 1, NULL, &r) == EX_E_TOOBIG, "too big");
    ok(extract_run(x, "", 0, NULL, &r) == EX_OK && r && r->n_entities == 0 && r->title &&
           r->title[0] == '\0',
       "empty text gives an empty result");
    ex_result_free(r);
    ex_result_free(NULL);
    struct extractor *bad = NULL;
    char err[128] = "";
    ok(extractor_new("chip\tA\tUS\n", 10, "F\tx\tlikes\t0.5\t{chip:S}\n", 23, &bad, err,
                     sizeof err) == EX_E_DATA &&
           !bad && strstr(err, "rules.tsv:1"),
       "bad rules: EX_E_DATA naming the line");
}

static void test_article(const struct extractor *x)
{
    struct ex_result *r = ex_run_text(x, article, NULL);
    ok(r != NULL, "article extracts");
    if (!r)
        return;
    is_str(r->title, "Chipmakers Brace for New Curbs", "title is the first line");
    is_str(r->date, "2025-03-03", "article date from the dateline");
    ok(ex_find_entity(r, "Jane Doerr") >= 0 &&
           r->entities[ex_find_entity(r, "Jane Doerr")].type == EX_T_PERSON,
       "person found by title");
    long q = ex_find_entity(r, "Quasar Microsystems");
    ok(q >= 0 && r->entities[q].type == EX_T_COMPANY, "company found by suffix");
    ok(ex_find_entity(r, "ZX900") >= 0, "chip model found by shape and context");
    long v = ex_find_entity(r, "Vexa Labs");
    ok(v >= 0 && r->entities[v].type == EX_T_ORGANIZATION, "lab found by its keyword");
    long nv = ex_find_entity(r, "Nvidia");
    ok(nv >= 0 && r->entities[nv].n_aliases == 0, "a possessive is not an alias");
    const struct ex_fact *f = ex_find_fact(r, "Quasar Microsystems", "uses", "H20");
    ok(f && f->status == EX_S_DENIED, "a denied report is denied, not asserted");
    f = ex_find_fact(r, "Nvidia", "develops", "H20");
    ok(f && f->status == EX_S_HEDGED && f->confidence < 0.85, "hedged: lower confidence");
    if (f) {
        size_t b = f->ev.sentence.start, e = f->ev.sentence.end;
        ok(e > b && !strncmp(article + b, "Quasar Micro", 12) && article[e - 1] == '.',
           "evidence is the whole sentence, byte offsets");
        ok(f->ev.sentence.cend - f->ev.sentence.cstart == e - b - 2,
           "code point offsets count the curly apostrophe once");
    }
    const struct ex_sanction *s = ex_find_sanction(r, "OpenAI", "China", "service_withdrawal");
    ok(s != NULL, "group of Chinese developers normalised to China");
    if (s)
        is_str(s->date, "2025-02", "'last month' resolved against the article date");

    json_t *j = ex_result_to_json(r, "t-1", article);
    ok(j != NULL, "JSON built");
    json_t *facts = json_object_get(j, "facts");
    json_t *f0 = json_array_get(facts, 0);
    json_t *ev = json_object_get(f0, "evidence");
    ok(json_is_string(json_object_get(json_object_get(j, "article"), "id")) &&
           json_is_array(json_object_get(j, "entities")) && json_is_array(facts) &&
           json_is_array(json_object_get(j, "sanctions")),
       "top-level shape");
    ok(json_is_object(json_object_get(f0, "subject")) &&
           json_is_string(json_object_get(f0, "predicate")) &&
           json_is_real(json_object_get(f0, "confidence")) &&
           json_is_string(json_object_get(ev, "sentence")) &&
           json_is_integer(json_object_get(ev, "start")) &&
           json_is_string(json_object_get(ev, "rule")),
       "fact shape");
    json_t *e0 = json_array_get(json_object_get(j, "entities"), 0);
    ok(json_is_string(json_object_get(e0, "id")) && json_is_string(json_object_get(e0, "type")) &&
           json_is_array(json_object_get(e0, "aliases")) &&
           json_is_integer(json_object_get(e0, "mentions")),
       "entity shape");
    json_decref(j);
    ex_result_free(r);

    r = ex_run_text(x, "Starting June 1, the rules ban bulk data transfers to Iran.", "2024-05-20");
    is_str(r ? r->date : NULL, "2024-05-20", "the given article date wins");
    ex_result_free(r);
}

struct job {
    const struct extractor *x;
    int ok;
};

static void *worker(void *arg)
{
    struct job *jb = arg;
    jb->ok = 1;
    for (int i = 0; i < 20; i++) {
        struct ex_result *r = ex_run_text(jb->x, article, NULL);
        jb->ok = jb->ok && r && r->n_facts > 0;
        ex_result_free(r);
    }
    return NULL;
}

static void test_threads(const struct extractor *x)
{
    pthread_t th[4];
    struct job jobs[4];
    int started = 0;
    for (int i = 0; i < 4; i++) {
        jobs[i] = (struct job){.x = x};
        started += pthread_create(&th[i], NULL, worker, &jobs[i]) == 0;
    }
    int all = started == 4;
    for (int i = 0; i < started; i++) {
        pthread_join(th[i], NULL);
        all = all && jobs[i].ok;
    }
    ok(all, "one extractor shared by four threads");
}

/* Issue 13: on a 256 KiB page without a full stop every fact's evidence was
 * the whole page; now it is one piece of at most TX_SENT_MAX bytes. */
static void test_giant_sentence(const struct extractor *x)
{
    const size_t len = 256 * 1024;
    char *text = adv_giant_sentence(len);
    struct ex_result *r = NULL;
    if (!text || extract_run(x, text, len, NULL, &r) != EX_OK) {
        ok(0, "extract the giant sentence");
        free(text);
        return;
    }
    size_t longest = 0, n = r->n_facts + r->n_sanctions;
    for (size_t i = 0; i < n; i++) {
        const struct ex_span *sp =
            i < r->n_facts ? &r->facts[i].ev.sentence : &r->sanctions[i - r->n_facts].ev.sentence;
        longest = sp->end - sp->start > longest ? sp->end - sp->start : longest;
    }
    ok(r->n_facts > 100 && r->n_sanctions > 0,
       "the clauses still give facts (%zu) and sanctions (%zu)", r->n_facts, r->n_sanctions);
    ok(longest <= TX_SENT_MAX, "every evidence is at most %d bytes (longest %zu)", TX_SENT_MAX,
       longest);
    ex_result_free(r);
    free(text);
}

/* The title: BOM skipped, a lone CR ends the line, at most 4096 bytes cut
 * at a character boundary. */
static void test_title(const struct extractor *x)
{
    struct ex_result *r = ex_run_text(x,
                                      "\xEF\xBB\xBF"
                                      "First line\rSecond line\rThird\r",
                                      NULL);
    ok(r && r->title && !strcmp(r->title, "First line"),
       "title: BOM skipped, a lone CR ends the first line (got '%.40s')",
       r && r->title ? r->title : "(none)");
    ex_result_free(r);
    char *long_line = malloc(20001);
    if (!long_line)
        return;
    memcpy(long_line, "a", 1); /* odd offset: a cut at 4096 would split a character */
    for (int i = 0; i < 9999; i++)
        memcpy(long_line + 1 + 2 * i, "\xC3\xA9", 2); /* U+00E9, two bytes */
    long_line[19999] = '\0';
    r = ex_run_text(x, long_line, NULL);
    size_t n = r && r->title ? strlen(r->title) : 0;
    ok(r && n > 0 && n <= 4096 && n % 2 == 1,
       "a 20000-byte first line: a title of at most "
       "4096 bytes, whole characters (got %zu bytes)",
       n);
    ex_result_free(r);
    free(long_line);
}

int main(void)
{
    test_names();
    struct extractor *x = ex_load_shipped();
    ok(x != NULL, "shipped data compiles");
    if (x) {
        test_errors(x);
        test_article(x);
        test_threads(x);
        test_giant_sentence(x);
        test_title(x);
    }
    extractor_free(x);
    return done();
}
