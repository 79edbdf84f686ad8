#!/usr/bin/python3
"""Fetching articles from the web: `ecfacts fetch` and the server's fetch
thread (`serve --sources`, POST /v1/fetch, GET /v1/jobs/{id}, GET /v1/sources),
against a small web site served from this process (fixture_http.py) on
127.0.0.1. No other network is used.

usage: test_fetch.py ECFACTS_BINARY [SHARED_DIR]      (TAP on stdout)

1. CLI: `fetch --sources` over an RSS feed, an Atom feed, a page and a 404:
   per-source lines, the summary, exit 1 (the 404); the articles stored with
   their provenance and without the page chrome; robots.txt asked once, a
   500 retried. A second run: every item unchanged (conditional GET, 304).
   The same text under two URLs: one article with both URLs. robots.txt is
   honoured. Local .html/.txt files. Without --allow-private the fixture's
   loopback address is refused and nothing is stored. Usage errors.
2. Server: the sources polled at start and listed by /v1/sources;
   POST /v1/fetch -> 202 Job + Location, the job done, the article present
   with "fetch" and "urls"; 401, 400, 404, 405, 411, 413, 415; the address
   policy without --allow-private; 503 on a read-only replica; a feed cut
   short (its items stored, the break in the job's note); a page's own
   published/byline/site/lang read back from GET /v1/articles/{id}. Every
   response is checked against openapi.yaml (test_contract's checker)."""
import hashlib
import json
import os
import re
import sys
import time
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ecftest as E  # noqa: E402
import fixture_http as F  # noqa: E402
import test_contract as TC  # noqa: E402  (python3-yaml, python3-jsonschema)

import yaml  # noqa: E402

AUTH = "Bearer " + E.TOKEN
LINE_RE = re.compile(r"^(?P<url>\S+): (?:error: (?P<err>.*)|(?P<status>\d+) found (?P<found>\d+) "
                     r"stored (?P<stored>\d+) duplicate (?P<dup>\d+) unchanged (?P<unch>\d+) "
                     r"failed (?P<failed>\d+)(?: error: (?P<err2>.*))?)$")
SUMMARY_RE = re.compile(r"^fetched (\d+) sources: (\d+) stored, (\d+) duplicates, (\d+) unchanged, "
                        r"(\d+) failed, (\d+) errors$")
TS_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")
FETCH_FLAGS = ("--data", "--sources", "--allow-private", "--host-delay", "--retries")
SERVE_FETCH_FLAGS = ("--sources", "--fetch-interval", "--allow-private")
SERVE_FETCH_ENV = ("ECFACTS_SOURCES", "ECFACTS_FETCH_INTERVAL", "ECFACTS_ALLOW_PRIVATE")
JOB_DEADLINE = 90.0    # a sanitizer build fetching a few pages, with one retry
POLL_DEADLINE = 120.0  # the initial --sources poll of the server


def url_id(url):
    """The id the fetcher gives a fetched article: u- + sha256(URL)[:16]."""
    return "u-" + hashlib.sha256(url.encode()).hexdigest()[:16]


def squash(s):
    return " ".join(s.split())


# ---------------------------------------------------------------- the CLI

class FetchRun:
    def __init__(self, rc, out, err):
        self.rc, self.out, self.err = rc, out, err
        self.lines = {}     # url -> match groupdict
        self.summary = None  # (sources, stored, duplicates, unchanged, failed, errors)
        self.other = []
        for ln in out.splitlines():
            m = SUMMARY_RE.match(ln)
            if m:
                self.summary = tuple(int(x) for x in m.groups())
                continue
            m = LINE_RE.match(ln)
            if m:
                d = m.groupdict()
                d["error"] = d.get("err") or d.get("err2")
                self.lines[d["url"]] = d
            elif ln.strip():
                self.other.append(ln)

    def line(self, url):
        return self.lines.get(url)

    def counts(self, url):
        """(status, found, stored, dup, unchanged, failed) or None for an error line."""
        d = self.lines.get(url)
        if not d or d["status"] is None:
            return None
        return tuple(int(d[k]) for k in ("status", "found", "stored", "dup", "unch", "failed"))

    def __repr__(self):
        return "exit %s\nstdout: %s\nstderr: %s" % (self.rc, E._short(self.out, 1500),
                                                    E._short(self.err[-1500:], 1500))


def fetch(exe, args, timeout=180):
    rc, out, err = E.run([exe, "fetch"] + list(args), timeout=timeout)
    return FetchRun(rc, out, err)


def cli_help(tap, exe):
    rc, out, err = E.run([exe, "fetch", "--help"])
    if not tap.ok(rc == 0 and "usage" in out.lower(), "ecfacts fetch --help exits 0 with a usage",
                  "0 + usage", (rc, out[:300], err[-300:])):
        return False
    missing = [f for f in FETCH_FLAGS if f not in out]
    tap.ok(not missing, "fetch --help documents --data --sources --allow-private --host-delay "
           "--retries", "all", missing)
    rc, out, err = E.run([exe, "--help"])
    tap.ok("fetch" in out, "ecfacts --help lists the fetch command", "fetch", out[:600])
    rc, out, err = E.run([exe, "serve", "--help"])
    missing = [f for f in SERVE_FETCH_FLAGS + SERVE_FETCH_ENV if f not in out]
    tap.ok(not missing, "serve --help documents --sources/--fetch-interval/--allow-private and "
           "their ECFACTS_ variables", "all", missing)
    return True


def cli_usage(tap, exe, tmp):
    data = os.path.join(tmp, "usage-data")
    os.makedirs(data, exist_ok=True)  # fetch creates a store only in a directory
    r = fetch(exe, ["--data", data])
    tap.ok(r.rc == 2 and "ecfacts" in r.err, "fetch with nothing to fetch: usage error, exit 2", 2,
           r)
    r = fetch(exe, ["--data", data, "--bogus", "http://127.0.0.1:9/x"])
    tap.ok(r.rc == 2 and "--bogus" in r.err, "fetch --bogus: exit 2 naming the flag", 2, r)
    r = fetch(exe, ["--data", data, "--retries", "abc", "http://127.0.0.1:9/x"])
    tap.ok(r.rc == 2 and "retries" in r.err, "fetch --retries abc: exit 2", 2, r)
    r = fetch(exe, ["--data", data, "--host-delay", "-5", "http://127.0.0.1:9/x"])
    tap.ok(r.rc == 2, "fetch --host-delay -5: exit 2", 2, r)
    bad = os.path.join(tmp, "bad-sources.txt")
    with open(bad, "w") as f:
        f.write("# a comment\nhttp://127.0.0.1:9/ok.html\nftp://example.com/feed.xml\n"
                "not a url at all\n")
    r = fetch(exe, ["--data", data, "--sources", bad])
    tap.ok(r.rc == 2 and ":3" in r.err and ":4" in r.err,
           "fetch --sources with bad lines: exit 2, each bad line named by number", "2 + :3 :4", r)
    r = fetch(exe, ["--data", data, "--sources", os.path.join(tmp, "no-such-file")])
    tap.ok(r.rc in (1, 2) and "no-such-file" in r.err,
           "fetch --sources with a missing file: exit 1 or 2 naming it", "1/2", r)
    r = fetch(exe, ["--data", data, "ftp://example.com/x.html"])
    d = r.line("ftp://example.com/x.html")
    tap.ok(r.rc == 1 and d is not None and d["error"] and r.summary is not None
           and r.summary[5] >= 1, "fetch ftp://...: an error line, counted in the summary, exit 1",
           "exit 1 + 'ftp://...: error: ...'", r)


