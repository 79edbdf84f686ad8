#!/usr/bin/python3
"""The command line: help, usage errors, extract, ingest, stats, export, routes.

usage: test_cli.py ECFACTS_BINARY [SHARED_DIR]      (TAP on stdout)"""
import json
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ecftest as E  # noqa: E402

SUBCOMMANDS = ("serve", "ingest", "extract", "stats", "export", "routes")
SERVE_FLAGS = ("--listen", "--data", "--threads", "--token-file", "--cors-origin", "--map-size",
               "--max-body", "--log-format", "--no-sample")

ARTICLES = {
    # Written for these tests; entity names the gazetteer should know.
    "cli-a": ("Huawei ships the Ascend 910C to Chinese cloud providers\n\n"
              "Huawei began shipping the Ascend 910C to cloud providers in China this spring.\n"
              "The Ascend 910C is the successor to the Ascend 910B, according to the company.\n"
              "SMIC manufactures the Ascend 910C on a 7nm process.\n"),
    "cli-b": ("Nvidia prepares the H20 for China\n\n"
              "Nvidia designed the H20 as a variant of the H100 for customers in China.\n"
              "Tencent uses the H20 in its data centres, people familiar with the matter said.\n"
              "The U.S. Department of Commerce restricted exports of the H100 to China in 2022.\n"),
    "cli-c": ("TSMC halts shipments to Sophgo\n\n"
              "TSMC suspended shipments to Sophgo in 2024 after a review of its customers.\n"
              "The Bureau of Industry and Security added Sophgo to the Entity List in 2025.\n"),
}


def write(path, text, mode="w"):
    with open(path, mode) as f:
        f.write(text)
    return path


def stats(exe, data, env=None):
    rc, out, err = E.run([exe, "stats", "--data", data], env=env)
    try:
        return rc, json.loads(out), err
    except ValueError:
        return rc, None, err + " | stdout: " + out[:300]


def export(exe, data):
    rc, out, err = E.run([exe, "export", "--data", data])
    recs = []
    bad = []
    for ln in out.splitlines():
        try:
            recs.append(json.loads(ln))
        except ValueError:
            bad.append(ln[:100])
    return rc, recs, bad, err


def help_and_usage(tap, exe):
    rc, out, err = E.run([exe, "--help"])
    tap.ok(rc == 0 and out.strip(), "ecfacts --help exits 0 with text", 0, (rc, err[-200:]))
    for sub in SUBCOMMANDS:
        rc, out, err = E.run([exe, sub, "--help"])
        tap.ok(rc == 0 and "usage" in out.lower(), "ecfacts %s --help exits 0 with a usage" % sub,
               "0 + usage", (rc, out[:200], err[-200:]))
        if sub == "serve":
            missing = [f for f in SERVE_FLAGS if f not in out]
            tap.ok(not missing, "serve --help documents every flag", "all", missing)
            missing = [v for v in ("ECFACTS_LISTEN", "ECFACTS_DATA", "ECFACTS_TOKEN_FILE")
                       if v not in out]
            tap.ok(not missing, "serve --help names the environment variables", "all", missing)
    for args, what, needle in (([], "no subcommand", None),
                               (["frobnicate"], "an unknown subcommand", "frobnicate"),
                               (["stats", "--bogus"], "an unknown flag", "--bogus"),
                               (["serve", "--threads", "abc"], "a non-numeric --threads",
                                "threads"),
                               (["serve", "--threads", "0"], "--threads 0", "threads"),
                               (["serve", "--listen"], "a flag without its value", "listen"),
                               (["serve", "--listen", "127.0.0.1:65536"], "a port past 65535",
                                "65536"),
                               (["serve", "--listen", "127.0.0.1:+80"], "a signed port", "+80"),
                               (["health", "--listen", "localhost:99999"], "health, port 99999",
                                "99999"),
                               (["serve", "--log-format", "xml"], "a bad --log-format", "xml"),
                               (["serve", "--map-size", "lots"], "a bad --map-size", "map-size"),
                               (["ingest", "--data", "/nonexistent-ecfacts"], "ingest without paths",
                                None),
                               (["extract", "--json"], "extract without files", None)):
        rc, out, err = E.run([exe] + args)
        tap.ok(rc == 2 and err.strip() and (needle is None or needle in err),
               "usage error: %s -> exit 2 with a message on stderr" % what,
               "2, stderr naming %r" % needle, (rc, err[-300:]))
    rc, out, err = E.run([exe, "stats", "--data", "/nonexistent-ecfacts"],
                         env=E.clean_env(ECFACTS_MAP_SIZE="lots"))
    tap.ok(rc == 2 and "ECFACTS_MAP_SIZE" in err, "a bad ECFACTS_MAP_SIZE -> exit 2 naming it",
           "2 + ECFACTS_MAP_SIZE", (rc, err[-300:]))


