"""A small web site for the fetch tests and the fetch benchmark, served from
this process by a threaded http.server on 127.0.0.1 (port 0).

Standard library only. Everything it serves is written here for the tests
(short dispatches about chip export controls; not copied from any corpus):

  /robots.txt              allows everything except /private/
  /feeds/policy.rss        RSS 2.0: /news/rss-1.html, /news/rss-2.html, /news/flaky.html
  /feeds/markets.atom      Atom 1.0: /news/atom-1.html, /news/atom-2.html
  /news/<slug>.html        article pages: nav/header/aside/footer boilerplate
                           around an <article>; ETag + Last-Modified,
                           If-None-Match / If-Modified-Since -> 304
  /news/flaky.html         500 on the first request, then the page
  /news/missing.html       404
  /news/dup.html and
  /mirror/dup.html         the same page (same text) under two URLs
  /private/secret.html     a page robots.txt disallows (must never be requested)
  /slow/page.html          an article page answered after `slow_delay` seconds
  /redirect/metadata       302 to http://169.254.169.254/latest/meta-data/
  /bench/<n>.html          n = 0..bench_pages-1: distinct generated pages

Every request is logged (method, path, request headers, status) so tests can
assert what the fetcher did, e.g. that robots.txt was asked once and a
disallowed page never. `delay` (seconds) is slept before answering anything
under /bench/ (a server-side latency, so client concurrency matters)."""
import hashlib
import html
import http.server
import threading
import time

BOILERPLATE = ("NAVBOILER", "HEADERBOILER", "ASIDEBOILER", "FOOTERBOILER", "SHAREBOILER")
LAST_MODIFIED = "Mon, 02 Mar 2026 08:00:00 GMT"
METADATA_URL = "http://169.254.169.254/latest/meta-data/"

# slug -> (title, date, [paragraphs]); written for these tests.
ARTICLES = {
    "rss-1": (
        "Commerce widens licence rule for AI accelerators bound for China",
        "2026-01-14",
        ["The U.S. Department of Commerce said on Tuesday that exports of advanced AI "
         "accelerators to China now need a licence, closing a gap that let lower-binned parts "
         "ship freely.",
         "Nvidia said the H20, the part it designed for Chinese customers, falls under the "
         "new licence requirement.",
         "Analysts at a Hong Kong brokerage expect the rule to cut Nvidia's China revenue for "
         "at least two quarters."]),
    "rss-2": (
        "Huawei lifts Ascend 910B output as SMIC adds capacity",
        "2026-01-20",
        ["Huawei has raised production of the Ascend 910B, people familiar with its supply "
         "chain said.",
         "SMIC manufactures the Ascend 910B on its 7nm process at a plant near Shanghai.",
         "The U.S. Department of Commerce added Huawei to the Entity List in 2019, cutting it "
         "off from most American chip tools."]),
    "flaky": (
        "SMIC faces fresh scrutiny over tool imports",
        "2026-02-03",
        ["Lawmakers in Washington asked the U.S. Department of Commerce to review how SMIC "
         "obtained etching tools after it was added to the Entity List in 2020.",
         "SMIC said it complies with all applicable export rules and declined to comment "
         "further."]),
    "atom-1": (
        "Nvidia pauses H20 shipments while licences are reviewed",
        "2026-02-10",
        ["Nvidia suspended shipments of the H20 to customers in China while it waits for "
         "licences from the U.S. Department of Commerce.",
         "Tencent uses the H20 in several data centres and had ordered more before the pause, "
         "two people said."]),
    "atom-2": (
        "Chinese cloud providers test the Ascend 910C",
        "2026-02-18",
        ["Baidu uses the Ascend 910C in a new inference cluster, according to a filing seen "
         "by the newsletter.",
         "The Ascend 910C is the successor to the Ascend 910B and pairs two dies in one "
         "package, Huawei engineers said at a conference."]),
    "page": (
        "Entity List additions reach chip equipment suppliers",
        "2026-03-01",
        ["The U.S. Department of Commerce added eleven Chinese companies that supply "
         "chipmaking equipment to the Entity List on Friday.",
         "Officials said the listed firms helped SMIC and Huawei work around earlier controls "
         "on advanced tools."]),
    "dup": (
        "Same dispatch, two addresses: TSMC and the H20 supply chain",
        "2026-03-05",
        ["TSMC manufactures the H20 for Nvidia on a 4nm process, according to two people "
         "familiar with the orders.",
         "Nvidia partners with TSMC on advanced packaging, the companies said in a joint "
         "statement about export compliance."]),
    "slow": (
        "Licence backlog slows chip shipments to Chinese data centres",
        "2026-03-08",
        ["Exporters of AI accelerators waited weeks for licences from the U.S. Department of "
         "Commerce this spring, delaying shipments of the H20 to Chinese data centres.",
         "Alibaba uses the H20 in its cloud and said the delays would not change its plans."]),
    "secret": (
        "A page robots.txt forbids",
        "2026-03-06",
        ["This page is disallowed by robots.txt and must never be fetched by a polite "
         "crawler such as the ecfacts fetcher."]),
}