def cli_fetch(tap, exe, fx, tmp):
    data = os.path.join(tmp, "cli-data")
    os.makedirs(data, exist_ok=True)  # fetch creates a store only in a directory
    rss, atom = fx.url("/feeds/policy.rss"), fx.url("/feeds/markets.atom")
    page, missing = fx.url("/news/page.html"), fx.url("/news/missing.html")
    sources = os.path.join(tmp, "sources.txt")
    with open(sources, "w") as f:
        f.write("# fixture sources for test_fetch\n%s\n%s   # the markets feed\n\n   \n%s\n%s\n"
                % (rss, atom, page, missing))
    items = {rss: ["/news/%s.html" % s for s in F.RSS_ITEMS],
             atom: ["/news/%s.html" % s for s in F.ATOM_ITEMS],
             page: ["/news/page.html"]}
    base = ["--data", data, "--allow-private", "--host-delay", "0", "--retries", "2"]

    # ---- first run
    t0 = time.monotonic()
    r = fetch(exe, base + ["--sources", sources])
    tap.diag("first fetch run: %.1fs" % (time.monotonic() - t0))
    tap.eq(r.rc, 1, "fetch --sources (RSS, Atom, page, 404): exit 1 because of the 404")
    tap.ok(r.summary == (4, 6, 0, 0, 0, 1),
           "summary: fetched 4 sources: 6 stored, 0 duplicates, 0 unchanged, 0 failed, 1 errors",
           "fetched 4 sources: 6 stored, 0 duplicates, 0 unchanged, 0 failed, 1 errors", r)
    tap.ok(set(r.lines) == {rss, atom, page, missing}, "one line per source, named by its URL",
           sorted([rss, atom, page, missing]), r)
    tap.eq(r.counts(rss), (200, 3, 3, 0, 0, 0), "RSS line: 200 found 3 stored 3 (the 500 retried)")
    tap.eq(r.counts(atom), (200, 2, 2, 0, 0, 0), "Atom line: 200 found 2 stored 2")
    tap.eq(r.counts(page), (200, 1, 1, 0, 0, 0), "page line: 200 found 1 stored 1")
    d = r.line(missing)
    tap.ok(d is not None and d["error"] and "404" in d["error"],
           "404 line: an error naming the status 404", "URL: ... error: ...404...", d)
    tap.eq(fx.hits("/news/flaky.html"), 2, "the page that 500s once was asked twice (retried)")
    tap.eq(fx.hits("/robots.txt"), 1, "robots.txt asked once per origin per run")
    log = fx.requests()
    tap.ok(log and log[0][1] == "/robots.txt", "robots.txt before any other request", "/robots.txt",
           [x[1] for x in log[:3]])
    uas = {x[2].get("user-agent", "") for x in log}
    tap.ok(uas and all(u.startswith("ecfacts/") for u in uas), "every request says User-Agent "
           "ecfacts/...", "ecfacts/...", uas)
    tap.eq(fx.hits("/private/secret.html"), 0, "nothing under /private/ was requested")

    rc, arts, err = E.export_articles(exe, data)
    tap.eq(rc, 0, "export after the fetch exits 0")
    want = {}
    for src, paths in items.items():
        for p in paths:
            want[url_id(fx.url(p))] = (src, p)
    tap.ok(set(arts) == set(want), "the 6 pages are stored, id u-<sha256(URL)[:16]>, nothing else",
           sorted(want), sorted(arts))
    bad_prov, bad_text = [], []
    for aid, (src, p) in sorted(want.items()):
        a = arts.get(aid)
        if a is None:
            continue
        u = fx.url(p)
        slug = p.rsplit("/", 1)[1][:-5]
        title, date, paras = fx.article(slug)
        f = a.get("fetch") or {}
        exp = {"url": u, "urls": [u], "title": title, "date": date,
               "fetch.source": src, "fetch.http_status": 200, "fetch.etag": fx.etag(p),
               "fetch.last_modified": F.LAST_MODIFIED}
        got = {"url": a.get("url"), "urls": a.get("urls"), "title": a.get("title"),
               "date": a.get("date"), "fetch.source": f.get("source"),
               "fetch.http_status": f.get("http_status"), "fetch.etag": f.get("etag"),
               "fetch.last_modified": f.get("last_modified")}
        if got != exp or not TS_RE.match(str(f.get("fetched_at"))) or \
                not str(f.get("content_type", "")).startswith("text/html"):
            bad_prov.append((aid, exp, got, f.get("fetched_at"), f.get("content_type")))
        text = a.get("text", "")
        why = []
        if not text.startswith(title + "\n\n"):
            why.append("does not start with the title line and a blank line")
        for para in paras:
            if squash(para) not in squash(text):
                why.append("paragraph missing: " + para[:50])
        leaked = [m for m in F.BOILERPLATE + ("SCRIPTBOILER", "Cookie settings", "Most read")
                  if m in text]
        if leaked:
            why.append("boilerplate kept: %s" % leaked)
        if a.get("sha256") != hashlib.sha256(text.encode()).hexdigest():
            why.append("sha256 is not that of the text")
        if why:
            bad_text.append((aid, why, text[:300]))
    tap.ok(not bad_prov, "each article: url, urls [url], page title and date, fetch provenance "
           "(source = the feed or page, 200, the page's ETag and Last-Modified, content type, "
           "fetched_at)", "all as served", bad_prov[:2])
    tap.ok(not bad_text, "each article's text: title line, the <article> paragraphs, no nav/"
           "header/aside/footer/script/share chrome", "clean text", bad_text[:2])
    first = {k: v.get("sha256") for k, v in arts.items()}

    # ---- second run: conditional GETs
    fx.clear_log()
    r = fetch(exe, base + ["--sources", sources])
    tap.eq(r.rc, 1, "second run: exit 1 (the 404 again)")
    tap.ok(r.summary == (4, 0, 0, 6, 0, 1),
           "second run summary: 0 stored, 0 duplicates, 6 unchanged, 0 failed, 1 errors",
           "fetched 4 sources: 0 stored, 0 duplicates, 6 unchanged, 0 failed, 1 errors", r)
    for src, n in ((rss, 3), (atom, 2), (page, 1)):
        c = r.counts(src)
        tap.ok(c is not None and c[2] == 0 and c[4] == n and c[5] == 0,
               "second run: %s reports its %d item(s) unchanged, none stored"
               % (src.rsplit("/", 1)[1], n), "unchanged %d" % n, r.lines.get(src))
    pages = [p for ps in items.values() for p in ps]
    full = [(x[1], x[3]) for x in fx.requests() if x[1] in pages and x[3] != 304]
    tap.ok(not full, "second run: no article page was downloaded again (all answered 304)",
           "only 304s", full)
    conditional = [x[1] for x in fx.requests() if x[1] in pages
                   and x[2].get("if-none-match") == fx.etag(x[1])]
    tap.ok(set(conditional) == set(pages) or not [x for x in fx.requests() if x[1] in pages],
           "second run: every page asked again carried If-None-Match with its ETag",
           sorted(pages), sorted(conditional))
    rc, arts2, err = E.export_articles(exe, data)
    tap.ok({k: v.get("sha256") for k, v in arts2.items()} == first,
           "second run: the stored articles are the same", first, sorted(arts2))

    # ---- the same text under two URLs
    a_url, b_url = fx.url("/news/dup.html"), fx.url("/mirror/dup.html")
    r = fetch(exe, base + [a_url])
    tap.ok(r.rc == 0 and r.summary == (1, 1, 0, 0, 0, 0) and r.counts(a_url) == (200, 1, 1, 0, 0, 0),
           "fetch URL A: exit 0, 1 stored", "exit 0, fetched 1 sources: 1 stored", r)
    r = fetch(exe, base + [b_url])
    tap.ok(r.rc == 0 and r.summary == (1, 0, 1, 0, 0, 0) and r.counts(b_url) == (200, 1, 0, 1, 0, 0),
           "fetch URL B with the same text: exit 0, 1 duplicate, nothing stored",
           "exit 0, fetched 1 sources: 0 stored, 1 duplicates", r)
    rc, arts3, err = E.export_articles(exe, data)
    title = fx.article("dup")[0]
    same = [a for a in arts3.values() if a.get("title") == title]
    tap.eq(len(same), 1, "the text is stored once")
    if same:
        a = same[0]
        tap.eq((a.get("id"), a.get("url"), a.get("urls")), (url_id(a_url), a_url, [a_url, b_url]),
               "that one article: id and url from A, urls [A, B]")
        tap.eq((a.get("fetch") or {}).get("source"), a_url, "its provenance is the first fetch (A)")
    tap.eq(len(arts3), 7, "7 articles now (6 + the duplicate text once)")

    # ---- robots.txt
    fx.clear_log()
    secret = fx.url("/private/secret.html")
    r = fetch(exe, base + [secret])
    d = r.line(secret)
    tap.ok(r.rc == 1 and d is not None and "robots" in (d["error"] or ""),
           "a page robots.txt disallows: exit 1, the error names robots.txt", "robots", r)
    tap.eq(fx.hits("/private/secret.html"), 0, "the disallowed page was never requested")
    rc, arts4, err = E.export_articles(exe, data)
    tap.eq(len(arts4), 7, "nothing stored from the disallowed page")

    # ---- local files
    local = os.path.join(tmp, "local")
    os.mkdir(local)
    ltitle, ldate, lparas = ("A local page about Huawei and the Ascend 910B", "2026-02-27",
                             ["Huawei uses the Ascend 910B in its own cloud, a local file says.",
                              "SMIC manufactures the Ascend 910B, according to this test page."])
    with open(os.path.join(local, "local-page.html"), "wb") as f:
        f.write(F.page_html(ltitle, ldate, lparas))
    with open(os.path.join(local, "local-note.txt"), "w") as f:
        f.write("A local note on the H20\n\nNvidia designed the H20 for China, a local note "
                "written for this test says.\n")
    with open(os.path.join(local, "ignored.bin"), "wb") as f:
        f.write(b"\x00\x01 not an article")
    r = fetch(exe, ["--data", data, local])
    tap.ok(r.rc == 0 and r.summary is not None and r.summary[1] == 2 and r.summary[5] == 0,
           "fetch DIR (an .html, a .txt, a .bin): exit 0, 2 stored", "exit 0, 2 stored", r)
    rc, arts5, err = E.export_articles(exe, data)
    new = [a for k, a in arts5.items() if k not in arts4]
    tap.eq(len(new), 2, "two local articles added")
    html_art = [a for a in new if a.get("title") == ltitle]
    if tap.ok(len(html_art) == 1, "the .html file is stored with its <title>", ltitle,
              [a.get("title") for a in new]):
        a = html_art[0]
        text = a.get("text", "")
        leaked = [m for m in F.BOILERPLATE if m in text]
        tap.ok(not leaked and all(squash(p) in squash(text) for p in lparas),
               "the .html file went through HTML-to-text (paragraphs kept, chrome dropped)",
               "clean", text[:400])
        tap.eq(a.get("date"), ldate, "the .html file's date from its metadata")
    tap.ok(all(a.get("urls") == [] and a.get("fetch") is None and a.get("url") is None
               for a in new), "local articles: url null, urls [], fetch null", "[] / null",
           [(a.get("url"), a.get("urls"), a.get("fetch")) for a in new])


