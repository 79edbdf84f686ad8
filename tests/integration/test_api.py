#!/usr/bin/python3
"""Every route and every error status of docs/API.md against the real binary.

usage: test_api.py ECFACTS_BINARY [SHARED_DIR]      (TAP on stdout)

One server on the embedded sample articles (with a token, CORS for one
origin and a 64 KiB body limit) and, for 507, a second one on a tiny map
configured through the environment."""
import http.client
import json
import os
import re
import sys
import time
import unicodedata
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ecftest as E  # noqa: E402

ORIGIN = "https://dash.example.test"
MAX_BODY = 65536
LINEAGE_PREDICATES = {"successor_of", "variant_of", "rivals", "develops", "manufactures",
                      "uses", "powers", "process_node"}
CHIP_CHIP = {"successor_of", "variant_of", "rivals"}
NO_CACHE_ROUTES = {"/healthz", "/readyz", "/metrics"}
# Refused before the body is read: closing the connection is allowed there.
MAY_CLOSE = {401, 411, 413, 415}


def q(path, **params):
    return path + ("?" + urllib.parse.urlencode(params) if params else "")


def norm(s):
    """The name key the prefix filter uses (as documented in common/util.h)."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = re.sub(r"'s\b", "", s.replace("\u2019", "'"))
    s = re.sub(r"[^0-9a-z+ ]+", lambda m: "" if set(m.group(0)) <= {".", "'"} else " ", s)
    s = re.sub(r"\s+", " ", s).strip()
    return s[4:] if s.startswith("the ") else s


class Api:
    def __init__(self, tap, srv, log):
        self.t = tap
        self.srv = srv
        self.log = log
        self.cl = E.Client(srv.port, log)

    # --- helpers -------------------------------------------------------
    def get(self, target, headers=None):
        return self.cl.get(target, headers)

    def json200(self, target, desc=None, headers=None):
        r = self.get(target, headers)
        ok = r.status == 200 and r.h("content-type") == E.JSON_CT
        doc = None
        if ok:
            try:
                doc = r.json()
            except ValueError:
                ok = False
        self.t.ok(ok, desc or "GET %s -> 200 JSON" % target[:100],
                  "200 " + E.JSON_CT, "%s %s %s" % (r.status, r.h("content-type"),
                                                    E._short(r.body, 300)))
        return doc

    def problem(self, r, status, slug, desc, parameter=None):
        ok, why = E.is_problem(r, status, slug)
        if ok and parameter is not None:
            got = r.json().get("parameter")
            ok, why = got == parameter, "parameter %r" % (got,)
        if ok and slug not in ("bad-parameter",) and "parameter" in r.json():
            ok, why = False, "'parameter' member on a %s problem" % slug
        return self.t.ok(ok, desc, "%d %s%s" % (status, slug, " parameter=%s" % parameter
                                                 if parameter else ""),
                         "%s (%s) %s" % (r.status, why, E._short(r.body, 300)))

    def pages(self, base, limit, max_pages=2000):
        """Follows next_cursor from base; (items, error string or None)."""
        items, cursor, seen_cursors = [], None, set()
        sep = "&" if "?" in base else "?"
        for _ in range(max_pages):
            target = base + sep + "limit=%d" % limit
            if cursor is not None:
                target += "&cursor=" + urllib.parse.quote(cursor, safe="")
            r = self.get(target)
            if r.status != 200:
                return items, "%s -> %s %s" % (target, r.status, E._short(r.body, 200))
            doc = r.json()
            if set(doc) != {"items", "next_cursor"}:
                return items, "page keys %r" % sorted(doc)
            if len(doc["items"]) > limit:
                return items, "page of %d items for limit %d" % (len(doc["items"]), limit)
            items.extend(doc["items"])
            cursor = doc["next_cursor"]
            if cursor is None:
                return items, None
            if not doc["items"]:
                return items, "empty page with a next_cursor"
            if cursor in seen_cursors:
                return items, "cursor %r repeated" % cursor
            seen_cursors.add(cursor)
        return items, "more than %d pages" % max_pages

    def check_paging(self, base, key=lambda x: x["id"], limit=2, sorted_by_id=True):
        """Small pages until next_cursor is null: no duplicates, same set as
        one big page. Returns every item."""
        small, err = self.pages(base, limit)
        self.t.ok(err is None, "%s: paging with limit=%d ends on next_cursor null" % (base, limit),
                  "no error", err)
        ids = [key(x) for x in small]
        self.t.ok(len(ids) == len(set(ids)), "%s: no item twice across pages" % base,
                  "unique ids", sorted(i for i in ids if ids.count(i) > 1)[:10])
        big, err2 = self.pages(base, 500)
        if err2 is None:
            self.t.eq(sorted(ids), sorted(key(x) for x in big),
                      "%s: pages of %d hold the same items as pages of 500" % (base, limit))
        else:
            self.t.ok(False, "%s: pages of 500" % base, "no error", err2)
        if sorted_by_id:
            self.t.ok(ids == sorted(ids), "%s: items ordered by id" % base, "ascending ids",
                      ids[:20])
        return big if err2 is None else small

    # --- sections ------------------------------------------------------
    def ops(self):
        t = self.t
        r = self.get("/healthz")
        t.ok(r.status == 200 and r.h("content-type") == E.JSON_CT and r.json() == {"status": "ok"},
             "GET /healthz -> 200 {\"status\":\"ok\"}", '200 {"status":"ok"}', r)
        t.ok(r.h("etag") is None, "/healthz carries no ETag (never cached)", None, r.h("etag"))
        ready = self.json200("/readyz")
        t.ok(isinstance(ready, dict) and ready.get("status") == "ready"
             and isinstance(ready.get("articles"), int) and ready["articles"] >= 1,
             "/readyz: status ready with the sample articles counted", "ready, articles>=1",
             ready)
        st = self.json200("/v1/stats")
        keys = ["articles", "entities", "facts", "sanctions", "store_bytes", "map_size",
                "schema_version"]
        t.eq(list(st or {}), keys, "/v1/stats: members in the documented order")
        st = st or {}
        t.ok(all(isinstance(st.get(k), int) for k in keys), "/v1/stats: every member an integer",
             "ints", st)
        t.ok(st.get("articles", 0) >= 1 and st.get("entities", 0) >= 1
             and st.get("facts", 0) >= 1 and st.get("sanctions", 0) >= 1,
             "sample data: articles, entities, facts and sanctions exist", ">=1 each", st)
        t.ok(0 < st.get("store_bytes", 0) <= st.get("map_size", 0),
             "/v1/stats: 0 < store_bytes <= map_size", "store_bytes <= map_size", st)
        t.eq(st.get("schema_version"), 1, "/v1/stats: schema_version 1")
        t.eq((ready or {}).get("articles"), st.get("articles"), "/readyz articles == stats articles")
        return st

    def openapi(self):
        r = self.get("/openapi.yaml")
        ct = r.h("content-type") or ""
        # text/plain: a browser shows it (application/yaml is downloaded)
        self.t.ok(r.status == 200 and ct.split(";")[0].strip() == "text/plain"
                  and r.h("x-content-type-options") == "nosniff",
                  "GET /openapi.yaml -> 200 text/plain, nosniff", "200 text/plain nosniff",
                  "%s %s %s" % (r.status, ct, r.h("x-content-type-options")))
        with open(os.path.join(E.REPO, "openapi.yaml"), "rb") as f:
            repo = f.read()
        self.t.ok(r.body == repo, "/openapi.yaml serves the repository's openapi.yaml "
                  "(rebuild if it changed)", "%d bytes" % len(repo), "%d bytes" % len(r.body))

    def entities(self):
        t = self.t
        items = self.check_paging("/v1/entities")
        by_id = {e["id"]: e for e in items}
        t.ok("huawei" in by_id, "sample data: entity huawei listed", "huawei", sorted(by_id)[:30])
        keys = ["id", "name", "type", "country", "aliases", "mentions", "articles"]
        bad = [e for e in items if list(e) != keys]
        t.ok(not bad, "every Entity has exactly the documented members in order", keys, bad[:2])
        # filters
        for typ in ("chip", "company", "country"):
            page = self.json200(q("/v1/entities", type=typ, limit=500)) or {"items": []}
            t.ok(page["items"] and all(e["type"] == typ for e in page["items"]),
                 "/v1/entities?type=%s: non-empty, only %ss" % (typ, typ), typ,
                 [(e["id"], e["type"]) for e in page["items"]][:10])
        page = self.json200(q("/v1/entities", country="CN", limit=500)) or {"items": []}
        t.ok(page["items"] and all(e["country"] == "CN" for e in page["items"]),
             "/v1/entities?country=CN: non-empty, only CN", "CN",
             [(e["id"], e["country"]) for e in page["items"]][:10])
        t.ok("huawei" in {e["id"] for e in page["items"]}, "country=CN includes huawei",
             "huawei", [e["id"] for e in page["items"]][:20])
        page = self.json200(q("/v1/entities", type="company", country="CN", limit=500)) \
            or {"items": []}
        t.ok(page["items"] and all(e["type"] == "company" and e["country"] == "CN"
                                   for e in page["items"]),
             "type=company&country=CN: both filters apply", "company/CN",
             [(e["id"], e["type"], e["country"]) for e in page["items"]][:10])
        for prefix in ("hua", "Hua", "ascend"):
            page = self.json200(q("/v1/entities", q=prefix, limit=500)) or {"items": []}
            key = norm(prefix)
            bad = [e["id"] for e in page["items"]
                   if not any(norm(n).startswith(key) for n in [e["name"]] + e["aliases"])]
            t.ok(page["items"] and not bad,
                 "/v1/entities?q=%s: non-empty, every name or alias starts with it" % prefix,
                 "all match", bad or "empty")
        page = self.json200(q("/v1/entities", q="hua", limit=500)) or {"items": []}
        t.ok("huawei" in {e["id"] for e in page["items"]}, "q=hua finds huawei", "huawei",
             [e["id"] for e in page["items"]])
        self.check_paging("/v1/entities?type=company", limit=3)
        # detail
        d = self.json200("/v1/entities/huawei") or {}
        dkeys = keys + ["facts_out", "facts_in", "sanctions", "sources"]
        t.eq(list(d), dkeys, "EntityDetail members in the documented order")
        if d:
            t.eq({k: d[k] for k in keys}, by_id.get("huawei"),
                 "EntityDetail agrees with the list's Entity")
            t.ok(all(f["subject"]["id"] == "huawei" for f in d["facts_out"]),
                 "facts_out: huawei is every subject", "huawei",
                 [f["subject"]["id"] for f in d["facts_out"]][:10])
            t.ok(all(f["object"] and f["object"]["id"] == "huawei" for f in d["facts_in"]),
                 "facts_in: huawei is every object", "huawei",
                 [f["object"] for f in d["facts_in"]][:5])
            t.ok(all("huawei" in (s["imposer"]["id"], s["target"]["id"]) for s in d["sanctions"]),
                 "sanctions: huawei imposes or is targeted", "huawei",
                 [(s["imposer"]["id"], s["target"]["id"]) for s in d["sanctions"]][:5])
            t.ok(d["sanctions"], "huawei has sanctions in the sample data", "non-empty", [])
            t.ok(d["sources"] and all(list(s) == ["id", "title"] for s in d["sources"]),
                 "sources: non-empty ArticleRefs {id,title}", "{id,title}", d["sources"][:3])
            if len(d["sources"]) < 500:
                t.eq(d["articles"], len(d["sources"]), "Entity.articles == number of sources")
            t.ok(d["mentions"] >= d["articles"] >= 1, "mentions >= articles >= 1", ">=",
                 (d["mentions"], d["articles"]))
        r = self.get("/v1/entities/no-such-entity")
        self.problem(r, 404, "not-found", "GET /v1/entities/no-such-entity -> 404 problem")
        r = self.get("/v1/entities/" + urllib.parse.quote("bad id!"))
        self.problem(r, 404, "not-found", "GET /v1/entities/<malformed id> -> 404 problem")
        return items

    def chips(self, entities):
        t = self.t
        chips = self.check_paging("/v1/chips")
        t.ok(chips and all(c["type"] == "chip" for c in chips), "/v1/chips: only chips",
             "chip", [(c["id"], c["type"]) for c in chips][:10])
        t.eq(sorted(c["id"] for c in chips), sorted(e["id"] for e in entities if e["type"] == "chip"),
             "/v1/chips == /v1/entities?type=chip")
        page = self.json200(q("/v1/chips", q="ascend", limit=500)) or {"items": []}
        t.ok(page["items"] and all(c["type"] == "chip" and any(
            norm(n).startswith("ascend") for n in [c["name"]] + c["aliases"]) for c in page["items"]),
            "/v1/chips?q=ascend: Ascend chips only", "ascend*",
            [c["name"] for c in page["items"]])
        # lineage: the chip with the most edges
        best, best_doc = None, None
        for c in chips:
            r = self.get("/v1/chips/%s/lineage" % c["id"])
            if r.status != 200:
                t.ok(False, "lineage of chip %s -> 200" % c["id"], 200, r)
                continue
            doc = r.json()
            if best_doc is None or len(doc["edges"]) > len(best_doc["edges"]):
                best, best_doc = c["id"], doc
        t.ok(best_doc is not None and best_doc["edges"], "some chip has a non-empty lineage",
             "edges", best)
        if best_doc is None:
            return
        t.eq(list(best_doc), ["chip", "depth", "nodes", "edges"], "Lineage members in order")
        t.eq(best_doc["depth"], 2, "lineage without depth uses depth 2")
        same = self.json200("/v1/chips/%s/lineage?depth=2" % best)
        t.eq(same, best_doc, "lineage depth=2 == the default")
        docs = {}
        for depth in (1, 2, 5):
            doc = self.json200("/v1/chips/%s/lineage?depth=%d" % (best, depth))
            if not doc:
                continue
            docs[depth] = doc
            self.check_lineage(best, depth, doc)
        if 1 in docs and 2 in docs:
            n1 = {n["id"] for n in docs[1]["nodes"]}
            n2 = {n["id"] for n in docs[2]["nodes"]}
            e1 = {e["fact"] for e in docs[1]["edges"]}
            e2 = {e["fact"] for e in docs[2]["edges"]}
            t.ok(n1 <= n2 and e1 <= e2, "lineage depth 1 is part of depth 2", "subset",
                 (sorted(n1 - n2), sorted(e1 - e2)))
        # errors
        nonchip = "huawei"
        r = self.get("/v1/chips/%s/lineage" % nonchip)
        self.problem(r, 400, "bad-parameter", "lineage of a non-chip (huawei) -> 400", "id")
        r = self.get("/v1/chips/no-such-chip/lineage")
        self.problem(r, 404, "not-found", "lineage of an unknown id -> 404")
        for bad in ("0", "6", "x", "-1", "2.5", ""):
            r = self.get("/v1/chips/%s/lineage?depth=%s" % (best, bad))
            self.problem(r, 400, "bad-parameter", "lineage depth=%r -> 400" % bad, "depth")

    def check_lineage(self, chip, depth, doc):
        t = self.t
        t.ok(doc["chip"]["id"] == chip and doc["chip"]["type"] == "chip" and doc["depth"] == depth,
             "lineage depth=%d: chip and depth echoed" % depth, (chip, depth),
             (doc["chip"], doc["depth"]))
        nodes = [n["id"] for n in doc["nodes"]]
        t.ok(nodes and nodes[0] == chip and len(nodes) == len(set(nodes)),
             "lineage depth=%d: nodes unique, the chip first" % depth, chip, nodes[:10])
        named = set()
        bad = []
        for e in doc["edges"]:
            named.add(e["subject"])
            if e["object"] is not None:
                named.add(e["object"])
            if e["predicate"] not in LINEAGE_PREDICATES:
                bad.append(("predicate", e["predicate"]))
            if (e["object"] is None) != (e["predicate"] == "process_node") or \
                    (e["value"] is None) == (e["object"] is None):
                bad.append(("object/value", e["fact"], e["object"], e["value"]))
        t.ok(not bad, "lineage depth=%d: edge predicates and object/value as documented" % depth,
             "none bad", bad[:5])
        t.ok(named | {chip} == set(nodes), "lineage depth=%d: nodes are exactly the entities "
             "named by edges" % depth, sorted(named | {chip}), sorted(nodes))
        # chip nodes are within depth hops of the chip over chip-chip edges
        types = {n["id"]: n["type"] for n in doc["nodes"]}
        adj = {}
        for e in doc["edges"]:
            if e["predicate"] in CHIP_CHIP and e["object"]:
                adj.setdefault(e["subject"], set()).add(e["object"])
                adj.setdefault(e["object"], set()).add(e["subject"])
        dist, frontier = {chip: 0}, [chip]
        while frontier:
            nxt = []
            for n in frontier:
                for m in adj.get(n, ()):
                    if m not in dist:
                        dist[m] = dist[n] + 1
                        nxt.append(m)
            frontier = nxt
        far = [n for n, ty in types.items() if ty == "chip" and dist.get(n, 99) > depth]
        t.ok(not far, "lineage depth=%d: every chip node within %d chip-chip hops" % (depth, depth),
             "none further", far)
        if doc["edges"]:
            e = doc["edges"][0]
            f = self.json200("/v1/facts/%s" % e["fact"],
                             "an edge's fact %s is served by /v1/facts/{id}" % e["fact"]) or {}
            t.ok(f.get("predicate") == e["predicate"] and f.get("subject", {}).get("id")
                 == e["subject"], "edge agrees with its fact", e, f)

    def evidence_ok(self, rec):
        ev = rec["evidence"]
        conf = 1.0
        for x in ev:
            conf *= 1 - x["confidence"]
        want = min(0.99, 1 - conf)
        return (len(ev) >= 1 and rec["mentions"] >= len(ev)
                and 0 <= rec["confidence"] <= 0.99
                and (rec["mentions"] != len(ev) or abs(rec["confidence"] - want) < 1e-4))

    def sanctions(self):
        t = self.t
        items = self.check_paging("/v1/sanctions")
        t.ok(items, "sample data: sanctions listed", "non-empty", items)
        keys = ["id", "imposer", "target", "measure", "items", "date", "confidence", "status",
                "mentions", "evidence"]
        bad = [s["id"] for s in items if list(s) != keys]
        t.ok(not bad, "every Sanction has the documented members in order", keys, bad[:5])
        bad = [s["id"] for s in items
               if s["id"] != E.sanction_id(s["imposer"]["id"], s["target"]["id"], s["measure"])]
        t.ok(not bad, "sanction id = s- + sha256(imposer\\x1ftarget\\x1fmeasure)[:16]", "all",
             bad[:5])
        bad = [s["id"] for s in items if not self.evidence_ok(s)]
        t.ok(not bad, "sanction confidence = 1-prod(1-c) capped at 0.99, mentions >= evidences",
             "all", bad[:5])
        if not items:
            return
        s0 = items[0]
        got = self.json200("/v1/sanctions/%s" % s0["id"])
        t.eq(got, s0, "GET /v1/sanctions/{id} == the list item")
        for name, val, pick in (("measure", s0["measure"], lambda s: s["measure"]),
                                ("imposer", s0["imposer"]["id"], lambda s: s["imposer"]["id"]),
                                ("target", s0["target"]["id"], lambda s: s["target"]["id"])):
            page = self.json200(q("/v1/sanctions", **{name: val, "limit": 500})) or {"items": []}
            want = sorted(s["id"] for s in items if pick(s) == val)
            t.eq(sorted(s["id"] for s in page["items"]), want,
                 "/v1/sanctions?%s=%s: exactly the matching sanctions" % (name, val))
        dated = [s for s in items if s["date"]]
        t.ok(dated, "some sanction is dated", "dated", [s["date"] for s in items])
        # Year bounds only: whether "2019" is on/after "2019-05-01" is not specified.
        for since, until in (("2019", None), (None, "2019"), ("2020", "2024"), ("2025", None)):
            params = {"limit": 500}
            if since:
                params["since"] = since
            if until:
                params["until"] = until
            page = self.json200(q("/v1/sanctions", **params)) or {"items": []}

            def inside(d):
                if d is None:
                    return False
                if since and d[:len(since)] < since[:len(d)]:
                    return False
                if until and d[:len(until)] > until[:len(d)]:
                    return False
                return True
            want = sorted(s["id"] for s in items if inside(s["date"]))
            t.eq(sorted(s["id"] for s in page["items"]), want,
                 "/v1/sanctions?%s: the sanctions dated in range" % urllib.parse.urlencode(params))
        page = self.json200(q("/v1/sanctions", measure="investment_restriction",
                              target="no-such-entity")) or {}
        t.eq(page, {"items": [], "next_cursor": None}, "filters matching nothing: empty page")
        page = self.json200(q("/v1/sanctions", measure="procurement_ban",
                              target="no-such-entity")) or {}
        t.eq(page, {"items": [], "next_cursor": None}, "procurement_ban is a known measure")
        r = self.get("/v1/sanctions/s-0000000000000000")
        self.problem(r, 404, "not-found", "GET /v1/sanctions/<unknown> -> 404")

    def facts(self):
        t = self.t
        items = self.check_paging("/v1/facts", limit=5)
        t.ok(items, "sample data: facts listed", "non-empty", items)
        keys = ["id", "subject", "predicate", "object", "value", "confidence", "status",
                "mentions", "evidence"]
        bad = [f["id"] for f in items if list(f) != keys]
        t.ok(not bad, "every Fact has the documented members in order", keys, bad[:5])
        bad = [f["id"] for f in items if f["id"] != E.fact_id(
            f["subject"]["id"], f["predicate"], f["object"]["id"] if f["object"] else f["value"])]
        t.ok(not bad, "fact id = f- + sha256(subject\\x1fpredicate\\x1fobject-or-value)[:16]",
             "all", bad[:5])
        bad = [f["id"] for f in items if not self.evidence_ok(f)]
        t.ok(not bad, "fact confidence = 1-prod(1-c) capped at 0.99, mentions >= evidences",
             "all", bad[:5])
        bad = [f["id"] for f in items if (f["object"] is None) == (f["value"] is None)]
        t.ok(not bad, "a fact has an object or a value, not both", "all", bad[:5])
        if not items:
            return
        f0 = items[0]
        t.eq(self.json200("/v1/facts/%s" % f0["id"]), f0, "GET /v1/facts/{id} == the list item")
        obj = next((f for f in items if f["object"]), f0)
        for name, val, pick in (("subject", f0["subject"]["id"], lambda f: f["subject"]["id"]),
                                ("predicate", f0["predicate"], lambda f: f["predicate"]),
                                ("object", obj["object"]["id"] if obj["object"] else "huawei",
                                 lambda f: f["object"] and f["object"]["id"])):
            page = self.json200(q("/v1/facts", **{name: val, "limit": 500})) or {"items": []}
            want = sorted(f["id"] for f in items if pick(f) == val)
            t.eq(sorted(f["id"] for f in page["items"]), want,
                 "/v1/facts?%s=%s: exactly the matching facts" % (name, val))
        page = self.json200(q("/v1/facts", subject=f0["subject"]["id"], predicate=f0["predicate"],
                              limit=500)) or {"items": []}
        t.ok(f0["id"] in {f["id"] for f in page["items"]} and all(
            f["subject"]["id"] == f0["subject"]["id"] and f["predicate"] == f0["predicate"]
            for f in page["items"]), "subject&predicate filters combine", f0["id"],
            [f["id"] for f in page["items"]])
        self.check_paging("/v1/facts?predicate=%s" % f0["predicate"], limit=1)
        r = self.get("/v1/facts/f-0000000000000000")
        self.problem(r, 404, "not-found", "GET /v1/facts/<unknown> -> 404")

    def articles(self, stats):
        t = self.t
        items = self.check_paging("/v1/articles", limit=2)
        t.eq(len(items), stats.get("articles"), "/v1/articles lists stats.articles articles")
        keys = ["id", "title", "url", "urls", "date", "ingested_at", "sha256", "bytes", "counts",
                "fetch", "published", "byline", "site", "lang"]
        bad = [a["id"] for a in items if list(a) != keys]
        t.ok(not bad, "every Article has the documented members in order", keys, bad[:3])
        if not items:
            return
        a = items[0]
        d = self.json200("/v1/articles/%s" % a["id"]) or {}
        t.eq(list(d), keys + ["text", "entities", "facts", "sanctions"],
             "ArticleDetail members in order")
        if not d:
            return
        t.eq({k: d[k] for k in keys}, a, "ArticleDetail agrees with the list's Article")
        raw = d["text"].encode("utf-8")
        t.eq(d["sha256"], E.sha256_hex(raw), "Article.sha256 is the SHA-256 of its text")
        t.eq(d["bytes"], len(raw), "Article.bytes is the UTF-8 length of its text")
        t.eq(d["counts"], {"entities": len(d["entities"]), "facts": len(d["facts"]),
                           "sanctions": len(d["sanctions"])},
             "Article.counts match the detail's lists")
        t.ok(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", d["ingested_at"] or ""),
             "ingested_at is an RFC 3339 UTC time", "YYYY-MM-DDTHH:MM:SSZ", d["ingested_at"])
        bad = []
        n = 0
        for rec in d["facts"] + d["sanctions"]:
            for ev in rec["evidence"]:
                if ev["article"] != d["id"]:
                    continue
                n += 1
                if d["text"][ev["start"]:ev["end"]] != ev["sentence"]:
                    bad.append((ev["start"], ev["end"], ev["sentence"][:60],
                                d["text"][ev["start"]:ev["end"]][:60]))
        t.ok(n and not bad, "evidence start/end are code-point offsets of the sentence in the "
             "text (%d checked)" % n, "text[start:end] == sentence", bad[:3] or "no evidence")
        r = self.get("/v1/articles/no-such-article")
        self.problem(r, 404, "not-found", "GET /v1/articles/<unknown> -> 404")

    def search(self):
        t = self.t
        doc = self.json200(q("/v1/search", q="Huawie")) or {}
        t.eq(list(doc), ["query", "items"], "SearchResult members in order")
        t.eq(doc.get("query"), "Huawie", "search echoes the query")
        hits = doc.get("items") or []
        hw = [h for h in hits if h["entity"]["id"] == "huawei"]
        t.ok(hw and 0 < hw[0]["score"] <= 1, "search q=Huawie finds huawei with a score in (0,1]",
             "huawei", [(h["entity"]["id"], h["score"]) for h in hits])
        t.ok(hits and hits[0]["entity"]["id"] == "huawei", "q=Huawie ranks huawei first",
             "huawei", [h["entity"]["id"] for h in hits][:3])
        t.ok(all(list(h) == ["entity", "country", "score", "matched"] for h in hits),
             "SearchHit members in order", "entity,country,score,matched", hits[:1])
        scores = [h["score"] for h in hits]
        t.ok(scores == sorted(scores, reverse=True), "search hits best first", "descending", scores)
        doc = self.json200(q("/v1/search", q="Huawei")) or {}
        hits = doc.get("items") or []
        t.ok(hits and hits[0]["entity"]["id"] == "huawei" and hits[0]["score"] == 1
             and hits[0]["matched"] == "Huawei", "exact name: score 1, matched the name",
             "huawei 1 Huawei", hits[:1])
        doc = self.json200(q("/v1/search", q="Huawei", limit=1)) or {}
        t.ok(len(doc.get("items") or []) <= 1, "search limit=1: at most one hit", 1,
             len(doc.get("items") or []))
        self.json200(q("/v1/search", q="hu", limit=50), "search q of 2 chars, limit=50 -> 200")
        self.json200(q("/v1/search", q="x" * 200), "search q of 200 chars -> 200")
        self.json200(q("/v1/search", q="\u00e9" * 150),
                     "search q of 150 chars (300 UTF-8 bytes) -> 200 (the limit is 200 chars)")
        self.json200(q("/v1/search", q="Hu\u00e1wei"), "search with a non-ASCII query -> 200")

    def mentions(self):
        """Issue 17: each evidence names the words that filled its roles, in
        code points of the article; a reference ("It") is the subject's
        mention, not a guess by name."""
        t = self.t
        auth = {"Authorization": "Bearer " + E.TOKEN, "Content-Type": "application/json"}
        text = ("Z\u00fcrich \U0001F680 mentions test\n\n"
                "Nvidia met officials from the Commerce Department on Monday \U0001F600. "
                "It later unveiled the B30A.\n"
                "The U.S. Department of Commerce added Huawei to the Entity List in May 2019.\n")
        body = {"id": "it-mentions-1", "text": text}
        r = self.cl.request("POST", "/v1/articles", json.dumps(body).encode(), auth)
        t.ok(r.status == 201, "POST an article with a pronoun subject -> 201", 201, r)
        ent = self.json200("/v1/entities/nvidia") or {}
        fact = next((f for f in ent.get("facts_out", []) if f["predicate"] == "develops"
                     and (f.get("object") or {}).get("id") == "b30a"), None)
        ev = next((e for e in (fact or {}).get("evidence", [])
                   if e["article"] == "it-mentions-1"), {})
        got = {m["role"]: text[m["start"]:m["end"]] for m in ev.get("mentions", [])}
        t.eq(got, {"subject": "It", "object": "B30A"},
             "the evidence's mentions slice the article to the pronoun and the chip")
        sent = ev.get("sentence", "")
        t.ok(all(sent[m["start"] - ev["start"]:m["end"] - ev["start"]]
                 == text[m["start"]:m["end"]] for m in ev.get("mentions", [])) and sent,
             "and slice the sentence the same way (offset by its start)", "same", ev)
        ent = self.json200("/v1/entities/huawei") or {}
        sanc = next((x for x in ent.get("sanctions", []) if x["measure"] == "entity_listing"
                     and any(e["article"] == "it-mentions-1" for e in x["evidence"])), None)
        ev = next((e for e in (sanc or {}).get("evidence", [])
                   if e["article"] == "it-mentions-1"), {})
        got = {m["role"]: text[m["start"]:m["end"]] for m in ev.get("mentions", [])}
        t.eq(got, {"imposer": "U.S. Department of Commerce", "target": "Huawei"},
             "a sanction's mentions: imposer and target, after non-BMP text")
        for kind in ("facts", "sanctions"):
            bad = []
            for it in (self.json200(q("/v1/" + kind, limit=200)) or {}).get("items", []):
                for e in it["evidence"]:
                    for m in e.get("mentions", []):
                        if not (e["start"] <= m["start"] < m["end"] <= e["end"]):
                            bad.append((it["id"], e["article"], m))
            t.ok(not bad, "every %s mention lies inside its sentence" % kind, "none", bad[:3])

    def post(self):
        t = self.t
        auth = {"Authorization": "Bearer " + E.TOKEN}
        text = ("Integration test article about Huawei and Nvidia\n\n"
                "Huawei uses the Ascend 910B in its own data centres, the company said.\n"
                "Nvidia designed the H20 for customers in China.\n"
                "The U.S. Department of Commerce added Huawei to the Entity List in May 2019.\n")
        before = (self.json200("/v1/stats") or {}).get("articles")
        body = {"id": "it-post-1", "title": "Posted title", "text": text,
                "url": "https://news.example.test/it-post-1", "date": "2025-03-01"}
        r = self.cl.request("POST", "/v1/articles", json.dumps(body).encode(),
                            dict(auth, **{"Content-Type": "application/json"}))
        t.ok(r.status == 201 and r.h("content-type") == E.JSON_CT, "POST /v1/articles (JSON) -> 201",
             201, r)
        t.eq(r.h("location"), "/v1/articles/it-post-1", "201 carries Location of the article")
        res = r.json() if r.status in (200, 201) else {}
        t.eq(list(res), ["article", "duplicate", "extracted"], "IngestResult members in order")
        art = res.get("article") or {}
        t.ok(art.get("id") == "it-post-1" and art.get("title") == "Posted title"
             and art.get("url") == body["url"] and art.get("date") == "2025-03-01"
             and res.get("duplicate") is False,
             "IngestResult echoes id, title, url, date; duplicate false",
             "it-post-1/Posted title/url/2025-03-01/false", res)
        ex = res.get("extracted") or {}
        t.ok("huawei" in {e["id"] for e in ex.get("entities", [])} and ex.get("facts", 0) >= 1,
             "extracted: huawei among the entities, at least one fact", "huawei, facts>=1", ex)
        d = self.json200("/v1/articles/it-post-1") or {}
        t.eq(d.get("text"), text, "GET the posted article: text intact")
        t.eq(d.get("sha256"), E.sha256_hex(text.encode()), "posted article's sha256")
        # duplicates and conflicts
        r = self.cl.request("POST", "/v1/articles", json.dumps(body).encode(),
                            dict(auth, **{"Content-Type": "application/json"}))
        t.ok(r.status == 200 and r.json().get("duplicate") is True,
             "POST the same article again -> 200 duplicate true", "200 duplicate", r)
        other = dict(body, id="it-post-1-again")
        r = self.cl.request("POST", "/v1/articles", json.dumps(other).encode(),
                            dict(auth, **{"Content-Type": "application/json; charset=utf-8"}))
        t.ok(r.status == 200 and r.json().get("duplicate") is True
             and r.json()["article"]["id"] == "it-post-1",
             "same text under another id -> 200 duplicate naming the stored article",
             "200 duplicate it-post-1", r)
        r = self.get("/v1/articles/it-post-1-again")
        t.eq(r.status, 404, "a duplicate stores nothing under the new id")
        conflict = dict(body, text=text + "One more sentence about TSMC.\n")
        r = self.cl.request("POST", "/v1/articles", json.dumps(conflict).encode(),
                            dict(auth, **{"Content-Type": "application/json"}))
        self.problem(r, 409, "conflict", "same id, other text -> 409 conflict")
        # text/plain
        plain = ("Plain title line about SMIC\n\nSMIC manufactures the Kirin 9000S for Huawei, "
                 "test sentence number one.\n")
        r = self.cl.request("POST", "/v1/articles", plain.encode(),
                            dict(auth, **{"Content-Type": "text/plain; charset=utf-8"}))
        t.ok(r.status == 201, "POST text/plain -> 201", 201, r)
        if r.status == 201:
            res = r.json()
            t.eq(res["article"]["title"], "Plain title line about SMIC",
                 "text/plain: the first line is the title")
            t.eq(r.h("location"), "/v1/articles/" + res["article"]["id"],
                 "text/plain: Location names the derived id")
            d = self.json200(r.h("location") or "/v1/articles/-") or {}
            t.eq(d.get("text"), plain, "GET the text/plain article: text intact")
        after = (self.json200("/v1/stats") or {}).get("articles")
        t.eq(after, (before or 0) + 2, "stats.articles grew by exactly the two new articles")
        # auth
        for hdrs, what in (({}, "no Authorization"),
                           ({"Authorization": "Bearer wrong-token-0123456789abcdef"}, "wrong token"),
                           ({"Authorization": "Basic " + E.TOKEN}, "another scheme"),
                           ({"Authorization": "Bearer"}, "empty bearer")):
            r = E.raw_request(self.srv.port, "POST", "/v1/articles",
                              [("Content-Type", "text/plain"), ("Content-Length", str(len(plain)))]
                              + list(hdrs.items()), plain.encode())
            self.log.append(r)
            self.problem(r, 401, "unauthorized", "POST with %s -> 401" % what)
            t.ok((r.h("www-authenticate") or "").startswith("Bearer"),
                 "401 (%s) carries WWW-Authenticate: Bearer" % what, "Bearer ...",
                 r.h("www-authenticate"))
        # bad bodies
        for raw, ctype, what in ((b"{", "application/json", "invalid JSON"),
                                 (b"[1,2]", "application/json", "a JSON array"),
                                 (b'{"title":"x"}', "application/json", "no text"),
                                 (b'{"text":5}', "application/json", "text not a string"),
                                 (b'{"text":"Huawei x","colour":"red"}', "application/json",
                                  "an unknown member"),
                                 (b'{"text":"Huawei y","date":"yesterday"}', "application/json",
                                  "a bad date"),
                                 (b'{"text":"Huawei z","id":"bad id!"}', "application/json",
                                  "a bad id"),
                                 (b'{"text":"a","text":"b"}', "application/json",
                                  "a repeated member"),
                                 (b"Title\n\xff\xfe not UTF-8\n", "text/plain", "invalid UTF-8"),
                                 (b'{"text":"\\u0000"}', "application/json", "a NUL in text")):
            r = self.cl.request("POST", "/v1/articles", raw,
                                dict(auth, **{"Content-Type": ctype}))
            self.problem(r, 400, "bad-body", "POST with %s -> 400 bad-body" % what)
        r = self.cl.request("POST", "/v1/articles", b"<p>Huawei</p>",
                            dict(auth, **{"Content-Type": "text/html"}))
        self.problem(r, 415, "unsupported-media-type", "POST text/html -> 415")
        r = E.raw_request(self.srv.port, "POST", "/v1/articles",
                          [("Authorization", "Bearer " + E.TOKEN), ("Content-Length", "5")],
                          b"Hello")
        self.log.append(r)
        self.problem(r, 415, "unsupported-media-type", "POST without Content-Type -> 415")
        # 411: no Content-Length and not chunked
        r = E.raw_request(self.srv.port, "POST", "/v1/articles",
                          [("Authorization", "Bearer " + E.TOKEN), ("Content-Type", "text/plain")])
        self.log.append(r)
        self.problem(r, 411, "length-required", "POST without Content-Length -> 411")
        # 413: the declared length alone decides; the body is never sent
        for extra, what in (([("Expect", "100-continue")], "with Expect: 100-continue"),
                            ([], "headers only")):
            r = E.raw_request(self.srv.port, "POST", "/v1/articles",
                              [("Authorization", "Bearer " + E.TOKEN),
                               ("Content-Type", "text/plain"),
                               ("Content-Length", str(10 * 1024 * 1024))] + extra,
                              send_body=False)
            self.log.append(r)
            self.problem(r, 413, "payload-too-large",
                         "POST declaring 10 MiB over --max-body %d (%s) -> 413" % (MAX_BODY, what))
        big = ("Big title\n\n" + "Huawei and Nvidia. " * (MAX_BODY // 19 + 10)).encode()
        r = E.chunked_upload(self.srv.port, "/v1/articles",
                             [("Authorization", "Bearer " + E.TOKEN),
                              ("Content-Type", "text/plain")], big)
        if isinstance(r, str):
            t.ok(False, "chunked POST over --max-body -> 413", "a 413 problem", r)
        else:
            self.log.append(r)
            self.problem(r, 413, "payload-too-large", "chunked POST over --max-body -> 413")
        ok_body = ("Just under the limit\n\n" + "Huawei. " * ((MAX_BODY - 100) // 8)).encode()
        r = E.raw_request(self.srv.port, "POST", "/v1/articles",
                          [("Authorization", "Bearer " + E.TOKEN), ("Content-Type", "text/plain"),
                           ("Content-Length", str(len(ok_body)))], ok_body)
        self.log.append(r)
        t.ok(r.status == 201 and len(ok_body) <= MAX_BODY,
             "POST of %d bytes (under --max-body) -> 201" % len(ok_body), 201, r)

    def errors(self):
        t = self.t
        cases = [
            ("/v1/entities?limit=0", "limit"), ("/v1/entities?limit=501", "limit"),
            ("/v1/entities?limit=abc", "limit"), ("/v1/entities?limit=-1", "limit"),
            ("/v1/entities?limit=", "limit"), ("/v1/entities?limit=1e2", "limit"),
            ("/v1/entities?limit=99999999999999999999999", "limit"),
            ("/v1/entities?foo=1", "foo"), ("/v1/entities?limit=1&limit=2", "limit"),
            ("/v1/entities?type=bogus", "type"), ("/v1/entities?type=Chip", "type"),
            ("/v1/entities?country=cn", "country"), ("/v1/entities?country=CHN", "country"),
            ("/v1/entities?cursor=***", "cursor"), ("/v1/entities?cursor=AAAA", "cursor"),
            ("/v1/entities?cursor=", "cursor"), ("/v1/entities?q=", "q"),
            ("/v1/entities?q=" + "a" * 201, "q"), ("/v1/entities?q=%FF", "q"),
            ("/v1/chips?type=chip", "type"), ("/v1/chips?limit=0", "limit"),
            ("/v1/sanctions?measure=bogus", "measure"), ("/v1/sanctions?since=2024-13", "since"),
            ("/v1/sanctions?until=yesterday", "until"), ("/v1/sanctions?since=2024-02-30", "since"),
            ("/v1/sanctions?imposer=" + urllib.parse.quote("bad id!"), "imposer"),
            ("/v1/sanctions?limit=501", "limit"),
            ("/v1/facts?predicate=likes", "predicate"), ("/v1/facts?subject=%20", "subject"),
            ("/v1/facts?object=" + "x" * 200, "object"), ("/v1/facts?cursor=%25%25", "cursor"),
            ("/v1/articles?limit=0", "limit"), ("/v1/articles?cursor=zzzz", "cursor"),
            ("/v1/search", "q"), ("/v1/search?q=a", "q"), ("/v1/search?q=" + "x" * 201, "q"),
            ("/v1/search?q=hu&limit=51", "limit"), ("/v1/search?q=hu&limit=0", "limit"),
            ("/v1/search?q=hu&q=hw", "q"), ("/v1/search?q=hu&type=chip", "type"),
            ("/v1/stats?x=1", "x"), ("/v1/entities/huawei?depth=1", "depth"),
            ("/v1/facts/f-0000000000000000?limit=1", "limit"), ("/healthz?verbose=1", "verbose"),
            ("/readyz?x", "x"), ("/openapi.yaml?v=1", "v"), ("/metrics?x=1", "x"),
        ]
        for target, param in cases:
            r = self.get(target)
            self.problem(r, 400, "bad-parameter", "GET %s -> 400 naming %s" % (target[:70], param),
                         param)
        for target in ("/v1/entities?limit=500", "/v1/entities?limit=1", "/v1/chips?limit=500",
                       "/v1/sanctions?limit=500", "/v1/facts?limit=500", "/v1/articles?limit=500",
                       "/v1/entities?q=" + "a" * 200):
            self.json200(target, "GET %s -> 200 (a bound is allowed)" % target[:60])
        # 404 unknown paths
        # (/ is the dashboard; /ui/ serves only the files ui/meson.build embeds)
        for target in ("/v1/nope", "/nope", "/v1", "/v1/entities/huawei/extra",
                       "/v1/entities/", "/v1/chips/h20/lineage/more", "/V1/entities",
                       "/v1/entities/" + "a" * 300, "/ui", "/ui/", "/ui/app.js/x", "/ui/App.js",
                       "/ui/.app.js", "/ui/%2e%2e%2fmeson.build", "/ui/meson.build",
                       "/ui/no-such.js"):
            r = self.get(target)
            self.problem(r, 404, "not-found", "GET %s -> 404 problem" % target[:60])
        r = self.get("/")
        self.t.ok(r.status == 200 and (r.h("content-type") or "").startswith("text/html")
                  and "default-src 'self'" in (r.h("content-security-policy") or "")
                  and r.h("x-content-type-options") == "nosniff",
                  "GET / -> 200 the dashboard, with its Content-Security-Policy and nosniff",
                  "200 text/html CSP nosniff", r)
        # a shared link with tracking parameters, a cache-buster: the same files
        for target, base in (("/?utm_source=mail&x", "/"), ("/ui/app.js?v=2", "/ui/app.js")):
            r, r0 = self.get(target), self.get(base)
            self.t.ok(r.status == 200 and r.body == r0.body and r.h("etag") == r0.h("etag"),
                      "GET %s -> 200, the same file as %s (the dashboard ignores a query)"
                      % (target, base), "200 same body and ETag", (r.status, r.h("etag")))
        # 405 with Allow
        for method, target, allow in (("DELETE", "/v1/entities", "GET, HEAD, OPTIONS"),
                                      ("POST", "/v1/entities", "GET, HEAD, OPTIONS"),
                                      ("PUT", "/v1/articles", "GET, HEAD, POST, OPTIONS"),
                                      ("DELETE", "/v1/articles/it-post-1", "GET, HEAD, OPTIONS"),
                                      ("PATCH", "/healthz", "GET, HEAD, OPTIONS"),
                                      ("POST", "/v1/search?q=hu", "GET, HEAD, OPTIONS")):
            r = self.cl.request(method, target, b"" if method in ("POST", "PUT", "PATCH") else None)
            self.problem(r, 405, "method-not-allowed", "%s %s -> 405" % (method, target))
            t.eq(r.h("allow"), allow, "%s %s: Allow header" % (method, target))
        # 414
        for target in ("/v1/entities/" + "a" * 5000, "/v1/entities?q=" + "a" * 5000,
                       "/" + "b" * 8000):
            r = E.raw_request(self.srv.port, "GET", target, [])
            self.log.append(r)
            self.problem(r, 414, "uri-too-long", "GET of a %d-byte target -> 414" % len(target))
        r = self.get("/v1/entities?q=" + "a" * 190 + "&limit=5" + "&cursor=" + "A" * 40)
        t.ok(r.status in (200, 400), "a long but legal target is not a 414", "200/400", r.status)

    def http_semantics(self):
        t = self.t
        r = self.get("/v1/entities?limit=3")
        etag = r.h("etag") or ""
        t.ok(re.match(r'^"[0-9a-f]{16}"$', etag), "200 carries ETag \"<16 hex>\"", '"<16 hex>"',
             etag)
        other = self.get("/v1/entities?limit=2")
        t.ok(other.h("etag") not in (None, etag), "another body, another ETag", "differs",
             other.h("etag"))
        t.eq(r.h("cache-control"), "no-cache", "API 200: Cache-Control: no-cache")
        for inm in (etag, "*", "W/" + etag, '"0000000000000000", ' + etag):
            r2 = self.get("/v1/entities?limit=3", {"If-None-Match": inm})
            t.ok(r2.status == 304 and r2.body == b"" and r2.h("etag") == etag,
                 "If-None-Match: %s -> 304, same ETag, no body" % inm, "304 " + etag,
                 "%s %s %r" % (r2.status, r2.h("etag"), r2.body[:60]))
        r2 = self.get("/v1/entities?limit=3", {"If-None-Match": '"0000000000000000"'})
        t.eq(r2.status, 200, "If-None-Match with another tag -> 200")
        r2 = self.get("/v1/entities?limit=4", {"If-None-Match": etag})
        t.eq(r2.status, 200, "the ETag of another body does not match -> 200")
        r2 = self.get("/v1/entities/no-such-entity", {"If-None-Match": "*"})
        t.eq(r2.status, 404, "If-None-Match: * on a 404 stays a 404")
        r2 = self.get("/healthz", {"If-None-Match": "*"})
        t.eq(r2.status, 200, "/healthz ignores If-None-Match (never cached)")
        # HEAD
        for target in ("/v1/entities?limit=3", "/v1/stats", "/openapi.yaml", "/healthz",
                       "/v1/entities/huawei"):
            g = self.get(target)
            h = self.cl.request("HEAD", target)
            t.ok(h.status == 200 and h.body == b"" and h.h("etag") == g.h("etag")
                 and h.h("content-type") == g.h("content-type"),
                 "HEAD %s: 200, GET's headers, no body" % target,
                 "200 %s %s" % (g.h("etag"), g.h("content-type")),
                 "%s %s %s %r" % (h.status, h.h("etag"), h.h("content-type"), h.body[:40]))
            if h.h("content-length") is not None:
                t.eq(h.h("content-length"), str(len(g.body)),
                     "HEAD %s: Content-Length of the GET body" % target)
        h = self.cl.request("HEAD", "/v1/entities/no-such-entity")
        t.ok(h.status == 404 and h.body == b"", "HEAD of an unknown id: 404, no body", 404, h)
        h = self.cl.request("HEAD", "/v1/entities?limit=0")
        t.ok(h.status == 400 and h.body == b"", "HEAD with a bad parameter: 400, no body", 400, h)
        # OPTIONS
        for target, allow in (("/v1/entities", "GET, HEAD, OPTIONS"),
                              ("/v1/articles", "GET, HEAD, POST, OPTIONS"),
                              ("/v1/chips/h20/lineage", "GET, HEAD, OPTIONS"),
                              ("/metrics", "GET, HEAD, OPTIONS")):
            r = self.cl.request("OPTIONS", target)
            t.ok(r.status == 204 and r.h("allow") == allow and r.body == b"",
                 "OPTIONS %s -> 204 Allow: %s" % (target, allow), "204 " + allow,
                 "%s %s" % (r.status, r.h("allow")))
        r = self.cl.request("OPTIONS", "/v1/nope")
        self.problem(r, 404, "not-found", "OPTIONS on an unknown path -> 404")
        # CORS
        r = self.get("/v1/entities?limit=1", {"Origin": ORIGIN})
        t.eq(r.h("access-control-allow-origin"), ORIGIN, "CORS: allowed Origin echoed")
        t.ok("origin" in (r.h("vary") or "").lower(), "CORS: Vary: Origin", "Origin", r.h("vary"))
        expose = {x.strip().lower() for x in (r.h("access-control-expose-headers") or "").split(",")}
        t.ok({"etag", "location"} <= expose, "CORS: Access-Control-Expose-Headers: ETag, Location",
             "ETag, Location", r.h("access-control-expose-headers"))
        r = self.get("/v1/entities/no-such-entity", {"Origin": ORIGIN})
        t.eq(r.h("access-control-allow-origin"), ORIGIN, "CORS headers on an error too")
        r = self.get("/v1/entities?limit=1", {"Origin": "https://evil.example.test"})
        t.eq(r.h("access-control-allow-origin"), None, "CORS: another Origin gets no ACAO")
        r = self.get("/v1/entities?limit=1")
        t.eq(r.h("access-control-allow-origin"), None, "CORS: no Origin, no ACAO")
        r = self.cl.request("OPTIONS", "/v1/articles",
                            headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST",
                                     "Access-Control-Request-Headers": "authorization,content-type"})
        methods = {x.strip() for x in (r.h("access-control-allow-methods") or "").split(",")}
        hdrs = {x.strip().lower() for x in (r.h("access-control-allow-headers") or "").split(",")}
        t.ok(r.status == 204 and r.h("access-control-allow-origin") == ORIGIN
             and {"GET", "POST"} <= methods
             and {"authorization", "content-type", "if-none-match"} <= hdrs
             and r.h("access-control-max-age") == "600",
             "CORS preflight: 204, ACAO, Allow-Methods, Allow-Headers, Max-Age 600",
             "204 %s GET,POST authorization,content-type,if-none-match 600" % ORIGIN,
             "%s %s %s %s %s" % (r.status, r.h("access-control-allow-origin"),
                                 r.h("access-control-allow-methods"),
                                 r.h("access-control-allow-headers"),
                                 r.h("access-control-max-age")))
        # keep-alive: one connection for a mix of answers
        cl = E.Client(self.srv.port, self.log)
        seq = ["/v1/entities?limit=2", "/v1/stats", "/nope", "/v1/entities?limit=0",
               "/v1/entities/huawei", "/healthz", "/readyz", "/metrics", "/openapi.yaml",
               "/v1/search?q=Huawie", "/v1/chips/no-such-chip/lineage", "/v1/facts?limit=1"] * 3
        statuses = []
        closes = []
        for target in seq:
            r = cl.get(target)
            statuses.append(r.status)
            if "close" in (r.h("connection") or "").lower():
                closes.append((target, r.status))
        r = cl.get("/v1/stats", {"If-None-Match": "*"})
        statuses.append(r.status)
        r = cl.request("HEAD", "/v1/stats")
        statuses.append(r.status)
        r = cl.request("OPTIONS", "/v1/stats")
        statuses.append(r.status)
        r = cl.request("DELETE", "/v1/stats")
        statuses.append(r.status)
        t.ok(cl.connections == 1 and not closes,
             "keep-alive: %d requests (200/304/400/404/405/204) on ONE connection" % len(statuses),
             "1 connection, no Connection: close", "%d connections, closes %r, statuses %r"
             % (cl.connections, closes, sorted(set(statuses))))
        cl.close()

    def round2(self):
        """Issue 13, items 11 and 18: jobs are never served from the response
        cache; empty query segments; Vary: Origin; 304 framing; metrics labels."""
        t = self.t
        # 11: a job's answer comes from fetchd's memory, not the store
        r = self.cl.request("POST", "/v1/fetch", json.dumps({"url": "http://127.0.0.1:1/x"}).encode(),
                            {"Content-Type": "application/json",
                             "Authorization": "Bearer " + E.TOKEN})
        t.eq(r.status, 202, "POST /v1/fetch of an unreachable URL -> 202")
        loc = r.h("location") or "/v1/jobs/none"
        dl = E.Deadline(60)
        state = None
        while not dl.passed():
            j = self.get(loc)
            state = j.json().get("state") if j.status == 200 else j.status
            if state not in ("queued", "running"):
                break
            time.sleep(0.05)  # polling a job: the state is what is waited for
        t.ok(state == "failed", "the job ends failed without a store write", "failed", state)

        def hits():
            m = re.search(r"^ecfacts_cache_hits_total (\d+)$",
                          self.get("/metrics").body.decode(), re.M)
            return int(m.group(1)) if m else None
        h0 = hits()
        a, b = self.get(loc), self.get(loc)
        t.ok(a.status == b.status == 200 and hits() == h0,
             "GET /v1/jobs/{id} twice: never answered from the response cache",
             "cache hits unchanged (%s)" % h0, (a.status, b.status, hits()))
        # 18: empty query segments are nothing, wherever they are
        for q in ("?&limit=2", "?limit=2&&", "?&&", "?limit=2&", "?&limit=2&&type=company&"):
            r = self.get("/v1/entities" + q)
            t.eq(r.status, 200, "GET /v1/entities%s -> 200 (empty segments ignored)" % q)
        self.problem(self.get("/v1/entities?=x"), 400, "bad-parameter",
                     "GET /v1/entities?=x: an empty name with a value is still a 400")
        # 18: with an origin list, every answer varies by Origin
        for hdrs in ({}, {"Origin": "https://other.example"}, {"Origin": ORIGIN}):
            r = self.get("/v1/stats", hdrs)
            t.ok("origin" in (r.h("vary") or "").lower(),
                 "--cors-origin list: Vary: Origin with Origin=%s" % hdrs.get("Origin"),
                 "Origin", r.h("vary"))
        # 18: a 304 carries no Content-Length: 0 (RFC 9110 8.6)
        r = self.get("/v1/stats")
        r2 = self.get("/v1/stats", {"If-None-Match": r.h("etag") or '"x"'})
        cl = r2.h("content-length")
        t.ok(r2.status == 304 and cl in (None, str(len(r.body))),
             "304: Content-Length absent or the 200's length, never 0",
             "None or %d" % len(r.body), (r2.status, cl))
        # 18: 202 and 499 have their own status label
        text = self.get("/metrics").body.decode()
        t.ok('route="/v1/fetch",status="202"' in text and 'status="other"' not in text,
             "metrics: the 202 of POST /v1/fetch is labelled 202, not other", "202",
             [ln for ln in text.splitlines() if "/v1/fetch" in ln or "other" in ln][:5])
        # 18: a 400 about the body is not titled "Bad parameter"
        r = self.cl.request("POST", "/v1/articles", b"{", {"Content-Type": "application/json",
                                                          "Authorization": "Bearer " + E.TOKEN})
        title = r.json().get("title") if r.status == 400 else r.status
        t.ok(title not in ("Bad parameter", None) and r.json().get("type", "").endswith("bad-body"),
             "a bad-body problem is not titled 'Bad parameter'", "Bad request", title)

    def metrics(self):
        t = self.t
        r = self.get("/metrics")
        ct = r.h("content-type") or ""
        t.ok(r.status == 200 and ct.startswith("text/plain") and "version=0.0.4" in ct,
             "GET /metrics -> 200 text/plain; version=0.0.4", "text/plain; version=0.0.4",
             "%s %s" % (r.status, ct))
        t.eq(r.h("etag"), None, "/metrics carries no ETag (never cached)")
        text = r.body.decode("utf-8", "replace")
        lab = r'\{((?:[^}"]|"(?:[^"\\]|\\.)*")*)\}'  # label values may hold braces
        counters = re.findall(r'^(\w+_total)' + lab + r' (\d+(?:\.\d+)?)$', text, re.M)
        labels = [dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', la)) for _, la, _ in counters]
        routes_statuses = {(la.get("route"), la.get("status")) for la in labels}
        for want in (("/v1/entities", "200"), ("/v1/entities", "400"), ("/v1/entities/{id}", "404"),
                     ("/v1/articles", "201"), ("/v1/articles", "401")):
            t.ok(want in routes_statuses, "metrics: a request counter for route=%s status=%s" % want,
                 want, sorted(x for x in routes_statuses if x[0])[:20])
        t.ok(re.search(r"^# TYPE \w+ histogram$", text, re.M), "metrics: a histogram TYPE line",
             "# TYPE ... histogram", text[:300])
        buckets = [dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m))
                   for m in re.findall(r'^\w+_bucket' + lab + r' \d+$', text, re.M)]
        t.ok(any(b.get("le") == "+Inf" for b in buckets)
             and re.search(r"^\w+_sum(" + lab + r")? [0-9.e+-]+$", text, re.M)
             and re.search(r"^\w+_count(" + lab + r")? \d+$", text, re.M),
             "metrics: latency histogram with _bucket{le=\"+Inf\"}, _sum, _count", "histogram",
             text[:300])
        bad = [ln for ln in text.splitlines() if ln and not ln.startswith("#")
               and not re.match(r'^[a-zA-Z_:][\w:]*(' + lab + r')? [0-9.eE+-]+(Inf)?$', ln)]
        t.ok(not bad, "metrics: every sample line is Prometheus text format", "none bad", bad[:3])

    def every_response(self):
        """Checks over every response this test saw."""
        t = self.t
        bad_ct, bad_etag, closes, bad_body = [], [], [], []
        tag_body, body_tag = {}, {}
        for r in self.log:
            path = r.target.split("?")[0]
            ct = r.h("content-type")
            if r.status >= 400 and r.method != "HEAD" and ct != E.PROBLEM_CT:
                bad_ct.append((r.method, r.target[:60], r.status, ct))
            if r.status in (200, 201) and r.method != "HEAD" and path.startswith("/v1/") \
                    and ct != E.JSON_CT:
                bad_ct.append((r.method, r.target[:60], r.status, ct))
            if r.status == 200 and r.method in ("GET", "HEAD") and path not in NO_CACHE_ROUTES:
                # The ETag is a hash of the body: one tag per body, whatever
                # the route (so it cannot come from the path or the store's version).
                if r.method == "GET":
                    tag = r.h("etag")
                    if tag is None or tag_body.setdefault(tag, r.body) != r.body or \
                            body_tag.setdefault(r.body, tag) != tag:
                        bad_etag.append((r.target[:60], tag))
            if r.status in (204, 304) or r.method == "HEAD":
                if r.body:
                    bad_body.append((r.method, r.target[:60], r.status))
            if "close" in (r.h("connection") or "").lower() and r.status not in MAY_CLOSE:
                closes.append((r.method, r.target[:60], r.status))
        t.ok(not bad_ct, "all %d responses: JSON with charset=utf-8, problems as "
             "application/problem+json; charset=utf-8" % len(self.log), "none bad", bad_ct[:5])
        t.ok(not bad_etag, "every API GET 200 has an ETag that is a function of its body (%d bodies)" % len(body_tag), "none bad",
             bad_etag[:5])
        t.ok(not bad_body, "no body on 204, 304 or HEAD", "none", bad_body[:5])
        t.ok(not closes, "no response carries Connection: close (except 401/411/413/415)", "none",
             closes[:5])


def map_full(tap, exe, tmp):
    """A second server configured by the environment on a tiny map: POST
    until 507, then everything stored before is still served intact."""
    data = os.path.join(tmp, "small")
    os.mkdir(data)
    env = E.clean_env(ECFACTS_DATA=data, ECFACTS_MAP_SIZE=262144, ECFACTS_NO_SAMPLE=1,
                      ECFACTS_TOKEN=E.TOKEN, ECFACTS_LISTEN="127.0.0.1:1",
                      ECFACTS_LOG_FORMAT="json")
    auth = {"Authorization": "Bearer " + E.TOKEN, "Content-Type": "text/plain"}
    srv = E.Server(exe, data, env=env, data_flag=False, token=None, workdir=tmp)
    stored = {}
    try:
        srv.start()
        tap.ok(srv.port != 1, "flag --listen wins over ECFACTS_LISTEN", "not port 1", srv.port)
        cl = E.Client(srv.port)
        st = cl.get("/v1/stats").json()
        tap.eq(st.get("articles"), 0, "ECFACTS_NO_SAMPLE=1: the store starts empty")
        tap.eq(st.get("map_size"), 262144, "ECFACTS_MAP_SIZE sets the map size")
        r = cl.get("/v1/stats", {"Origin": ORIGIN})
        tap.eq(r.h("access-control-allow-origin"), None, "no --cors-origin: no CORS headers")
        full = None
        dl = E.Deadline(180)
        for i in range(2000):
            if dl.passed():
                break
            text = E.make_article(1000 + i, words=250)
            r = cl.request("POST", "/v1/articles", text.encode(), auth)
            if r.status == 201:
                stored[r.json()["article"]["id"]] = text
                continue
            full = r
            break
        tap.ok(full is not None and full.status == 507,
               "POST until the map is full -> 507 (after %d articles)" % len(stored), 507,
               full if full is not None else "no 507 within the deadline / 2000 articles")
        if full is not None:
            ok, why = E.is_problem(full, 507, "insufficient-storage")
            tap.ok(ok, "507 is an insufficient-storage problem", "problem", why)
        tap.ok(len(stored) >= 1, "some articles fit before the map filled", ">=1", len(stored))
        bad = []
        for aid, text in stored.items():
            r = cl.get("/v1/articles/" + aid)
            if r.status != 200 or r.json().get("text") != text:
                bad.append((aid, r.status))
        tap.ok(not bad, "after 507 every earlier article is served intact (%d)" % len(stored),
               "all 200 with the same text", bad[:5])
        st = cl.get("/v1/stats").json()
        tap.eq(st.get("articles"), len(stored), "after 507 stats counts only the stored articles")
        r = cl.get("/readyz")
        tap.eq(r.status, 200, "after 507 /readyz is still 200")
        if stored:
            aid, text = next(iter(stored.items()))
            r = cl.request("POST", "/v1/articles", text.encode(), auth)
            tap.ok(r.status == 200 and r.json().get("duplicate") is True,
                   "a duplicate POST on a full map -> 200 duplicate", "200", r)
        cl.close()
    finally:
        rc = srv.stop()
    tap.eq(rc, 0, "the tiny-map server exits 0 on SIGTERM")
    logs = [ln for ln in srv.lines if ln.startswith("{")]
    parsed = 0
    for ln in logs:
        try:
            json.loads(ln)
            parsed += 1
        except ValueError:
            pass
    tap.ok(logs and parsed == len(logs), "ECFACTS_LOG_FORMAT=json: stdout log lines are JSON",
           "JSON lines", srv.lines[:5])
    # the data survives a restart
    srv2 = E.Server(exe, data, env=env, data_flag=False, token=None, workdir=tmp)
    try:
        srv2.start()
        cl = E.Client(srv2.port)
        bad = [aid for aid, text in stored.items()
               if cl.get("/v1/articles/" + aid).status != 200]
        tap.ok(not bad, "after a restart the stored articles are still served", "all 200", bad[:5])
        cl.close()
    finally:
        srv2.stop()


def main(tap):
    exe, _shared = E.binary_from_argv()
    tmp = E.tempdir("api")
    log = []
    srv = E.Server(exe, os.path.join(tmp, "data"),
                   args=["--cors-origin", ORIGIN, "--max-body", str(MAX_BODY), "--threads", "4"],
                   workdir=tmp)
    try:
        srv.start()
        tap.ok(True, "serve --listen 127.0.0.1:0 printed its port (%d)" % srv.port)
        api = Api(tap, srv, log)
        sections = [("ops", api.ops), ("openapi", api.openapi)]
        stats = {}
        ents = []

        def run(name, fn, *a):
            try:
                return fn(*a)
            except Exception:  # noqa: BLE001
                tap.crashed("section " + name)
                api.cl.close()
                return None
        for name, fn in sections:
            res = run(name, fn)
            if name == "ops" and res:
                stats = res
        ents = run("entities", api.entities) or []
        run("chips", api.chips, ents)
        run("sanctions", api.sanctions)
        run("facts", api.facts)
        run("articles", api.articles, stats)
        run("search", api.search)
        run("post", api.post)
        run("mentions", api.mentions)
        run("errors", api.errors)
        run("http", api.http_semantics)
        run("round 2", api.round2)
        run("metrics", api.metrics)
        run("every response", api.every_response)
        api.cl.close()
    except E.ServerError as e:
        tap.ok(False, "serve starts and prints its port", "listening on ...", str(e))
    finally:
        rc = srv.stop()
    tap.eq(rc, 0, "serve exits 0 on SIGTERM")
    try:
        map_full(tap, exe, tmp)
    except E.ServerError as e:
        tap.ok(False, "tiny-map serve starts", "listening on ...", str(e))
    E.rmtree(tmp)


if __name__ == "__main__":
    E.run_main("test_api", main)
