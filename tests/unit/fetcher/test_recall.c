/* tests/unit/fetcher/test_recall.c — pages where the article is all there
 * but easy to cut short, in shapes real sites have, written for this test:
 * documentation sections whose ids are heading slugs with a boilerplate
 * word, a product page of feature cards with "learn more" links, a data
 * table without <th> whose cells are links, an article split into an intro
 * container and a body container far apart, and running text with an
 * inline element whose class has a boilerplate word. Each marker word
 * (KEEP-n) must be in the text; none of the X- words may be. */
#include <stdio.h>
#include <string.h>

#include "fetcher/fetch.h"
#include "tests/tap.h"

#define PA                                                                                         \
    "<p>The licence requirement applies to accelerators above a performance threshold, to the "    \
    "tools that make them, and to the software that designs them, the agency said.</p>"
#define PB                                                                                         \
    "<p>Exporters must now file a classification request before each shipment, which adds weeks "  \
    "to delivery, according to three trade lawyers who advise chip makers.</p>"
#define PC                                                                                         \
    "<p>Several distributors said they had stopped taking orders from customers in the affected "  \
    "regions, while others were waiting for guidance from their own governments.</p>"
#define PD                                                                                         \
    "<p>Lawmakers asked the department to publish how many licences it grants each quarter, "      \
    "arguing that the rule cannot be judged without numbers, data, and named cases.</p>"
#define RAIL                                                                                       \
    "<div class=\"rail\"><a href=\"/1\">X-RAIL first story</a> <a href=\"/2\">X-RAIL second</a> "  \
    "<a href=\"/3\">X-RAIL third story</a> <a href=\"/4\">X-RAIL fourth story</a></div>"

static void expect_keeps(const char *name, const char *html, const char *const *keep)
{
    struct fetch_doc d;
    enum fetch_err e = fetch_html_extract(html, strlen(html), "utf-8", "https://d.example/", &d);
    ok(e == FETCH_OK, "%s: extracted (%d)", name, (int)e);
    for (; *keep; keep++)
        if (!ok(d.body && strstr(d.body, *keep), "%s: '%s' kept", name, *keep))
            printf("#   body: %s\n", d.body ? d.body : "(null)");
    ok(d.body && !strstr(d.body, "X-"), "%s: no boilerplate (%s)", name,
       d.body && strstr(d.body, "X-") ? strstr(d.body, "X-") : "none");
    fetch_doc_free(&d);
}

/* Sphinx/docutils: every section's id is its heading's slug; "sharing" in
 * one is a heading word, not a share bar. */
static void test_slug_sections(void)
{
    expect_keeps(
        "doc sections",
        "<html><head><title>Guide</title></head><body><div class=\"topnav\">"
        "<a href=\"/\">X-NAV home</a></div><div class=\"document\"><div class=\"body\">"
        "<div class=\"section\" id=\"licence-guide\"><h1>Licence guide</h1>" PA
        "<div class=\"section\" id=\"sharing-work-with-a-partner\">"
        "<h2>Sharing work with a partner</h2>"
        "<p>KEEP-1 When two firms share a design, each of them needs its own licence, and the "
        "second one must name the first in its application, with the dates of every "
        "transfer.</p>" PB "</div><div class=\"section\" id=\"sharing-with-a-subsidiary\">"
        "<h2>Sharing with a subsidiary</h2>"
        "<p>KEEP-2 A subsidiary abroad counts as a foreign person, so a transfer to it is an "
        "export, even when both companies have the same owner, the same staff, and one "
        "office.</p>" PC
        "</div></div></div></div><div class=\"footer\">X-FOOTER copyright</div></body></html>",
        (const char *const[]){"KEEP-1", "KEEP-2", "The licence requirement", NULL});
}

/* A product page: a section wrapping a container wrapping a list of cards,
 * each a heading, a sentence and a "learn more" link (link density of the
 * section over 0.2, but it is a list). */
