#!/usr/bin/python3
"""Slow clients (slowloris) and idle floods against the real binary.

usage: test_slowclients.py ECFACTS_BINARY [SHARED_DIR]      (TAP on stdout)

--timeout is libmicrohttpd's idle timeout, reset by every byte, so a client
dripping header bytes was never shed. --header-timeout bounds the time to a
complete header block (from accept, or from the previous response on a
keep-alive connection); --per-ip-connections caps one address. Checked here:
(a) a dripping and a silent connection are closed by the server; (b) while
--max-connections drippers hold every slot, a normal client is served once
the deadline sheds them; (c) the per-IP limit refuses a third connection from
127.0.0.1 but serves 127.0.0.2; (d) a keep-alive client that keeps sending
requests is never cut, and is closed once it stops; (e) --header-timeout 0
turns it off, and bad values are usage errors naming the option.

Timing: the deadline is 1-2 s; every upper bound is at least 4x the setting
(shared machine, sanitizer build), lower bounds are what the assertions lean
on. Every socket has a timeout and every wait a deadline."""
import http.client
import os
import re
import socket
import sys
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ecftest as E  # noqa: E402

DRIP = 0.2          # seconds between two header bytes of a dripper
SHED_BOUND = 8.0    # a 1 s header deadline must have fired by then
SERVE_BOUND = 12.0  # a normal client waiting behind 1 s drippers is served by then
# A header block that never ends: a dripper never runs out of bytes.
SLOW_REQ = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + b"a" * 100000
GET = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def connect(port, src=None, timeout=10):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    if src:
        s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    return s


def read_response(sock):
    """One complete response on a keep-alive socket: (status, body)."""
    r = http.client.HTTPResponse(sock, method="GET")
    r.begin()
    return r.status, r.read()


class Dripper(threading.Thread):
    """A slowloris client: connects, optionally completes one request first
    (proof that it holds a slot: the server answered it), then sends a header
    block one byte every DRIP seconds, never finishing it. With reconnect, it
    opens a new connection whenever the server drops it, as an attacker
    would. Records every connection's lifetime and whether the server ever
    answered the dripped request (it must not)."""

    def __init__(self, port, prime=False, reconnect=False, src=None, limit=60.0):
        super().__init__(daemon=True)
        self.port, self.prime, self.reconnect, self.src = port, prime, reconnect, src
        self.limit = limit
        self.stop_ev = threading.Event()
        self.ready = threading.Event()  # the first connection holds a slot (or is open)
        self.lives = []                 # seconds each shed connection lived while dripping
        self.answered = 0               # dripped requests the server answered (bug)
        self.errors = []

    def stop(self):
        self.stop_ev.set()
        self.join(timeout=15)

    def run(self):
        end = time.monotonic() + self.limit
        while not self.stop_ev.is_set() and time.monotonic() < end:
            try:
                self._one(end)
            except OSError as e:
                self.errors.append(repr(e))
                self.ready.set()
                self.stop_ev.wait(0.2)
            if not self.reconnect:
                break
        self.ready.set()

    def _one(self, end):
        s = connect(self.port, self.src)
        try:
            if self.prime:
                s.sendall(GET)
                status, _ = read_response(s)
                if status != 200:
                    self.errors.append("priming request answered %s" % status)
            self.ready.set()
            t0 = time.monotonic()
            s.settimeout(DRIP)
            i = 0
            while not self.stop_ev.is_set() and time.monotonic() < end:
                try:
                    s.send(SLOW_REQ[i:i + 1])
                    i += 1
                    data = s.recv(4096)
                except socket.timeout:
                    continue
                except OSError:
                    data = b""
                if data:
                    self.answered += 1
                self.lives.append(time.monotonic() - t0)
                return
        finally:
            s.close()


def wait_closed(sock, deadline):
    """Seconds until the peer closes sock (EOF or reset), with the bytes it
    sent first; (None, bytes) if it is still open at the deadline."""
    t0 = time.monotonic()
    got = b""
    while time.monotonic() - t0 < deadline:
        sock.settimeout(max(0.05, deadline - (time.monotonic() - t0)))
        try:
            d = sock.recv(4096)
        except socket.timeout:
            break
        except OSError:
            return time.monotonic() - t0, got
        if not d:
            return time.monotonic() - t0, got
        got += d
    return None, got


