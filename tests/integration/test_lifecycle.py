#!/usr/bin/python3
"""The server under concurrent writes and through its shutdown.

usage: test_lifecycle.py ECFACTS_BINARY [SHARED_DIR]      (TAP on stdout)

1. `ecfacts ingest` (another process) and POSTs write while several threads
   read: every read is a 200, counts only grow, final counts add up.
2. SIGTERM with requests in flight: every one of them is answered in full,
   including a POST whose server acknowledged its headers (100 Continue)
   before the signal and whose body is sent after it; the process exits 0;
   the data directory reopens and serves.
3. SIGINT exits 0 as well.
4. SIGHUP on a writer (several) changes nothing: POSTs, an `ecfacts ingest`
   on the same data directory and SIGTERM all still work (LMDB forbids
   opening one environment twice in a process: a reopen reset its locks).
Every wait has a deadline; nothing sleeps to synchronise."""
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ecftest as E  # noqa: E402

N_CLI = 60      # articles ingested by the CLI process
N_POST = 10     # articles POSTed by each of two writer threads
READERS = 4
IN_FLIGHT = 6
READ_TARGETS = ["/v1/stats", "/v1/entities?limit=100", "/v1/articles?limit=500",
                "/v1/search?q=Huawei", "/v1/facts?limit=200", "/readyz",
                "/v1/sanctions?limit=50", "/v1/chips?limit=20"]


def reader(port, stop, out):
    """Reads until stop is set (at least one round); out gets its results."""
    cl = E.Client(port)
    statuses, articles, errors = [], [], []
    try:
        while True:
            for target in READ_TARGETS:
                try:
                    r = cl.get(target)
                except (OSError, http.client.HTTPException) as e:
                    errors.append("%s: %r" % (target, e))
                    continue
                statuses.append((target, r.status))
                if target == "/v1/stats" and r.status == 200:
                    articles.append(r.json()["articles"])
                elif r.status == 200:
                    r.json()  # the body is whole JSON
            if stop.is_set():
                break
    except Exception as e:  # noqa: BLE001
        errors.append(repr(e))
    finally:
        cl.close()
    out.update(statuses=statuses, articles=articles, errors=errors)


def writer(port, base, out):
    cl = E.Client(port)
    got = []
    try:
        for i in range(N_POST):
            text = E.make_article(base + i)
            r = cl.request("POST", "/v1/articles", text.encode(),
                           {"Authorization": "Bearer " + E.TOKEN, "Content-Type": "text/plain"})
            got.append(r.status)
    except Exception as e:  # noqa: BLE001
        got.append(repr(e))
    finally:
        cl.close()
    out["statuses"] = got


