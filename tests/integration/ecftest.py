"""Shared helpers for the integration tests: TAP output, the real `ecfacts`
binary started on a loopback port, and a small HTTP client on http.client.

Standard library only (plus python3-yaml / python3-jsonschema where a test
needs them); run with Debian's /usr/bin/python3. No sleeps as
synchronisation: every wait has a deadline and waits for an event (a line on
stdout, a process exit, a queue item)."""
import hashlib
import http.client
import json
import os
import queue
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
TOKEN = "it-token-0123456789abcdef0123456789"
JSON_CT = "application/json; charset=utf-8"
PROBLEM_CT = "application/problem+json; charset=utf-8"
LISTEN_RE = re.compile(r"listening on http://127\.0\.0\.1:(\d+)")
START_DEADLINE = 60.0   # a sanitizer build loading the sample articles is slow
STOP_DEADLINE = 30.0


# --------------------------------------------------------------------- TAP

class Tap:
    """TAP 13 producer; the plan is printed last (meson reads either)."""

    def __init__(self, name):
        self.name = name
        self.n = 0
        self.failed = 0
        self.skipped = 0
        self.failures = []
        print("TAP version 13", flush=True)

    def diag(self, msg):
        for line in str(msg).splitlines() or [""]:
            print("# " + line, flush=True)

    def ok(self, cond, desc, expected=None, got=None):
        self.n += 1
        desc = desc.replace("#", "\\#").replace("\n", " ")
        if cond:
            print(f"ok {self.n} - {desc}", flush=True)
        else:
            self.failed += 1
            self.failures.append(desc)
            print(f"not ok {self.n} - {desc}", flush=True)
            if expected is not None or got is not None:
                self.diag("expected: " + _short(expected))
                self.diag("got:      " + _short(got))
        return bool(cond)

    def eq(self, got, expected, desc):
        return self.ok(got == expected, desc, expected, got)

    def skip(self, desc, reason):
        self.n += 1
        self.skipped += 1
        print(f"ok {self.n} - {desc} # SKIP {reason}", flush=True)

    def crashed(self, where):
        """An unexpected exception: one failing point with the traceback."""
        self.ok(False, f"{where} ran without an unexpected exception")
        self.diag(traceback.format_exc())

    def done(self):
        print(f"1..{self.n}", flush=True)
        if self.failed:
            self.diag(f"{self.name}: {self.failed} of {self.n} failed")
        # Under meson the TAP stream is the verdict (a non-zero exit would turn
        # "FAIL n/m subtests" into a bare ERROR); standalone, the exit code is.
        if os.environ.get("ECFACTS_IT_TAP_ONLY") == "1":
            return 0
        return 1 if self.failed else 0


def _short(v, cap=600):
    s = v if isinstance(v, str) else repr(v)
    return s if len(s) <= cap else s[:cap] + f"... ({len(s)} chars)"


def run_main(name, body):
    """Runs body(tap) and exits with TAP's verdict; an exception is a failure."""
    tap = Tap(name)
    try:
        body(tap)
    except Exception:  # noqa: BLE001 - reported as a failing test point
        tap.crashed(name)
    sys.exit(tap.done())


def binary_from_argv():
    if len(sys.argv) < 2:
        print("usage: %s ECFACTS_BINARY [SHARED_DIR]" % sys.argv[0], file=sys.stderr)
        sys.exit(2)
    exe = os.path.abspath(sys.argv[1])
    shared = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(REPO), "shared")
    return exe, os.path.abspath(shared)


