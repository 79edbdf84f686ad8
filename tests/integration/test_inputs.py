#!/usr/bin/python3
"""Odd inputs to `ecfacts ingest` and POST /v1/articles (issue 13 item 16):
a FIFO named *.txt in a directory and on the command line, non-ASCII file
names, impossible dates, titles with a BOM, CR-only line ends or a 1 MB first
line.

usage: test_inputs.py ECFACTS_BINARY [SHARED_DIR]      (TAP on stdout)"""
import json
import os
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ecftest as E  # noqa: E402

AUTH = "Bearer " + E.TOKEN
RUN_DEADLINE = 60  # one ingest under the sanitizers; a hang is killed here


def run(tap, cmd, label, **kw):
    """E.run, with a hang reported as a failing point instead of an exception."""
    try:
        return E.run(cmd, timeout=RUN_DEADLINE, **kw)
    except subprocess.TimeoutExpired:
        tap.ok(False, "%s finishes within %d s (it hung and was killed)" % (label, RUN_DEADLINE))
        return None, "", ""


def cli_fifo(tap, exe, tmp):
    d = os.path.join(tmp, "fifo-dir")
    os.mkdir(d)
    with open(os.path.join(d, "a.txt"), "w") as f:
        f.write(E.make_article(1))
    fifo = os.path.join(d, "pipe.txt")
    os.mkfifo(fifo)
    data = os.path.join(tmp, "fifo-data")
    rc, out, err = run(tap, [exe, "ingest", "--data", data, d], "ingest of a directory with a FIFO")
    if rc is not None:
        tap.ok(rc == 0 and "a: stored" in out and "pipe.txt: not a regular file" in err,
               "ingest DIR with a FIFO named *.txt: the FIFO is skipped with a message, the file "
               "is stored, exit 0", "0, a: stored, pipe.txt: not a regular file", (rc, out, err))
    rc, out, err = run(tap, [exe, "ingest", "--data", data, fifo], "ingest of a FIFO by name")
    if rc is not None:
        tap.ok(rc == 1 and "pipe.txt" in err and "not a regular file" in err,
               "ingest FIFO: exit 1 at once, naming the FIFO", "1, pipe.txt: not a regular file",
               (rc, out, err))
    rc, out, err = run(tap, [exe, "ingest", "--data", data, "-"], "ingest - (stdin)",
                       stdin=open(os.path.join(d, "a.txt"), "rb"))
    tap.ok(rc == 0 and "duplicate of a" in out, "ingest - still reads stdin (a pipe or a file)",
           "0, duplicate of a", (rc, out, err))


def cli_names(tap, exe, tmp):
    d = os.path.join(tmp, "names")
    os.mkdir(d)
    names = ["\u83ef\u70ba.txt", "\u4e2d\u82af.txt", "Huawei \u83ef\u70ba.txt"]
    for i, n in enumerate(names):
        with open(os.path.join(d, n), "w") as f:
            f.write(E.make_article(10 + i))
    data = os.path.join(tmp, "names-data")
    rc, out, err = run(tap, [exe, "ingest", "--data", data, d], "ingest of non-ASCII names")
    ids = sorted(ln.split(":")[0] for ln in out.splitlines() if ": stored" in ln)
    tap.ok(rc == 0 and len(set(ids)) == 3, "three non-ASCII file names: three stored articles "
           "with three ids", "3 ids", (rc, ids, err[-500:]))
    tap.ok(all(i.replace("-", "").replace(".", "").replace("_", "").isalnum() and i.isascii()
               for i in ids) and any(i.startswith("Huawei-h-") for i in ids),
           "the ids fit [A-Za-z0-9._-] and keep the ASCII part of the name", "Huawei-h-...", ids)
    tap.eq(sorted(E.export_articles(exe, data)[1]), ids, "export lists exactly those articles")
    data2 = os.path.join(tmp, "names-data2")
    rc, out2, err = run(tap, [exe, "ingest", "--data", data2] +
                        [os.path.join(d, n) for n in reversed(names)], "ingest by name")
    ids2 = sorted(ln.split(":")[0] for ln in out2.splitlines() if ": stored" in ln)
    tap.eq(ids2, ids, "the ids are stable: the same names in another order and store give the "
           "same ids")


def post(cl, body, ctype="application/json"):
    if not isinstance(body, bytes):
        body = json.dumps(body).encode()
    return cl.request("POST", "/v1/articles", body,
                      {"Authorization": AUTH, "Content-Type": ctype})


def server_dates_titles(tap, exe, tmp):
    data = os.path.join(tmp, "srv")
    with E.Server(exe, data, workdir=tmp, args=["--no-sample"]) as srv:
        cl = E.Client(srv.port)
        for i, (date, want) in enumerate((("2024-02-31", 400), ("2023-02-29", 400),
                                          ("2024-13-01", 400), ("2024-04-31", 400),
                                          ("2024-00-10", 400), ("2024-02-29", 201),
                                          ("2000-02-29", 201), ("1900-02-29", 400))):
            r = post(cl, {"text": E.make_article(30 + i), "date": date})
            tap.eq(r.status, want, "POST /v1/articles date %s -> %d" % (date, want))
            if want == 400:
                ok, why = E.is_problem(r, 400)
                tap.ok(ok and "calendar" in r.json().get("detail", ""),
                       "...a problem naming a calendar date", "problem", (why, r))
        text = "\ufeffTitle after a BOM\rSecond line of the old Mac file\r" + \
            "Huawei ships the Ascend 910C to cloud providers.\r"
        r = post(cl, text.encode(), "text/plain; charset=utf-8")
        title = ((r.json().get("article") or {}).get("title") if r.status == 201 else r)
        tap.eq(title, "Title after a BOM", "text/plain with a BOM and CR line ends: the title is "
               "the first line without the BOM")
        big = ("Huawei " * 30000) + "\n\nSMIC makes chips.\n"
        r = post(cl, big.encode(), "text/plain; charset=utf-8")
        title = ((r.json().get("article") or {}).get("title") if r.status == 201 else "")
        tap.ok(r.status == 201 and len(title.encode()) <= 300 and title.startswith("Huawei Huawei"),
               "a 210 KB first line: the title is cut to at most 300 bytes", "<= 300 bytes",
               (r.status, len(str(title).encode())))
        wide = "\u83ef" * 200  # 600 bytes: the cut falls on a character boundary
        r = post(cl, {"text": E.make_article(50), "title": wide})
        title = ((r.json().get("article") or {}).get("title") if r.status == 201 else "")
        tap.eq(title, "\u83ef" * 100, "a given 600-byte title is cut to 300 bytes at a UTF-8 "
               "boundary")
        cl.close()


def main(tap):
    exe, _shared = E.binary_from_argv()
    tmp = E.tempdir("inputs")
    try:
        for name, fn in (("fifo", cli_fifo), ("names", cli_names)):
            try:
                fn(tap, exe, tmp)
            except Exception:  # noqa: BLE001
                tap.crashed("section " + name)
        server_dates_titles(tap, exe, tmp)
    finally:
        E.rmtree(tmp)


if __name__ == "__main__":
    E.run_main("test_inputs", main)