RSS_ITEMS = ["rss-1", "rss-2", "flaky"]
ATOM_ITEMS = ["atom-1", "atom-2"]


def page_html(title, date, paragraphs, canonical=None):
    """An article page wrapped in typical site chrome."""
    e = html.escape
    paras = "\n".join("      <p>%s</p>" % e(p) for p in paragraphs)
    canon = '\n  <link rel="canonical" href="%s">' % e(canonical) if canonical else ""
    return ("""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>%(t)s</title>
  <meta property="article:published_time" content="%(d)sT08:00:00Z">%(c)s
  <style>body { font-family: sans-serif; }</style>
  <script>window.analytics = "SCRIPTBOILER";</script>
</head>
<body>
  <header><a href="/">Chip Wire</a> HEADERBOILER</header>
  <nav><ul><li><a href="/">Home</a></li><li><a href="/policy/">Policy</a></li>
    <li><a href="/markets/">Markets</a></li></ul> NAVBOILER</nav>
  <main>
    <article>
      <h1>%(t)s</h1>
      <time datetime="%(d)s">%(d)s</time>
%(p)s
      <div class="share-buttons">Share this story SHAREBOILER</div>
    </article>
    <aside><h2>Most read</h2><ul><li>Other stories ASIDEBOILER</li></ul></aside>
  </main>
  <footer>Copyright 2026 Chip Wire. Cookie settings. FOOTERBOILER</footer>
</body>
</html>
""" % {"t": e(title), "d": date, "c": canon, "p": paras}).encode("utf-8")


def bench_page(n):
    """A distinct generated page for the benchmark."""
    companies = ["Huawei", "Nvidia", "SMIC", "TSMC", "Baidu", "Tencent", "Alibaba"]
    chips = ["H20", "Ascend 910B", "Ascend 910C", "H100", "A100"]
    c1, c2 = companies[n % 7], companies[(n * 3 + 1) % 7]
    chip = chips[n % 5]
    title = "Bench dispatch %d: %s and the %s" % (n, c1, chip)
    paras = [
        "%s uses the %s in its data centres, according to bench note %d." % (c1, chip, n),
        "The U.S. Department of Commerce added %s to the Entity List, bench filing %d said."
        % (c2, n),
        "%s partners with %s on cloud services; this paragraph %d pads the page to a "
        "realistic size with ordinary prose about export controls, licences and supply "
        "chains." % (c1, c2, n),
    ] + ["Background %d.%d: officials reviewed licence applications for advanced chips and "
         "the equipment used to make them, and companies adjusted their plans." % (n, k)
         for k in range(6)]
    return page_html(title, "2026-01-%02d" % (n % 28 + 1), paras)


def etag_of(body):
    return '"%s"' % hashlib.sha256(body).hexdigest()[:16]


