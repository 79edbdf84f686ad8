#!/usr/bin/python3
"""The response cache never serves a stale or someone else's answer.

usage: test_cache.py ECFACTS_BINARY [SHARED_DIR]      (TAP on stdout)

A repeated GET is answered from the cache (the /metrics hit counter moves)
with the same bytes and ETag; a write by another process (`ecfacts ingest`)
or through the API makes the next GET fresh; HEAD and conditional GETs
still behave; with a per-origin CORS list, each origin gets its own
Access-Control-Allow-Origin; --cache-size 0 turns the cache off."""
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ecftest as E  # noqa: E402

ARTICLE = ("Cache check\nHuawei develops the Ascend 910C, the successor to the Ascend 910B. "
           "Baidu uses the Ascend 910C in its data centres.\n")


def counter(cl, name):
    text = cl.get("/metrics").body.decode()
    m = re.search(r"^%s (\d+)$" % name, text, re.M)
    return int(m.group(1)) if m else None


def main(tap):
    exe, _ = E.binary_from_argv()
    tmp = E.tempdir("cache")
    data = os.path.join(tmp, "data")
    srv = E.Server(exe, data, args=["--cors-origin", "https://a.example, https://b.example"],
                   workdir=tmp)
    try:
        srv.start()
        cl = E.Client(srv.port)
        r1 = cl.get("/v1/entities/huawei")
        h0 = counter(cl, "ecfacts_cache_hits_total")
        r2 = cl.get("/v1/entities/huawei")
        h1 = counter(cl, "ecfacts_cache_hits_total")
        tap.eq(r2.status, 200, "repeated GET is 200")
        tap.ok(h0 is not None and h1 == h0 + 1, "the repeated GET was a cache hit", h0 and h0 + 1, h1)
        tap.ok(r1.body == r2.body and r1.h("ETag") == r2.h("ETag"), "same bytes and ETag")
        r = cl.request("HEAD", "/v1/entities/huawei")
        tap.ok(r.status == 200 and r.body == b"" and r.h("ETag") == r1.h("ETag"),
               "HEAD from the cache: headers, no body")
        r = cl.get("/v1/entities/huawei", headers={"If-None-Match": r1.h("ETag")})
        tap.eq(r.status, 304, "If-None-Match still gives 304")
        # a write by another process invalidates
        path = os.path.join(tmp, "cache-check.txt")
        with open(path, "w") as f:
            f.write(ARTICLE)
        p = subprocess.run([exe, "ingest", "--data", data, path], capture_output=True,
                           timeout=120, env=E.clean_env())
        tap.eq(p.returncode, 0, "ingest from another process")
        r3 = cl.get("/v1/entities/huawei")
        tap.ok(r3.json()["mentions"] > r1.json()["mentions"] and r3.h("ETag") != r1.h("ETag"),
               "after another process wrote, the GET is fresh (mentions grew, new ETag)",
               "> %d" % r1.json()["mentions"], r3.json()["mentions"])
        s1 = cl.get("/v1/stats").json()
        r = cl.request("POST", "/v1/articles", body=b"API write\nNvidia develops the H20.\n",
                       headers={"Content-Type": "text/plain",
                                "Authorization": "Bearer " + E.TOKEN})
        tap.eq(r.status, 201, "POST an article")
        s2 = cl.get("/v1/stats").json()
        tap.eq(s2["articles"], s1["articles"] + 1, "after a POST, /v1/stats is fresh")
        # per-origin CORS answers are not shared through the cache
        ra = cl.get("/v1/entities/nvidia", headers={"Origin": "https://a.example"})
        rb = cl.get("/v1/entities/nvidia", headers={"Origin": "https://b.example"})
        rn = cl.get("/v1/entities/nvidia", headers={"Origin": "https://evil.example"})
        tap.eq(ra.h("Access-Control-Allow-Origin"), "https://a.example", "origin a gets a")
        tap.eq(rb.h("Access-Control-Allow-Origin"), "https://b.example", "origin b gets b")
        tap.eq(rn.h("Access-Control-Allow-Origin"), None, "another origin gets none")
        # errors are never cached
        e1 = cl.get("/v1/entities/no-such-entity")
        e2 = cl.get("/v1/entities/no-such-entity")
        tap.ok(e1.status == 404 and e2.status == 404, "404s stay 404s")
        cl.close()
    except E.ServerError as e:
        tap.ok(False, "serve starts", "listening", str(e))
    finally:
        srv.stop()
    srv = E.Server(exe, data, args=["--cache-size", "0"], workdir=tmp)
    try:
        srv.start()
        cl = E.Client(srv.port)
        cl.get("/v1/entities/huawei")
        cl.get("/v1/entities/huawei")
        tap.eq(counter(cl, "ecfacts_cache_hits_total"), None,
               "--cache-size 0: no cache, no cache metrics")
        cl.close()
    except E.ServerError as e:
        tap.ok(False, "serve starts without a cache", "listening", str(e))
    finally:
        srv.stop()
        E.rmtree(tmp)


if __name__ == "__main__":
    E.run_main("cache", main)
