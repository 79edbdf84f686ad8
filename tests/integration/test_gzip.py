#!/usr/bin/python3
"""gzip'd answers: negotiated from Accept-Encoding, named by their own ETag,
kept by the response cache beside the plain ones.

usage: test_gzip.py ECFACTS_BINARY [SHARED_DIR]      (TAP on stdout)

What `curl --compressed` gets decompresses to the plain body; a client that
sends no Accept-Encoding, or refuses gzip (q=0), gets identity; HEAD has the
GET's headers and no body; 304s answer either ETag for the representation
the client would get; bodies under 1 KB go as they are; every negotiable
answer says Vary: Accept-Encoding; a cache hit sends the very bytes of the
miss; both count against the cache budget; /metrics counts what was
compressed; six clients racing identity and gzip get the right bodies."""
import gzip
import os
import re
import sys
import threading

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ecftest as E  # noqa: E402

PAGE = "/v1/facts?limit=50"
GZ = {"Accept-Encoding": "gzip, deflate, br"}  # what curl --compressed and browsers send


def counter(cl, name):
    text = cl.get("/metrics").body.decode()
    m = re.search(r"^%s (\d+)$" % name, text, re.M)
    return int(m.group(1)) if m else None


def vary_ae(r):
    return "accept-encoding" in [v.strip().lower() for v in (r.h("Vary") or "").split(",")]


def gunzip(body):
    try:
        return gzip.decompress(body)
    except (OSError, EOFError) as e:
        return "not gzip: %s" % e


