/* fetcher/decode.c — bytes from the web into the UTF-8 our parsers accept.
 *
 * Gumbo (HTML) takes UTF-8 only and expat (feeds) knows only UTF-8, UTF-16,
 * ISO-8859-1 and ASCII, so other charsets are converted here with glibc's
 * iconv. Labels are read as browsers read them (WHATWG Encoding): Latin-1
 * and ASCII mean windows-1252, which is what such pages really contain.
 * Invalid sequences never fail a conversion: each bad byte becomes U+FFFD.
 *
 * The HTML charset is chosen as HTML5 does: byte order mark, the transport
 * charset, a <meta> prescan of the first 1024 bytes, then UTF-8 when the
 * bytes are valid UTF-8, else windows-1252. */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "fetcher/fetch_int.h"

#define LABEL_MAX     40
#define PRESCAN_BYTES 1024u

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* ---- labels -------------------------------------------------------------- */

static bool label_in(const char *l, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(l, *list) == 0)
            return true;
    return false;
}

static bool utf16_label(const char *l)
{
    static const char *const names[] = {"utf-16",      "utf-16le",    "utf-16be",
                                        "unicodefffe", "unicodefeff", NULL};
    return label_in(l, names);
}

/* Whether cd reads ASCII as ASCII, as every encoding browsers know but
 * UTF-16 does. iconv also knows UTF-7 ("+ADw-" is '<': markup out of plain
 * text), UTF-32, UCS-2 and EBCDIC, which no browser reads a page in: such
 * a label is unknown here, so the page is read as one without it. (Not
 * probed: '\\' and '~', which glibc's Shift_JIS reads as yen and overline.) */
static bool ascii_compatible(iconv_t cd)
{
    static const char probe[] = "<p class=\"a\">+ADw-&amp;' 09 AZ az;!?</p>\n";
    char buf[sizeof probe * 4], *in = (char *)probe, *o = buf;
    size_t inl = sizeof probe - 1, outl = sizeof buf;
    size_t r = iconv(cd, &in, &inl, &o, &outl);
    return r != (size_t)-1 && inl == 0 && (size_t)(o - buf) == sizeof probe - 1 &&
           memcmp(buf, probe, sizeof probe - 1) == 0;
}

bool fetch_charset_name(const char *label, char *out, size_t cap)
{
    static const char *const utf8[] = {"utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8",
                                       NULL};
    static const char *const cp1252[] = {"iso-8859-1",
                                         "iso8859-1",
                                         "iso_8859-1",
                                         "latin1",
                                         "l1",
                                         "us-ascii",
                                         "ascii",
                                         "ansi_x3.4-1968",
                                         "cp819",
                                         "ibm819",
                                         "iso-ir-100",
                                         "csisolatin1",
                                         "cp1252",
                                         "windows-1252",
                                         "x-cp1252",
                                         "iso_8859-1:1987",
                                         "x-user-defined",
                                         NULL};
    static const char *const gbk[] = {"gb2312", "gbk", "x-gbk", "chinese", "csgb2312", NULL};
    static const char *const korean[] = {"euc-kr", "ks_c_5601-1987", "korean", "cseuckr", NULL};
    char l[LABEL_MAX + 1];
    size_t n = 0;

    out[0] = '\0';
    if (!label)
        return false;
    while (*label == ' ' || *label == '\t' || *label == '"' || *label == '\'')
        label++;
    for (; *label && *label != '"' && *label != '\'' && *label != ';' && *label != ' '; label++) {
        unsigned char c = (unsigned char)*label;
        /* iconv would read "//" as options: only plain label characters. */
        if (n == LABEL_MAX || !(isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':'))
            return false;
        l[n++] = (char)tolower(c);
    }
    l[n] = '\0';
    if (!n)
        return false;
    const char *name = l;
    if (label_in(l, utf8))
        name = "UTF-8";
    else if (label_in(l, cp1252))
        name = "WINDOWS-1252";
    else if (strcmp(l, "iso-8859-9") == 0 || strcmp(l, "latin5") == 0)
        name = "WINDOWS-1254";
    else if (label_in(l, gbk))
        name = "GBK";
    else if (label_in(l, korean))
        name = "CP949";
    else if (strcmp(l, "x-sjis") == 0)
        name = "SHIFT_JIS";
    if (strlen(name) >= cap)
        return false;
    ecf_strlcpy(out, name, cap);
    if (strcmp(out, "UTF-8") == 0)
        return true;
    iconv_t cd = iconv_open("UTF-8", out);
    if (cd == (iconv_t)-1) {
        out[0] = '\0';
        return false;
    }
    /* The Encoding Standard reads these as "replacement": nothing. */
    static const char *const replaced[] = {"hz-gb-2312",  "iso-2022-kr",     "csiso2022kr",
                                           "iso-2022-cn", "iso-2022-cn-ext", NULL};
    bool ok = utf16_label(l) || (!label_in(l, replaced) && ascii_compatible(cd));
    (void)iconv_close(cd);
    if (!ok)
        out[0] = '\0';
    return ok;
}

