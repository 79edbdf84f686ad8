#!/usr/bin/python3
"""openapi.yaml is true to the server.

usage: test_contract.py ECFACTS_BINARY [SHARED_DIR]      (TAP on stdout)

1. `ecfacts routes` and the spec's paths/methods are the same set (the route
   table lists GET, which implies HEAD: the spec declares both).
2. Every response the real server gives to a catalogue of requests (every
   operation, and every status we can provoke) is checked against what the
   spec declares for (path, method, status, content type): the status must
   be declared, required headers present and valid, and the body valid
   against the declared schema (Draft 2020-12, refs into #/components).
3. The query parameters the spec declares are the ones the server accepts,
   with the same bounds, enums and patterns.
4. Every GET has a HEAD with the same parameters, statuses and headers and
   no body (tools/openapi-head writes them), and the real server answers
   HEAD on every GET path with the GET's status and headers and no body."""
import json
import os
import re
import socket
import sys
import time
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ecftest as E  # noqa: E402

import yaml  # noqa: E402  (python3-yaml)
from jsonschema import Draft202012Validator, RefResolver  # noqa: E402  (python3-jsonschema)

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
IMPLICIT = ("options",)  # answered on every known path; not in `ecfacts routes`


class Contract:
    def __init__(self, tap, spec):
        self.t = tap
        self.spec = spec
        self.resolver = RefResolver.from_schema(spec)
        self.templates = []
        for path in spec["paths"]:
            rx = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$"
            self.templates.append((path, re.compile(rx)))
        self.produced = set()  # (path, method, status)

    def deref(self, obj):
        while isinstance(obj, dict) and "$ref" in obj:
            ref = obj["$ref"]
            assert ref.startswith("#/"), ref
            node = self.spec
            for part in ref[2:].split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
            obj = node
        return obj

    def template_of(self, target):
        path = urllib.parse.unquote(target.split("?")[0])
        for tmpl, rx in self.templates:
            if rx.match(path):
                return tmpl
        return None

    def schema_errors(self, schema, instance):
        v = Draft202012Validator(schema, resolver=self.resolver)
        return ["%s at /%s" % (e.message[:300], "/".join(str(p) for p in e.absolute_path))
                for e in sorted(v.iter_errors(instance), key=lambda e: list(e.absolute_path))]

    def check(self, r, label=None):
        """One test point: r is what the spec says for its route and status."""
        why = self.why(r)
        label = label or "%s %s -> %s" % (r.method, r.target[:70], r.status)
        return self.t.ok(not why, "contract: " + label, "as the spec declares",
                         "; ".join(why) + " | body: " + E._short(r.body, 300))

    def why(self, r):
        errs = []
        tmpl = self.template_of(r.target)
        method = r.method.lower()
        op = None
        if tmpl is not None:
            item = self.spec["paths"][tmpl]
            op = item.get(method)
        if op is None:
            # Not an operation of the spec (unknown path, other method, too long):
            # the answer must still be a documented problem.
            if r.status not in (404, 405, 414):
                errs.append("status %s for an undeclared operation %s %s"
                            % (r.status, r.method, tmpl or r.target[:60]))
            if r.method != "HEAD":
                errs += self.body_errors(r, {"application/problem+json": {
                    "schema": {"$ref": "#/components/schemas/Problem"}}})
            if r.status == 405 and tmpl is not None:
                item = self.spec["paths"][tmpl]
                want = {m.upper() for m in item if m in METHODS}
                want.add("OPTIONS")
                got = {x.strip() for x in (r.h("allow") or "").split(",") if x.strip()}
                if got != want:
                    errs.append("Allow %r, the spec's methods are %r" % (r.h("allow"),
                                                                         sorted(want)))
            return errs
        self.produced.add((tmpl, method, str(r.status)))
        responses = op.get("responses", {})
        resp = responses.get(str(r.status))
        if resp is None:
            return ["status %s is not declared for %s %s (declared: %s)"
                    % (r.status, method, tmpl, ", ".join(sorted(responses)))]
        resp = self.deref(resp)
        for name, h in (resp.get("headers") or {}).items():
            h = self.deref(h)
            val = r.h(name)
            if val is None:
                if h.get("required"):
                    errs.append("required header %s missing" % name)
                continue
            schema = h.get("schema") or {}
            if schema.get("type") == "integer":
                try:
                    val = int(val)
                except ValueError:
                    errs.append("header %s=%r is not an integer" % (name, val))
                    continue
            for e in self.schema_errors(schema, val):
                errs.append("header %s=%r: %s" % (name, val, e))
        if r.method == "HEAD" or r.status in (204, 304):
            if r.body:
                errs.append("a body on %s %s" % (r.method, r.status))
            return errs
        errs += self.body_errors(r, resp.get("content"))
        return errs

    def body_errors(self, r, content):
        ctype = (r.h("content-type") or "").split(";")[0].strip().lower()
        if not content:
            return ["a body where the spec declares none"] if r.body else []
        if ctype not in content:
            return ["Content-Type %r not declared (%s)" % (r.h("content-type"),
                                                          ", ".join(content))]
        schema = content[ctype].get("schema") or {}
        if ctype.endswith("json"):
            try:
                doc = json.loads(r.body.decode("utf-8"))
            except ValueError as e:
                return ["body is not JSON: %s" % e]
        else:
            try:
                doc = r.body.decode("utf-8")
            except UnicodeDecodeError as e:
                return ["body is not UTF-8: %s" % e]
        return self.schema_errors(schema, doc)


