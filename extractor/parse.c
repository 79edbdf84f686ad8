/* extractor/parse.c — Link Grammar behind a small bounded interface: the
 * dictionary is loaded once and shared; every parse has its own Sentence and
 * Parse_Options (max_parse_time, no spell guessing, a linkage limit), tries a
 * complete linkage and then one with null links, and copies the best
 * linkage's words and links out so nothing of the library outlives the call. */
#include "extractor/parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <link-grammar/link-includes.h>

struct pz {
    Dictionary dict;
};

/* The library's messages (locale notes, unknown words, timeouts) are not
 * ours to print: the extractor does no I/O. The handler is thread-local in
 * the library, so each parsing thread installs it for itself. */
static void pz_quiet(lg_errinfo *e, void *data)
{
    (void)e;
    (void)data;
}

enum ex_err pz_new(const char *data_dir, struct pz **out, char *errbuf, size_t errcap)
{
    *out = NULL;
    bool own = data_dir && data_dir[0];
    if (own) {
        /* the library would fall back to its own search path: a named
         * directory without the dictionary is an error, not a silent switch */
        char probe[4096];
        int k = snprintf(probe, sizeof probe, "%s/en/4.0.dict", data_dir);
        if (k < 0 || (size_t)k >= sizeof probe || access(probe, R_OK) != 0) {
            if (errbuf && errcap)
                snprintf(errbuf, errcap,
                         "Link Grammar's English dictionary not found: "
                         "no readable %s/en/4.0.dict",
                         data_dir);
            return EX_E_DATA;
        }
    }
    struct pz *p = calloc(1, sizeof *p);
    if (!p)
        return EX_E_NOMEM;
    (void)lg_error_set_handler(pz_quiet, NULL);
    if (own)
        dictionary_set_data_dir(data_dir);
    p->dict = dictionary_create_lang("en");
    (void)lg_error_clearall();
    if (!p->dict) {
        if (errbuf && errcap)
            snprintf(errbuf, errcap,
                     "Link Grammar's English dictionary cannot be loaded from %s/en "
                     "(Debian package link-grammar)",
                     own ? data_dir : "/usr/share/link-grammar");
        free(p);
        return EX_E_DATA;
    }
    *out = p;
    return EX_OK;
}

void pz_free(struct pz *p)
{
    if (!p)
        return;
    dictionary_delete(p->dict);
    free(p);
}

void pz_result_free(struct pz_result *r)
{
    if (!r)
        return;
    free(r->w);
    free(r->k);
    free(r->arena);
    memset(r, 0, sizeof *r);
}

/* The input word containing byte offset b of the joined sentence. */
static uint32_t word_at(const size_t *start, size_t n, size_t b)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (start[mid] <= b)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? (uint32_t)(lo - 1) : PZ_NONE;
}

static enum ex_err copy_linkage(Linkage lk, const size_t *start, size_t n, size_t len,
                                struct pz_result *out)
{
    size_t nw = linkage_get_num_words(lk), nk = linkage_get_num_links(lk), bytes = 0;
    for (size_t i = 0; i < nw; i++)
        bytes += strlen(linkage_get_word(lk, i)) + 1;
    for (size_t i = 0; i < nk; i++)
        bytes += strlen(linkage_get_link_label(lk, i)) + 1;
    out->w = calloc(nw ? nw : 1, sizeof *out->w);
    out->k = calloc(nk ? nk : 1, sizeof *out->k);
    out->arena = malloc(bytes ? bytes : 1);
    if (!out->w || !out->k || !out->arena)
        return EX_E_NOMEM;
    char *a = out->arena;
    for (size_t i = 0; i < nw; i++) {
        const char *t = linkage_get_word(lk, i);
        size_t l = strlen(t) + 1;
        memcpy(a, t, l);
        out->w[i].text = a;
        a += l;
        bool wall = !strcmp(t, "LEFT-WALL") || !strcmp(t, "RIGHT-WALL");
        size_t b = linkage_get_word_byte_start(lk, i);
        out->w[i].in = wall || b >= len ? PZ_NONE : word_at(start, n, b);
    }
    for (size_t i = 0; i < nk; i++) {
        const char *t = linkage_get_link_label(lk, i);
        size_t l = strlen(t) + 1;
        memcpy(a, t, l);
        size_t lw = linkage_get_link_lword(lk, i), rw = linkage_get_link_rword(lk, i);
        if (lw > UINT16_MAX || rw > UINT16_MAX)
            continue;
        out->k[out->nk++] = (struct pz_link){.l = (uint16_t)lw, .r = (uint16_t)rw, .lab = a};
        a += l;
    }
    out->nw = nw;
    return EX_OK;
}