/* ---- conversion ---------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s, 0 when invalid or truncated. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t len = c >= 0xC2 && c <= 0xDF   ? 2
                 : c >= 0xE0 && c <= 0xEF ? 3
                 : c >= 0xF0 && c <= 0xF4 ? 4
                                          : 0;
    if (!len || len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F) || (c == 0xF0 && s[1] < 0x90) ||
        (c == 0xF4 && s[1] > 0x8F))
        return 0;
    return len;
}

static enum fetch_err repair_utf8(const char *in, size_t n, struct jbuf *b)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t i = 0;
    while (i < n) {
        size_t j = i, k;
        while (j < n && (k = utf8_seq(s + j, n - j)) > 0)
            j += k;
        if (!jbuf_put_fit(b, in + i, j - i))
            return b->over ? FETCH_E_TOOBIG : FETCH_E_NOMEM;
        if (j < n) {
            if (!jbuf_put_fit(b, replacement, 3))
                return b->over ? FETCH_E_TOOBIG : FETCH_E_NOMEM;
            j++;
        }
        i = j;
    }
    return FETCH_OK;
}

static enum fetch_err run_iconv(iconv_t cd, const char *in, size_t n, struct jbuf *b)
{
    char chunk[4096];
    char *src = (char *)(uintptr_t)in; /* iconv's prototype; never written */
    size_t left = n;
    while (left) {
        char *dst = chunk;
        size_t room = sizeof(chunk);
        size_t r = iconv(cd, &src, &left, &dst, &room);
        int e = r == (size_t)-1 ? errno : 0;
        if (!jbuf_put_fit(b, chunk, sizeof(chunk) - room))
            return b->over ? FETCH_E_TOOBIG : FETCH_E_NOMEM;
        if (e == EILSEQ || e == EINVAL) {
            /* a bad or truncated sequence: replace one byte, go on */
            if (!jbuf_put_fit(b, replacement, 3))
                return b->over ? FETCH_E_TOOBIG : FETCH_E_NOMEM;
            src++;
            left--;
            (void)iconv(cd, NULL, NULL, NULL, NULL);
        } else if (e && e != E2BIG) {
            return FETCH_E_INVALID;
        }
    }
    char *dst = chunk;
    size_t room = sizeof(chunk);
    (void)iconv(cd, NULL, NULL, &dst, &room); /* flush any shift state */
    if (!jbuf_put_fit(b, chunk, sizeof(chunk) - room))
        return b->over ? FETCH_E_TOOBIG : FETCH_E_NOMEM;
    return FETCH_OK;
}

enum fetch_err fetch_to_utf8(const char *in, size_t n, const char *name, char **out,
                             size_t *out_len)
{
    enum fetch_err err = FETCH_E_NOMEM;
    struct jbuf b;
    iconv_t cd = (iconv_t)-1;

    *out = NULL;
    *out_len = 0;
    /* at most 3 output bytes per input byte (U+FFFD for one bad byte) */
    jbuf_init_max(&b, (n < (SIZE_MAX - 64) / 3 ? 3 * n + 64 : SIZE_MAX / 2) + 1);
    if (strcasecmp(name, "UTF-8") == 0) {
        err = repair_utf8(in, n, &b);
    } else {
        cd = iconv_open("UTF-8", name);
        err = cd == (iconv_t)-1 ? FETCH_E_INVALID : run_iconv(cd, in, n, &b);
    }
    if (err != FETCH_OK)
        goto out;
    *out = jbuf_steal(&b, out_len);
    err = *out ? FETCH_OK : FETCH_E_NOMEM;
out:
    if (cd != (iconv_t)-1)
        (void)iconv_close(cd);
    jbuf_free(&b);
    return err;
}

