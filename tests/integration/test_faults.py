#!/usr/bin/python3
"""Store faults that are fast and deterministic: an unusable data path, a
full map, reader slots left by crashed processes, a truncated data.mdb and a
data.mdb that is not LMDB at all.

Every command must end (a deadline on each), with exit status 1 and a
message naming the data path where it fails, never with a signal or a
sanitizer report; the store must be intact after a failed write.

usage: test_faults.py ECFACTS_BINARY [SHARED_DIR]      (TAP on stdout)"""
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ecftest as E  # noqa: E402

CMD_DEADLINE = 60   # seconds any one command may take
SMALL_MAP = "256K"  # holds a couple of the articles below, not all

SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "ThreadSanitizer", "runtime error:",
                   "UndefinedBehaviorSanitizer")


def clean_exit(rc, err):
    """(ok, why): exit status 1 (not a signal, not a sanitizer abort)."""
    if rc is None:
        return False, "did not exit within %ds" % CMD_DEADLINE
    if rc < 0:
        return False, "killed by signal %d" % -rc
    marks = [m for m in SANITIZER_MARKS if m in err]
    if marks:
        return False, "sanitizer report (%s): %s" % (", ".join(marks), err[-1500:])
    if rc != 1:
        return False, "exit %d" % rc
    return True, ""


