#!/usr/bin/python3
"""Read replicas on snapshots: `ecfacts snapshot` and `serve --read-only`.

usage: test_snapshot.py ECFACTS_BINARY [SHARED_DIR]      (TAP on stdout)

Two processes: a writer store filled by `ecfacts ingest`, and a replica
serving a compacted snapshot of it. While client threads keep requesting,
a newer snapshot is moved over the replica's data.mdb: the replica swaps to
it, every request during the swap succeeds, and the ETag changes. SIGHUP
reopens too; a POST to a replica is a 503 problem. Every wait has a deadline."""
import os
import signal
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ecftest as E  # noqa: E402

ARTICLES = [
    ("snap-one", "Chip curbs widen\nThe U.S. Department of Commerce added Sophgo to the "
     "Entity List in January 2025. Huawei develops the Ascend 910C.\n"),
    ("snap-two", "A new accelerator\nNvidia designed the H20, a cut-down version of the H100 "
     "for the Chinese market. Tencent uses the H20.\n"),
]
TARGETS = ["/v1/stats", "/v1/entities?limit=20", "/v1/articles", "/v1/search?q=Huawei",
           "/readyz"]


def run(tap, cmd, desc):
    p = subprocess.run(cmd, capture_output=True, timeout=120, env=E.clean_env())
    tap.eq(p.returncode, 0, desc)
    if p.returncode:
        tap.diag(p.stderr.decode("utf-8", "replace")[-2000:])
    return p


def hammer(port, stop, out):
    cl = E.Client(port)
    res, errors = [], []
    while True:
        for t in TARGETS:
            try:
                res.append((t, cl.get(t).status))
            except Exception as e:  # noqa: BLE001
                errors.append("%s: %r" % (t, e))
        if stop.is_set():
            break
    cl.close()
    out.update(res=res, errors=errors)


def wait_for(pred, deadline_s):
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.05)
    return False


def main(tap):
    exe, _ = E.binary_from_argv()
    tmp = E.tempdir("snap")
    writer, replica = os.path.join(tmp, "writer"), os.path.join(tmp, "replica")
    srcs = []
    for name, text in ARTICLES:
        path = os.path.join(tmp, name + ".txt")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        srcs.append(path)
    run(tap, [exe, "ingest", "--data", writer, srcs[0]], "ingest into the writer")
    p = run(tap, [exe, "snapshot", "--data", writer, replica], "snapshot into the replica dir")
    tap.ok(os.path.exists(os.path.join(replica, "data.mdb")), "the snapshot is a data.mdb")
    p = subprocess.run([exe, "snapshot", "--data", writer, replica], capture_output=True,
                       timeout=60, env=E.clean_env())
    tap.ok(p.returncode == 1 and b"exists" in p.stderr,
           "snapshot refuses to overwrite an existing data.mdb", "exit 1, 'exists'",
           (p.returncode, p.stderr[-200:]))
    srv = E.Server(exe, replica, args=["--read-only", "--no-sample"], workdir=tmp)
    try:
        srv.start()
        tap.ok(not os.path.exists(os.path.join(replica, "lock.mdb")),
               "a read-only replica makes no lock file")
        cl = E.Client(srv.port)
        r1 = cl.get("/v1/stats")
        tap.eq(r1.json()["articles"], 1, "replica serves the first snapshot")
        etag1 = r1.h("ETag")
        r = cl.request("POST", "/v1/articles", body=b'{"text":"x y z"}',
                       headers={"Content-Type": "application/json",
                                "Authorization": "Bearer " + E.TOKEN})
        tap.eq(r.status, 503, "POST to a read-only replica is 503")
        tap.eq(r.h("Content-Type"), E.PROBLEM_CT, "... as a problem")

        stop, outs, threads = threading.Event(), [], []
        for _ in range(4):
            out = {}
            outs.append(out)
            th = threading.Thread(target=hammer, args=(srv.port, stop, out))
            th.start()
            threads.append(th)
        # a newer snapshot, moved into place while the clients run
        run(tap, [exe, "ingest", "--data", writer, srcs[1]], "ingest more into the writer")
        run(tap, [exe, "snapshot", "--data", writer, os.path.join(tmp, "next")],
            "snapshot the writer again")
        os.rename(os.path.join(tmp, "next", "data.mdb"), os.path.join(replica, "data.mdb"))
        swapped = wait_for(lambda: cl.get("/v1/stats").json()["articles"] == 2, 30)
        tap.ok(swapped, "the replica swaps to the new snapshot within 30 s")
        # and SIGHUP reopens, still under load
        srv.send_signal(signal.SIGHUP)
        tap.ok(wait_for(lambda: any("SIGHUP" in ln and "reopen" in ln for ln in srv.lines), 30),
               "SIGHUP reopens the store (logged)")
        stop.set()
        for th in threads:
            th.join(timeout=60)
        res = [x for o in outs for x in o.get("res", [])]
        errs = [x for o in outs for x in o.get("errors", [])]
        bad = [x for x in res if x[1] != 200]
        tap.ok(len(res) > 0 and not bad and not errs,
               "every request during the swaps succeeded (%d requests)" % len(res),
               "all 200, no errors", (bad[:5], errs[:5]))
        r2 = cl.get("/v1/stats")
        tap.ok(r2.h("ETag") and r2.h("ETag") != etag1, "the ETag changed with the snapshot",
               "different from " + str(etag1), r2.h("ETag"))
        r = cl.get("/v1/entities/h20")
        tap.eq(r.status, 200, "an entity of the new snapshot is served")
        cl.close()
        tap.eq(srv.stop(), 0, "SIGTERM: exit 0")
    except E.ServerError as e:
        tap.ok(False, "replica starts", "listening", str(e))
    finally:
        srv.stop()
        E.rmtree(tmp)


if __name__ == "__main__":
    E.run_main("snapshot", main)