/* ---- HTML: where the charset comes from ---------------------------------- */

/* Value of a "charset=" parameter in a content attribute, into out[cap]. */
static bool charset_param(const char *v, size_t n, char *out, size_t cap)
{
    for (size_t i = 0; i + 7 < n; i++) {
        if (strncasecmp(v + i, "charset", 7) != 0)
            continue;
        size_t j = i + 7;
        while (j < n && isspace((unsigned char)v[j]))
            j++;
        if (j >= n || v[j] != '=')
            continue;
        j++;
        while (j < n && isspace((unsigned char)v[j]))
            j++;
        size_t k = j, o = 0;
        while (k < n && (v[k] == '"' || v[k] == '\''))
            k++;
        while (k < n && o + 1 < cap && v[k] != '"' && v[k] != '\'' && v[k] != ';' &&
               !isspace((unsigned char)v[k]))
            out[o++] = v[k++];
        out[o] = '\0';
        return o > 0;
    }
    return false;
}

/* One attribute of a tag at s[*i..n): name into name[], value span. */
static bool next_attr(const char *s, size_t n, size_t *i, char *name, size_t cap, const char **val,
                      size_t *vlen)
{
    size_t p = *i, o = 0;
    while (p < n && (isspace((unsigned char)s[p]) || s[p] == '/'))
        p++;
    if (p >= n || s[p] == '>')
        return false;
    while (p < n && !isspace((unsigned char)s[p]) && s[p] != '=' && s[p] != '>' && s[p] != '/') {
        if (o + 1 < cap)
            name[o++] = (char)tolower((unsigned char)s[p]);
        p++;
    }
    name[o] = '\0';
    while (p < n && isspace((unsigned char)s[p]))
        p++;
    *val = s + p;
    *vlen = 0;
    if (p < n && s[p] == '=') {
        p++;
        while (p < n && isspace((unsigned char)s[p]))
            p++;
        if (p < n && (s[p] == '"' || s[p] == '\'')) {
            char q = s[p++];
            *val = s + p;
            while (p < n && s[p] != q)
                p++;
            *vlen = (size_t)(s + p - *val);
            p += p < n;
        } else {
            *val = s + p;
            while (p < n && !isspace((unsigned char)s[p]) && s[p] != '>')
                p++;
            *vlen = (size_t)(s + p - *val);
        }
    }
    *i = p;
    return true;
}

bool fetch_html_prescan(const char *s, size_t n, char *out, size_t cap)
{
    size_t lim = n < PRESCAN_BYTES ? n : PRESCAN_BYTES;
    out[0] = '\0';
    for (size_t i = 0; i < lim; i++) {
        if (s[i] != '<')
            continue;
        if (lim - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
            size_t k = i + 4;
            while (k + 3 <= lim && memcmp(s + k, "-->", 3) != 0)
                k++;
            i = k + 2;
            continue;
        }
        if (lim - i < 6 || strncasecmp(s + i, "<meta", 5) != 0 ||
            !(isspace((unsigned char)s[i + 5]) || s[i + 5] == '/'))
            continue;
        size_t p = i + 5;
        char name[16], cs[LABEL_MAX + 1] = "", ct[LABEL_MAX + 1] = "";
        const char *v;
        size_t vl;
        bool http_equiv = false;
        while (next_attr(s, lim, &p, name, sizeof(name), &v, &vl)) {
            if (strcmp(name, "charset") == 0 && !cs[0] && vl && vl <= LABEL_MAX) {
                memcpy(cs, v, vl);
                cs[vl] = '\0';
            } else if (strcmp(name, "http-equiv") == 0) {
                http_equiv = vl == 12 && strncasecmp(v, "content-type", 12) == 0;
            } else if (strcmp(name, "content") == 0 && !ct[0]) {
                (void)charset_param(v, vl, ct, sizeof(ct));
            }
        }
        const char *label = cs[0] ? cs : http_equiv ? ct : "";
        if (label[0] && fetch_charset_name(label, out, cap)) {
            if (strncasecmp(label, "utf-16", 6) == 0 || strcmp(out, "UTF-16") == 0)
                ecf_strlcpy(out, "UTF-8", cap); /* as HTML5 says */
            return true;
        }
        i = p;
    }
    return false;
}