def routes(tap, exe):
    rc, out, err = E.run([exe, "routes"])
    lines = out.splitlines()
    bad = [ln for ln in lines if not re.match(r"^(GET|POST|PUT|DELETE|PATCH) /\S*$", ln)]
    tap.ok(rc == 0 and lines and not bad, "routes: exit 0, 'METHOD PATH' lines", "METHOD PATH",
           (rc, bad[:3], err[-200:]))
    for want in ("GET /v1/entities/{id}", "POST /v1/articles", "GET /v1/chips/{id}/lineage",
                 "GET /openapi.yaml"):
        tap.ok(want in lines, "routes lists %s" % want, want, lines)


def extract(tap, exe, tmp, shared):
    d = os.path.join(tmp, "extract")
    os.mkdir(d)
    a = write(os.path.join(d, "cli-a.txt"), ARTICLES["cli-a"])
    b = write(os.path.join(d, "cli-b.txt"), ARTICLES["cli-b"])
    rc, out, err = E.run([exe, "extract", "--json", a, b])
    lines = out.splitlines()
    tap.ok(rc == 0 and len(lines) == 2, "extract --json of two files: exit 0, two lines",
           "0, 2 lines", (rc, len(lines), err[-300:]))
    docs = []
    for ln in lines:
        try:
            docs.append(json.loads(ln))
        except ValueError:
            tap.ok(False, "extract line is JSON", "JSON", ln[:200])
    if len(docs) == 2:
        tap.eq([x["article"]["id"] for x in docs], ["cli-a", "cli-b"],
               "extract: article ids are the file names without extension, in order")
        tap.eq(docs[0]["article"].get("title"), ARTICLES["cli-a"].splitlines()[0],
               "extract: the first line is the title")
        tap.eq(sorted(docs[0]), ["article", "entities", "facts", "sanctions"],
               "extract line members: article, entities, facts, sanctions")
        ids = {e["id"] for e in docs[0]["entities"]}
        tap.ok({"huawei", "smic"} <= ids, "extract finds Huawei and SMIC in cli-a",
               "huawei, smic", sorted(ids))
        ids = {e["id"] for e in docs[1]["entities"]}
        tap.ok({"nvidia", "h20", "tencent"} <= ids, "extract finds Nvidia, H20, Tencent in cli-b",
               "nvidia, h20, tencent", sorted(ids))
        bad = [e for d_ in docs for e in d_["entities"]
               if not {"id", "name", "type"} <= set(e) or e["type"] not in (
                   "company", "agency", "country", "organization", "chip", "product",
                   "ai_model", "program", "person")]
        tap.ok(not bad, "extract: every entity has id, name and a knowledge-model type", "none",
               bad[:3])
        texts = [ARTICLES["cli-a"], ARTICLES["cli-b"]]
        bad, n = [], 0
        for doc, text in zip(docs, texts):
            for rec in doc["facts"] + doc["sanctions"]:
                ev = rec.get("evidence") or {}
                evs = ev if isinstance(ev, list) else [ev]
                for e in evs:
                    n += 1
                    if text[e["start"]:e["end"]] != e["sentence"]:
                        bad.append((e["start"], e["end"], e["sentence"][:50]))
        tap.ok(n and not bad, "extract: evidence offsets are code points of the sentence (%d)" % n,
               "text[start:end] == sentence", bad[:3] or "no evidence at all")
        preds = {(f["subject"]["name"] if isinstance(f["subject"], dict) else f["subject"],
                  f["predicate"]) for f in docs[1]["facts"]}
        tap.ok(any(p == "variant_of" for _, p in preds), "extract: 'H20 as a variant of the H100' "
               "gives a variant_of fact", "variant_of", sorted(preds))
    # errors
    missing = os.path.join(d, "no-such-article.txt")
    rc, out, err = E.run([exe, "extract", "--json", missing])
    tap.ok(rc != 0 and "no-such-article.txt" in err, "extract of a missing file: non-zero exit "
           "naming the file", "!=0 + name", (rc, err[-300:]))
    rc, out, err = E.run([exe, "extract", "--json", a, missing])
    tap.ok(rc != 0 and "no-such-article.txt" in err, "extract of a good and a missing file: "
           "non-zero exit", "!=0", (rc, err[-300:]))
    bad_utf8 = write(os.path.join(d, "bad-utf8.txt"), b"Title\n\nHuawei \xff\xfe\xfd here.\n", "wb")
    rc, out, err = E.run([exe, "extract", "--json", bad_utf8])
    tap.ok(rc != 0 and "bad-utf8.txt" in err, "extract of invalid UTF-8: non-zero exit naming "
           "the file", "!=0 + name", (rc, err[-300:]))
    # the shared corpus and the evaluation
    corpus = os.path.join(shared, "corpus")
    files = sorted(os.path.join(corpus, f) for f in os.listdir(corpus)) \
        if os.path.isdir(corpus) else []
    files = [f for f in files if f.endswith(".txt")]
    if not files:
        tap.skip("extract --json on the shared corpus", "no corpus at %s" % corpus)
        tap.skip("score.py on the extraction", "no corpus at %s" % corpus)
        return
    rc, out, err = E.run([exe, "extract", "--json"] + files, timeout=300)
    docs = []
    for ln in out.splitlines():
        try:
            docs.append(json.loads(ln))
        except ValueError:
            pass
    want = [os.path.splitext(os.path.basename(f))[0] for f in files]
    tap.ok(rc == 0 and [x["article"]["id"] for x in docs] == want,
           "extract --json on the shared corpus (%d files): one line each" % len(files),
           want, (rc, [x["article"]["id"] for x in docs], err[-300:]))
    tap.ok(docs and all(x["entities"] for x in docs), "every corpus article yields entities",
           "non-empty", [len(x["entities"]) for x in docs])
    score = os.path.join(shared, "eval", "score.py")
    gold = os.path.join(shared, "gold")
    if not (os.path.isfile(score) and os.path.isdir(gold)):
        tap.skip("score.py on the extraction", "no %s or %s" % (score, gold))
        return
    p1 = subprocess.Popen([exe, "extract", "--json"] + files, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, env=E.clean_env())
    p2 = subprocess.Popen(["/usr/bin/python3", score, gold, "/dev/stdin"], stdin=p1.stdout,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p1.stdout.close()
    try:
        sout, serr = p2.communicate(timeout=300)
        rc1 = p1.wait(timeout=60)
    except subprocess.TimeoutExpired:
        p1.kill()
        p2.kill()
        p1.wait()
        p2.wait()
        tap.ok(False, "extract | score.py finishes", "done", "timeout")
        return
    sout = sout.decode("utf-8", "replace")
    table = re.search(r"^\s+P\s+R\s+F1", sout, re.M)
    rows = re.findall(r"^(\w[\w ]*?)\s+(\d\.\d{3})\s+(\d\.\d{3})\s+(\d\.\d{3})", sout, re.M)
    tap.ok(rc1 == 0 and p2.returncode == 0 and table and rows,
           "extract --json corpus | score.py gold /dev/stdin prints a P/R/F1 table",
           "exit 0/0 and a table", (rc1, p2.returncode, sout[-500:], serr.decode()[-300:]))
    for name, p, r, f in rows:
        tap.diag("score %-18s P %s R %s F1 %s" % (name, p, r, f))


def ingest(tap, exe, tmp):
    src = os.path.join(tmp, "articles")
    os.mkdir(src)
    for aid, text in ARTICLES.items():
        write(os.path.join(src, aid + ".txt"), text)
    write(os.path.join(src, "NOTES.md"), "not an article: ignored\n")
    data = os.path.join(tmp, "data")
    rc, out, err = E.run([exe, "ingest", "--data", data, src], timeout=300)
    lines = out.splitlines()
    tap.ok(rc == 0 and len(lines) == 3, "ingest of a directory of 3 .txt articles: exit 0, one "
           "line per article", "0, 3 lines", (rc, lines, err[-300:]))
    tap.ok(all(any(aid in ln for ln in lines) for aid in ARTICLES),
           "ingest: each line names its article", sorted(ARTICLES), lines)
    rc, st, err = stats(exe, data)
    tap.ok(rc == 0 and isinstance(st, dict), "stats --data: exit 0, JSON", 0, (rc, err[-300:]))
    st = st or {}
    tap.eq(list(st), ["articles", "entities", "facts", "sanctions", "store_bytes", "map_size",
                      "schema_version"], "stats prints the API's Stats members")
    tap.eq(st.get("articles"), 3, "stats: 3 articles (NOTES.md ignored)")
    tap.ok(st.get("entities", 0) >= 5 and st.get("facts", 0) >= 1 and st.get("sanctions", 0) >= 1,
           "stats: entities, facts and sanctions were extracted", ">=5/>=1/>=1", st)
    rc, recs, bad, err = export(exe, data)
    tap.ok(rc == 0 and not bad, "export: exit 0, every line JSON", 0, (rc, bad[:2], err[-200:]))
    kinds = [r.get("kind") for r in recs]
    order = {"article": 0, "entity": 1, "fact": 2, "sanction": 3}
    tap.ok(all(k in order for k in kinds) and [order[k] for k in kinds] == sorted(
        order[k] for k in kinds), "export: article, entity, fact, sanction lines in that order",
        "ordered kinds", kinds[:10])
    counts = {k: kinds.count(k) for k in order}
    tap.eq(counts, {"article": st.get("articles"), "entity": st.get("entities"),
                    "fact": st.get("facts"), "sanction": st.get("sanctions")},
           "export counts == stats counts")
    arts = {r["data"]["id"]: r["data"] for r in recs if r.get("kind") == "article"}
    tap.eq(sorted(arts), sorted(ARTICLES), "export: the ingested article ids")
    tap.ok(all(arts[a].get("title") == ARTICLES[a].splitlines()[0] for a in arts if a in ARTICLES),
           "export: titles are the first lines", "first lines",
           {a: arts[a].get("title") for a in arts})
    tap.ok(all(arts[a].get("sha256") == E.sha256_hex(ARTICLES[a].encode())
               for a in arts if a in ARTICLES),
           "export: sha256 of each article's text", "sha256",
           {a: arts[a].get("sha256") for a in arts})
    # the same file again: duplicate, nothing changes
    rc, out, err = E.run([exe, "ingest", "--data", data, os.path.join(src, "cli-a.txt")])
    tap.ok(rc == 0 and "duplicate" in out.lower(), "ingest of the same file again: exit 0, "
           "reported as duplicate", "0 + duplicate", (rc, out, err[-200:]))
    rc, st2, err = stats(exe, data)
    tap.eq(st2 and {k: st2[k] for k in ("articles", "entities", "facts", "sanctions")},
           {k: st[k] for k in ("articles", "entities", "facts", "sanctions")} if st else None,
           "after a duplicate ingest the counts are unchanged")
    # the same id with other text: a conflict, a failure
    other = os.path.join(tmp, "other")
    os.mkdir(other)
    write(os.path.join(other, "cli-a.txt"), ARTICLES["cli-a"] + "Baidu uses the Kunlun chip.\n")
    rc, out, err = E.run([exe, "ingest", "--data", data, os.path.join(other, "cli-a.txt")])
    tap.ok(rc == 1 and "cli-a" in (out + err), "ingest of a known id with other text: exit 1 "
           "naming it", "1 + cli-a", (rc, out, err[-300:]))
    # a missing input among good ones
    write(os.path.join(other, "cli-d.txt"), "Baidu builds Kunlun chips\n\nBaidu develops the "
          "Kunlun chip for its own cloud, the company said in a test statement.\n")
    rc, st_before, err = stats(exe, data)
    n_before = (st_before or {}).get("articles", 0)
    rc, out, err = E.run([exe, "ingest", "--data", data, os.path.join(other, "cli-d.txt"),
                          os.path.join(other, "missing.txt")])
    tap.ok(rc == 1 and "missing.txt" in err, "ingest of a good and a missing file: exit 1 naming "
           "the missing one", "1 + missing.txt", (rc, out, err[-300:]))
    rc, st3, err = stats(exe, data)
    tap.eq((st3 or {}).get("articles"), n_before + 1,
           "the good file of a failed run was still stored")
    # invalid UTF-8: refused, nothing stored
    data2 = os.path.join(tmp, "data2")
    bad = write(os.path.join(tmp, "bad-bytes.txt"), b"Title\n\nSMIC \xc3\x28 broken.\n", "wb")
    rc, out, err = E.run([exe, "ingest", "--data", data2, bad])
    tap.ok(rc == 1 and "bad-bytes.txt" in err, "ingest of invalid UTF-8: exit 1 naming the file",
           "1 + bad-bytes.txt", (rc, out, err[-300:]))
    rc, st4, err = stats(exe, data2)
    tap.eq((st4 or {}).get("articles"), 0, "nothing was stored from the invalid file")
    # flag over environment
    rc, st5, err = stats(exe, data, env=E.clean_env(ECFACTS_DATA=data2))
    tap.eq((st5 or {}).get("articles"), n_before + 1, "--data wins over ECFACTS_DATA")
    rc, out, err = E.run([exe, "stats"], env=E.clean_env(ECFACTS_DATA=data))
    try:
        n = json.loads(out).get("articles")
    except ValueError:
        n = (rc, out[:200], err[-200:])
    tap.eq(n, n_before + 1, "stats without --data uses ECFACTS_DATA")
    # a data path that is a file
    rc, out, err = E.run([exe, "stats", "--data", bad])
    tap.ok(rc == 1 and err.strip(), "stats on a data path that is a regular file: exit 1 with a "
           "message", "1", (rc, err[-300:]))
    tap.skip("schema-version mismatch refused", "needs the store's internal layout to forge")


def parse_layer(tap, exe, tmp):
    """--no-parse / ECFACTS_NO_PARSE on every command that extracts; a missing
    Link Grammar dictionary is a start-up error that says how to go on."""
    d = os.path.join(tmp, "parse")
    os.mkdir(d)
    a = write(os.path.join(d, "cli-c.txt"), ARTICLES["cli-c"])
    gone = os.path.join(d, "no-such-dictionary")
    for cmd in ("serve", "ingest", "fetch", "extract"):
        rc, out, err = E.run([exe, cmd, "--help"])
        tap.ok(rc == 0 and "--no-parse" in out and "ECFACTS_NO_PARSE" in out,
               cmd + " --help lists --no-parse [env ECFACTS_NO_PARSE]", "listed", out[-400:])
    runs = (("ingest", [exe, "ingest", "--data", os.path.join(d, "s1"), a]),
            ("extract", [exe, "extract", "--json", a]),
            ("serve", [exe, "serve", "--listen", "127.0.0.1:0", "--no-sample",
                       "--data", os.path.join(d, "s2")]))
    for name, cmd in runs:
        rc, out, err = E.run(cmd, timeout=60, env=E.clean_env(ECFACTS_LG_DATA=gone))
        tap.ok(rc == 1 and gone in err and "dictionary" in err and "--no-parse" in err,
               name + " without the dictionary: exit 1 at start-up, saying where it looked and "
               "naming --no-parse", "1 + message", (rc, err[-400:]))
    rc, out, err = E.run([exe, "ingest", "--no-parse", "--data", os.path.join(d, "s3"), a],
                         env=E.clean_env(ECFACTS_LG_DATA=gone))
    tap.ok(rc == 0, "ingest --no-parse runs without the dictionary", 0, (rc, err[-300:]))
    rc, out, err = E.run([exe, "extract", "--json", a],
                         env=E.clean_env(ECFACTS_LG_DATA=gone, ECFACTS_NO_PARSE=1))
    tap.ok(rc == 0 and out.count("\n") == 1, "ECFACTS_NO_PARSE=1: extract runs without the "
           "dictionary", 0, (rc, err[-300:]))
    rc, out, err = E.run([exe, "extract", "--json", a],
                         env=E.clean_env(ECFACTS_LG_DATA="/usr/share/link-grammar"))
    tap.ok(rc == 0 or "dictionary" in err, "ECFACTS_LG_DATA naming the installed dictionary "
           "works", 0, (rc, err[-300:]))


def no_store(tap, exe, tmp):
    """Commands that only read refuse a --data without a store (a mistyped path,
    an unmounted volume) instead of creating an empty one and exiting 0; fetch,
    a writer, refuses a directory that does not exist."""
    art = write(os.path.join(tmp, "nostore-art.txt"), ARTICLES["cli-a"])
    missing = os.path.join(tmp, "no-such-data")
    empty = os.path.join(tmp, "empty-data")
    os.mkdir(empty)
    for data, what in ((missing, "a missing directory"), (empty, "a directory without a store")):
        for cmd in (["stats"], ["export"], ["snapshot", os.path.join(tmp, "nostore-snap")]):
            rc, out, err = E.run([exe, cmd[0], "--data", data] + cmd[1:])
            tap.ok(rc == 1 and data in err and not out.strip(),
                   "%s on %s: exit 1 naming the path" % (cmd[0], what), "1 + " + data,
                   (rc, out[:200], err[-300:]))
        tap.ok(not os.path.exists(os.path.join(data, "data.mdb")),
               "... and no store was created in %s" % what)
    tap.ok(not os.path.exists(os.path.join(tmp, "nostore-snap", "data.mdb")),
           "snapshot published nothing")
    rc, out, err = E.run([exe, "fetch", "--data", missing, art])
    tap.ok(rc == 1 and missing in err and not os.path.exists(missing),
           "fetch into a --data directory that does not exist: exit 1 naming it, nothing created",
           "1 + " + missing, (rc, err[-300:], os.path.exists(missing)))
    rc, out, err = E.run([exe, "fetch", "--data", empty, art])
    tap.ok(rc == 0 and "created a new one" in err and os.path.exists(os.path.join(empty, "data.mdb")),
           "fetch into an existing empty directory creates the store and says so", "0",
           (rc, err[-300:]))
    rc, st, err = stats(exe, empty)
    tap.eq((st or {}).get("articles"), 1, "stats then reads the fetched article")


def serve_refused(exe, tmp, args, env=None):
    """`serve` that must refuse to start: (exit code or 'still running', stderr)."""
    data = os.path.join(tmp, "refused-data")
    try:
        rc, out, err = E.run([exe, "serve", "--listen", "127.0.0.1:0", "--data", data,
                              "--no-sample"] + args, timeout=20, env=env)
    except subprocess.TimeoutExpired:
        return "still running after 20 s", ""
    return rc, err


def tokens(tap, exe, tmp):
    """Tokens that could never match an Authorization header are refused at start."""
    cases = ((b" " * 16 + b"\n", "whitespace", "a token of 16 spaces"),
             (b"\xef\xbb\xbf" + b"cli-token-0123456789abcdef\n", "byte order mark",
              "a token file with a UTF-8 BOM"),
             (b"cli-token-0123456789 abcdef\n", "whitespace", "a token with a space inside"),
             (b"cli-token-0123456789abcdef \n", "whitespace", "a token with a trailing space"))
    for raw, needle, what in cases:
        tf = write(os.path.join(tmp, "token-case"), raw, "wb")
        rc, err = serve_refused(exe, tmp, ["--token-file", tf])
        tap.ok(rc == 1 and needle in err and tf in err,
               "serve with %s: exit 1, the message names the file and says %r" % (what, needle),
               "1 + " + needle, (rc, err[-300:]))
    tdir = os.path.join(tmp, "token-dir")
    os.makedirs(tdir, exist_ok=True)
    rc, err = serve_refused(exe, tmp, ["--token-file", tdir])
    tap.ok(rc == 1 and "directory" in err and tdir in err,
           "serve with a directory as token file: exit 1, the message says it is a directory",
           "1 + directory", (rc, err[-300:]))
    fifo = os.path.join(tmp, "token-fifo")
    if not os.path.exists(fifo):
        os.mkfifo(fifo)
    rc, err = serve_refused(exe, tmp, ["--token-file", fifo])
    tap.ok(rc == 1 and "regular" in err and fifo in err,
           "serve with a FIFO as token file: exit 1 at once (opening it would block)",
           "1 + not a regular file", (rc, err[-300:]))
    rc, err = serve_refused(exe, tmp, [], env=E.clean_env(ECFACTS_TOKEN=" " * 16))
    tap.ok(rc == 1 and "ECFACTS_TOKEN" in err and "whitespace" in err,
           "ECFACTS_TOKEN of 16 spaces: exit 1 naming the variable", "1", (rc, err[-300:]))


def threads(tap, exe, tmp):
    """--threads defaults to the online CPUs, and LMDB's reader table has a
    slot for every thread (126 by default: 503s beyond ~120 threads)."""
    data = os.path.join(tmp, "threads-data")
    srv = E.Server(exe, data, args=["--threads", "200", "--no-sample"], workdir=tmp)
    try:
        srv.start()
        size = os.path.getsize(os.path.join(data, "lock.mdb"))
        # 64 bytes per reader slot (LMDB's MDB_reader, one cache line)
        tap.ok(size >= 64 * 201, "--threads 200: lock.mdb has a reader slot per thread and more",
               ">= %d bytes" % (64 * 201), size)
        line = [ln for ln in srv.lines if "worker threads" in ln]
        tap.ok(line and "200 worker threads" in line[0], "the start-up log says 200 worker threads",
               "200 worker threads", line)
    except E.ServerError as e:
        tap.ok(False, "serve --threads 200 starts", "listening", str(e))
    finally:
        srv.stop()
    cpus = os.sysconf("SC_NPROCESSORS_ONLN")
    srv = E.Server(exe, data, args=["--no-sample"], workdir=tmp)
    try:
        srv.start()
        line = [ln for ln in srv.lines if "worker threads" in ln]
        tap.ok(line and (" %d worker threads" % cpus) in line[0],
               "without --threads: one worker thread per online CPU (%d)" % cpus,
               "%d worker threads" % cpus, line)
    except E.ServerError as e:
        tap.ok(False, "serve without --threads starts", "listening", str(e))
    finally:
        srv.stop()


def main(tap):
    exe, shared = E.binary_from_argv()
    tmp = E.tempdir("cli")
    try:
        for name, fn, args in (("help", help_and_usage, (tap, exe)), ("routes", routes, (tap, exe)),
                               ("extract", extract, (tap, exe, tmp, shared)),
                               ("ingest", ingest, (tap, exe, tmp)),
                               ("parse layer", parse_layer, (tap, exe, tmp)),
                               ("no store", no_store, (tap, exe, tmp)),
                               ("tokens", tokens, (tap, exe, tmp)),
                               ("threads", threads, (tap, exe, tmp))):
            try:
                fn(*args)
            except Exception:  # noqa: BLE001
                tap.crashed("section " + name)
    finally:
        E.rmtree(tmp)


if __name__ == "__main__":
    E.run_main("test_cli", main)