def cli_address_policy(tap, exe, fx, tmp):
    """Without --allow-private the fixture (127.0.0.1) is refused, by class."""
    data = os.path.join(tmp, "private-data")
    os.makedirs(data, exist_ok=True)  # fetch creates a store only in a directory
    fx.clear_log()
    page = fx.url("/news/page.html")
    redirect = fx.url("/redirect/metadata")
    r = fetch(exe, ["--data", data, "--host-delay", "0", page, redirect])
    tap.eq(r.rc, 1, "without --allow-private: fetching 127.0.0.1 exits 1")
    for u in (page, redirect):
        d = r.line(u)
        err = (d or {}).get("error") or ""
        tap.ok("loopback" in err and "127.0.0.1" in err,
               "without --allow-private: %s refused, the error names the address and its class "
               "(loopback)" % u.rsplit("/", 1)[1], "...127.0.0.1 is loopback...", d or r)
    tap.eq(len(fx.requests()), 0, "without --allow-private: no request reached the fixture")
    rc, out, err = E.run([exe, "stats", "--data", data])
    try:
        n = json.loads(out).get("articles")
    except ValueError:
        n = out + err
    tap.eq(n, 0, "without --allow-private: nothing stored")
    # The redirect to 169.254.169.254 itself: reaching the fixture needs
    # --allow-private, which lifts the address rule for every hop, so the
    # refusal of the redirect target can only be shown with a per-address
    # exception for the fixture (the engine's allow_addrs).
    rc, out, err = E.run([exe, "fetch", "--help"])
    if "--allow-addr" not in out:
        tap.skip("a redirect to http://169.254.169.254/ is refused (link-local)",
                 "needs a per-address exception flag (--allow-addr) to reach the fixture")
        return
    fx.clear_log()
    r = fetch(exe, ["--data", data, "--host-delay", "0", "--allow-addr",
                    "127.0.0.1:%d" % fx.port, redirect])
    d = r.line(redirect)
    err = (d or {}).get("error") or ""
    tap.ok(r.rc == 1 and "169.254.169.254" in err and "link-local" in err,
           "a redirect to http://169.254.169.254/ is refused, the error names link-local",
           "169.254.169.254 is link-local", r)


# ---------------------------------------------------------------- the server

def wait_job(cl, c, loc, deadline=JOB_DEADLINE):
    """Polls the job until done/failed; returns the last response."""
    dl = E.Deadline(deadline)
    r = None
    while not dl.passed():
        r = cl.get(loc)
        if r.status != 200 or r.json().get("state") in ("done", "failed"):
            break
        time.sleep(0.1)
    if r is not None:
        c.check(r, "GET %s (final poll) -> %s" % (loc, r.status))
    return r