def clean_env(**extra):
    """The environment without any ECFACTS_* variable, plus extra."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECFACTS_")}
    for k, v in extra.items():
        env[k] = str(v)
    return env


# ------------------------------------------------------------------ server

class ServerError(Exception):
    pass


class Server:
    """`ecfacts serve` on 127.0.0.1:0 in its own data directory.

    Use as a context manager, or call start() and stop() (in a finally)."""

    def __init__(self, exe, data_dir, args=(), env=None, data_flag=True, token=TOKEN,
                 workdir=None):
        self.exe = exe
        self.data_dir = data_dir
        self.args = list(args)
        self.env = env if env is not None else clean_env()
        self.data_flag = data_flag
        self.token = token
        self.workdir = workdir or os.path.dirname(data_dir)
        self.proc = None
        self.port = None
        self.lines = []
        self._lines_lock = threading.Lock()
        self.stderr_path = None
        self._stderr = None
        self._reader = None
        self.exit_code = None

    def command(self):
        cmd = [self.exe, "serve", "--listen", "127.0.0.1:0"]
        if self.data_flag:
            cmd += ["--data", self.data_dir]
        if self.token is not None:
            tf = os.path.join(self.workdir, "token")
            with open(tf, "w") as f:
                f.write(self.token + "\n")
            cmd += ["--token-file", tf]
        return cmd + self.args

    def start(self):
        self.stderr_path = os.path.join(self.workdir, "serve-%d.stderr" % id(self))
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=self._stderr,
                                     env=self.env, cwd=self.workdir)
        found = queue.Queue()

        def drain():
            for raw in self.proc.stdout:
                line = raw.decode("utf-8", "replace").rstrip("\n")
                with self._lines_lock:
                    self.lines.append(line)
                m = LISTEN_RE.search(line)
                if m and self.port is None:
                    found.put(int(m.group(1)))
            found.put(None)  # stdout closed: the process is gone

        self._reader = threading.Thread(target=drain, daemon=True)
        self._reader.start()
        try:
            port = found.get(timeout=START_DEADLINE)
        except queue.Empty:
            port = None
        if port is None:
            self.stop()
            raise ServerError("server did not print 'listening on http://127.0.0.1:PORT' "
                              "within %.0fs (exit %r)\nstdout: %s\nstderr: %s"
                              % (START_DEADLINE, self.exit_code, "\n".join(self.lines[-20:]),
                                 self.stderr_text()[-3000:]))
        self.port = port
        return self

    def stderr_text(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def send_signal(self, sig):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)

    def wait(self, timeout):
        """Exit code, or None if still running at the deadline."""
        try:
            self.exit_code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        return self.exit_code

    def stop(self, sig=signal.SIGTERM):
        """SIGTERM, wait with a deadline, SIGKILL if it hangs. Returns exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            if self.wait(STOP_DEADLINE) is None:
                self.proc.kill()
                self.proc.wait()
                self.exit_code = "killed after %.0fs" % STOP_DEADLINE
        else:
            self.exit_code = self.proc.returncode
        if self.exit_code != 0 and sig == signal.SIGTERM:
            # the server's last words, so a failed stop says why in the test log
            for line in self.stderr_text()[-2000:].splitlines():
                print("#   server stderr: %s" % line)
        if self._reader:
            self._reader.join(timeout=5)
        if self.proc.stdout:
            self.proc.stdout.close()
        if self._stderr:
            self._stderr.close()
            self._stderr = None
        return self.exit_code

    def conn(self, timeout=30):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# -------------------------------------------------------------------- HTTP

class Resp:
    def __init__(self, method, target, status, reason, headers, body):
        self.method = method
        self.target = target
        self.status = status
        self.reason = reason
        self.header_list = headers
        self.headers = {}
        for k, v in headers:
            k = k.lower()
            self.headers[k] = self.headers[k] + ", " + v if k in self.headers else v
        self.body = body

    def h(self, name):
        return self.headers.get(name.lower())

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return "<%s %s -> %s %s %s>" % (self.method, self.target[:80], self.status,
                                        self.h("content-type"), _short(self.body, 200))


class Client:
    """Requests on one keep-alive connection (reopened only if it was closed).
    Every response is recorded in `log` for checks that span all of them."""

    def __init__(self, port, log=None, timeout=30):
        self.port = port
        self.timeout = timeout
        self.c = None
        self.log = log if log is not None else []
        self.connections = 0

    def _conn(self):
        if self.c is None:
            self.c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            self.connections += 1
        return self.c

    def close(self):
        if self.c is not None:
            self.c.close()
            self.c = None

    def request(self, method, target, body=None, headers=None):
        headers = dict(headers or {})
        c = self._conn()
        try:
            c.request(method, target, body=body, headers=headers)
            r = c.getresponse()
            data = r.read()
        except (http.client.HTTPException, OSError):
            self.close()
            raise
        resp = Resp(method, target, r.status, r.reason, r.getheaders(), data)
        if r.will_close:
            self.close()
        self.log.append(resp)
        return resp

    def get(self, target, headers=None):
        return self.request("GET", target, headers=headers)


def raw_request(port, method, target, headers, body=b"", timeout=30, send_body=True):
    """A request built by hand (putrequest), for what request() can't send:
    no Content-Length, a declared length without the body, odd targets."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.putrequest(method, target, skip_accept_encoding=True)
        for k, v in headers:
            c.putheader(k, v)
        c.endheaders()
        if send_body and body:
            try:
                c.send(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server answered early and closed; read its answer
        r = c.getresponse()
        data = r.read()
        return Resp(method, target, r.status, r.reason, r.getheaders(), data)
    finally:
        c.close()


def chunked_upload(port, target, headers, body, piece=16384, timeout=30):
    """POSTs body chunked, piece by piece, and stops sending as soon as the
    server answers (as a client that honours an early response would).
    Returns the Resp, or a string saying how the connection ended."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        head = "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n" % target
        head += "".join("%s: %s\r\n" % kv for kv in headers) + "\r\n"
        sock.sendall(head.encode())
        try:
            for k in range(0, len(body), piece):
                readable, _, _ = select.select([sock], [], [], 0)
                if readable:
                    break
                part = body[k:k + piece]
                sock.sendall(b"%x\r\n%s\r\n" % (len(part), part))
            else:
                sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        resp = http.client.HTTPResponse(sock, method="POST")
        try:
            resp.begin()
            data = resp.read()
        except (ConnectionResetError, http.client.RemoteDisconnected) as e:
            return "connection ended without a response (%r)" % e
        return Resp("POST", target, resp.status, resp.reason, resp.getheaders(), data)
    finally:
        sock.close()


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def fact_id(subject, predicate, obj):
    return "f-" + sha256_hex(("%s\x1f%s\x1f%s" % (subject, predicate, obj)).encode())[:16]