def spec_routes(spec):
    out = set()
    for path, item in spec["paths"].items():
        for m in item:
            if m in METHODS and m not in IMPLICIT:
                out.add("%s %s" % (m.upper(), path))
    return out


def check_head_ops(tap, c, spec):
    """Every GET path has a HEAD operation declaring the GET's parameters,
    statuses and headers, without a body (a Prism mock refuses undeclared
    HEADs), and every operationId is unique."""
    ids = [op.get("operationId") for item in spec["paths"].values()
           for m, op in item.items() if m in METHODS]
    tap.ok(None not in ids and len(ids) == len(set(ids)), "every operation has a unique "
           "operationId", "unique", sorted({i for i in ids if ids.count(i) > 1 or i is None},
                                           key=str))
    gets = sorted(p for p, item in spec["paths"].items() if "get" in item)
    heads = sorted(p for p, item in spec["paths"].items() if "head" in item)
    tap.ok(gets == heads, "every GET path declares HEAD, and only those", gets,
           "HEAD missing on %s; HEAD without GET on %s"
           % (sorted(set(gets) - set(heads)), sorted(set(heads) - set(gets))))

    def headers_of(resp):
        return {n.lower(): c.deref(h) for n, h in (resp.get("headers") or {}).items()}

    bad = []
    for path in gets:
        get, head = spec["paths"][path]["get"], spec["paths"][path].get("head")
        if head is None:
            continue
        gp = [c.deref(p) for p in get.get("parameters", [])]
        hp = [c.deref(p) for p in head.get("parameters", [])]
        if gp != hp:
            bad.append("%s: parameters differ" % path)
        gr, hr = get.get("responses", {}), head.get("responses", {})
        if sorted(gr) != sorted(hr):
            bad.append("%s: statuses GET %s, HEAD %s" % (path, sorted(gr), sorted(hr)))
        for st in sorted(set(gr) & set(hr)):
            g, h = c.deref(gr[st]), c.deref(hr[st])
            if headers_of(g) != headers_of(h):
                bad.append("%s %s: headers GET %s, HEAD %s" % (path, st, sorted(headers_of(g)),
                                                               sorted(headers_of(h))))
            if h.get("content"):
                bad.append("%s %s: HEAD declares a body" % (path, st))
        if head.get("security", []) != get.get("security", []) or \
                head.get("tags") != get.get("tags"):
            bad.append("%s: security or tags differ" % path)
    tap.ok(not bad, "each HEAD has its GET's parameters, statuses and headers, and no body",
           "none differ", bad)


def exchange_close(port, method, target, headers=()):
    """One request on its own connection (Connection: close), read to EOF:
    (status, sorted [(name, value)], every byte after the header block).
    Reading to EOF, not by Content-Length, is what shows a body sent on HEAD."""
    req = "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" % (method, target)
    req += "".join("%s: %s\r\n" % kv for kv in headers) + "\r\n"
    buf = b""
    dl = E.Deadline(30)
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(req.encode("latin-1"))
        while not dl.passed():
            d = sock.recv(65536)
            if not d:
                break
            buf += d
    head, sep, rest = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    m = re.match(r"^HTTP/1\.1 (\d{3}) ", lines[0]) if sep else None
    hdrs = sorted((k.strip().lower(), v.strip()) for k, _, v in (ln.partition(":")
                                                                  for ln in lines[1:]))
    return (int(m.group(1)) if m else None), hdrs, rest


