/* Unit tests: folding with offsets, and the sentence splitter. */
#include <stdlib.h>
#include <string.h>

#include "extractor/text.h"
#include "tests/tap.h"
#include "tests/unit/extractor/advgen.h"

static void split(const char *text, struct tx *t, struct tx_sent **s, size_t *n)
{
    if (tx_build(t, text, strlen(text)) != EX_OK || tx_split(t, s, n) != EX_OK) {
        *s = NULL;
        *n = 0;
    }
}

/* The sentence i as original bytes, into buf. */
static const char *sent_text(const struct tx *t, const struct tx_sent *s, char *buf, size_t cap)
{
    size_t b = tx_byte(t, s->s), e = tx_byte(t, s->e);
    size_t n = e - b < cap - 1 ? e - b : cap - 1;
    memcpy(buf, t->orig + b, n);
    buf[n] = '\0';
    return buf;
}

static void test_fold(void)
{
    /* curly apostrophe (3 bytes), em dash (3 bytes), e-acute (2 bytes) */
    const char *s = "Acme\xE2\x80\x99s chip\xE2\x80\x94"
                    "caf\xC3\xA9 \xE2\x80\x9C"
                    "ok\xE2\x80\x9D";
    struct tx t;
    ok(tx_build(&t, s, strlen(s)) == EX_OK, "fold builds");
    is_str(t.norm, "Acme's chip-cafe \"ok\"", "typographic marks fold to ASCII, accents drop");
    is_str(t.low, "acme's chip-cafe \"ok\"", "lowercased copy");
    is_int(t.n, 21, "one folded char per code point");
    is_int(t.cpb[4], 4, "the apostrophe starts at byte 4");
    is_int(t.cpb[5], 7, "the next code point starts after its 3 bytes");
    is_int(t.cpb[t.n], strlen(s), "the end maps to the byte length");
    tx_free(&t);
    ok(tx_build(&t, "", 0) == EX_OK && t.n == 0 && tx_byte(&t, 0) == 0, "empty text");
    tx_free(&t);
    ok(tx_build(&t, "plain", 5) == EX_OK && t.n == 5 && !t.cpb && tx_byte(&t, 3) == 3,
       "ASCII text needs no offset map");
    tx_free(&t);
    const char *cjk = "\xE5\x8D\x8E\xE4\xB8\xBA X";
    ok(tx_build(&t, cjk, strlen(cjk)) == EX_OK && t.n == 4 && t.norm[0] == TX_OTHER &&
           t.cpb[2] == 6,
       "unfoldable code points stay one char each with byte offsets");
    tx_free(&t);
}

static void test_split(void)
{
    struct tx t;
    struct tx_sent *s;
    size_t n;
    char buf[256];
    split("The U.S. Commerce Department acted. Acme Corp. said No. 5 was fine. "
          "It cost $2.13 billion. Its 7nm part shipped.",
          &t, &s, &n);
    is_int(n, 4, "four sentences despite U.S., Corp., No. 5 and 2.13");
    if (n == 4) {
        is_str(sent_text(&t, &s[0], buf, sizeof buf), "The U.S. Commerce Department acted.",
               "first sentence");
        is_str(sent_text(&t, &s[1], buf, sizeof buf), "Acme Corp. said No. 5 was fine.",
               "abbreviations stay inside");
        is_str(sent_text(&t, &s[3], buf, sizeof buf), "Its 7nm part shipped.", "7nm then stop");
        ok(s[0].evidence && s[3].evidence, "prose sentences are evidence");
    }
    free(s);
    tx_free(&t);

    /* brands written with a lowercase first letter start sentences too */
    split("Acme ordered more parts. iQuanta then signed a deal. The e.g. form stays. "
          "Prices rose by 3.5 percent. eBaz agreed.",
          &t, &s, &n);
    is_int(n, 5, "a camel-case brand after a full stop opens a sentence");
    if (n == 5) {
        is_str(sent_text(&t, &s[1], buf, sizeof buf), "iQuanta then signed a deal.",
               "the brand's sentence");
        is_str(sent_text(&t, &s[2], buf, sizeof buf), "The e.g. form stays.",
               "a lowercase word after an abbreviation does not");
        is_str(sent_text(&t, &s[4], buf, sizeof buf), "eBaz agreed.", "and at the end");
    }
    free(s);
    tx_free(&t);

    split("Rules tightened in the U.S. The firm reacted.", &t, &s, &n);
    is_int(n, 2, "U.S. followed by a sentence starter ends a sentence");
    free(s);
    tx_free(&t);

    split("Big Chip News From Asia\nDr. J. Smith wrote it. \xE2\x80\x9CWe agree.\xE2\x80\x9D She "
          "left!\n"
          "1. A Numbered Heading\nLast Updated on May 1, 2024",
          &t, &s, &n);
    is_int(n, 6, "headline, three sentences, list heading, footer");
    if (n == 6) {
        ok(!s[0].evidence, "a line without terminal punctuation is a headline");
        is_str(sent_text(&t, &s[1], buf, sizeof buf), "Dr. J. Smith wrote it.",
               "titles and initials do not split");
        is_str(sent_text(&t, &s[2], buf, sizeof buf), "\xE2\x80\x9CWe agree.\xE2\x80\x9D",
               "closing quote stays with its sentence");
        ok(!s[4].evidence && !s[5].evidence, "list heading and footer are not evidence");
        is_int(s[4].line, 2, "line numbers are kept");
    }
    free(s);
    tx_free(&t);

    split("", &t, &s, &n);
    is_int(n, 0, "no sentences in empty text");
    free(s);
    tx_free(&t);
}