def server_main(tap, exe, fx, spec, tmp):
    c = TC.Contract(tap, spec)
    rc, out, err = E.run([exe, "routes"])
    have = set(ln.strip() for ln in out.splitlines())
    for rt in ("POST /v1/fetch", "GET /v1/jobs/{id}", "GET /v1/sources"):
        tap.ok(rt in have, "ecfacts routes lists %s" % rt, rt, sorted(have))
    data = os.path.join(tmp, "srv-data")
    sources = os.path.join(tmp, "srv-sources.txt")
    rss, atom = fx.url("/feeds/policy.rss"), fx.url("/feeds/markets.atom")
    page, missing = fx.url("/news/page.html"), fx.url("/news/missing.html")
    with open(sources, "w") as f:
        f.write("# server sources\n%s\n%s\n%s\n%s\n" % (rss, atom, page, missing))
    srv = E.Server(exe, data, workdir=tmp,
                   args=["--no-sample", "--sources", sources, "--allow-private", "--host-delay", "0",
                         "--max-body", "65536"])
    try:
        srv.start()
    except E.ServerError as e:
        tap.ok(False, "serve --sources --allow-private starts", "listening", str(e))
        return
    try:
        server_checks(tap, c, srv, fx, (rss, atom, page, missing))
    finally:
        rc = srv.stop()
    tap.eq(rc, 0, "serve (with a fetch thread) exits 0 on SIGTERM")
    if rc != 0:
        tap.diag(srv.stderr_text()[-3000:])
    server_env(tap, c, exe, sources, tmp)
    server_private(tap, c, exe, fx, tmp)
    server_replica(tap, c, exe, data, tmp)
    server_odd_pages(tap, c, exe, fx, tmp)
    server_cut_feed(tap, c, exe, fx, tmp)
    server_page_meta(tap, c, exe, fx, tmp)
    unseen = sorted((p, m, s) for p, item in spec["paths"].items()
                    if p in ("/v1/fetch", "/v1/jobs/{id}", "/v1/sources")
                    for m, op in item.items() if m in TC.METHODS
                    for s in op.get("responses", {}) if (p, m, s) not in c.produced)
    tap.diag("declared for the fetch routes but not produced here: %s"
             % ", ".join("%s %s %s" % (m.upper(), p, s) for p, m, s in unseen))