def timed_get(port, timeout, src=None):
    """GET /healthz on a new connection: (status or error text, seconds)."""
    t0 = time.monotonic()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                   source_address=(src, 0) if src else None)
    try:
        c.request("GET", "/healthz")
        r = c.getresponse()
        r.read()
        return r.status, time.monotonic() - t0
    except (OSError, http.client.HTTPException) as e:
        return "%s: %s" % (type(e).__name__, e), time.monotonic() - t0
    finally:
        c.close()


def header_timeouts(port):
    r = E.Client(port, timeout=20).get("/metrics")
    m = re.search(rb"^ecfacts_http_header_timeouts_total (\d+)$", r.body, re.M)
    return int(m.group(1)) if m else None


def serve(exe, tmp, name, args):
    """A server in its own directory under tmp (not started)."""
    work = os.path.join(tmp, name)
    os.makedirs(work, exist_ok=True)
    return E.Server(exe, os.path.join(work, "data"), args=args, workdir=work)


def stopped_cleanly(tap, srv, what):
    code = srv.stop()
    tap.eq(code, 0, "%s: SIGTERM stops the server with status 0" % what)


# ------------------------------------------------------------------ cases

def case_shed(tap, exe, tmp):
    """(a) and (b): --header-timeout 1, --max-connections 4."""
    srv = serve(exe, tmp, "shed", ["--header-timeout", "1", "--max-connections", "4",
                                   "--threads", "2", "--timeout", "30"])
    drippers = []
    try:
        srv.start()
        d = Dripper(srv.port, limit=SHED_BOUND + 5)
        d.start()
        d.join(timeout=SHED_BOUND + 10)
        life = d.lives[0] if d.lives else None
        tap.ok(life is not None and 0.5 <= life < SHED_BOUND,
               "(a) a client dripping a header byte every %.1fs is closed by the server "
               "(deadline 1s, bound %.0fs)" % (DRIP, SHED_BOUND), "0.5 <= s < %.0f" % SHED_BOUND,
               "%s (errors %s)" % (life, d.errors))
        tap.eq(d.answered, 0, "(a) the dripped request is not answered, just closed")

        s = connect(srv.port)
        try:
            secs, got = wait_closed(s, SHED_BOUND + 2)
        finally:
            s.close()
        tap.ok(secs is not None and 0.5 <= secs < SHED_BOUND,
               "(a) a silent connection is closed by the header deadline, not the 30s --timeout",
               "0.5 <= s < %.0f" % SHED_BOUND, secs)
        n = header_timeouts(srv.port)
        tap.ok(n is not None and n >= 2, "(a) /metrics counts the connections the deadline closed",
               ">= 2", n)

        # (b) four drippers, each first served once (so it holds a slot for sure),
        # reconnecting whenever shed: the attack goes on all along.
        drippers = [Dripper(srv.port, prime=True, reconnect=True, limit=90) for _ in range(4)]
        for x in drippers:
            x.start()
        for x in drippers:
            x.ready.wait(30)
        tap.ok(all(x.ready.is_set() and not x.errors for x in drippers),
               "(b) four drippers hold all --max-connections 4 slots",
               "no errors", [x.errors for x in drippers])
        times = []
        for _ in range(3):
            status, secs = timed_get(srv.port, timeout=SERVE_BOUND + 10)
            times.append((status, round(secs, 2)))
        tap.ok(all(st == 200 and secs < SERVE_BOUND for st, secs in times),
               "(b) while drippers keep reconnecting, a normal client on a new connection is "
               "served within %.0fs, three times in a row" % SERVE_BOUND,
               "200 within %.0fs each" % SERVE_BOUND, times)
        tap.diag("(b) normal client: %s" % times)
        shed = sum(len(x.lives) for x in drippers)
        tap.ok(shed >= 4, "(b) the server shed the drippers' connections", ">= 4", shed)
        tap.eq(sum(x.answered for x in drippers), 0, "(b) no dripped request was answered")
        # SIGTERM in the middle of the attack: the reaper stops, the server exits cleanly
        t0 = time.monotonic()
        stopped_cleanly(tap, srv, "(b) under attack")
        tap.diag("stopped in %.2fs" % (time.monotonic() - t0))
    finally:
        for x in drippers:
            x.stop_ev.set()
        srv.stop()
        for x in drippers:
            x.join(timeout=15)


