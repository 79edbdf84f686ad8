/* Unit tests: date expressions and the article date. */
#include <string.h>

#include "extractor/dates.h"
#include "tests/tap.h"

static const char *find(const char *s, const struct dt_date *anchor, char out[11])
{
    struct dt_date d;
    out[0] = '\0';
    if (dates_find(s, 0, strlen(s), anchor, &d, NULL))
        dates_format(&d, out);
    return out;
}

int main(void)
{
    char b[11];
    struct dt_date a = {2024, 11, 7};
    is_str(find("the rule took effect on march 3, 2023 after review", NULL, b), "2023-03-03",
           "Month D, YYYY");
    is_str(find("on 14 february 2022 the list grew", NULL, b), "2022-02-14", "D Month YYYY");
    is_str(find("filed 2021-06-30 in court", NULL, b), "2021-06-30", "ISO date");
    is_str(find("announced in june 2023 by officials", NULL, b), "2023-06", "Month YYYY");
    is_str(find("decisions made in 2019 to act", NULL, b), "2019", "in YYYY");
    is_str(find("a $2.13 billion plan and 2025 targets", NULL, b), "", "numbers are not years");
    is_str(find("starting october 22, rules apply", NULL, b), "", "no year and no anchor: none");
    is_str(find("starting october 22, rules apply", &a, b), "2024-10-22", "year from the anchor");
    is_str(find("in late april the bill passed", &a, b), "2024-04", "month from the anchor");
    is_str(find("in december the bill passed", &a, b), "2023-12",
           "a month after the anchor month is last year's");
    is_str(find("it launched last week", &a, b), "2024-10-31", "last week");
    is_str(find("sales fell last year", &a, b), "2023", "last year");
    is_str(find("it happened yesterday", &(struct dt_date){2024, 3, 1}, b), "2024-02-29",
           "yesterday across a leap day");
    is_str(find("the may 2024 update", NULL, b), "2024-05", "May with a year is a month");
    is_str(find("this may change", &a, b), "", "modal may is not a month");
    /* 2024-11-07 is a Thursday */
    is_str(find("the firm said on tuesday it would", &a, b), "2024-11-05",
           "on <weekday>: the latest");
    is_str(find("officials met on thursday", &a, b), "2024-11-07", "on <weekday>: the same day");
    is_str(find("rules apply starting monday", &a, b), "2024-11-11",
           "starting <weekday>: the next");
    is_str(find("on monday", NULL, b), "", "a weekday needs an anchor");

    struct dt_date d;
    const char *foot = "text here.\nlast updated on november 7, 2024 2:16 pm cet";
    ok(dates_article(foot, strlen(foot), &d) && d.y == 2024 && d.m == 11 && d.d == 7,
       "footer date found");
    const char *pub = "headline\npublished: 2025-03-10\nbody.";
    ok(dates_article(pub, strlen(pub), &d) && d.y == 2025 && d.m == 3 && d.d == 10,
       "dateline date found");
    ok(!dates_article("no date in 2020 here", 20, &d), "a bare year is not an article date");
    const char *dl = "Chips story headline\n\nmar 4, 2025 | seoul | wire\n\nbody on monday.";
    ok(dates_article(dl, strlen(dl), &d) && d.y == 2025 && d.m == 3 && d.d == 4,
       "a dateline line under the title");
    const char *body = "headline\n\nthe ban began on march 4, 2025, officials said in a long "
                       "sentence that is a body line and not a dateline at all.";
    ok(!dates_article(body, strlen(body), &d), "a date inside a body line is not a dateline");

    ok(dates_parse_iso("2024-10-22", &d) && d.d == 22, "parse ISO day");
    ok(dates_parse_iso("2019", &d) && d.y == 2019 && d.m == 0, "parse ISO year");
    ok(!dates_parse_iso("2024-13-01", &d) && !dates_parse_iso("24-1-1", &d), "reject bad ISO");
    dates_format(&(struct dt_date){0, 0, 0}, b);
    is_str(b, "", "unknown date formats as empty");
    return done();
}