def sanction_id(imposer, target, measure):
    return "s-" + sha256_hex(("%s\x1f%s\x1f%s" % (imposer, target, measure)).encode())[:16]


def tempdir(prefix):
    return tempfile.mkdtemp(prefix="ecfacts-it-%s-" % prefix)


def rmtree(path):
    shutil.rmtree(path, ignore_errors=True)


def run(cmd, timeout=120, env=None, stdin=None, cwd=None):
    """Runs a command to completion: (exit code, stdout str, stderr str)."""
    p = subprocess.run(cmd, stdin=stdin if stdin is not None else subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
                       env=env if env is not None else clean_env(), cwd=cwd)
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def export_articles(exe, data):
    """`ecfacts export --data DATA`: (exit code, {id: article record}, stderr)."""
    rc, out, err = run([exe, "export", "--data", data])
    arts = {}
    for ln in out.splitlines():
        try:
            rec = json.loads(ln)
        except ValueError:
            continue
        if rec.get("kind") == "article":
            arts[rec["data"]["id"]] = rec["data"]
    return rc, arts, err


def port_closed(port):
    """True when nothing accepts connections on the port any more."""
    s = socket.socket()
    s.settimeout(2)
    try:
        s.connect(("127.0.0.1", port))
    except OSError:
        return True
    finally:
        s.close()
    return False


class Deadline:
    def __init__(self, seconds):
        self.end = time.monotonic() + seconds

    def left(self):
        return max(0.0, self.end - time.monotonic())

    def passed(self):
        return time.monotonic() >= self.end


# ---------------------------------------------------------------- articles

COMPANIES = ["Huawei", "Nvidia", "SMIC", "TSMC", "Baidu", "Alibaba", "Tencent", "ByteDance"]
CHIPS = ["H20", "H100", "A100", "Ascend 910B", "Ascend 910C", "Kunlun"]


def make_article(i, words=0):
    """A short article written for these tests (not copied from anywhere):
    entity names the gazetteer knows, a fact pattern or two, a sanction.
    Unique text per i; `words` adds filler to make it longer."""
    c1 = COMPANIES[i % len(COMPANIES)]
    c2 = COMPANIES[(i * 3 + 1) % len(COMPANIES)]
    chip = CHIPS[i % len(CHIPS)]
    title = "Test dispatch %d: %s and the %s" % (i, c1, chip)
    body = [
        title,
        "",
        "Report number %d was written for the integration tests of ecfacts." % i,
        "%s uses the %s in its data centres, analysts said in note %d." % (c1, chip, i),
        "Nvidia designed the H20 for the Chinese market after the rules of 2023.",
        "The U.S. Department of Commerce added %s to the Entity List in 2019." % c2,
        "%s partners with %s on cloud services, according to filing %d." % (c1, c2, i),
    ]
    if words:
        filler = " ".join("word%d" % ((i * 7 + k) % 97) for k in range(words))
        body.append("Background paragraph %d: %s." % (i, filler))
    return "\n".join(body) + "\n"


def is_problem(r, status, slug=None):
    """(ok, why) for an RFC 9457 problem response of status (and slug)."""
    if r.status != status:
        return False, "status %s" % r.status
    if r.h("content-type") != PROBLEM_CT:
        return False, "content-type %r" % r.h("content-type")
    try:
        p = r.json()
    except ValueError as e:
        return False, "body not JSON: %s" % e
    for k, t in (("type", str), ("title", str), ("status", int), ("detail", str)):
        if not isinstance(p.get(k), t):
            return False, "member %r missing or not %s in %r" % (k, t.__name__, p)
    if p["status"] != status:
        return False, "body status %r" % p["status"]
    if not p["type"].startswith("urn:ecfacts:problem:"):
        return False, "type %r" % p["type"]
    if slug and p["type"] != "urn:ecfacts:problem:" + slug:
        return False, "type %r, wanted slug %r" % (p["type"], slug)
    return True, ""