static bool looks_utf16(const unsigned char *u, size_t n)
{
    size_t lim = n < PRESCAN_BYTES ? n : PRESCAN_BYTES, nul = 0;
    for (size_t i = 0; i < lim; i++)
        nul += u[i] == 0;
    return lim >= 2 && nul * 4 >= lim;
}

enum fetch_err fetch_html_decode(const char *html, size_t n, const char *charset, char **out,
                                 size_t *out_len)
{
    char name[LABEL_MAX + 1];
    const unsigned char *u = (const unsigned char *)html;

    if (n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
        return fetch_to_utf8(html + 3, n - 3, "UTF-8", out, out_len);
    if (n >= 2 && u[0] == 0xFF && u[1] == 0xFE)
        return fetch_to_utf8(html + 2, n - 2, "UTF-16LE", out, out_len);
    if (n >= 2 && u[0] == 0xFE && u[1] == 0xFF)
        return fetch_to_utf8(html + 2, n - 2, "UTF-16BE", out, out_len);
    /* A transport UTF-16 without a byte order mark is believed only when
     * the bytes look like it (markup is ASCII: every other byte NUL). */
    if (fetch_charset_name(charset, name, sizeof(name)) && strncasecmp(name, "UTF-16", 6) == 0 &&
        !looks_utf16(u, n))
        name[0] = '\0';
    if (!name[0]) {
        /* Without a transport charset, bytes that are valid UTF-8 and not
         * all ASCII are UTF-8 whatever a <meta> says: legacy text almost
         * never is, and pages saved or re-served as UTF-8 keep their old
         * <meta charset=gb2312>. */
        bool utf8 = ecf_utf8_valid(html, n, NULL);
        bool ascii = true;
        for (size_t i = 0; i < n && ascii; i++)
            ascii = u[i] < 0x80;
        if ((utf8 && !ascii) || !fetch_html_prescan(html, n, name, sizeof(name)))
            ecf_strlcpy(name, utf8 ? "UTF-8" : "WINDOWS-1252", sizeof(name));
    }
    enum fetch_err err = fetch_to_utf8(html, n, name, out, out_len);
    if (err == FETCH_E_INVALID) /* iconv refused mid-way: read it as windows-1252 */
        err = fetch_to_utf8(html, n, "WINDOWS-1252", out, out_len);
    return err;
}

/* ---- XML: the declared encoding ------------------------------------------ */

bool fetch_xml_declared(const char *s, size_t n, char *out, size_t cap)
{
    size_t lim = n < 512 ? n : 512, i = 0;
    out[0] = '\0';
    if (lim < 5 || memcmp(s, "<?xml", 5) != 0)
        return false;
    for (i = 5; i + 1 < lim && !(s[i] == '?' && s[i + 1] == '>'); i++) {
        if (lim - i < 8 || memcmp(s + i, "encoding", 8) != 0)
            continue;
        size_t j = i + 8;
        while (j < lim && isspace((unsigned char)s[j]))
            j++;
        if (j >= lim || s[j++] != '=')
            return false;
        while (j < lim && isspace((unsigned char)s[j]))
            j++;
        if (j >= lim || (s[j] != '"' && s[j] != '\''))
            return false;
        char q = s[j++];
        size_t o = 0;
        while (j < lim && s[j] != q && o + 1 < cap)
            out[o++] = s[j++];
        out[o] = '\0';
        return j < lim && s[j] == q && o > 0;
    }
    return false;
}