def check_head_live(tap, c, port, tmpl, targets):
    """HEAD on each target answers the GET's status and headers, no body."""
    bad = []
    for target, extra in targets:
        gs, gh, gbody = exchange_close(port, "GET", target, extra)
        hs, hh, hbody = exchange_close(port, "HEAD", target, extra)
        label = "%s%s" % (target[:60], " (If-None-Match)" if extra else "")
        # Date may tick between the two; /metrics counts the requests themselves.
        skip = {"date"} | ({"content-length"} if tmpl == "/metrics" else set())
        g = [kv for kv in gh if kv[0] not in skip]
        h = [kv for kv in hh if kv[0] not in skip]
        if gs is None or hs != gs:
            bad.append("%s: GET %s, HEAD %s" % (label, gs, hs))
        if h != g:
            bad.append("%s: headers GET %s, HEAD %s" % (label, g, h))
        if hbody:
            bad.append("%s: HEAD sent %d body bytes" % (label, len(hbody)))
        if gs not in (204, 304) and not gbody:
            bad.append("%s: GET %s sent no body" % (label, gs))
        why = c.why(E.Resp("HEAD", target, hs, "", hh, hbody))
        if why:
            bad.append("%s: HEAD %s: %s" % (label, hs, "; ".join(why)))
    tap.ok(not bad, "HEAD %s: the GET's status and headers, no body (%d targets)"
           % (tmpl, len(targets)), "same", bad)


def valid_value(name, schema, ids):
    """A value the spec says is valid, for the parameter name."""
    schema = schema or {}
    if "enum" in schema:
        return schema["enum"][0]
    if schema.get("type") == "integer":
        return str(schema.get("default", schema.get("minimum", 1)))
    known = {"country": "CN", "q": "hu", "since": "2019", "until": "2025-12-31",
             "imposer": ids.get("imposer", "united-states"), "target": "huawei",
             "subject": "huawei", "object": "huawei", "cursor": ids.get("cursor")}
    return known.get(name, "x")


def main(tap):
    exe, _shared = E.binary_from_argv()
    spec_path = os.path.join(E.REPO, "openapi.yaml")
    with open(spec_path, "rb") as f:
        spec_bytes = f.read()
    spec = yaml.safe_load(spec_bytes)
    tap.ok(str(spec.get("openapi", "")).startswith("3.1"), "openapi.yaml is OpenAPI 3.1",
           "3.1.x", spec.get("openapi"))
    bad = []
    for name, schema in spec["components"]["schemas"].items():
        try:
            Draft202012Validator.check_schema(schema)
        except Exception as e:  # noqa: BLE001
            bad.append((name, str(e)[:200]))
    tap.ok(not bad, "every component schema is a valid Draft 2020-12 schema", "none bad", bad)

    rc, out, err = E.run([exe, "routes"])
    tap.eq(rc, 0, "ecfacts routes exits 0")
    lines = [ln.strip() for ln in out.splitlines() if ln.strip()]
    bad = [ln for ln in lines if not re.match(r"^[A-Z]+ /\S*$", ln)]
    tap.ok(lines and not bad, "ecfacts routes prints 'METHOD PATH' lines", "METHOD PATH", bad[:5]
           or err[-300:])
    server_routes = set(lines)
    table = set(server_routes)
    tap.ok(not [ln for ln in lines if ln.startswith("HEAD ")],
           "the route table lists GET routes only as GET (HEAD is implied)", "no HEAD line",
           [ln for ln in lines if ln.startswith("HEAD ")])
    # server/router.c router_match: a GET route also answers HEAD.
    table |= {"HEAD " + ln[4:] for ln in lines if ln.startswith("GET ")}
    want = spec_routes(spec)
    tap.ok(table == want, "`ecfacts routes` (+ HEAD for each GET) == the spec's paths "
           "and methods", "same set", "only in routes: %s; only in spec: %s"
           % (sorted(table - want), sorted(want - table)))
    tap.eq(len(lines), len(server_routes), "ecfacts routes lists each route once")
    missing_options = [p for p, item in spec["paths"].items() if "options" not in item]
    tap.ok(not missing_options, "every spec path documents OPTIONS", "all", missing_options)

    c = Contract(tap, spec)
    check_head_ops(tap, c, spec)
    rc, out, err = E.run([sys.executable, os.path.join(E.REPO, "tools", "openapi-head"), "--check",
                          spec_path])
    tap.ok(rc == 0, "tools/openapi-head --check: the HEAD operations are what the GETs give",
           0, "exit %s: %s" % (rc, err[-600:]))
    tmp = E.tempdir("contract")
    srv = E.Server(exe, os.path.join(tmp, "data"), args=["--max-body", "65536"], workdir=tmp)
    try:
        srv.start()
        run_catalogue(tap, c, srv, spec, spec_bytes)
    except E.ServerError as e:
        tap.ok(False, "serve starts", "listening on ...", str(e))
    finally:
        rc = srv.stop()
    tap.eq(rc, 0, "serve exits 0 on SIGTERM")
    try:
        run_507(tap, c, exe, tmp)
    except E.ServerError as e:
        tap.ok(False, "tiny-map serve starts", "listening on ...", str(e))
    E.rmtree(tmp)
    # What the spec declares that no request here produced (informational).
    declared = set()
    for path, item in spec["paths"].items():
        for m, op in item.items():
            if m in METHODS:
                for st in op.get("responses", {}):
                    declared.add((path, m, st))
    unseen = sorted(declared - c.produced)
    tap.diag("declared but not produced here (%d): %s" % (
        len(unseen), ", ".join("%s %s %s" % (m.upper(), p, s) for p, m, s in unseen)))