def case_per_ip(tap, exe, tmp):
    """(c): --per-ip-connections 2."""
    try:
        probe = connect_probe()
    except OSError as e:
        tap.skip("(c) per-IP limit", "cannot bind a client socket to 127.0.0.2: %s" % e)
        return
    probe.close()
    srv = serve(exe, tmp, "perip", ["--per-ip-connections", "2", "--header-timeout", "60",
                                    "--max-connections", "64", "--threads", "2"])
    held = []
    try:
        srv.start()
        for _ in range(2):
            c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=20)
            c.request("GET", "/healthz")
            r = c.getresponse()
            r.read()
            held.append((c, r.status, r.will_close))
        tap.ok(all(st == 200 and not wc for _, st, wc in held),
               "(c) two keep-alive connections from 127.0.0.1 are served and stay open",
               "200, keep-alive", [(st, wc) for _, st, wc in held])
        s = connect(srv.port)
        try:
            try:
                s.sendall(GET)
            except OSError:
                pass  # already closed by the server: what we want
            secs, got = wait_closed(s, 15)
        finally:
            s.close()
        tap.ok(secs is not None and not got,
               "(c) a third concurrent connection from 127.0.0.1 is closed without an answer",
               "closed, no bytes", (secs, got[:80]))
        status, secs = timed_get(srv.port, timeout=20, src="127.0.0.2")
        tap.eq(status, 200, "(c) meanwhile a connection from 127.0.0.2 is served")
        held.pop()[0].close()
        deadline = E.Deadline(20)
        status = None
        while not deadline.passed():
            status, _ = timed_get(srv.port, timeout=10)
            if status == 200:
                break
            time.sleep(0.1)
        tap.eq(status, 200, "(c) once one of the two closes, 127.0.0.1 is served again")
        stopped_cleanly(tap, srv, "(c)")
    finally:
        for c, _, _ in held:
            c.close()
        srv.stop()


def connect_probe():
    s = socket.socket()
    s.bind(("127.0.0.2", 0))
    return s


def case_keepalive(tap, exe, tmp):
    """(d): --header-timeout 2; requests every 0.25 s for 8 s (4x)."""
    srv = serve(exe, tmp, "keepalive", ["--header-timeout", "2", "--timeout", "30"])
    try:
        srv.start()
        c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=20)
        statuses, sockets = [], set()
        end = time.monotonic() + 8.0
        try:
            while time.monotonic() < end:
                try:
                    c.request("GET", "/healthz")
                    r = c.getresponse()
                    r.read()
                    statuses.append(r.status)
                except (OSError, http.client.HTTPException) as e:
                    statuses.append(repr(e))
                    break
                sockets.add(c.sock.getsockname()[1] if c.sock else None)
                time.sleep(0.25)
            ok = all(st == 200 for st in statuses) and len(sockets) == 1 and c.sock is not None
            tap.ok(ok and len(statuses) >= 8,
                   "(d) a keep-alive client sending a request every 0.25s for 8s (4x the 2s "
                   "deadline) is never cut: %d requests on one connection" % len(statuses),
                   "all 200 on one socket", (statuses[-3:], len(sockets)))
            if c.sock is not None:
                secs, got = wait_closed(c.sock, 20)
                tap.ok(secs is not None and 1.0 <= secs < 8.0 and not got,
                       "(d) once it stops sending, the idle keep-alive connection is closed by the "
                       "deadline (2s after the last response, bound 8s; --timeout is 30s)",
                       "1 <= s < 8", secs)
            else:
                tap.ok(False, "(d) the keep-alive connection was open to watch it close")
        finally:
            c.close()
        stopped_cleanly(tap, srv, "(d)")
    finally:
        srv.stop()