def negotiation(tap, cl, port):
    plain = cl.get(PAGE)  # ecftest's client sends Accept-Encoding: identity
    tap.ok(plain.status == 200 and len(plain.body) > 4096, "the 50-fact page is over 4 KB plain",
           "> 4096", len(plain.body))
    tap.eq(plain.h("Content-Encoding"), None, "identity asked: no Content-Encoding")
    tap.ok(vary_ae(plain), "identity answer says Vary: Accept-Encoding", "Accept-Encoding",
           plain.h("Vary"))
    z = cl.get(PAGE, headers=GZ)
    tap.eq(z.h("Content-Encoding"), "gzip", "curl --compressed: Content-Encoding gzip")
    tap.ok(vary_ae(z), "gzip answer says Vary: Accept-Encoding", "Accept-Encoding", z.h("Vary"))
    tap.eq(gunzip(z.body), plain.body, "gzip body decompresses to the plain body")
    tap.ok(len(z.body) * 3 < len(plain.body), "gzip body is under a third of the plain one",
           "< %d" % (len(plain.body) // 3), len(z.body))
    tap.eq(int(z.h("Content-Length") or -1), len(z.body), "Content-Length is the gzip length")
    tap.eq(z.h("Content-Type"), E.JSON_CT, "Content-Type stays JSON")
    tap.ok(plain.h("ETag") and z.h("ETag") == plain.h("ETag")[:-1] + '-gz"',
           "gzip ETag is the plain one with -gz inside the quotes", plain.h("ETag"), z.h("ETag"))

    # no Accept-Encoding at all (http.client adds identity unless told not to)
    r = E.raw_request(port, "GET", PAGE, [])
    tap.ok(r.status == 200 and r.h("Content-Encoding") is None and r.body == plain.body,
           "no Accept-Encoding: identity, same bytes", "identity", r.h("Content-Encoding"))
    tap.ok(vary_ae(r), "no Accept-Encoding: Vary still sent", "Accept-Encoding", r.h("Vary"))
    for ae, want, what in [
            ("gzip;q=0", None, "gzip;q=0 refuses gzip"),
            ("GZIP ; Q=0.000, identity", None, "q=0 in any case and spacing refuses gzip"),
            ("*;q=0.5, gzip;q=0", None, "gzip;q=0 wins over *"),
            ("gzip;q=0.4, identity;q=0.9", None, "identity preferred over gzip"),
            ("identity", None, "identity only"),
            ("", None, "an empty Accept-Encoding means identity"),
            ("br", None, "only a coding we lack"),
            ("gzip;q=bogus", None, "a malformed q-value drops the element"),
            ("*", "gzip", "* takes gzip"),
            ("deflate, GZip;q=0.5", "gzip", "gzip named in any case, with a weight"),
            ("x-gzip", "gzip", "x-gzip is gzip"),
            ("identity;q=0.5, \tgzip ;q=1", "gzip", "gzip preferred over identity, with OWS"),
    ]:
        r = cl.get(PAGE, headers={"Accept-Encoding": ae})
        tap.ok(r.status == 200 and r.h("Content-Encoding") == want,
               "Accept-Encoding %r: %s" % (ae, what), want, r.h("Content-Encoding"))
    # two Accept-Encoding fields make one list
    r = E.raw_request(port, "GET", PAGE, [("Accept-Encoding", "br"),
                                          ("Accept-Encoding", "gzip")])
    tap.eq(r.h("Content-Encoding"), "gzip", "a second Accept-Encoding field is read too")

    # HEAD: the GET's headers, compressed length, no body
    h = cl.request("HEAD", PAGE, headers=GZ)
    tap.ok(h.status == 200 and h.body == b"" and h.h("Content-Encoding") == "gzip" and
           h.h("ETag") == z.h("ETag") and int(h.h("Content-Length") or -1) == len(z.body) and
           vary_ae(h), "HEAD with gzip: same headers, gzip Content-Length, no body",
           (z.h("ETag"), len(z.body)), (h.h("ETag"), h.h("Content-Length"), h.body[:40]))
    h = cl.request("HEAD", PAGE)
    tap.ok(h.status == 200 and h.body == b"" and h.h("Content-Encoding") is None and
           int(h.h("Content-Length") or -1) == len(plain.body),
           "HEAD without gzip: plain Content-Length, no body")

    # 304s: the tag of the representation the client would get
    r = cl.get(PAGE, headers=dict(GZ, **{"If-None-Match": z.h("ETag")}))
    tap.ok(r.status == 304 and r.h("ETag") == z.h("ETag") and vary_ae(r) and r.body == b"",
           "gzip ETag + gzip client: 304 with the gzip ETag and Vary", 304, r)
    tap.ok(r.h("Content-Length") in (None, str(len(z.body))),
           "a gzip 304's Content-Length (if any) is the gzip length", len(z.body),
           r.h("Content-Length"))
    r = cl.get(PAGE, headers={"If-None-Match": plain.h("ETag")})
    tap.ok(r.status == 304 and r.h("ETag") == plain.h("ETag") and vary_ae(r),
           "plain ETag + identity client: 304 with the plain ETag and Vary", 304, r)
    r = cl.get(PAGE, headers=dict(GZ, **{"If-None-Match": "%s, %s" % (plain.h("ETag"),
                                                                      z.h("ETag"))}))
    tap.ok(r.status == 304 and r.h("ETag") == z.h("ETag"),
           "both ETags listed, gzip client: 304 naming the gzip one", z.h("ETag"), r.h("ETag"))
    r = cl.get(PAGE, headers={"If-None-Match": z.h("ETag")})
    tap.ok(r.status == 200 and r.h("Content-Encoding") is None and r.body == plain.body,
           "gzip ETag from a client that now refuses gzip: 200 identity", 200, r.status)
    r = cl.get(PAGE, headers=dict(GZ, **{"If-None-Match": plain.h("ETag")}))
    tap.ok(r.status == 200 and r.h("ETag") == z.h("ETag") and gunzip(r.body) == plain.body,
           "plain ETag from a gzip client: 200 gzip (another representation)", 200, r.status)
    r = cl.get(PAGE, headers=dict(GZ, **{"If-None-Match": "W/" + z.h("ETag")}))
    tap.eq(r.status, 304, "weak form of the gzip ETag: 304 (weak comparison)")

    # small bodies go as they are, still negotiable
    small = cl.get("/v1/stats", headers=GZ)
    tap.ok(small.status == 200 and len(small.body) < 1024 and
           small.h("Content-Encoding") is None and small.json()["articles"] >= 1,
           "a body under 1 KB is not compressed", None, (len(small.body),
                                                         small.h("Content-Encoding")))
    tap.ok(vary_ae(small), "...and still says Vary: Accept-Encoding", "Accept-Encoding",
           small.h("Vary"))
    tap.ok('-gz"' not in (small.h("ETag") or '-gz"'), "...with the plain ETag", None,
           small.h("ETag"))
    # problems are not negotiable
    p = cl.get("/v1/entities/no-such-entity", headers=GZ)
    tap.ok(p.status == 404 and p.h("Content-Encoding") is None and p.json()["status"] == 404,
           "a problem is sent as it is")
    # other types: the contract (YAML) and /metrics (text)
    y = cl.get("/openapi.yaml", headers=GZ)
    yp = cl.get("/openapi.yaml")
    tap.ok(y.h("Content-Encoding") == "gzip" and gunzip(y.body) == yp.body,
           "openapi.yaml is gzip'd too and decompresses to the plain file")
    m = cl.get("/metrics", headers=GZ)
    tap.ok(m.h("Content-Encoding") == "gzip" and b"ecfacts_http_requests_total" in gunzip(m.body),
           "/metrics (text/plain, over 1 KB) is gzip'd for a Prometheus scraper")


def cache(tap, cl):
    target = "/v1/chips/ascend-910c/lineage?depth=3"
    b0 = counter(cl, "ecfacts_cache_bytes")
    h0 = counter(cl, "ecfacts_cache_hits_total")
    z1 = cl.get(target, headers=GZ)  # a miss: built and compressed
    b1 = counter(cl, "ecfacts_cache_bytes")
    z2 = cl.get(target, headers=GZ)  # a hit
    h1 = counter(cl, "ecfacts_cache_hits_total")
    tap.eq(b1 - b0, len(z1.body), "the gzip answer's bytes count against the cache budget")
    tap.ok(z1.h("Content-Encoding") == "gzip" and len(z1.body) > 0,
           "lineage page gzip'd on the miss", "gzip", (z1.h("Content-Encoding"), len(z1.body)))
    tap.ok(h1 == h0 + 1, "the repeated gzip GET was a cache hit", h0 + 1, h1)
    tap.ok(z2.body == z1.body and z2.h("ETag") == z1.h("ETag") and
           z2.h("Content-Encoding") == "gzip" and vary_ae(z2),
           "the cache hit sends the miss's compressed bytes, ETag and headers")
    # the identity client does not get the cached gzip body, and then is cached itself
    p1 = cl.get(target)
    b2 = counter(cl, "ecfacts_cache_bytes")
    p2 = cl.get(target)
    h2 = counter(cl, "ecfacts_cache_hits_total")
    tap.eq(b2 - b1, len(p1.body), "...and the plain answer's beside it")
    tap.ok(p1.h("Content-Encoding") is None and p1.body == gunzip(z1.body),
           "identity client after a gzip one: the plain body")
    tap.ok(p2.body == p1.body and h2 == h1 + 1,
           "the plain body is cached beside the gzip one", h1 + 1, h2)
    z3 = cl.get(target, headers=GZ)
    tap.ok(z3.body == z1.body and counter(cl, "ecfacts_cache_hits_total") == h2 + 1,
           "...and the gzip one is still served from the cache")
    r = cl.request("HEAD", target, headers=GZ)
    tap.ok(r.body == b"" and r.h("Content-Encoding") == "gzip" and
           int(r.h("Content-Length") or -1) == len(z1.body),
           "HEAD from the cache: gzip headers, no body")
    # a small answer is one representation: a gzip client takes the cached plain one
    s0 = cl.get("/v1/entities/tiktok")
    hs = counter(cl, "ecfacts_cache_hits_total")
    s1 = cl.get("/v1/entities/tiktok", headers=GZ)
    tap.ok(s1.body == s0.body and s1.h("Content-Encoding") is None and
           counter(cl, "ecfacts_cache_hits_total") == hs + 1,
           "a small cached answer serves a gzip client as it is (a hit)")
    n = counter(cl, "ecfacts_gzip_responses_total")
    saved = counter(cl, "ecfacts_gzip_saved_bytes_total")
    tap.ok(n is not None and n >= 3 and saved is not None and
           saved >= 2 * (len(p1.body) - len(z1.body)),
           "/metrics counts gzip'd answers (hits too) and the bytes saved", ">= 3", (n, saved))


def concurrent(tap, port):
    """Identity and gzip clients race on fresh cache entries (the TSan stage
    runs this too): every answer is the right representation of one body."""
    targets = ["/v1/facts?limit=%d" % n for n in (20, 30, 40, 50)] + \
              ["/v1/entities/huawei", "/v1/entities/nvidia", "/v1/stats"]
    plain = {t: E.Client(port).get(t).body for t in targets}
    bad = []

    def worker(k):
        cl = E.Client(port)
        try:
            for i in range(40):
                t = targets[(i + k) % len(targets)]
                z = (i + k) % 2 == 0
                r = cl.get(t, headers=GZ if z else None)
                body = gunzip(r.body) if r.h("Content-Encoding") == "gzip" else r.body
                if r.status != 200 or body != plain[t] or (not z and r.h("Content-Encoding")):
                    bad.append((t, z, r.status, r.h("Content-Encoding")))
        except Exception as e:  # noqa: BLE001 - reported as a failing point
            bad.append(repr(e))
        finally:
            cl.close()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    tap.ok(not bad and not any(t.is_alive() for t in threads),
           "6 clients mixing gzip and identity: each answer is its body, rightly encoded",
           [], bad[:5])


def cors(tap, exe, tmp, data):
    srv = E.Server(exe, data, args=["--cors-origin", "https://a.example, https://b.example"],
                   workdir=tmp)
    try:
        srv.start()
        cl = E.Client(srv.port)
        r = cl.get(PAGE, headers=dict(GZ, Origin="https://a.example"))
        vary = [v.strip().lower() for v in (r.h("Vary") or "").split(",")]
        tap.ok("origin" in vary and "accept-encoding" in vary and
               r.h("Content-Encoding") == "gzip",
               "a CORS origin list and gzip: Vary names both", "Origin, Accept-Encoding",
               r.h("Vary"))
        cl.close()
    except E.ServerError as e:
        tap.ok(False, "serve starts with a CORS list", "listening", str(e))
    finally:
        srv.stop()


def main(tap):
    exe, _ = E.binary_from_argv()
    tmp = E.tempdir("gzip")
    data = os.path.join(tmp, "data")
    srv = E.Server(exe, data, workdir=tmp)
    try:
        srv.start()
        cl = E.Client(srv.port)
        negotiation(tap, cl, srv.port)
        cache(tap, cl)
        # a write makes every entry stale: the racers fill fresh ones
        r = cl.request("POST", "/v1/articles", body=b"Race\nNvidia develops the H20.\n",
                       headers={"Content-Type": "text/plain",
                                "Authorization": "Bearer " + E.TOKEN})
        tap.eq(r.status, 201, "POST an article (the cache starts over)")
        concurrent(tap, srv.port)
        cl.close()
    except E.ServerError as e:
        tap.ok(False, "serve starts", "listening", str(e))
    finally:
        srv.stop()
    cors(tap, exe, tmp, data)
    E.rmtree(tmp)


if __name__ == "__main__":
    E.run_main("gzip", main)