def server_checks(tap, c, srv, fx, urls):
    rss, atom, page, missing = urls
    cl = E.Client(srv.port)

    def go(method, target, body=None, headers=None, label=None):
        r = cl.request(method, target, body, headers)
        c.check(r, label)
        return r

    # ---- the initial poll of --sources
    dl = E.Deadline(POLL_DEADLINE)
    r = None
    while not dl.passed():
        r = cl.get("/v1/sources")
        if r.status != 200 or len(r.json().get("items", [])) >= 4:
            break
        time.sleep(0.2)
    c.check(r, "GET /v1/sources after the first poll")
    items = r.json().get("items", []) if r.status == 200 else []
    tap.ok([s.get("url") for s in items] == sorted(urls),
           "/v1/sources lists the 4 sources of --sources, ordered by URL, after the start-up "
           "poll", sorted(urls), [s.get("url") for s in items] or r)
    by = {s.get("url"): s for s in items}

    def summary(s):
        if not s:
            return None
        k = s.get("counts") or {}
        return (s.get("is_feed"), s.get("http_status"), k.get("found"), k.get("stored"),
                k.get("failed"), s.get("last_error"))
    tap.eq(summary(by.get(rss)), (True, 200, 3, 3, 0, None), "source RSS: feed, 200, 3 found, 3 "
           "stored, no error")
    tap.eq(summary(by.get(atom)), (True, 200, 2, 2, 0, None), "source Atom: feed, 200, 2 found, "
           "2 stored, no error")
    tap.eq(summary(by.get(page)), (False, 200, 1, 1, 0, None), "source page: not a feed, 200, 1 "
           "found, 1 stored")
    tap.eq((by.get(page) or {}).get("etag"), fx.etag("/news/page.html"),
           "source page: the ETag it answered with")
    m = by.get(missing) or {}
    tap.ok(m.get("http_status") == 404 and "404" in str(m.get("last_error")) and
           not m.get("is_feed"), "source 404: http_status 404, last_error names it", "404", m)
    bad = [s for s in items if not TS_RE.match(str(s.get("last_fetch")))]
    tap.ok(not bad, "every source has a last_fetch timestamp", "timestamps", bad)
    r1 = go("GET", "/v1/sources?limit=1")
    if r1.status == 200 and r1.json().get("next_cursor"):
        r2 = go("GET", "/v1/sources?limit=3&cursor=" + urllib.parse.quote(r1.json()["next_cursor"]))
        got = [s["url"] for s in r1.json()["items"]] + \
              [s["url"] for s in (r2.json().get("items", []) if r2.status == 200 else [])]
        tap.eq(got, sorted(urls), "/v1/sources pages with limit and cursor")
    else:
        tap.ok(False, "/v1/sources?limit=1 gives a next_cursor", "a cursor", r1)
    et = r.h("etag")
    if et:
        go("GET", "/v1/sources", headers={"If-None-Match": et},
           label="GET /v1/sources with If-None-Match -> 304")
    go("HEAD", "/v1/sources")
    for q in ("limit=0", "limit=501", "limit=abc", "cursor=***", "zzz=1", "limit=1&limit=2"):
        rq = go("GET", "/v1/sources?" + q)
        tap.ok(E.is_problem(rq, 400, "bad-parameter")[0], "GET /v1/sources?%s -> 400 bad-parameter"
               % q, 400, rq)

    # ---- the articles the poll stored
    r = go("GET", "/v1/articles?limit=500")
    arts = {a["id"]: a for a in r.json().get("items", [])} if r.status == 200 else {}
    want = {url_id(fx.url("/news/%s.html" % s)): s for s in F.RSS_ITEMS + F.ATOM_ITEMS + ["page"]}
    tap.ok(set(arts) == set(want), "/v1/articles: the 6 polled pages", sorted(want), sorted(arts))
    src_of = {s: rss for s in F.RSS_ITEMS}
    src_of.update({s: atom for s in F.ATOM_ITEMS})
    src_of["page"] = page
    bad = []
    for aid, slug in want.items():
        a = arts.get(aid) or {}
        u = fx.url("/news/%s.html" % slug)
        f = a.get("fetch") or {}
        if (a.get("url"), a.get("urls"), f.get("source"), f.get("http_status"), f.get("etag")) != \
                (u, [u], src_of[slug], 200, fx.etag("/news/%s.html" % slug)):
            bad.append((aid, a))
    tap.ok(not bad, "/v1/articles: each polled page with url, urls and fetch provenance",
           "as served", bad[:2])
    aid = url_id(page)
    r = go("GET", "/v1/articles/" + aid)
    if r.status == 200:
        d = r.json()
        title, date, paras = fx.article("page")
        tap.ok(d.get("text", "").startswith(title + "\n\n") and
               all(squash(p) in squash(d.get("text", "")) for p in paras) and
               not [m for m in F.BOILERPLATE if m in d.get("text", "")],
               "GET /v1/articles/{id} of a fetched page: clean text", "clean", d.get("text"))
        tap.ok(any(e.get("id") == "huawei" for e in d.get("entities", [])),
               "the fetched page went through the extractor (Huawei found)", "huawei",
               [e.get("id") for e in d.get("entities", [])])
    else:
        tap.ok(False, "GET /v1/articles/%s -> 200" % aid, 200, r)

    # ---- POST /v1/fetch
    hdr = {"Authorization": AUTH, "Content-Type": "application/json"}
    a_url, b_url = fx.url("/news/dup.html"), fx.url("/mirror/dup.html")
    t0 = time.monotonic()
    r = go("POST", "/v1/fetch", json.dumps({"url": a_url}).encode(), hdr, "POST /v1/fetch -> 202")
    tap.diag("POST /v1/fetch answered in %.3fs" % (time.monotonic() - t0))
    loc = r.h("location") or ""
    job = r.json() if r.status == 202 else {}
    tap.ok(r.status == 202 and re.match(r"^/v1/jobs/j-[0-9]+$", loc) and
           loc == "/v1/jobs/" + str(job.get("id")),
           "POST /v1/fetch: 202, Location /v1/jobs/{id} of the job in the body", "202 + Location",
           r)
    tap.ok(job.get("url") == a_url and (job.get("state") in ("queued", "running") and
                                        job.get("finished_at") is None or
                                        job.get("state") == "done"),
           "the 202 body is the job: its url, queued (or already running)", "queued", job)
    if loc:
        rj = wait_job(cl, c, loc)
        j = rj.json() if rj is not None and rj.status == 200 else {}
        res = j.get("result") or {}
        tap.eq((j.get("state"), res.get("http_status"), res.get("found"), res.get("stored"),
                res.get("error")), ("done", 200, 1, 1, None),
               "the job ends done: 200, 1 found, 1 stored, no error")
        tap.ok(TS_RE.match(str(j.get("started_at"))) and TS_RE.match(str(j.get("finished_at"))),
               "the done job has started_at and finished_at", "timestamps", j)
        et = rj.h("etag") if rj is not None else None
        if et:
            go("GET", loc, headers={"If-None-Match": et},
               label="GET /v1/jobs/{id} with If-None-Match -> 304")
            go("HEAD", loc)
        go("GET", loc + "?zzz=1", label="GET /v1/jobs/{id}?zzz=1 -> 400")
    r = go("GET", "/v1/articles/" + url_id(a_url))
    a = r.json() if r.status == 200 else {}
    tap.ok(r.status == 200 and a.get("urls") == [a_url] and
           (a.get("fetch") or {}).get("source") == a_url and
           a.get("title") == fx.article("dup")[0],
           "after the job the article is in /v1/articles with fetch provenance and urls [url]",
           "200 + provenance", r)
    r = go("POST", "/v1/fetch", json.dumps({"url": b_url}).encode(), hdr,
           "POST /v1/fetch (the same text under another URL) -> 202")
    if r.status == 202 and r.h("location"):
        rj = wait_job(cl, c, r.h("location"))
        j = rj.json() if rj is not None and rj.status == 200 else {}
        res = j.get("result") or {}
        tap.eq((j.get("state"), res.get("stored"), res.get("duplicates")), ("done", 0, 1),
               "second job: done, 0 stored, 1 duplicate")
    r = go("GET", "/v1/articles/" + url_id(a_url))
    tap.eq(r.json().get("urls") if r.status == 200 else r, [a_url, b_url],
           "the same text under two URLs: one article, urls [A, B]")
    r = go("GET", "/v1/articles/" + url_id(b_url))
    tap.eq(r.status, 404, "no second article for URL B")
    # a job that fails
    r = go("POST", "/v1/fetch", json.dumps({"url": missing}).encode(), hdr,
           "POST /v1/fetch (a 404 page) -> 202")
    if r.status == 202 and r.h("location"):
        rj = wait_job(cl, c, r.h("location"))
        j = rj.json() if rj is not None and rj.status == 200 else {}
        res = j.get("result") or {}
        tap.ok(j.get("state") == "failed" and res.get("http_status") == 404 and
               "404" in str(res.get("error")), "a job for a 404 page ends failed, http_status 404, "
               "the error names it", "failed/404", j)
    secret = fx.url("/private/secret.html")
    r = go("POST", "/v1/fetch", json.dumps({"url": secret}).encode(), hdr,
           "POST /v1/fetch (robots.txt disallows) -> 202")
    if r.status == 202 and r.h("location"):
        rj = wait_job(cl, c, r.h("location"))
        j = rj.json() if rj is not None and rj.status == 200 else {}
        tap.ok(j.get("state") == "failed" and "robots" in str((j.get("result") or {}).get("error")),
               "a job for a page robots.txt disallows ends failed naming robots.txt", "failed",
               j)
    tap.eq(fx.hits("/private/secret.html"), 0, "the server never requested the disallowed page")

    # ---- a job seen while it runs: the answer (and its ETag) changes
    slow = fx.url("/slow/page.html")
    t0 = time.monotonic()
    r = go("POST", "/v1/fetch", json.dumps({"url": slow}).encode(), hdr,
           "POST /v1/fetch (a page answered after %.1fs) -> 202" % fx.slow_delay)
    took = time.monotonic() - t0
    tap.ok(r.status == 202 and took < fx.slow_delay / 2,
           "POST /v1/fetch answers before the page does (fetched in the background)",
           "202 in < %.2fs" % (fx.slow_delay / 2), "%s in %.3fs" % (r.status, took))
    loc = r.h("location") if r.status == 202 else None
    if loc:
        early = go("GET", loc, label="GET /v1/jobs/{id} while the job runs")
        st = early.json().get("state") if early.status == 200 else None
        rj = wait_job(cl, c, loc)
        if st in ("queued", "running") and early.h("etag"):
            late = go("GET", loc, headers={"If-None-Match": early.h("etag")},
                      label="GET /v1/jobs/{id} with the ETag seen while it ran")
            tap.ok(late.status == 200 and late.h("etag") != early.h("etag") and
                   late.json().get("state") == "done",
                   "a finished job does not match the ETag it had while %s: 200, a new ETag" % st,
                   "200 + new ETag", late)
        else:
            tap.skip("a finished job does not match the ETag it had while it ran",
                     "the first poll already saw state %r" % st)

    # ---- refusals
    body = json.dumps({"url": a_url}).encode()
    for what, b, h in (
            ("ftp:// URL", json.dumps({"url": "ftp://example.com/feed.xml"}).encode(), hdr),
            ("not a URL", json.dumps({"url": "not a url"}).encode(), hdr),
            ("URL without a host", json.dumps({"url": "http:///x"}).encode(), hdr),
            ("empty url", json.dumps({"url": ""}).encode(), hdr),
            ("url not a string", json.dumps({"url": 5}).encode(), hdr),
            ("no url member", b"{}", hdr),
            ("an unknown member", json.dumps({"url": a_url, "extra": 1}).encode(), hdr),
            ("a repeated member", ('{"url":"%s","url":"%s"}' % (a_url, b_url)).encode(), hdr),
            ("invalid JSON", b"{", hdr),
            ("a JSON array", b"[]", hdr)):
        r = go("POST", "/v1/fetch", b, h, "POST /v1/fetch with %s -> 400" % what)
        ok, why = E.is_problem(r, 400, "bad-body")
        tap.ok(ok, "POST /v1/fetch with %s -> 400 bad-body" % what, 400, why + " " + repr(r))
    r = go("POST", "/v1/fetch?x=1", body, hdr, "POST /v1/fetch?x=1 -> 400")
    tap.eq(r.status, 400, "POST /v1/fetch with a query parameter -> 400")
    r = E.raw_request(srv.port, "POST", "/v1/fetch", [("Content-Type", "application/json"),
                                                      ("Content-Length", str(len(body)))], body)
    c.check(r, "POST /v1/fetch without a token -> 401")
    tap.ok(r.status == 401 and (r.h("www-authenticate") or "").startswith("Bearer"),
           "POST /v1/fetch without a token -> 401 with WWW-Authenticate: Bearer", 401, r)
    r = E.raw_request(srv.port, "POST", "/v1/fetch", [("Authorization", "Bearer wrong-wrong-wrong"),
                                                      ("Content-Type", "application/json"),
                                                      ("Content-Length", str(len(body)))], body)
    c.check(r, "POST /v1/fetch with a wrong token -> 401")
    tap.eq(r.status, 401, "POST /v1/fetch with a wrong token -> 401")
    r = go("POST", "/v1/fetch", (page + "\n").encode(), {"Authorization": AUTH,
                                                        "Content-Type": "text/plain"},
           "POST /v1/fetch text/plain URL -> 202")
    tap.ok(r.status == 202 and r.json().get("url") == page,
           "POST /v1/fetch with the URL as text/plain (as the spec allows) -> 202", 202, r)
    if r.status == 202 and r.h("location"):
        wait_job(cl, c, r.h("location"))
    r = go("POST", "/v1/fetch", b"ftp://example.com/x\n", {"Authorization": AUTH,
                                                          "Content-Type": "text/plain"},
           "POST /v1/fetch text/plain ftp:// -> 400")
    tap.ok(E.is_problem(r, 400, "bad-body")[0], "POST /v1/fetch text/plain ftp:// -> 400", 400, r)
    r = go("POST", "/v1/fetch", json.dumps({"url": page + "?" + "a" * 2100}).encode(), hdr,
           "POST /v1/fetch with a 2100-byte URL -> 400")
    tap.ok(E.is_problem(r, 400, "bad-body")[0], "POST /v1/fetch with a URL over 2048 bytes -> 400",
           400, r)
    r = go("POST", "/v1/fetch", ("<a href='%s'>x</a>" % page).encode(),
           {"Authorization": AUTH, "Content-Type": "text/html"}, "POST /v1/fetch text/html -> 415")
    tap.eq(r.status, 415, "POST /v1/fetch with text/html -> 415")
    r = E.raw_request(srv.port, "POST", "/v1/fetch", [("Authorization", AUTH),
                                                      ("Content-Type", "application/json")])
    c.check(r, "POST /v1/fetch without Content-Length -> 411")
    tap.eq(r.status, 411, "POST /v1/fetch without Content-Length -> 411")
    r = E.raw_request(srv.port, "POST", "/v1/fetch", [("Authorization", AUTH),
                                                      ("Content-Type", "application/json"),
                                                      ("Content-Length", str(1 << 24))],
                      send_body=False)
    c.check(r, "POST /v1/fetch declaring 16 MiB -> 413")
    tap.eq(r.status, 413, "POST /v1/fetch declaring 16 MiB (over --max-body) -> 413")
    for target in ("/v1/jobs/unknown", "/v1/jobs/j-999999", "/v1/jobs/j-0", "/v1/jobs/j-01"):
        r = go("GET", target, label="GET %s -> 404" % target)
        tap.ok(E.is_problem(r, 404, "not-found")[0], "GET %s -> 404 not-found" % target, 404, r)
    for target in ("/v1/fetch", "/v1/jobs/j-1", "/v1/sources"):
        r = go("OPTIONS", target)
        tap.ok(r.status == 204 and r.h("allow"), "OPTIONS %s -> 204 with Allow" % target, 204, r)
    long_q = "zzz=" + "a" * 5000
    for m, target in (("GET", "/v1/sources?" + long_q), ("GET", "/v1/jobs/j-1?" + long_q),
                      ("GET", "/v1/jobs/j-" + "1" * 5000), ("OPTIONS", "/v1/jobs/j-" + "1" * 5000)):
        what = "%s %s (a %d-byte target)" % (m, target[:12], len(target))
        r = go(m, target, label=what + " -> 414")
        tap.eq(r.status, 414, what + " -> 414")
    r = E.raw_request(srv.port, "POST", "/v1/fetch?" + long_q,
                      [("Authorization", AUTH), ("Content-Type", "application/json"),
                       ("Content-Length", str(len(body)))], body)
    c.check(r, "POST /v1/fetch with a 5000-byte target -> 414")
    tap.eq(r.status, 414, "POST /v1/fetch with a 5000-byte target -> 414")
    for m, target in (("GET", "/v1/fetch"), ("DELETE", "/v1/jobs/j-1"), ("POST", "/v1/sources"),
                      ("PUT", "/v1/fetch")):
        r = go(m, target, b"" if m in ("POST", "PUT") else None,
               {"Authorization": AUTH} if m != "GET" else None,
               label="%s %s -> 405" % (m, target))
        tap.eq(r.status, 405, "%s %s -> 405" % (m, target))
    cl.close()