def run_catalogue(tap, c, srv, spec, spec_bytes):
    cl = E.Client(srv.port)
    auth = "Bearer " + E.TOKEN

    def go(method, target, body=None, headers=None, label=None):
        r = cl.request(method, target, body, headers)
        c.check(r, label)
        return r

    def raw(method, target, headers, body=b"", send_body=True, label=None):
        r = E.raw_request(srv.port, method, target, headers, body, send_body=send_body)
        c.check(r, label)
        return r

    r = go("GET", "/openapi.yaml")
    tap.ok(r.body == spec_bytes, "GET /openapi.yaml serves this openapi.yaml (rebuild if stale)",
           "%d bytes" % len(spec_bytes), "%d bytes" % len(r.body))

    # real ids for the path templates
    ids = {}
    for key, target in (("entity", "/v1/entities?limit=1&q=huawei"), ("chip", "/v1/chips?limit=50"),
                        ("fact", "/v1/facts?limit=1"), ("sanction", "/v1/sanctions?limit=1"),
                        ("article", "/v1/articles?limit=1")):
        r = go("GET", target)
        items = r.json()["items"] if r.status == 200 else []
        if key == "chip":
            # a chip with a lineage
            for ch in items:
                lr = cl.get("/v1/chips/%s/lineage" % ch["id"])
                if lr.status == 200 and lr.json()["edges"]:
                    ids["chip"] = ch["id"]
                    break
            if "chip" not in ids and items:
                ids["chip"] = items[0]["id"]
        elif items:
            ids[key] = items[0]["id"]
            if key == "sanction":
                ids["imposer"] = items[0]["imposer"]["id"]
        if r.status == 200 and r.json().get("next_cursor") and "cursor" not in ids \
                and key in ("fact", "sanction", "article"):
            ids["cursor_target"] = target.split("?")[0]
            ids["cursor"] = r.json()["next_cursor"]
    # a job that has ended (a refused private address), for /v1/jobs/{id}
    r = go("POST", "/v1/fetch", b"http://127.0.0.1:1/contract",
           {"Authorization": auth, "Content-Type": "text/plain"}, "POST /v1/fetch -> 202")
    dl = E.Deadline(60)
    while r.status == 202 and not dl.passed():
        j = cl.get(r.h("location") or "/v1/jobs/j-0")
        if j.status != 200 or j.json().get("state") not in ("queued", "running"):
            if j.status == 200:
                ids["job"] = j.json()["id"]
            break
        time.sleep(0.05)  # polling a job: its state is what is waited for
    tap.ok({"entity", "chip", "fact", "sanction", "article", "job"} <= set(ids),
           "sample data (and an ended job) provide an id for every path template", "all",
           sorted(ids))

    def concrete(tmpl):
        return (tmpl.replace("/v1/entities/{id}", "/v1/entities/" + ids.get("entity", "huawei"))
                .replace("/v1/chips/{id}", "/v1/chips/" + ids.get("chip", "h20"))
                .replace("/v1/facts/{id}", "/v1/facts/" + ids.get("fact", "f-0"))
                .replace("/v1/sanctions/{id}", "/v1/sanctions/" + ids.get("sanction", "s-0"))
                .replace("/v1/articles/{id}", "/v1/articles/" + ids.get("article", "a"))
                .replace("/v1/jobs/{id}", "/v1/jobs/" + ids.get("job", "j-0"))
                .replace("/ui/{asset}", "/ui/app.js"))

    unknown = {"/v1/entities/{id}": "/v1/entities/no-such-entity",
               "/v1/chips/{id}/lineage": "/v1/chips/no-such-chip/lineage",
               "/v1/facts/{id}": "/v1/facts/f-0000000000000000",
               "/v1/sanctions/{id}": "/v1/sanctions/s-0000000000000000",
               "/v1/articles/{id}": "/v1/articles/no-such-article",
               "/v1/jobs/{id}": "/v1/jobs/j-999999999",
               "/ui/{asset}": "/ui/no-such-file.js"}

    for tmpl, item in spec["paths"].items():
        path = concrete(tmpl)
        base = path + ("?q=hu" if tmpl == "/v1/search" else "")
        sep = "&" if "?" in base else "?"
        go("OPTIONS", path)
        if "get" in item:
            r = go("GET", base)
            go("HEAD", base)
            if r.h("etag"):
                go("GET", base, headers={"If-None-Match": r.h("etag")},
                   label="GET %s with If-None-Match -> 304" % tmpl)
            go("GET", base + sep + "zzz=1", label="GET %s?zzz=1 (unknown parameter)" % tmpl)
            go("GET", base + sep + "zzz=" + "a" * 5000, label="GET %s with a 5000-byte query" % tmpl)
            if tmpl in unknown:
                go("GET", unknown[tmpl], label="GET %s unknown id" % tmpl)
            targets = [(base, ()), (base + sep + "zzz=1", ()), (base + sep + "z=" + "a" * 5000, ())]
            if r.h("etag"):
                targets.append((base, (("If-None-Match", r.h("etag")),)))
            if tmpl in unknown:
                targets.append((unknown[tmpl], ()))
            check_head_live(tap, c, srv.port, tmpl, targets)
            check_params(tap, c, cl, tmpl, item["get"], base, ids)
        for m in ("DELETE", "PUT", "PATCH"):
            go(m, path, b"" if m != "DELETE" else None, label="%s %s (not in the spec)" % (m, tmpl))
    go("GET", "/v1/no-such-route", label="GET an unknown path")
    go("GET", "/v1/entities/" + "a" * 5000, label="GET a 5000-byte path")
    go("GET", "/v1/chips/huawei/lineage", label="lineage of a non-chip -> 400")
    go("GET", "/v1/chips/%s/lineage?depth=1" % ids.get("chip", "h20"))
    go("GET", "/v1/chips/%s/lineage?depth=5" % ids.get("chip", "h20"))

    # POST /v1/articles: every status we can provoke
    text = ("Contract test article\n\nHuawei uses the Ascend 910B, a test sentence. "
            "The U.S. Department of Commerce added Huawei to the Entity List in 2019.\n")
    jbody = json.dumps({"id": "contract-1", "text": text, "url": None, "date": "2025-01-02"})
    hdr = {"Authorization": auth, "Content-Type": "application/json"}
    r = go("POST", "/v1/articles", jbody.encode(), hdr, "POST JSON -> 201")
    tap.eq(r.status, 201, "POST /v1/articles created the article")
    go("POST", "/v1/articles", jbody.encode(), hdr, "POST the same again -> 200 duplicate")
    go("POST", "/v1/articles", json.dumps({"id": "contract-1", "text": text + "More.\n"}).encode(),
       hdr, "POST same id other text -> 409")
    go("POST", "/v1/articles", ("Plain contract title\n\n" + text).encode(),
       {"Authorization": auth, "Content-Type": "text/plain"}, "POST text/plain -> 201")
    # what the page says about itself: stored, answered, validated against the spec
    meta = {"id": "contract-meta", "text": "Contract metadata article\n\nSMIC makes chips "
            "for Huawei, a contract test sentence.\n", "published": "2025-01-03",
            "byline": "Jane Roe", "site": "Chip Wire \u2013 Policy", "lang": "en-GB"}
    r = go("POST", "/v1/articles", json.dumps(meta).encode(), hdr, "POST with page metadata -> 201")
    got = (r.json().get("article") or {}) if r.status == 201 else {}
    d = go("GET", "/v1/articles/contract-meta", label="GET the article with page metadata")
    dj = d.json() if d.status == 200 else {}
    want = {k: meta[k] for k in ("published", "byline", "site", "lang")}
    tap.ok({k: got.get(k) for k in want} == want and {k: dj.get(k) for k in want} == want,
           "published, byline, site, lang: stored, in the POST's answer and in GET "
           "/v1/articles/{id}", want, (got, {k: dj.get(k) for k in want}))
    d = go("GET", "/v1/articles/contract-1", label="GET an article without page metadata")
    tap.ok(d.status == 200 and all(k in d.json() and d.json()[k] is None for k in want),
           "an article without page metadata: the four members present and null", "null", d)
    for k, v in (("published", "2023-02-29"), ("published", 20250103), ("byline", ["x"]),
                 ("site", "s" * 257), ("lang", "en_US"), ("lang", ""),
                 ("url", "javascript:alert(1)"), ("url", "data:text/html,<b>x</b>"),
                 ("url", " https://example.com/")):
        bad = dict(meta, id="contract-bad", **{k: v})
        r = go("POST", "/v1/articles", json.dumps(bad).encode(), hdr,
               "POST with a bad %s -> 400" % k)
        ok, why = E.is_problem(r, 400)
        tap.ok(ok and ("'%s'" % k) in str(r.json().get("detail")),
               "POST /v1/articles with %s=%.20r -> 400 problem naming the field" % (k, v),
               "400 naming %s" % k, why + " " + repr(r))
    tap.eq(cl.get("/v1/articles/contract-bad").status, 404, "no article stored by bad metadata")
    go("POST", "/v1/articles", b"{", hdr, "POST invalid JSON -> 400")
    go("POST", "/v1/articles", b'{"text":"x","extra":1}', hdr, "POST unknown member -> 400")
    go("POST", "/v1/articles?x=1", jbody.encode(), hdr, "POST with a query parameter -> 400")
    raw("POST", "/v1/articles", [("Content-Type", "text/plain"), ("Content-Length", "4")], b"abcd",
        label="POST without a token -> 401")
    raw("POST", "/v1/articles", [("Authorization", "Bearer nope-nope-nope-nope-nope"),
                                 ("Content-Type", "text/plain"), ("Content-Length", "4")], b"abcd",
        label="POST with a wrong token -> 401")
    go("POST", "/v1/articles", b"<p>x</p>", {"Authorization": auth, "Content-Type": "text/html"},
       "POST text/html -> 415")
    raw("POST", "/v1/articles", [("Authorization", auth), ("Content-Type", "text/plain")],
        label="POST without Content-Length -> 411")
    raw("POST", "/v1/articles", [("Authorization", auth), ("Content-Type", "text/plain"),
                                 ("Content-Length", str(1 << 24))], send_body=False,
        label="POST declaring 16 MiB -> 413")
    raw("POST", "/v1/articles?x=" + "a" * 5000, [("Authorization", auth),
                                                  ("Content-Type", "text/plain"),
                                                  ("Content-Length", "4")], b"abcd",
        label="POST with a 5000-byte target -> 414")
    cl.close()


