#!/usr/bin/python3
"""Read replicas on snapshots: `ecfacts snapshot` and `serve --read-only`.

usage: test_snapshot.py ECFACTS_BINARY [SHARED_DIR]      (TAP on stdout)

Two processes: a writer store filled by `ecfacts ingest`, and a replica
serving a compacted snapshot of it. While client threads keep requesting,
a newer snapshot is moved over the replica's data.mdb: the replica swaps to
it, every request during the swap succeeds, and the ETag changes. SIGHUP
looks again (and reopens nothing when the file is unchanged); a POST to a
replica is a 503 problem.

Then twelve distinct snapshots are swapped in by rename, several times each,
probing after every swap that the (cached) answers are the current
snapshot's: every compacted snapshot has LMDB transaction id 1 and store
addresses are reused, so the response cache must key on something else.
Last, data.mdb rewritten in place (same inode, as cp does) is noticed,
logged, counted in /metrics, and the replica reopens it and stays up.
Every wait has a deadline."""
import os
import shutil
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
               "SIGHUP makes the replica look again (logged)")
        tap.ok(any("SIGHUP" in ln and "nothing to reopen" in ln for ln in srv.lines),
               "... and it does not open the unchanged data.mdb a second time",
               "nothing to reopen", [ln for ln in srv.lines if "SIGHUP" in ln])
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
    try:
        many_snapshots(tap, exe, tmp)
    except Exception:  # noqa: BLE001
        tap.crashed("many snapshots")
    E.rmtree(tmp)


N_SNAP = 12
PROBES = ["/v1/stats", "/v1/articles", "/v1/entities?limit=50", "/v1/search?q=Huawei",
          "/v1/sanctions"]


def swaps_logged(srv):
    return sum("now serving" in ln for ln in srv.lines)


def articles_of(cl, limit=500):
    """The article ids the replica serves, read through a cacheable route."""
    r = cl.get("/v1/articles?limit=%d" % limit)
    return r.status, sorted(a["id"] for a in r.json().get("items", [])) if r.status == 200 else []


def many_snapshots(tap, exe, tmp):
    """N_SNAP snapshots, snapshot k holding articles 0..k; swapped in by rename in
    the order 0..N-1 and then shuffled, three rounds, probing after each swap."""
    writer = os.path.join(tmp, "many-writer")
    replica = os.path.join(tmp, "many-replica")
    os.mkdir(replica)
    snaps = []
    for k in range(N_SNAP):
        src = os.path.join(tmp, "many-%02d.txt" % k)
        with open(src, "w", encoding="utf-8") as f:
            f.write(E.make_article(900 + k))
        code, _, err = E.run([exe, "ingest", "--data", writer, src])
        out = os.path.join(tmp, "many-snap-%02d" % k)
        code2, _, err2 = E.run([exe, "snapshot", "--data", writer, out])
        if code or code2:
            tap.ok(False, "snapshot %d made" % k, 0, (code, err, code2, err2))
            return
        snaps.append(os.path.join(out, "data.mdb"))
    order = list(range(N_SNAP)) + [3, 11, 0, 7, 2, 9, 5, 10, 1, 8, 4, 6] * 2
    shutil.copyfile(snaps[order[0]], os.path.join(replica, "data.mdb"))
    # glibc's malloc hands a closed store's address to the next one; ASan's
    # quarantine would not, and would hide a cache keyed on addresses.
    asan = os.environ.get("ASAN_OPTIONS", "")
    env = E.clean_env(ASAN_OPTIONS=(asan + ":" if asan else "") + "quarantine_size_mb=0:thread_local_quarantine_size_kb=0")
    srv = E.Server(exe, replica, args=["--read-only", "--no-sample"], env=env, workdir=tmp)
    stale, probes, missed = [], 0, []
    try:
        srv.start()
        cl = E.Client(srv.port)
        for step, k in enumerate(order):
            if step:
                before = swaps_logged(srv)
                nxt = os.path.join(tmp, "many-next.mdb")
                shutil.copyfile(snaps[k], nxt)
                os.rename(nxt, os.path.join(replica, "data.mdb"))
                if not wait_for(lambda: swaps_logged(srv) > before, 30):
                    missed.append(step)
                    continue
            want = sorted("many-%02d" % i for i in range(k + 1))
            # Targets that recur every 2nd and every 3rd swap: an entry cached
            # under an earlier snapshot survives until the same target is
            # asked again, so a reused store address would hit it.
            limits = (500, 400 + step % 2, 300 + step % 3)
            for _ in range(2):  # the second round is answered from the cache
                st = cl.get("/v1/stats")
                probes += 1
                if st.status != 200 or st.json()["articles"] != k + 1:
                    stale.append((step, k, "stats", st.status, st.body[:80]))
                for lim in limits:
                    status, ids = articles_of(cl, lim)
                    probes += 1
                    if ids != want:
                        stale.append((step, k, "articles?limit=%d" % lim, status, ids[-2:]))
                for t in PROBES:
                    cl.get(t)
        cl.close()
        tap.ok(not missed, "each of %d renames was swapped in within 30 s" % (len(order) - 1),
               [], missed)
        tap.ok(not stale, "after %d swaps among %d snapshots, %d probes all answer from the "
               "current snapshot" % (len(order) - 1, N_SNAP, probes), [],
               "%d stale, first: %r" % (len(stale), stale[:5]))
        inplace(tap, srv, snaps, replica)
        tap.eq(srv.stop(), 0, "the replica exits 0 on SIGTERM")
    except E.ServerError as e:
        tap.ok(False, "replica of many snapshots starts", "listening", str(e))
    finally:
        srv.stop()


def metric(cl, name):
    for ln in cl.get("/metrics").body.decode().splitlines():
        if ln.startswith(name + " "):
            return int(float(ln.split()[1]))
    return None


def inplace(tap, srv, snaps, replica):
    """data.mdb overwritten in place (same inode), as cp and rsync --inplace do."""
    cl = E.Client(srv.port)
    path = os.path.join(replica, "data.mdb")
    ino = os.stat(path).st_ino
    n0 = metric(cl, "ecfacts_snapshot_inplace_rewrites_total")
    tap.eq(n0, 0, "/metrics counts no in-place rewrite yet")
    cl.close()
    with open(snaps[1], "rb") as f:
        data = f.read()
    with open(path, "r+b") as f:  # cp truncates and writes into the same inode
        f.truncate(0)
        f.write(data)
    tap.eq(os.stat(path).st_ino, ino, "the rewrite kept the inode")
    tap.ok(wait_for(lambda: any("rewritten in place" in ln and "WARNING" in ln
                                for ln in srv.lines), 30),
           "the replica logs a warning about the in-place rewrite")

    def reopened():
        c = E.Client(srv.port)
        try:
            st = c.get("/v1/stats")
            return st.status == 200 and st.json()["articles"] == 2
        finally:
            c.close()
    tap.ok(wait_for(reopened, 30), "the replica reopens the rewritten file and serves it")
    cl = E.Client(srv.port)
    tap.eq(metric(cl, "ecfacts_snapshot_inplace_rewrites_total"), 1,
           "/metrics counts the in-place rewrite")
    status, ids = articles_of(cl)
    tap.eq(ids, ["many-00", "many-01"], "its articles are the rewritten snapshot's")
    cl.close()
    tap.ok(srv.proc.poll() is None, "the replica is still running", "running", srv.proc.poll())


if __name__ == "__main__":
    E.run_main("snapshot", main)