def server_env(tap, c, exe, sources, tmp):
    """The fetch settings from ECFACTS_SOURCES / _ALLOW_PRIVATE / _FETCH_INTERVAL."""
    data = os.path.join(tmp, "srv-env")
    env = E.clean_env(ECFACTS_SOURCES=sources, ECFACTS_ALLOW_PRIVATE="1",
                      ECFACTS_FETCH_INTERVAL="1h", ECFACTS_HOST_DELAY="0")
    srv = E.Server(exe, data, workdir=tmp, env=env, args=["--no-sample"])
    try:
        srv.start()
    except E.ServerError as e:
        tap.ok(False, "serve with ECFACTS_SOURCES etc. starts", "listening", str(e))
        return
    try:
        cl = E.Client(srv.port)
        dl = E.Deadline(POLL_DEADLINE)
        r = None
        while not dl.passed():
            r = cl.get("/v1/sources")
            if r.status != 200 or len(r.json().get("items", [])) >= 4:
                break
            time.sleep(0.2)
        c.check(r, "GET /v1/sources (sources from the environment)")
        stored = sum((s.get("counts") or {}).get("stored", 0)
                     for s in (r.json().get("items", []) if r.status == 200 else []))
        tap.ok(r.status == 200 and len(r.json().get("items", [])) == 4 and stored == 6,
               "ECFACTS_SOURCES + ECFACTS_ALLOW_PRIVATE: the sources polled at start, 6 stored",
               "4 sources, 6 stored", r)
        cl.close()
    finally:
        srv.stop()
    rc, out, err = E.run([exe, "serve", "--listen", "127.0.0.1:0", "--data", data,
                          "--fetch-interval", "soon"])
    tap.ok(rc == 2 and "fetch-interval" in err, "serve --fetch-interval soon: exit 2 naming it", 2,
           (rc, err[-300:]))


def server_private(tap, c, exe, fx, tmp):
    """A server without --allow-private refuses the fixture's loopback address."""
    data = os.path.join(tmp, "srv-private")
    srv = E.Server(exe, data, workdir=tmp, args=["--no-sample", "--host-delay", "0"])
    try:
        srv.start()
    except E.ServerError as e:
        tap.ok(False, "serve without --allow-private starts", "listening", str(e))
        return
    try:
        cl = E.Client(srv.port)
        fx.clear_log()
        u = fx.url("/news/page.html")
        r = cl.request("POST", "/v1/fetch", json.dumps({"url": u}).encode(),
                       {"Authorization": AUTH, "Content-Type": "application/json"})
        c.check(r, "POST /v1/fetch (loopback, not allowed) -> 202")
        if r.status == 202 and r.h("location"):
            rj = wait_job(cl, c, r.h("location"))
            j = rj.json() if rj is not None and rj.status == 200 else {}
            err = str((j.get("result") or {}).get("error"))
            tap.ok(j.get("state") == "failed" and "loopback" in err,
                   "without --allow-private the job fails, the error names the address class "
                   "(loopback)", "failed, ...127.0.0.1 is loopback", j)
        else:
            tap.ok(False, "POST /v1/fetch -> 202", 202, r)
        tap.eq(len(fx.requests()), 0, "without --allow-private no request reached the fixture")
        r = cl.get("/v1/articles")
        c.check(r)
        tap.eq(r.json().get("items") if r.status == 200 else r, [],
               "without --allow-private nothing was stored")
        cl.close()
    finally:
        srv.stop()