def case_disabled(tap, exe, tmp):
    """(e): --header-timeout 0 keeps the old behaviour (the bench's reference)."""
    srv = serve(exe, tmp, "disabled", ["--header-timeout", "0", "--max-connections", "4",
                                       "--threads", "2", "--timeout", "30"])
    drippers = []
    try:
        srv.start()
        d = Dripper(srv.port, limit=3.5)
        d.start()
        d.join(timeout=20)
        tap.ok(not d.lives and not d.errors,
               "(e) with --header-timeout 0 a dripper is still connected after 3.5s",
               "never shed", (d.lives, d.errors))
        drippers = [Dripper(srv.port, prime=True, limit=60) for _ in range(4)]
        for x in drippers:
            x.start()
        for x in drippers:
            x.ready.wait(30)
        tap.ok(all(x.ready.is_set() and not x.errors for x in drippers),
               "(e) four drippers hold all four slots", "no errors", [x.errors for x in drippers])
        status, secs = timed_get(srv.port, timeout=3)
        tap.ok(status != 200, "(e) so a normal client is locked out (no answer in 3s): "
               "the reference the deadline improves on", "no answer", status)
        for x in drippers:
            x.stop_ev.set()
        for x in drippers:
            x.join(timeout=15)
        status, secs = timed_get(srv.port, timeout=20)
        tap.eq(status, 200, "(e) and served as soon as the drippers leave")
        tap.eq(header_timeouts(srv.port), 0, "(e) /metrics: no connection closed by a deadline")
        stopped_cleanly(tap, srv, "(e)")
    finally:
        for x in drippers:
            x.stop_ev.set()
        srv.stop()


def case_cli(tap, exe):
    """(e): bad values are usage errors (exit 2) naming the option; --help lists both."""
    for argv, env, name in (
            (["--header-timeout", "-1"], {}, "--header-timeout"),
            (["--header-timeout", "abc"], {}, "--header-timeout"),
            (["--header-timeout", "1.5"], {}, "--header-timeout"),
            (["--header-timeout", "2h"], {}, "--header-timeout"),
            (["--per-ip-connections", "x"], {}, "--per-ip-connections"),
            (["--per-ip-connections", "-2"], {}, "--per-ip-connections"),
            ([], {"ECFACTS_HEADER_TIMEOUT": "abc"}, "ECFACTS_HEADER_TIMEOUT"),
            ([], {"ECFACTS_PER_IP_CONNECTIONS": "many"}, "ECFACTS_PER_IP_CONNECTIONS")):
        code, out, err = E.run([exe, "serve", "--listen", "127.0.0.1:0"] + argv, timeout=30,
                               env=E.clean_env(**env))
        tap.ok(code == 2 and name in err and not out,
               "`serve %s`%s: exit 2 and the error names %s" % (
                   " ".join(argv), "".join(" with %s=%s" % kv for kv in env.items()), name),
               "exit 2, stderr naming %s" % name, (code, err.strip()[:200]))
    code, out, err = E.run([exe, "serve", "--header-timeout", "5m", "--per-ip-connections", "8",
                            "--help"], timeout=30)
    tap.ok(code == 0 and "--header-timeout DURATION" in out and "ECFACTS_HEADER_TIMEOUT" in out
           and "--per-ip-connections N" in out and "ECFACTS_PER_IP_CONNECTIONS" in out,
           "valid values parse, and serve --help documents both settings", "exit 0 and both",
           (code, err[:200]))


def main(tap):
    exe, _ = E.binary_from_argv()
    tmp = E.tempdir("slowclients")
    try:
        case_cli(tap, exe)
        case_shed(tap, exe, tmp)
        case_per_ip(tap, exe, tmp)
        case_keepalive(tap, exe, tmp)
        case_disabled(tap, exe, tmp)
    finally:
        E.rmtree(tmp)


if __name__ == "__main__":
    E.run_main("slowclients", main)
