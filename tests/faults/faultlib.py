"""Shared by the fault scripts in tests/faults/ (kill9-ingest, disk-full):
articles written for them, running ecfacts with deadlines, and reading a
store's export into per-article signatures that can be compared between
stores. Standard library only; Debian's /usr/bin/python3."""
import collections
import json
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_EXE = os.path.join(REPO, "build-release", "ecfacts")
CMD_DEADLINE = 120

COMPANIES = ["Huawei", "Nvidia", "SMIC", "TSMC", "Baidu", "Alibaba", "Tencent", "ByteDance"]
CHIPS = ["H20", "H100", "A100", "Ascend 910B", "Ascend 910C", "Kunlun"]
CITIES = ["Shenzhen", "Hsinchu", "Shanghai", "Santa Clara", "Beijing", "Hangzhou"]


def article(i, filler=0):
    """A small article written for these scripts: names the gazetteer knows
    in sentence shapes the rules read (uses, manufactures, successor,
    partners, Entity List). Unique text per i; filler adds a paragraph of
    numbered words to make it larger."""
    c1 = COMPANIES[i % 8]
    c2 = COMPANIES[(i * 5 + 3) % 8]
    c3 = COMPANIES[(i * 3 + 1) % 8]
    chip = CHIPS[i % 6]
    chip2 = CHIPS[(i + 1) % 6]
    city = CITIES[i % 6]
    year = 2019 + i % 6
    lines = [
        "Fault drill %d: %s, %s and the %s" % (i, c1, c2, chip),
        "",
        "This is dispatch %d of the fault drill, written for the ecfacts fault scripts." % i,
        "%s uses the %s to train its language models, an engineer said in %s." % (c1, chip, city),
        "TSMC manufactures the %s at a plant near %s, according to memo %d." % (chip, city, i),
        "The %s is the successor to the %s, a product sheet from week %d says." % (chip2, chip, i),
        "The Bureau of Industry and Security added %s to the Entity List in %d." % (c3, year),
        "%s partners with %s on data-centre power supplies, note %d says." % (c1, c2, i),
    ]
    if i % 3 == 0:
        lines.append("Nvidia designed the H20 for buyers in China after the rules of 2023.")
    if filler:
        words = " ".join("item%d" % ((i * 13 + k) % 211) for k in range(filler))
        lines.append("Appendix %d lists %s." % (i, words))
    return "\n".join(lines) + "\n"


def write_articles(d, n, filler=0, prefix="k"):
    """n articles as d/<prefix>NNN.txt; returns their ids in ingest (name) order."""
    os.makedirs(d, exist_ok=True)
    ids = []
    for i in range(n):
        aid = "%s%03d" % (prefix, i)
        with open(os.path.join(d, aid + ".txt"), "w") as f:
            f.write(article(i, filler))
        ids.append(aid)
    return ids


def run(cmd, timeout=CMD_DEADLINE, env=None):
    """(exit code or None on timeout, stdout, stderr); a timeout kills cmd."""
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout, env=env or clean_env())
    except subprocess.TimeoutExpired as e:
        return None, (e.stdout or b"").decode("utf-8", "replace"), \
            (e.stderr or b"").decode("utf-8", "replace")
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def clean_env():
    return {k: v for k, v in os.environ.items() if not k.startswith("ECFACTS_")}


def export_signatures(exe, data):
    """Reads `ecfacts export --data data`: (rc, {article id: signature}, why).
    A signature is what the store holds for one article: its record's counts
    and sha256, and for every fact and sanction with evidence from it, how
    many evidences from it (so a fact stored without this article's evidence
    or with part of it shows)."""
    rc, out, err = run([exe, "export", "--data", data])
    if rc != 0:
        return rc, None, "export exit %r: %s" % (rc, err[-500:])
    arts = {}
    ev = collections.defaultdict(lambda: collections.Counter())
    try:
        for ln in out.splitlines():
            rec = json.loads(ln)
            kind, d = rec["kind"], rec["data"]
            if kind == "article":
                arts[d["id"]] = {"counts": d["counts"], "sha256": d["sha256"]}
            elif kind in ("fact", "sanction"):
                for e in d["evidence"]:
                    ev[e["article"]][(kind, d["id"])] += 1
    except (ValueError, KeyError) as e:
        return rc, None, "export is not the expected JSON lines: %r" % e
    sigs = {}
    for aid, a in arts.items():
        sigs[aid] = dict(a, evidence=dict(sorted(ev.get(aid, {}).items())))
    orphans = sorted(set(ev) - set(arts))
    if orphans:
        return rc, None, "evidence from articles the store does not hold: %s" % orphans[:5]
    return rc, sigs, ""


def stats(exe, data):
    rc, out, err = run([exe, "stats", "--data", data])
    try:
        return rc, json.loads(out), err
    except ValueError:
        return rc, None, err


def sig_diff(got, want):
    """A short description of how two signatures differ ('' if equal)."""
    if got == want:
        return ""
    parts = []
    if got["counts"] != want["counts"]:
        parts.append("counts %s, alone %s" % (got["counts"], want["counts"]))
    if got["sha256"] != want["sha256"]:
        parts.append("sha256 differs")
    ge, we = got["evidence"], want["evidence"]
    missing = [k for k in we if k not in ge]
    extra = [k for k in ge if k not in we]
    changed = [k for k in we if k in ge and ge[k] != we[k]]
    if missing:
        parts.append("missing %s" % missing[:4])
    if extra:
        parts.append("extra %s" % extra[:4])
    if changed:
        parts.append("evidence counts differ on %s" % changed[:4])
    return "; ".join(parts)