def run(cmd, timeout=CMD_DEADLINE):
    """(rc or None on timeout, stdout, stderr); a timeout kills the command."""
    try:
        return E.run(cmd, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace")
        err = (e.stderr or b"").decode("utf-8", "replace")
        return None, out, err


def serve_cmd(exe, data, *extra):
    return [exe, "serve", "--listen", "127.0.0.1:0", "--data", data, "--no-sample",
            "--threads", "2"] + list(extra)


def write_articles(d, n, words=400, first=0):
    os.makedirs(d, exist_ok=True)
    for i in range(first, first + n):
        with open(os.path.join(d, "f%03d.txt" % i), "w") as f:
            f.write(E.make_article(1000 + i, words=words))
    return d


def stats(exe, data, *extra):
    rc, out, err = run([exe, "stats", "--data", data] + list(extra))
    try:
        return rc, json.loads(out), err
    except ValueError:
        return rc, None, err


def export(exe, data):
    rc, out, err = run([exe, "export", "--data", data])
    return rc, out, err


def counts(st):
    """The content counts of a stats object (map_size depends on the opener)."""
    return {k: st.get(k) for k in ("articles", "entities", "facts", "sanctions")} if st else None


# ------------------------------------------------------------ bad paths

def bad_paths(tap, exe, tmp):
    afile = os.path.join(tmp, "a-file")
    with open(afile, "w") as f:
        f.write("not a directory\n")
    mdb_dir = os.path.join(tmp, "mdb-is-dir")
    os.makedirs(os.path.join(mdb_dir, "data.mdb"))
    lock_dir = os.path.join(tmp, "lock-is-dir")
    os.makedirs(os.path.join(lock_dir, "lock.mdb"))
    arts = write_articles(os.path.join(tmp, "bad-paths-articles"), 1, words=0)
    for data, what in ((afile, "the data path is a regular file"),
                       (os.path.join(afile, "sub"), "the data path's parent is a regular file"),
                       (os.path.join(afile, "sub", "deeper"), "a grandparent is a regular file"),
                       (mdb_dir, "data.mdb is a directory"),
                       (lock_dir, "lock.mdb is a directory")):
        for cmd in (["stats", "--data", data], ["export", "--data", data],
                    ["ingest", "--data", data, arts], serve_cmd(exe, data)[1:]):
            rc, out, err = run([exe] + cmd)
            ok, why = clean_exit(rc, err)
            tap.ok(ok and data in err and "listening" not in out,
                   "%s: `%s` exits 1 naming the path" % (what, cmd[0]),
                   "exit 1, stderr names %s" % data, why or (rc, err[-400:], out[-200:]))


# -------------------------------------------------------------- map full

def map_full(tap, exe, tmp):
    data = os.path.join(tmp, "full")
    arts = write_articles(os.path.join(tmp, "full-articles"), 40)
    rc, out, err = run([exe, "ingest", "--data", data, "--map-size", SMALL_MAP, arts])
    ok, why = clean_exit(rc, err)
    stored = out.count(": stored")
    tap.ok(ok and 0 < stored < 40, "ingest into a %s map stops at map full with exit 1"
           % SMALL_MAP, "exit 1 after some stored", why or (rc, stored, err[-300:]))
    tap.ok("--map-size" in err and "map full" in err,
           "the map-full message says to raise --map-size", "--map-size", err[-400:])
    tap.ok(err.count("map full") == 1,
           "ingest stops at the first map-full article (does not try every other one)",
           1, err.count("map full"))
    rc1, st1, _ = stats(exe, data, "--map-size", SMALL_MAP)
    rce1, ex1, _ = export(exe, data)
    tap.ok(rc1 == 0 and rce1 == 0 and st1 and st1["articles"] == stored,
           "after map full: stats and export work, the stored articles are there",
           stored, (rc1, st1))
    # A second attempt: fails the same way and changes nothing.
    more = write_articles(os.path.join(tmp, "full-more"), 1, first=500)
    rc, out, err = run([exe, "ingest", "--data", data, "--map-size", SMALL_MAP, more])
    ok, why = clean_exit(rc, err)
    tap.ok(ok and "--map-size" in err, "one more article into the full map: exit 1, --map-size",
           "exit 1", why or (rc, err[-300:]))
    rc2, st2, _ = stats(exe, data, "--map-size", SMALL_MAP)
    rce2, ex2, _ = export(exe, data)
    tap.eq(st2, st1, "stats unchanged by the failed ingest")
    tap.ok(rce2 == 0 and ex2 == ex1, "export byte-identical after the failed ingest",
           "%d bytes" % len(ex1), "%d bytes" % len(ex2))
    # Over HTTP: 507, and the server goes on serving the same store.
    srv = E.Server(exe, data, args=["--no-sample", "--map-size", SMALL_MAP, "--threads", "2"])
    try:
        srv.start()
        c = E.Client(srv.port)
        before = c.get("/v1/stats").json()
        with open(os.path.join(more, "f500.txt"), "rb") as f:
            body = f.read()
        r = c.request("POST", "/v1/articles", body=body,
                      headers={"Content-Type": "text/plain; charset=utf-8",
                               "Authorization": "Bearer " + E.TOKEN})
        ok, why = E.is_problem(r, 507, "insufficient-storage")
        tap.ok(ok, "POST /v1/articles on a full map: 507 insufficient-storage", 507, why or r)
        after = c.get("/v1/stats").json()
        tap.eq(counts(after), counts(before), "GET /v1/stats counts unchanged after the 507")
        tap.eq(c.get("/healthz").status, 200, "the server still answers after the 507")
        c.close()
    finally:
        code = srv.stop()
        tap.eq(code, 0, "server on the full map stops with exit 0")
        check_stderr(tap, srv.stderr_text(), "server on the full map")
    rce3, ex3, _ = export(exe, data)
    tap.ok(rce3 == 0 and ex3 == ex1, "export still byte-identical after the refused POST",
           "%d bytes" % len(ex1), "%d bytes" % len(ex3))
    # A larger --map-size lets the same article in.
    rc, out, err = run([exe, "ingest", "--data", data, "--map-size", "64M", more])
    rc4, st4, _ = stats(exe, data)
    tap.ok(rc == 0 and st4 and st4["articles"] == stored + 1,
           "with a larger --map-size the article is stored", stored + 1,
           (rc, st4, err[-300:]))


def check_stderr(tap, err, what):
    marks = [m for m in SANITIZER_MARKS if m in err]
    tap.ok(not marks, "%s: no sanitizer report" % what, "none", err[-3000:] if marks else "")


# ----------------------------------------------------------- stale readers

HOLDER = r"""
import ctypes, sys, time
L = ctypes.CDLL("liblmdb.so.0")
env = ctypes.c_void_p()
assert L.mdb_env_create(ctypes.byref(env)) == 0
L.mdb_env_set_maxdbs(env, 64)
MDB_RDONLY, MDB_NOTLS = 0x20000, 0x200000
rc = L.mdb_env_open(env, sys.argv[1].encode(), MDB_RDONLY | MDB_NOTLS, 0o644)
if rc:
    print("open failed %d" % rc, flush=True)
    sys.exit(1)
held = []
most = int(sys.argv[2]) if len(sys.argv) > 2 else 1 << 30
while len(held) < most:
    t = ctypes.c_void_p()
    rc = L.mdb_txn_begin(env, None, MDB_RDONLY, ctypes.byref(t))
    if rc:
        break
    held.append(t)
print("held %d slots (then rc %d)" % (len(held), rc), flush=True)
time.sleep(600)
"""


def read_line(proc, deadline):
    """The first stdout line of proc, or None by the deadline."""
    box = []
    t = threading.Thread(target=lambda: box.append(proc.stdout.readline()), daemon=True)
    t.start()
    t.join(deadline)
    return box[0].decode("utf-8", "replace").strip() if box else None


def served_everything(tap, exe, data, what):
    """A new serve starts on data and answers every exported article."""
    rc, out, _ = export(exe, data)
    ids = [json.loads(ln)["data"]["id"] for ln in out.splitlines()
           if ln.startswith('{"kind":"article"')]
    srv = E.Server(exe, data, args=["--no-sample", "--threads", "2"])
    try:
        srv.start()
        c = E.Client(srv.port)
        listed = []
        cursor = None
        for _ in range(100):
            r = c.get("/v1/articles?limit=500" + ("&cursor=" + cursor if cursor else ""))
            if r.status != 200:
                break
            page = r.json()
            listed += [a["id"] for a in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        tap.eq(sorted(listed), sorted(ids), "%s: a new serve lists every article" % what)
        bad = [i for i in ids if c.get("/v1/articles/" + i).status != 200]
        tap.eq(bad, [], "%s: GET /v1/articles/{id} 200 for each of %d" % (what, len(ids)))
        tap.eq(c.get("/readyz").status, 200, "%s: /readyz 200" % what)
        c.close()
    except E.ServerError as e:
        tap.ok(False, "%s: a new serve starts" % what, "listening", str(e)[-1500:])
    finally:
        code = srv.stop()
        tap.eq(code, 0, "%s: the new serve stops with exit 0" % what)
        check_stderr(tap, srv.stderr_text(), what)
    return ids


def reader_slots(data):
    """Reader table entries of lock.mdb as `mdb_stat -r` lists them (which
    does not clear stale ones), for the log only; None without mdb_stat."""
    mdb_stat = shutil.which("mdb_stat")
    if not mdb_stat:
        return None
    rc, out, _ = run([mdb_stat, "-r", data], timeout=30)
    rows = [ln for ln in out.splitlines() if ln.strip() and ln.split()[0].isdigit()]
    return "%d (%s)" % (len(rows), "; ".join(r.strip() for r in rows[:4]))


def kill_busy_serve(exe, data):
    """Starts serve, has 6 clients ask it uncached questions, SIGKILLs it
    mid-flight: (exit code, answers before the kill, reader slots left)."""
    srv = E.Server(exe, data, args=["--no-sample", "--threads", "4"])
    srv.start()
    stop = threading.Event()
    answered = []

    def hammer(n):
        c = E.Client(srv.port, timeout=10)
        k = 0
        while not stop.is_set():
            k += 1
            try:  # targets never seen before: no answer comes from the response cache
                for t in ("/v1/search?q=huawei%d-%d" % (n, k),
                          "/v1/entities?limit=%d&q=%s" % (k % 500 + 1, "hnstu"[k % 5]),
                          "/v1/search?q=nvidia%d-%d" % (n, k)):
                    c.get(t)
                    answered.append(1)
            except (OSError, E.http.client.HTTPException):
                break
        c.close()

    threads = [threading.Thread(target=hammer, args=(n,), daemon=True) for n in range(6)]
    for t in threads:
        t.start()
    dl = E.Deadline(30)
    while not dl.passed() and len(answered) < 1000:  # the hammers are going
        stop.wait(0.05)
    srv.proc.send_signal(signal.SIGKILL)
    code = srv.wait(30)
    stop.set()
    for t in threads:
        t.join(15)
    srv.stop()
    return code, len(answered), reader_slots(data)


def stale_readers(tap, exe, tmp):
    data = os.path.join(tmp, "stale")
    arts = write_articles(os.path.join(tmp, "stale-articles"), 5)
    rc, _, err = run([exe, "ingest", "--data", data, arts])
    tap.eq(rc, 0, "stale readers: the store is filled (exit 0)")

    # 1. a serve killed while requests run: reader slots of a dead process.
    #    A keeper holds the environment open (with no slot), so the next
    #    opener does not get lock.mdb to itself and reset the reader table.
    #    Whether a slot is in use at the kill is chance: up to 5 tries.
    keeper = subprocess.Popen(["/usr/bin/python3", "-c", HOLDER, data, "0"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    tap.eq(read_line(keeper, 30), "held 0 slots (then rc 0)", "a keeper opens the store")
    codes = []
    for attempt in range(5):
        code, n, slots = kill_busy_serve(exe, data)
        codes.append(code)
        tap.diag("try %d: %d answers before the kill; reader slots left in lock.mdb: %s"
                 % (attempt + 1, n, slots))
        if slots is None or not slots.startswith("0 "):
            break
    tap.ok(all(c == -signal.SIGKILL for c in codes),
           "serve killed with SIGKILL while requests ran", "-9 each time", codes)
    try:  # the keeper still holds the store open: the stale slots stay
        more = write_articles(os.path.join(tmp, "stale-more"), 1, first=600)
        rc, out, err = run([exe, "ingest", "--data", data, more])
        tap.ok(rc == 0 and "stored" in out, "after the killed serve: ingest works", 0,
               (rc, out, err[-300:]))
        ids = served_everything(tap, exe, data, "after a killed serve")
        tap.eq(len(ids), 6, "after a killed serve: 6 articles")
    finally:
        keeper.send_signal(signal.SIGKILL)
        keeper.wait(30)
        keeper.stdout.close()
        keeper.stderr.close()

    # 2. Every free reader slot taken by a process that then dies, while a
    #    live serve keeps the environment open (so the next opener does not
    #    get the lock file to itself and reset the table: the stale slots
    #    stay until someone runs mdb_reader_check).
    srv = E.Server(exe, data, args=["--no-sample", "--threads", "2"])
    holder = None
    try:
        srv.start()
        c = E.Client(srv.port)
        tap.eq(c.get("/v1/articles").status, 200, "a live serve keeps the store open")
        holder = subprocess.Popen(["/usr/bin/python3", "-c", HOLDER, data],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = read_line(holder, 30)
        held = int(line.split()[1]) if line and line.startswith("held ") else 0
        tap.ok(held >= 100, "a helper holds every free reader slot of lock.mdb", ">= 100", line)
        r = c.get("/v1/articles?limit=3")  # a target not in the response cache
        ok, why = E.is_problem(r, 503) if r.status != 200 else (False, "200")
        tap.ok(ok, "while no reader slot is free, the live serve answers 503 problem", 503,
               why or r)
        rc, st, err = stats(exe, data)
        ok, why = clean_exit(rc, err)
        tap.ok(ok, "stats while every reader slot is taken: exit 1", "exit 1",
               why or (rc, st, err[-300:]))
        tap.ok(data in err, "... and the busy message names the store", data, err[-300:])
        holder.send_signal(signal.SIGKILL)
        holder.wait(30)
        stale = reader_slots(data)
        tap.diag("reader slots after the helper died: %s" % stale)
        tap.ok(stale is None or int(stale.split()[0]) >= held,
               "the dead helper's slots are still in lock.mdb", ">= %d" % held, stale)
        r = c.get("/v1/articles?limit=4")
        tap.eq(r.status, 200, "the live serve reclaims the dead slots: GET 200")
        r = c.get("/readyz")
        tap.eq(r.status, 200, "... and /readyz 200")
        more = write_articles(os.path.join(tmp, "stale-more2"), 1, first=601)
        rc, out, err = run([exe, "ingest", "--data", data, more])
        tap.ok(rc == 0 and "stored" in out, "after a dead process held every slot: ingest "
               "works beside the live serve", 0, (rc, out, err[-300:]))
        r = c.get("/v1/articles/f601")
        tap.eq(r.status, 200, "the live serve sees the new article")
        c.close()
    finally:
        if holder is not None:
            if holder.poll() is None:
                holder.send_signal(signal.SIGKILL)
                holder.wait(30)
            holder.stdout.close()
            holder.stderr.close()
        code = srv.stop()
        tap.eq(code, 0, "the live serve stops with exit 0")
        check_stderr(tap, srv.stderr_text(), "the live serve")
    ids = served_everything(tap, exe, data, "after dead slot holders")
    tap.eq(len(ids), 7, "after dead slot holders: 7 articles")

# ------------------------------------------------------ damaged data.mdb

def damaged(tap, exe, tmp):
    src = os.path.join(tmp, "whole")
    arts = write_articles(os.path.join(tmp, "whole-articles"), 40)
    rc, _, err = run([exe, "ingest", "--data", src, arts])
    tap.eq(rc, 0, "a 40-article store for the damage cases")
    size = os.path.getsize(os.path.join(src, "data.mdb"))
    rnd = random.Random(20261123)

    def variant(name, mutate):
        d = os.path.join(tmp, name)
        os.makedirs(d)
        path = os.path.join(d, "data.mdb")
        shutil.copyfile(os.path.join(src, "data.mdb"), path)
        mutate(path)
        return d

    def truncate_half(p):
        os.truncate(p, (size // 2) // 4096 * 4096)

    def truncate_odd(p):
        os.truncate(p, size // 2 + 123)

    def garbage(p):
        with open(p, "wb") as f:
            f.write(bytes(rnd.getrandbits(8) for _ in range(size)))

    def tiny(p):
        with open(p, "wb") as f:
            f.write(b"hello")

    def pages_garbage(p):
        with open(p, "r+b") as f:  # keep the two meta pages, garble the rest
            f.seek(8192)
            f.write(bytes(rnd.getrandbits(8) for _ in range(size - 8192)))

    cases = [("truncated to half", variant("trunc-half", truncate_half)),
             ("truncated mid-page", variant("trunc-odd", truncate_odd)),
             ("random bytes", variant("garbage", garbage)),
             ("five bytes", variant("tiny", tiny)),
             ("meta pages intact, the rest garbage", variant("pages-garbage", pages_garbage))]
    for what, d in cases:
        for cmd in ("stats", "export"):
            rc, out, err = run([exe, cmd, "--data", d])
            ok, why = clean_exit(rc, err)
            tap.ok(ok and d in err, "data.mdb %s: `%s` exits 1 naming the store" % (what, cmd),
                   "exit 1, message naming %s" % d, why or (rc, out[:200], err[-600:]))
        # serve: refuses to start, or at least never crashes on a request
        rc, out, err = serve_refuses(exe, d)
        ok, why = clean_exit(rc, err)
        tap.ok(ok and d in err, "data.mdb %s: `serve` exits 1 naming the store" % what,
               "exit 1 before listening", why or (rc, out[-300:], err[-800:]))


def serve_refuses(exe, data):
    """Runs serve on data. If it starts listening, asks for every list and
    then stops it: (rc, stdout, stderr); rc None = it served and survived."""
    proc = subprocess.Popen(serve_cmd(exe, data), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=E.clean_env())
    line = read_line(proc, 30)
    rc = proc.poll()
    if line and "listening" in line:
        port = int(E.LISTEN_RE.search(line).group(1))
        for t in ("/v1/articles?limit=500", "/v1/entities?limit=500", "/v1/facts?limit=500",
                  "/v1/sanctions?limit=500", "/v1/stats", "/readyz"):
            try:
                E.raw_request(port, "GET", t, [], timeout=10)
            except (OSError, E.http.client.HTTPException):
                break
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    try:
        out, err = proc.communicate(timeout=CMD_DEADLINE)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    rc = proc.returncode
    out = (line or "") + "\n" + out.decode("utf-8", "replace")
    err = err.decode("utf-8", "replace")
    if line and "listening" in line and rc == 0:
        return None, out, "served the damaged store and exited 0\n" + err
    return rc, out, err


def main(tap):
    exe, _shared = E.binary_from_argv()
    tmp = E.tempdir("faults")
    try:
        for name, fn in (("bad paths", bad_paths), ("map full", map_full),
                         ("stale readers", stale_readers), ("damaged data.mdb", damaged)):
            tap.diag("-- " + name)
            try:
                fn(tap, exe, tmp)
            except Exception:  # noqa: BLE001 - one failing point, the rest go on
                tap.crashed(name)
    finally:
        E.rmtree(tmp)


if __name__ == "__main__":
    E.run_main("faults", main)