/* Checks the pieces of a text with no sentence break: each at most
 * TX_SENT_MAX bytes, starting on a code point, in order, and together all of
 * the text but whitespace. Returns the number of pieces (0 on failure). */
static size_t check_pieces(const char *text, const char *what, bool spaces)
{
    struct tx t;
    struct tx_sent *s = NULL;
    size_t n = 0, len = strlen(text);
    if (tx_build(&t, text, len) != EX_OK || tx_split(&t, &s, &n) != EX_OK || n == 0) {
        ok(0, "%s: split", what);
        tx_free(&t);
        return 0;
    }
    size_t longest = 0, shortest = SIZE_MAX, prev = 0;
    bool order = true, starts = true, gaps = true;
    for (size_t i = 0; i < n; i++) {
        size_t b = tx_byte(&t, s[i].s), e = tx_byte(&t, s[i].e);
        longest = e - b > longest ? e - b : longest;
        if (i > 0 && i + 1 < n && e - b < shortest) /* not the title, not the rest */
            shortest = e - b;
        order = order && b >= prev && e > b;
        starts = starts && ((unsigned char)text[b] & 0xC0) != 0x80;
        for (size_t q = prev; q < b && gaps; q++)
            gaps = text[q] == ' ' || text[q] == '\n' || i == 0;
        prev = e;
    }
    ok(longest <= TX_SENT_MAX, "%s: %zu pieces, the longest %zu bytes (cap %d)", what, n, longest,
       TX_SENT_MAX);
    ok(order && starts && gaps && tx_byte(&t, s[n - 1].e) == len,
       "%s: pieces in order, on code points, covering the text", what);
    if (spaces)
        ok(shortest > TX_SENT_MAX / 2, "%s: cut at a space in the second half (shortest %zu)", what,
           shortest);
    free(s);
    tx_free(&t);
    return n;
}

/* Issue 13: a page without full stops was one sentence, and every fact's
 * evidence; now no sentence is longer than TX_SENT_MAX bytes. */
static void test_sentence_cap(void)
{
    const size_t len = 256 * 1024;
    char *giant = adv_giant_sentence(len);
    if (!giant) {
        ok(0, "generate the giant sentence");
        return;
    }
    check_pieces(giant, "256 KiB without a full stop", true);
    /* no space at all, two- and three-byte code points: cut between them */
    for (size_t i = 0; i + 5 <= len; i += 5)
        memcpy(giant + i, "\xC3\xA9\xE4\xB8\xAD", 5); /* e-acute, a CJK ideograph */
    giant[len - len % 5] = '\0';
    check_pieces(giant, "256 KiB of multi-byte letters, no space", false);
    free(giant);

    struct tx t;
    struct tx_sent *s = NULL;
    size_t n = 0;
    char line[TX_SENT_MAX + 1];
    memset(line, 'a', sizeof line - 1);
    line[sizeof line - 1] = '\0';
    for (size_t i = 50; i < sizeof line - 1; i += 50)
        line[i] = ' ';
    split(line, &t, &s, &n);
    is_int(n, 1, "a line of exactly TX_SENT_MAX bytes stays whole");
    free(s);
    tx_free(&t);
}

int main(void)
{
    test_fold();
    test_split();
    test_sentence_cap();
    return done();
}