def server_replica(tap, c, exe, data, tmp):
    """A read-only replica lists sources but takes no fetches (503)."""
    srv = E.Server(exe, data, workdir=tmp, args=["--read-only", "--no-sample"])
    try:
        srv.start()
    except E.ServerError as e:
        tap.ok(False, "serve --read-only starts on the fetched store", "listening", str(e))
        return
    try:
        cl = E.Client(srv.port)
        r = cl.request("POST", "/v1/fetch", json.dumps({"url": "http://127.0.0.1:9/x"}).encode(),
                       {"Authorization": AUTH, "Content-Type": "application/json"})
        c.check(r, "POST /v1/fetch on a read-only replica -> 503")
        tap.eq(r.status, 503, "POST /v1/fetch on a read-only replica -> 503")
        r = cl.get("/v1/sources")
        c.check(r, "GET /v1/sources on a replica")
        tap.ok(r.status == 200 and len(r.json().get("items", [])) >= 4,
               "a replica of the fetched store lists its sources", ">= 4 sources", r)
        cl.close()
    finally:
        srv.stop()


def server_odd_pages(tap, c, exe, fx, tmp):
    """Pages whose headers or errors are not UTF-8, and a canonical URL on
    another site (issue 13 items 8, 11, 12)."""
    html_page = F.page_html("Odd headers story", "2026-02-10",
                            ["SMIC said its new fab would ship in 2026 despite the rules."])
    canon_page = F.page_html("Claims another site's story", "2026-02-11",
                             ["Huawei said the page names somebody else's URL."],
                             canonical="https://victim.example.com/story")
    fx.raw["/odd/ctype"] = (200, b"%PDF-1.4", [("Content-Type", "application/x-caf\xe9\x01")])
    fx.raw["/odd/meta.html"] = (200, html_page, [
        ("Content-Type", "text/html; charset=utf-8; x=caf\xe9"),
        ("ETag", '"\xe9t\xe9"'),
        ("Last-Modified", "Tue, 10 Feb 2026 08:00:00 GMT\xff")])
    fx.raw["/odd/canon.html"] = (200, canon_page, [("Content-Type", "text/html; charset=utf-8")])
    data = os.path.join(tmp, "srv-odd")
    srv = E.Server(exe, data, workdir=tmp,
                   args=["--no-sample", "--allow-private", "--host-delay", "0"])
    try:
        srv.start()
    except E.ServerError as e:
        tap.ok(False, "serve --allow-private starts (odd pages)", "listening", str(e))
        return
    try:
        cl = E.Client(srv.port)
        jobs = {}
        for path in ("/odd/ctype", "/odd/meta.html", "/odd/canon.html"):
            r = cl.request("POST", "/v1/fetch", json.dumps({"url": fx.url(path)}).encode(),
                           {"Authorization": AUTH, "Content-Type": "application/json"})
            c.check(r, "POST /v1/fetch %s -> 202" % path)
            rj = wait_job(cl, c, r.h("location")) if r.status == 202 and r.h("location") else r
            jobs[path] = rj
        rj = jobs["/odd/ctype"]
        j = rj.json() if rj.status == 200 else {}
        err = str((j.get("result") or {}).get("error"))
        tap.ok(rj.status == 200 and j.get("state") == "failed" and "caf\ufffd\\x01" in err,
               "a non-UTF-8 Content-Type in the error: GET /v1/jobs/{id} is 200, the job failed, "
               "the byte is U+FFFD and the control character \\x01", "200 failed caf\ufffd\\x01",
               rj)
        rj = jobs["/odd/meta.html"]
        j = rj.json() if rj.status == 200 else {}
        res = j.get("result") or {}
        tap.ok(j.get("state") == "done" and res.get("stored") == 1,
               "obs-text in ETag, Last-Modified and Content-Type: the article is stored",
               "done, 1 stored", rj)
        r = cl.get("/v1/articles/" + url_id(fx.url("/odd/meta.html")))
        c.check(r, "GET the article with odd headers")
        f = (r.json().get("fetch") or {}) if r.status == 200 else {}
        tap.eq((f.get("etag"), f.get("last_modified"), f.get("content_type")),
               ('"\ufffdt\ufffd"', "Tue, 10 Feb 2026 08:00:00 GMT\ufffd",
                "text/html; charset=utf-8; x=caf\ufffd"),
               "the article's fetch metadata keeps the header values with U+FFFD for bad bytes")
        rj = jobs["/odd/canon.html"]
        j = rj.json() if rj.status == 200 else {}
        res = j.get("result") or {}
        note = str(res.get("note"))
        tap.ok(j.get("state") == "done" and res.get("stored") == 1 and
               "victim.example.com" in note and "another site" in note,
               "a canonical URL on another site: the job is done, its note says it was ignored",
               "done, note ... another site ...", rj)
        own = cl.get("/v1/articles/" + url_id(fx.url("/odd/canon.html")))
        victim = cl.get("/v1/articles/" + url_id("https://victim.example.com/story"))
        tap.eq((own.status, victim.status, (own.json() if own.status == 200 else {}).get("url")),
               (200, 404, fx.url("/odd/canon.html")),
               "...and the page is stored under its own URL, not under the other site's")
        r = cl.get("/v1/sources")
        c.check(r, "GET /v1/sources with odd pages")
        by = {s.get("url"): s for s in (r.json().get("items", []) if r.status == 200 else [])}
        tap.ok("\ufffd" in str((by.get(fx.url("/odd/ctype")) or {}).get("last_error")) and
               "another site" in str((by.get(fx.url("/odd/canon.html")) or {}).get("note")),
               "/v1/sources records the sanitised error and the note", "U+FFFD, note", by)
        cl.close()
    finally:
        srv.stop()