static void test_feature_cards(void)
{
    static const char *const keep[] = {"KEEP-1", "KEEP-2", "KEEP-3", NULL};
#define CARD(n, what)                                                                              \
    "<li class=\"feature\"><h2>" what "</h2><p>KEEP-" #n " Check " what " against the control "    \
    "list before you ship.</p><a href=\"/docs/" #n "\">Learn more about " what "</a></li>"
    expect_keeps("feature cards",
                 "<html><head><title>Tools</title></head><body><nav>X-NAV</nav>"
                 "<main class=\"landing\"><div class=\"container\">"
                 "<h1>Compliance tools</h1>" PA PB
                 "<section class=\"more-features\"><div class=\"container\">"
                 "<ul class=\"features\">" CARD(1, "Screening") CARD(2, "Classification")
                     CARD(3, "Licence tracking") "</ul></div></section></div></main>"
                                                 "<footer>X-FOOTER</footer></body></html>",
                 keep);
#undef CARD
}

/* A table of parts without <th> (12 rows): every row links to the part's
 * page, so it reads as links, but by its size it is data. */
static void test_data_table(void)
{
#define ROW(n) "<tr><td><a href=\"/p/" #n "\">KEEP-T" #n " part</a></td><td>listed</td></tr>"
    expect_keeps(
        "link table",
        "<html><head><title>Parts</title></head><body><div id=\"main\"><div class=\"text\">"
        "<h1>Listed parts</h1>" PA PB PC "<table>" ROW(1) ROW(2) ROW(3) ROW(4) ROW(5) ROW(6) ROW(7)
            ROW(8) ROW(9) ROW(10) ROW(11) ROW(12) "</table>" PD "</div></div>" RAIL
                                                  "</body></html>",
        (const char *const[]){"KEEP-T1 part", "KEEP-T12 part", NULL});
#undef ROW
}

/* A magazine layout: the standfirst and first half of the story in one deep
 * container, a figure, the rest in another deep container, a related rail
 * after; no <article>. */
static void test_split_article(void)
{
#define DEEP(cls, text)                                                                            \
    "<div class=\"" cls "\"><section class=\"outer\"><div class=\"col\"><div class=\"sec\">"       \
    "<div class=\"rich\">" text "</div></div></div></section></div>"
    expect_keeps(
        "split article",
        "<html><head><title>Story</title></head><body><div id=\"app\"><div class=\"post\">"
        "<div class=\"hero\"><h1>The long road to a licence</h1></div>"
        "<div class=\"post-wrapper\">" DEEP(
            "intro",
            "<p>KEEP-1 It began with a shipment held at the border, a form nobody had filed, and a "
            "month of calls between lawyers, suppliers, customers, and the agency.</p>" PA
                PB) "</div><figure><img src=\"/a.jpg\"><figcaption>A "
                    "port</figcaption></figure>" DEEP("acf", PC PD
                                                      "<p>KEEP-2 By the spring the company had a "
                                                      "licence, a compliance team of six, and a "
                                                      "habit of asking before it ships anything, "
                                                      "anywhere, to anyone.</p>" PA PB PC) RAIL
        "</div></div></body></html>",
        (const char *const[]){"KEEP-1", "KEEP-2", NULL});
#undef DEEP
}

/* Running text with inline elements named like boilerplate: an equation in
 * a container whose class says "menu", a glossary term in a "popup". */
static void test_inline_names(void)
{
    expect_keeps(
        "inline names",
        "<html><head><title>Math</title></head><body><div class=\"page\">" PA PB
        "<p>The threshold holds when</p>"
        "<span class=\"MathJax CtxtMenu_Attached_0\"><math><mi>KEEP-1</mi><mo>&gt;</mo>"
        "<mn>4800</mn></math></span>, which is the total processing performance of the chip."
        "<p>It covers the <span class=\"glossary-popup\">KEEP-2 accelerator</span> family and "
        "its successors, whatever they are called.</p>" PC
        "<div class=\"popup-newsletter\">X-POPUP subscribe</div></div></body></html>",
        (const char *const[]){"KEEP-1", "4800", "KEEP-2 accelerator", NULL});
}

int main(void)
{
    if (fetch_global_init() != FETCH_OK) {
        skip_all("fetch_global_init failed");
        return 0;
    }
    test_slug_sections();
    test_feature_cards();
    test_data_table();
    test_split_article();
    test_inline_names();
    fetch_global_cleanup();
    return done();
}