def concurrent_writes(tap, exe, srv, tmp):
    src = os.path.join(tmp, "src")
    os.mkdir(src)
    for i in range(N_CLI):
        with open(os.path.join(src, "life-%03d.txt" % i), "w") as f:
            f.write(E.make_article(i, words=40))
    cl = E.Client(srv.port)
    base = cl.get("/v1/stats").json()
    cl.close()
    stop = threading.Event()
    results = [{} for _ in range(READERS)]
    readers = [threading.Thread(target=reader, args=(srv.port, stop, results[i]), daemon=True)
               for i in range(READERS)]
    wres = [{}, {}]
    writers = [threading.Thread(target=writer, args=(srv.port, 10000 + 1000 * k, wres[k]),
                                daemon=True) for k in range(2)]
    for t in readers + writers:
        t.start()
    ingest = subprocess.Popen([exe, "ingest", "--data", srv.data_dir, src],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=E.clean_env())
    try:
        out, err = ingest.communicate(timeout=240)
    except subprocess.TimeoutExpired:
        ingest.kill()
        out, err = ingest.communicate()
        tap.ok(False, "ingest finished within 240 s", "exit", "killed")
    dl = E.Deadline(120)
    for t in writers:
        t.join(dl.left())
    stop.set()
    for t in readers:
        t.join(dl.left())
    alive = [t for t in readers + writers if t.is_alive()]
    tap.ok(not alive, "reader and writer threads finished within the deadline", 0, len(alive))
    lines = out.decode("utf-8", "replace").splitlines()
    tap.ok(ingest.returncode == 0 and len(lines) == N_CLI,
           "ingest (another process) of %d articles while the server runs: exit 0" % N_CLI,
           "0, %d lines" % N_CLI, (ingest.returncode, len(lines), err.decode()[-400:]))
    wst = [s for w in wres for s in w.get("statuses", [])]
    tap.ok(len(wst) == 2 * N_POST and all(s == 201 for s in wst),
           "concurrent POSTs from two threads: all 201", [201] * 2 * N_POST, wst)
    allst = [s for r in results for s in r.get("statuses", [])]
    bad = [s for s in allst if s[1] != 200]
    errs = [e for r in results for e in r.get("errors", [])]
    tap.ok(allst and not bad and not errs,
           "%d reads from %d threads during the writes: all 200" % (len(allst), READERS),
           "all 200", (bad[:5], errs[:3]))
    mono = all(r.get("articles") == sorted(r.get("articles", [])) for r in results)
    tap.ok(mono, "each reader sees the article count only grow (consistent snapshots)",
           "non-decreasing", [r.get("articles", [])[:20] for r in results])
    cl = E.Client(srv.port)
    st = cl.get("/v1/stats").json()
    want = base["articles"] + N_CLI + 2 * N_POST
    tap.eq(st["articles"], want, "final stats.articles == before + CLI + POSTed articles")
    n, cursor = 0, None
    for _ in range(100):
        r = cl.get("/v1/articles?limit=50" + ("&cursor=" + cursor if cursor else ""))
        if r.status != 200:
            break
        page = r.json()
        n += len(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    tap.eq(n, want, "paging /v1/articles counts the same")
    r = cl.get("/readyz")
    tap.eq(r.status == 200 and r.json().get("articles"), want, "/readyz counts the same")
    r = cl.get("/v1/articles/life-%03d" % (N_CLI - 1))
    tap.eq(r.status, 200, "an article ingested by the other process is served")
    hw = cl.get("/v1/entities/huawei")
    tap.ok(hw.status == 200 and hw.json()["articles"] > 1, "huawei's article count grew with "
           "the new articles", ">1", hw.status)
    cl.close()
    return st


def in_flight_shutdown(tap, exe, srv, tmp):
    """SIGTERM while requests are in flight."""
    warm = []
    for _ in range(IN_FLIGHT):
        c = srv.conn(timeout=60)
        c.request("GET", "/healthz")
        r = c.getresponse()
        r.read()
        warm.append(c)  # the server has accepted this connection
    text = E.make_article(99999, words=60)
    body = text.encode()
    sock = socket.create_connection(("127.0.0.1", srv.port), timeout=30)
    head = ("POST /v1/articles HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
            "Content-Type: text/plain\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n"
            % (E.TOKEN, len(body))).encode()
    sock.sendall(head)
    got = b""
    while b"\r\n\r\n" not in got:
        chunk = sock.recv(4096)
        if not chunk:
            break
        got += chunk
    continued = got.startswith(b"HTTP/1.1 100")
    tap.ok(continued, "POST with Expect: 100-continue: the server acknowledges the headers",
           "HTTP/1.1 100 Continue", got[:100])
    results = [None] * IN_FLIGHT
    sent = [threading.Event() for _ in range(IN_FLIGHT)]

    def slow(i):
        c = warm[i]
        try:
            c.request("GET", "/v1/facts?limit=500" if i % 2 else "/v1/entities?limit=500")
            sent[i].set()
            r = c.getresponse()
            data = r.read()
            json.loads(data)
            results[i] = (r.status, len(data))
        except Exception as e:  # noqa: BLE001
            results[i] = ("error", repr(e))
        finally:
            sent[i].set()
            c.close()
    threads = [threading.Thread(target=slow, args=(i,), daemon=True) for i in range(IN_FLIGHT)]
    for t in threads:
        t.start()
    dl = E.Deadline(30)
    for ev in sent:
        ev.wait(dl.left())
    srv.send_signal(signal.SIGTERM)
    # the acknowledged POST sends its body after the signal
    post_status, post_body = None, b""
    if continued:
        try:
            sock.sendall(body)
            resp = http.client.HTTPResponse(sock)
            resp.begin()
            post_status = resp.status
            post_body = resp.read()
        except (OSError, http.client.HTTPException) as e:
            post_status = repr(e)
    sock.close()
    for t in threads:
        t.join(E.Deadline(60).left())
    tap.ok(all(r is not None and r[0] == 200 for r in results),
           "SIGTERM with %d large GETs in flight: every one answered 200 in full" % IN_FLIGHT,
           [200] * IN_FLIGHT, results)
    tap.ok(post_status == 201, "a POST acknowledged before SIGTERM completes after it: 201", 201,
           (post_status, post_body[:200]))
    rc = srv.wait(30)
    tap.eq(rc, 0, "after SIGTERM the server exits 0 within 30 s")
    if rc is None:
        srv.stop()
    tap.ok(E.port_closed(srv.port), "the port no longer accepts connections", "closed", "open")
    return post_status == 201 and json.loads(post_body)["article"]["id"]


def holds_lock(tap, pid, path):
    """The process still holds LMDB's fcntl lock on lock.mdb (Linux /proc/locks):
    a second open and close of the same environment would have dropped it."""
    try:
        with open("/proc/locks") as f:
            locks = f.read().splitlines()
        ino = os.stat(path).st_ino
    except OSError as e:
        tap.skip("the writer still holds its lock on lock.mdb", "no /proc/locks: %s" % e)
        return
    mine = [ln for ln in locks if ln.split()[4:5] == [str(pid)]
            and ln.split()[5].endswith(":%d" % ino)]
    tap.ok(mine, "the writer still holds its lock on lock.mdb after SIGHUP", "a POSIX lock",
           [ln for ln in locks if str(pid) in ln])


def sighup_writer(tap, exe, tmp):
    """SIGHUP on a writer is logged and ignored: it never reopens its store."""
    data = os.path.join(tmp, "hup-data")
    auth = {"Authorization": "Bearer " + E.TOKEN, "Content-Type": "text/plain"}
    srv = E.Server(exe, data, args=["--threads", "4", "--no-sample"], workdir=tmp)
    try:
        srv.start()
        cl = E.Client(srv.port, timeout=20)
        tap.eq(cl.request("POST", "/v1/articles", E.make_article(500).encode(), auth).status, 201,
               "writer: POST before SIGHUP is 201")
        for k in range(3):
            srv.send_signal(signal.SIGHUP)
            seen = E.Deadline(30)
            while not seen.passed() and sum("SIGHUP" in ln for ln in srv.lines) <= k:
                time.sleep(0.05)  # polls the log with a deadline
            tap.ok(sum("SIGHUP" in ln for ln in srv.lines) > k, "SIGHUP %d is logged" % (k + 1))
        tap.ok(any("SIGHUP" in ln and "writer" in ln for ln in srv.lines),
               "the log says a writer does not reopen on SIGHUP", "a line naming the writer",
               [ln for ln in srv.lines if "SIGHUP" in ln][:3])
        holds_lock(tap, srv.proc.pid, os.path.join(data, "lock.mdb"))
        src = os.path.join(tmp, "hup-src")
        os.mkdir(src)
        for i in range(20):
            with open(os.path.join(src, "hup-%02d.txt" % i), "w") as f:
                f.write(E.make_article(600 + i, words=40))
        wres = [{}, {}]
        writers = [threading.Thread(target=writer, args=(srv.port, 700 + 100 * k, wres[k]),
                                    daemon=True) for k in range(2)]
        for t in writers:
            t.start()
        try:
            code, out, err = E.run([exe, "ingest", "--data", data, src], timeout=60)
        except subprocess.TimeoutExpired:
            code, out, err = "hung for 60 s", "", ""
        dl = E.Deadline(60)
        for t in writers:
            t.join(dl.left())
        tap.ok(code == 0 and len(out.splitlines()) == 20,
               "ecfacts ingest on the same data directory after the SIGHUPs, during POSTs: exit 0",
               "0, 20 lines", (code, err[-400:]))
        wst = [x for w in wres for x in w.get("statuses", [])]
        tap.eq(wst, [201] * 2 * N_POST, "writer: concurrent POSTs after the SIGHUPs are 201")
        try:
            r = cl.request("POST", "/v1/articles", E.make_article(520).encode(), auth)
            got = r.status
            n = cl.get("/v1/stats").json()["articles"]
        except (OSError, http.client.HTTPException) as e:
            got, n = repr(e), None
        tap.eq(got, 201, "writer: a POST after the concurrent ingest is 201")
        tap.eq(n, 1 + 2 * N_POST + 20 + 1, "every article POSTed or ingested is counted")
        cl.close()
        srv.send_signal(signal.SIGTERM)
        tap.eq(srv.wait(20), 0, "SIGTERM after the SIGHUPs: exit 0 within 20 s")
    except E.ServerError as e:
        tap.ok(False, "writer starts", "listening on ...", str(e))
    finally:
        srv.stop()


def main(tap):
    exe, _shared = E.binary_from_argv()
    tmp = E.tempdir("life")
    try:
        sighup_writer(tap, exe, tmp)
    except Exception:  # noqa: BLE001
        tap.crashed("SIGHUP on a writer")
    data = os.path.join(tmp, "data")
    srv = E.Server(exe, data, args=["--threads", "4"], workdir=tmp)
    st = None
    posted = None
    try:
        srv.start()
        try:
            st = concurrent_writes(tap, exe, srv, tmp)
        except Exception:  # noqa: BLE001
            tap.crashed("concurrent writes")
        try:
            posted = in_flight_shutdown(tap, exe, srv, tmp)
        except Exception:  # noqa: BLE001
            tap.crashed("in-flight shutdown")
    except E.ServerError as e:
        tap.ok(False, "serve starts", "listening on ...", str(e))
    finally:
        srv.stop()
    # the data directory reopens and serves
    srv2 = E.Server(exe, data, workdir=tmp)
    try:
        srv2.start()
        cl = E.Client(srv2.port)
        st2 = cl.get("/v1/stats").json()
        if st is not None:
            tap.eq(st2["articles"], st["articles"] + (1 if posted else 0),
                   "reopened store: every article is still there (plus the in-flight POST)")
        if posted:
            r = cl.get("/v1/articles/" + posted)
            tap.eq(r.status, 200, "reopened store serves the article POSTed during shutdown")
        r = cl.get("/v1/entities/huawei")
        tap.eq(r.status, 200, "reopened store serves entities")
        cl.close()
        hp = subprocess.run([exe, "health", "--listen", "127.0.0.1:%d" % srv2.port],
                            capture_output=True, timeout=30, env=E.clean_env())
        tap.eq(hp.returncode, 0, "ecfacts health: 0 while the server answers /healthz")
        srv2.send_signal(signal.SIGINT)
        tap.eq(srv2.wait(30), 0, "SIGINT: the server exits 0 within 30 s")
        hp = subprocess.run([exe, "health", "--listen", "127.0.0.1:%d" % srv2.port],
                            capture_output=True, timeout=30, env=E.clean_env())
        tap.eq(hp.returncode, 1, "ecfacts health: 1 once nothing listens")
        tap.ok(b"healthz" in hp.stderr, "ecfacts health says what failed",
               "a message naming /healthz", hp.stderr[-200:])
    except E.ServerError as e:
        tap.ok(False, "serve reopens the data directory", "listening on ...", str(e))
    finally:
        srv2.stop()
    E.rmtree(tmp)


if __name__ == "__main__":
    E.run_main("test_lifecycle", main)