def server_cut_feed(tap, c, exe, fx, tmp):
    """A feed cut short (`</rss` never closed; issue 15): the job is done, its
    items before the break are stored, and the job's report and
    /v1/sources say where the XML broke."""
    pages = {
        "/cut/one.html": ("Foundry orders shift after the licence rule", "2026-03-02",
                          ["TSMC said orders from Chinese designers fell after the licence rule "
                           "took effect, a spokesperson said on Monday."]),
        "/cut/two.html": ("Equipment makers book more service revenue", "2026-03-03",
                          ["ASML said service revenue from its installed base in China rose "
                           "while new tool shipments slowed."]),
    }
    for path, (title, date, paras) in pages.items():
        fx.raw[path] = (200, F.page_html(title, date, paras),
                        [("Content-Type", "text/html; charset=utf-8")])
    items = "".join("\n<item><title>%s</title><link>%s</link></item>" % (t, fx.url(p))
                    for p, (t, _, _) in pages.items())
    feed = ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            "<title>Cut feed</title>%s\n</channel></rss" % items).encode()
    fx.raw["/cut/feed.rss"] = (200, feed, [("Content-Type", "application/rss+xml")])
    data = os.path.join(tmp, "srv-cut")
    srv = E.Server(exe, data, workdir=tmp,
                   args=["--no-sample", "--allow-private", "--host-delay", "0"])
    try:
        srv.start()
    except E.ServerError as e:
        tap.ok(False, "serve --allow-private starts (cut feed)", "listening", str(e))
        return
    try:
        cl = E.Client(srv.port)
        feed_url = fx.url("/cut/feed.rss")
        r = cl.request("POST", "/v1/fetch", json.dumps({"url": feed_url}).encode(),
                       {"Authorization": AUTH, "Content-Type": "application/json"})
        c.check(r, "POST /v1/fetch (a cut feed) -> 202")
        rj = wait_job(cl, c, r.h("location")) if r.status == 202 and r.h("location") else r
        j = rj.json() if rj is not None and rj.status == 200 else {}
        res = j.get("result") or {}
        note = str(res.get("note"))
        tap.ok(j.get("state") == "done" and res.get("error") is None and
               (res.get("found"), res.get("stored"), res.get("failed")) == (2, 2, 0),
               "a feed cut short: the job is done, its 2 items found and stored", "done 2/2/0",
               rj)
        tap.ok("feed cut short" in note and "broken XML at line 5" in note and
               "kept the 2 items" in note,
               "a feed cut short: the job's note says where the XML broke and what was kept",
               "feed cut short (broken XML at line 5 ...): kept the 2 items", note)
        got = [cl.get("/v1/articles/" + url_id(fx.url(p))) for p in pages]
        for g in got:
            c.check(g, "GET an article of the cut feed")
        tap.ok([g.status for g in got] == [200, 200] and
               all(g.json().get("title") == t for g, (t, _, _) in zip(got, pages.values())),
               "the articles of the cut feed are stored, with their titles", "200 200",
               [g.status for g in got])
        r = cl.get("/v1/sources")
        c.check(r, "GET /v1/sources with a cut feed")
        by = {s.get("url"): s for s in (r.json().get("items", []) if r.status == 200 else [])}
        src = by.get(feed_url) or {}
        tap.ok(src.get("is_feed") is True and src.get("last_error") is None and
               "feed cut short" in str(src.get("note")),
               "/v1/sources: the cut feed is a feed without error, its note names the break",
               "is_feed, note", src)
        cl.close()
    finally:
        srv.stop()


META_LD_PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <title>Licence queue grows for lithography tools | Chip Wire</title>
  <script type="application/ld+json">
  {"@context": "https://schema.org", "@type": "NewsArticle",
   "headline": "Licence queue grows for lithography tools",
   "datePublished": "2026-03-05T07:30:00+00:00",
   "author": [{"@type": "Person", "name": "Jane Roe"}, {"@type": "Person", "name": "Li Wei"}],
   "publisher": {"@type": "Organization", "name": "Chip Wire"}}
  </script>
</head>
<body>
  <nav><a href="/">Home</a> NAVBOILER</nav>
  <article>
    <h1>Licence queue grows for lithography tools</h1>
    <p>The U.S. Department of Commerce has a growing queue of licence applications for
       lithography tools bound for China, two officials said on Thursday.</p>
    <p>ASML said it had applied for licences covering several immersion systems and expects
       answers within the quarter.</p>
  </article>
  <footer>FOOTERBOILER</footer>
</body>
</html>
"""

META_TAG_PAGE = """<!DOCTYPE html>
<html>
<head>
  <meta charset="utf-8">
  <title>Memory makers weigh new fabs abroad</title>
  <meta property="article:published_time" content="2026-03-06T10:00:00Z">
  <meta name="author" content="Ana Souza">
  <meta property="og:site_name" content="Foundry Notes">
  <meta property="og:locale" content="pt_BR">
</head>
<body>
  <main>
    <p>SK Hynix said it was weighing a second packaging plant outside Korea as export rules
       on advanced memory tighten.</p>
    <p>Samsung declined to say whether it would follow, a spokesperson said.</p>
  </main>
</body>
</html>
"""


def server_page_meta(tap, c, exe, fx, tmp):
    """What a fetched page says about itself (JSON-LD, or meta tags only) is
    stored with the article and shown by GET /v1/articles/{id} (issue 15)."""
    pages = {"/meta/ld.html": META_LD_PAGE, "/meta/tags.html": META_TAG_PAGE}
    for path, body in pages.items():
        fx.raw[path] = (200, body.encode(), [("Content-Type", "text/html; charset=utf-8")])
    data = os.path.join(tmp, "srv-meta")
    srv = E.Server(exe, data, workdir=tmp,
                   args=["--no-sample", "--allow-private", "--host-delay", "0"])
    try:
        srv.start()
    except E.ServerError as e:
        tap.ok(False, "serve --allow-private starts (page metadata)", "listening", str(e))
        return
    try:
        cl = E.Client(srv.port)
        for path in pages:
            r = cl.request("POST", "/v1/fetch", json.dumps({"url": fx.url(path)}).encode(),
                           {"Authorization": AUTH, "Content-Type": "application/json"})
            c.check(r, "POST /v1/fetch %s -> 202" % path)
            rj = wait_job(cl, c, r.h("location")) if r.status == 202 and r.h("location") else r
            j = rj.json() if rj is not None and rj.status == 200 else {}
            tap.ok(j.get("state") == "done" and (j.get("result") or {}).get("stored") == 1,
                   "%s fetched and stored" % path, "done, 1 stored", rj)
        keys = ("date", "published", "byline", "site", "lang")
        want = {"/meta/ld.html": ("2026-03-05", "2026-03-05", "Jane Roe, Li Wei", "Chip Wire",
                                  "en-GB"),
                "/meta/tags.html": ("2026-03-06", "2026-03-06", "Ana Souza", "Foundry Notes",
                                    "pt-BR")}
        for path, w in want.items():
            r = cl.get("/v1/articles/" + url_id(fx.url(path)))
            c.check(r, "GET the article of %s (page metadata)" % path)
            d = r.json() if r.status == 200 else {}
            tap.eq(tuple(d.get(k) for k in keys), w,
                   "%s: date, published, byline, site, lang read back over HTTP" % path)
        r = cl.get("/v1/articles?limit=10")
        c.check(r, "GET /v1/articles (page metadata in the list)")
        items = r.json().get("items", []) if r.status == 200 else []
        tap.ok(sorted(a.get("lang") for a in items) == ["en-GB", "pt-BR"],
               "the list's Article carries them too", "en-GB, pt-BR",
               [a.get("lang") for a in items])
        cl.close()
    finally:
        srv.stop()


def main(tap):
    exe, _shared = E.binary_from_argv()
    with open(os.path.join(E.REPO, "openapi.yaml"), "rb") as f:
        spec = yaml.safe_load(f)
    tmp = E.tempdir("fetch")
    try:
        if cli_help(tap, exe):
            cli_usage(tap, exe, tmp)
            with F.FixtureServer() as fx:
                cli_fetch(tap, exe, fx, tmp)
                cli_address_policy(tap, exe, fx, tmp)
        else:
            tap.diag("no `ecfacts fetch`: the CLI part is skipped")
        with F.FixtureServer() as fx:
            server_main(tap, exe, fx, spec, tmp)
    finally:
        E.rmtree(tmp)


if __name__ == "__main__":
    E.run_main("test_fetch", main)