def check_params(tap, c, cl, tmpl, op, base, ids):
    """The spec's query parameters against what the server accepts."""
    sep = "&" if "?" in base else "?"
    path_only = base.split("?")[0]
    params = [c.deref(p) for p in op.get("parameters", [])]
    declared = {p["name"] for p in params if p["in"] == "query"}
    for p in params:
        if p["in"] != "query":
            continue
        name, schema = p["name"], c.deref(p.get("schema") or {})
        other = base if name != "q" or tmpl != "/v1/search" else path_only
        osep = "&" if "?" in other else "?"

        def status_of(value, _other=other, _osep=osep, _name=name):
            if _name == "cursor":
                _other = ids.get("cursor_target", _other)
                _osep = "&" if "?" in _other else "?"
            r = cl.get(_other + _osep + urllib.parse.urlencode({_name: value}))
            c.check(r)
            return r
        if name == "cursor" and tmpl != ids.get("cursor_target"):
            r = status_of("***")
            tap.ok(r.status == 400, "%s: a malformed cursor -> 400" % tmpl, 400, r.status)
            continue
        v = valid_value(name, schema, ids)
        r = status_of(v)
        tap.ok(r.status == 200, "%s: declared parameter %s=%s is accepted" % (tmpl, name, v),
               200, "%s %s" % (r.status, E._short(r.body, 200)))
        for val in schema.get("enum", [])[1:]:
            r = status_of(val)
            if r.status != 200:
                tap.ok(False, "%s: %s=%s (in the spec's enum) is accepted" % (tmpl, name, val),
                       200, r.status)
        if "enum" in schema:
            r = status_of("not-in-enum")
            tap.ok(r.status == 400, "%s: %s outside the enum -> 400" % (tmpl, name), 400, r.status)
        if schema.get("type") == "integer":
            lo, hi = schema.get("minimum"), schema.get("maximum")
            if hi is not None:
                r1, r2 = status_of(str(hi)), status_of(str(hi + 1))
                tap.ok(r1.status == 200 and r2.status == 400,
                       "%s: %s maximum %d accepted, %d refused" % (tmpl, name, hi, hi + 1),
                       "200/400", "%s/%s" % (r1.status, r2.status))
            if lo is not None:
                r1, r2 = status_of(str(lo)), status_of(str(lo - 1))
                tap.ok(r1.status == 200 and r2.status == 400,
                       "%s: %s minimum %d accepted, %d refused" % (tmpl, name, lo, lo - 1),
                       "200/400", "%s/%s" % (r1.status, r2.status))
            r = status_of("abc")
            tap.ok(r.status == 400, "%s: %s=abc -> 400" % (tmpl, name), 400, r.status)
        if schema.get("maxLength") and name != "cursor":
            n = schema["maxLength"]
            r1, r2 = status_of("a" * n), status_of("a" * (n + 1))
            tap.ok(r1.status == 200 and r2.status == 400,
                   "%s: %s maxLength %d accepted, %d refused" % (tmpl, name, n, n + 1),
                   "200/400", "%s/%s" % (r1.status, r2.status))
        if schema.get("minLength", 0) > 1:
            n = schema["minLength"]
            r1, r2 = status_of("a" * n), status_of("a" * (n - 1))
            tap.ok(r1.status == 200 and r2.status == 400,
                   "%s: %s minLength %d accepted, %d refused" % (tmpl, name, n, n - 1),
                   "200/400", "%s/%s" % (r1.status, r2.status))
        if schema.get("pattern") == "^[A-Z]{2}$":
            r = status_of("cn")
            tap.ok(r.status == 400, "%s: %s=cn (against the pattern) -> 400" % (tmpl, name), 400,
                   r.status)
        if p.get("required"):
            r = cl.get(path_only)
            c.check(r)
            tap.ok(r.status == 400, "%s: without the required %s -> 400" % (tmpl, name), 400,
                   r.status)
    if not declared:
        return
    r = cl.get(base + sep + "undeclared=1")
    tap.ok(r.status == 400, "%s: a parameter the spec does not declare -> 400" % tmpl, 400,
           r.status)


def run_507(tap, c, exe, tmp):
    data = os.path.join(tmp, "small")
    os.mkdir(data)
    srv = E.Server(exe, data, args=["--map-size", "262144", "--no-sample"], workdir=tmp)
    got = None
    try:
        srv.start()
        cl = E.Client(srv.port)
        hdr = {"Authorization": "Bearer " + E.TOKEN, "Content-Type": "text/plain"}
        dl = E.Deadline(180)
        for i in range(2000):
            if dl.passed():
                break
            r = cl.request("POST", "/v1/articles", E.make_article(5000 + i, words=250).encode(), hdr)
            if r.status != 201:
                got = r
                break
        if got is not None:
            c.check(got, "POST on a full map -> %s" % got.status)
        tap.ok(got is not None and got.status == 507, "a full map answers 507", 507,
               got if got is not None else "no answer but 201 within the deadline")
        cl.close()
    finally:
        srv.stop()


if __name__ == "__main__":
    E.run_main("test_contract", main)
