/* extractor/frames.c — reading data/frames.tsv and matching lemmas. */
#include "extractor/frames.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_nm[] = {"company", "agency",   "country", "organization", "chip",
                                      "product", "ai_model", "program", "person"};

void frames_free(struct frames *fs)
{
    if (!fs)
        return;
    for (size_t i = 0; i < fs->n; i++) {
        struct frame *f = &fs->f[i];
        free(f->name);
        for (size_t j = 0; j < f->nlem; j++)
            free(f->lem[j]);
        for (size_t j = 0; j < f->ngov; j++)
            free(f->gov[j]);
    }
    free(fs->f);
    free(fs);
}

/* Splits s[0..n) at sep into at most max strdup'd pieces. */
static int split_list(const char *s, size_t n, char sep, char **out, size_t max, size_t *cnt)
{
    size_t i = 0;
    *cnt = 0;
    while (i <= n) {
        size_t e = i;
        while (e < n && s[e] != sep)
            e++;
        if (e > i) {
            if (*cnt == max)
                return -1;
            out[*cnt] = strndup(s + i, e - i);
            if (!out[*cnt])
                return -1;
            (*cnt)++;
        }
        i = e + 1;
    }
    return *cnt ? 0 : -1;
}

static int parse_types(const char *s, size_t n, unsigned *mask)
{
    *mask = 0;
    size_t i = 0;
    while (i < n) {
        size_t e = i;
        while (e < n && s[e] != '|')
            e++;
        int k = -1;
        for (int t = 0; t < EX_T__COUNT; t++)
            if (strlen(type_nm[t]) == e - i && !strncmp(type_nm[t], s + i, e - i))
                k = t;
        if (k < 0)
            return -1;
        *mask |= 1u << k;
        i = e + 1;
    }
    return *mask ? 0 : -1;
}

/* "S=agent,pp:by:company|organization" */
static int parse_role(const char *s, size_t n, struct fr_role *r)
{
    memset(r, 0, sizeof *r);
    if (n < 4 || s[1] != '=' || !strchr("SOITL", s[0]))
        return -1;
    r->role = s[0];
    const char *colon = NULL;
    for (size_t i = n; i-- > 2;)
        if (s[i] == ':') {
            colon = s + i;
            break;
        }
    if (!colon || parse_types(colon + 1, (size_t)(s + n - colon - 1), &r->tmask))
        return -1;
    size_t i = 2, end = (size_t)(colon - s);
    while (i < end) {
        size_t e = i;
        while (e < end && s[e] != ',')
            e++;
        if (r->nsrc == FR_MAXSRC)
            return -1;
        size_t l = e - i;
        const char *w = s + i;
        enum fr_src src;
        if (l == 5 && !strncmp(w, "agent", 5))
            src = FS_AGENT;
        else if (l == 5 && !strncmp(w, "theme", 5))
            src = FS_THEME;
        else if (l == 4 && !strncmp(w, "poss", 4))
            src = FS_POSS;
        else if (l == 4 && !strncmp(w, "self", 4))
            src = FS_SELF;
        else if (l == 8 && !strncmp(w, "implicit", 8))
            src = FS_IMPLICIT;
        else if (l == 5 && !strncmp(w, "after", 5))
            src = FS_AFTER;
        else if (l > 3 && l < 3 + sizeof r->prep[0] && !strncmp(w, "pp:", 3)) {
            src = FS_PP;
            memcpy(r->prep[r->nsrc], w + 3, l - 3);
            r->prep[r->nsrc][l - 3] = '\0';
        } else
            return -1;
        r->src[r->nsrc++] = src;
        i = e + 1;
    }
    return r->nsrc ? 0 : -1;
}