enum ex_err pz_parse_k(const struct pz *p, const char *const *words, size_t n, size_t max_words,
                       struct pz_result *out, size_t k, size_t *nout)
{
    enum ex_err err = EX_OK;
    if (k > PZ_TOPK)
        k = PZ_TOPK;
    memset(out, 0, k * sizeof *out);
    *nout = 0;
    if (max_words > 3 * PZ_MAX_WORDS)
        max_words = 3 * PZ_MAX_WORDS;
    if (!p || n == 0 || n > max_words || k == 0)
        return EX_OK;
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += strlen(words[i]) + 1;
    char *s = malloc(len + 1);
    size_t *start = malloc(n * sizeof *start);
    Parse_Options po = NULL;
    Sentence sent = NULL;
    Linkage lk = NULL;
    if (!s || !start) {
        err = EX_E_NOMEM;
        goto out;
    }
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(words[i]);
        start[i] = o;
        memcpy(s + o, words[i], l);
        o += l;
        s[o++] = ' ';
    }
    s[o ? o - 1 : 0] = '\0';
    (void)lg_error_set_handler(pz_quiet, NULL);
    po = parse_options_create();
    if (!po) {
        err = EX_E_NOMEM;
        goto out;
    }
    parse_options_set_verbosity(po, 0);
    parse_options_set_max_parse_time(po, PZ_MAX_SECONDS);
    parse_options_set_linkage_limit(po, PZ_LINKAGES);
    parse_options_set_spell_guess(po, 0);
    parse_options_set_islands_ok(po, false);
    parse_options_set_min_null_count(po, 0);
    parse_options_set_max_null_count(po, 0);
    sent = sentence_create(s, p->dict);
    if (!sent)
        goto out;
    int nl = sentence_parse(sent, po);
    out->timed_out = parse_options_timer_expired(po);
    bool retried = false;
    if (nl <= 0 && !out->timed_out && n <= PZ_RETRY_WORDS && sentence_length(sent) > 0) {
        retried = true;
        /* the null-link fallback: the best linkage that skips a few words */
        parse_options_set_min_null_count(po, 1);
        parse_options_set_max_null_count(po, PZ_MAX_NULLS);
        parse_options_reset_resources(po);
        nl = sentence_parse(sent, po);
        out->timed_out = parse_options_timer_expired(po);
    }
    out->retried = retried;
    out->found = sentence_num_linkages_found(sent);
    out->pp = sentence_num_linkages_post_processed(sent);
    if (nl <= 0)
        goto out;
    bool expired = parse_options_timer_expired(po);
    /* the library sorts linkages by cost; a timed-out parse's are not
     * worth a second look */
    int nv = sentence_num_valid_linkages(sent);
    size_t want = expired ? 1 : k, avail = (size_t)(nv > 0 && nv < nl ? nv : nl);
    for (size_t i = 0; i < avail && *nout < want && !err; i++) {
        lk = linkage_create((LinkageIdx)i, sent, po);
        if (!lk)
            continue;
        struct pz_result *r = &out[*nout];
        r->nulls = sentence_null_count(sent);
        r->timed_out = out->timed_out;
        r->retried = retried;
        r->found = out[0].found;
        r->pp = out[0].pp;
        err = copy_linkage(lk, start, n, o, r);
        linkage_delete(lk);
        lk = NULL;
        if (!err)
            (*nout)++;
    }
out:
    if (lk)
        linkage_delete(lk);
    if (sent)
        sentence_delete(sent);
    if (po)
        parse_options_delete(po);
    (void)lg_error_clearall();
    free(s);
    free(start);
    if (err) {
        for (size_t i = 0; i < k; i++)
            pz_result_free(&out[i]);
        *nout = 0;
    }
    return err;
}

enum ex_err pz_parse(const struct pz *p, const char *const *words, size_t n, struct pz_result *out)
{
    size_t got = 0;
    struct pz_result r = {0};
    enum ex_err err = pz_parse_k(p, words, n, PZ_MAX_WORDS, &r, 1, &got);
    *out = r;
    return err;
}