class FixtureServer:
    """The site, started in-process: `with FixtureServer() as fx: fx.url(...)`."""

    def __init__(self, delay=0.0, bench_pages=0):
        self.delay = delay
        self.slow_delay = 1.5   # seconds before anything under /slow/ is answered
        self.bench_pages = bench_pages
        self.lock = threading.Lock()
        self.log = []           # (method, path, {header: value}, status)
        self.flaky_served = 0   # requests to /news/flaky.html so far
        self.httpd = None
        self.thread = None
        self.port = None
        self.base = None
        self.pages = {}         # path -> (body bytes, content type)
        self.raw = {}           # path -> (status, body bytes, [(header, value)]) sent as is
        self._build()

    # --- content -----------------------------------------------------------

    def url(self, path):
        return self.base + path

    def _build(self):
        for slug, (title, date, paras) in ARTICLES.items():
            body = page_html(title, date, paras)
            if slug == "dup":
                self.pages["/news/dup.html"] = (body, "text/html; charset=utf-8")
                self.pages["/mirror/dup.html"] = (body, "text/html; charset=utf-8")
            elif slug == "slow":
                self.pages["/slow/page.html"] = (body, "text/html; charset=utf-8")
            elif slug == "secret":
                self.pages["/private/secret.html"] = (body, "text/html; charset=utf-8")
            else:
                self.pages["/news/%s.html" % slug] = (body, "text/html; charset=utf-8")
        self.pages["/robots.txt"] = (b"User-agent: *\nDisallow: /private/\n",
                                     "text/plain; charset=utf-8")

    def _feeds(self):
        """Feeds name absolute links, so they depend on the port."""
        e = html.escape
        items = []
        for slug in RSS_ITEMS:
            title, date, _ = ARTICLES[slug]
            items.append("""    <item>
      <title>%s</title>
      <link>%s</link>
      <guid>%s</guid>
      <pubDate>%s</pubDate>
    </item>""" % (e(title), self.url("/news/%s.html" % slug), self.url("/news/%s.html" % slug),
                  time.strftime("%a, %d %b %Y 08:00:00 GMT", time.strptime(date, "%Y-%m-%d"))))
        rss = ("""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>Chip Wire: policy</title>
    <link>%s/</link>
    <description>Export-control news (test fixture)</description>
%s
  </channel>
</rss>
""" % (self.base, "\n".join(items))).encode("utf-8")
        entries = []
        for slug in ATOM_ITEMS:
            title, date, _ = ARTICLES[slug]
            entries.append("""  <entry>
    <title>%s</title>
    <link rel="alternate" type="text/html" href="%s"/>
    <id>tag:chipwire.test,2026:%s</id>
    <updated>%sT08:00:00Z</updated>
  </entry>""" % (e(title), self.url("/news/%s.html" % slug), slug, date))
        atom = ("""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Chip Wire: markets</title>
  <id>tag:chipwire.test,2026:markets</id>
  <updated>2026-02-18T08:00:00Z</updated>
  <link rel="self" href="%s"/>
%s
</feed>
""" % (self.url("/feeds/markets.atom"), "\n".join(entries))).encode("utf-8")
        self.pages["/feeds/policy.rss"] = (rss, "application/rss+xml; charset=utf-8")
        self.pages["/feeds/markets.atom"] = (atom, "application/atom+xml; charset=utf-8")

    def article(self, slug):
        """(title, date, paragraphs) of an article page."""
        return ARTICLES[slug]

    def etag(self, path):
        return etag_of(self.pages[path][0])

    # --- request log -------------------------------------------------------

    def requests(self, path=None):
        with self.lock:
            return [r for r in self.log if path is None or r[1] == path]

    def hits(self, path):
        return len(self.requests(path))

    def clear_log(self):
        with self.lock:
            self.log = []

    # --- life cycle --------------------------------------------------------

    def start(self):
        fx = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "ChipWireFixture/1.0"
            # headers and body are two writes: without TCP_NODELAY a kept-alive
            # connection waits for the client's delayed ACK (~40 ms) per answer
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def do_HEAD(self):
                self._serve(head=True)

            def do_GET(self):
                self._serve(head=False)

            def _send(self, status, body=b"", ctype=None, headers=(), head=False):
                with fx.lock:
                    fx.log.append((self.command, self.path.split("?")[0],
                                   {k.lower(): v for k, v in self.headers.items()}, status))
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                for k, v in headers:
                    self.send_header(k, v)
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body and not head and status != 304:
                    self.wfile.write(body)

            def _serve(self, head):
                path = self.path.split("?")[0]
                if path.startswith("/bench/"):
                    if fx.delay:
                        time.sleep(fx.delay)
                    try:
                        n = int(path[len("/bench/"):-len(".html")])
                    except ValueError:
                        n = -1
                    if path.endswith(".html") and 0 <= n < fx.bench_pages:
                        return self._send(200, bench_page(n), "text/html; charset=utf-8",
                                          head=head)
                    return self._send(404, b"not found\n", "text/plain", head=head)
                if path.startswith("/slow/"):
                    time.sleep(fx.slow_delay)
                if path == "/redirect/metadata":
                    return self._send(302, b"", None, [("Location", METADATA_URL)], head=head)
                if path == "/news/missing.html":
                    return self._send(404, b"<html><body><p>No such page.</p></body></html>",
                                      "text/html; charset=utf-8", head=head)
                if path == "/news/flaky.html":
                    with fx.lock:
                        fx.flaky_served += 1
                        first = fx.flaky_served == 1
                    if first:
                        return self._send(500, b"<html><body><p>Try again.</p></body></html>",
                                          "text/html; charset=utf-8", head=head)
                raw = fx.raw.get(path)
                if raw is not None:
                    # header values are sent as latin-1: chr(0xe9) is the byte 0xe9
                    return self._send(raw[0], raw[1], None, raw[2], head=head)
                page = fx.pages.get(path)
                if page is None:
                    return self._send(404, b"not found\n", "text/plain", head=head)
                body, ctype = page
                tag = etag_of(body)
                hdrs = [("ETag", tag), ("Last-Modified", LAST_MODIFIED),
                        ("Cache-Control", "max-age=60")]
                inm = self.headers.get("If-None-Match")
                ims = self.headers.get("If-Modified-Since")
                if inm is not None:
                    tags = [t.strip() for t in inm.split(",")]
                    if "*" in tags or tag in tags or ("W/" + tag) in tags:
                        return self._send(304, b"", None, hdrs, head=head)
                elif ims is not None and ims == LAST_MODIFIED:
                    return self._send(304, b"", None, hdrs, head=head)
                return self._send(200, body, ctype, hdrs, head=head)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = "http://127.0.0.1:%d" % self.port
        self._feeds()
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.thread.join(timeout=10)
            self.httpd = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


if __name__ == "__main__":
    # Manual use: serve the site until interrupted.
    import sys
    fx = FixtureServer(delay=float(sys.argv[1]) if len(sys.argv) > 1 else 0.0, bench_pages=200)
    fx.start()
    print("fixture on %s (e.g. %s)" % (fx.base, fx.url("/feeds/policy.rss")), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fx.stop()