static int parse_line(char **fld, size_t nf, struct frame *f)
{
    memset(f, 0, sizeof *f);
    if (nf < 7 || strlen(fld[0]) != 1 || !strchr("FS", fld[0][0]))
        return -1;
    f->kind = fld[0][0];
    size_t nl = strlen(fld[1]) + 7;
    f->name = malloc(nl);
    if (!f->name)
        return -1;
    snprintf(f->name, nl, "frame:%s", fld[1]);
    enum ex_pred p;
    enum ex_measure m;
    if (f->kind == 'F' && ex_pred_parse(fld[2], &p) == 0)
        f->what = (int)p;
    else if (f->kind == 'S' && ex_measure_parse(fld[2], &m) == 0)
        f->what = (int)m;
    else
        return -1;
    char *end = NULL;
    f->conf = strtod(fld[3], &end);
    if (!end || *end || f->conf <= 0 || f->conf > 1)
        return -1;
    if (strlen(fld[4]) != 1 || !strchr("vn", fld[4][0]))
        return -1;
    f->pos = fld[4][0];
    if (split_list(fld[5], strlen(fld[5]), '|', f->lem, FR_MAXLEM, &f->nlem))
        return -1;
    for (size_t i = 6; i < nf; i++) {
        const char *s = fld[i];
        if (!strncmp(s, "gov=", 4)) {
            if (split_list(s + 4, strlen(s + 4), '|', f->gov, FR_MAXLEM, &f->ngov))
                return -1;
            continue;
        }
        if (f->nrole == FR_MAXROLE || parse_role(s, strlen(s), &f->role[f->nrole]))
            return -1;
        f->nrole++;
    }
    return f->nrole ? 0 : -1;
}

enum ex_err frames_new(const char *data, size_t len, struct frames **out, char *errbuf,
                       size_t errcap)
{
    *out = NULL;
    struct frames *fs = calloc(1, sizeof *fs);
    if (!fs)
        return EX_E_NOMEM;
    size_t cap = 0, line = 0, i = 0;
    while (i < len) {
        size_t e = i;
        while (e < len && data[e] != '\n')
            e++;
        line++;
        size_t l = e - i;
        if (l && data[i + l - 1] == '\r')
            l--;
        if (l && data[i] != '#') {
            /* fields: TAB-separated; roles may also be separated by spaces */
            char *copy = strndup(data + i, l), *fld[16];
            size_t nf = 0;
            if (!copy) {
                frames_free(fs);
                return EX_E_NOMEM;
            }
            for (char *p = copy, *save = NULL; nf < 16; p = NULL) {
                char *t = strtok_r(p, "\t ", &save);
                if (!t)
                    break;
                fld[nf++] = t;
            }
            if (fs->n == cap) {
                cap = cap ? cap * 2 : 32;
                struct frame *nfr = realloc(fs->f, cap * sizeof *nfr);
                if (!nfr) {
                    free(copy);
                    frames_free(fs);
                    return EX_E_NOMEM;
                }
                fs->f = nfr;
            }
            int bad = parse_line(fld, nf, &fs->f[fs->n]);
            fs->n++;
            free(copy);
            if (bad) {
                if (errbuf && errcap)
                    snprintf(errbuf, errcap, "frames.tsv:%zu: malformed frame", line);
                frames_free(fs);
                return EX_E_DATA;
            }
        }
        i = e + 1;
    }
    *out = fs;
    return EX_OK;
}

static bool is_cons(char c)
{
    return c >= 'a' && c <= 'z' && !strchr("aeiou", c);
}

static bool tail_is(const char *w, size_t wl, size_t at, const char *suf)
{
    size_t sl = strlen(suf);
    return wl == at + sl && !memcmp(w + at, suf, sl);
}

bool fr_inflects(const char *w, size_t wl, const char *lemma)
{
    size_t ll = strlen(lemma);
    if (wl < ll - (ll > 1) || memcmp(w, lemma, ll - 1))
        return false;
    if (wl >= ll && !memcmp(w, lemma, ll)) {
        if (wl == ll || tail_is(w, wl, ll, "s") || tail_is(w, wl, ll, "es") ||
            tail_is(w, wl, ll, "ed") || tail_is(w, wl, ll, "ing"))
            return true;
        if (lemma[ll - 1] == 'e' && tail_is(w, wl, ll, "d"))
            return true;
        if (is_cons(lemma[ll - 1]) && wl > ll && w[ll] == lemma[ll - 1] &&
            (tail_is(w, wl, ll + 1, "ed") || tail_is(w, wl, ll + 1, "ing")))
            return true;
        return false;
    }
    /* the lemma's last letter changes: y -> ies/ied, e dropped before -ing */
    if (lemma[ll - 1] == 'y')
        return tail_is(w, wl, ll - 1, "ies") || tail_is(w, wl, ll - 1, "ied");
    if (lemma[ll - 1] == 'e')
        return tail_is(w, wl, ll - 1, "ing");
    return false;
}
