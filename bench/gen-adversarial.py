#!/usr/bin/env python3
"""gen-adversarial.py KIND BYTES [SEED] > FILE

Writes one synthetic article of about BYTES bytes (UTF-8, a title line first)
made of sentences invented here (no article text is copied). KIND:

  giant   one "sentence" with no full stop, question or exclamation mark:
          clauses about companies, chips and agencies joined by commas and
          conjunctions (the worst case for sentence-scoped work)
  short   short sentences ("Huawei develops the Ascend 910B."), as many as fit
          (about 100k in 2 MiB)
  list    sentences that each list 10k names ("... added A, B, C, ... and Z to
          the Entity List."), repeated until BYTES
  normal  paragraphs of ordinary sentences of the same vocabulary: the
          baseline the others are compared with

Deterministic for a given SEED (default 1)."""
import random
import sys

COMPANIES = ["Huawei", "SMIC", "Nvidia", "TSMC", "Baidu", "Alibaba", "Tencent", "ByteDance",
             "Cambricon", "Biren", "Moore Threads", "Intel", "AMD", "Samsung", "SK Hynix",
             "Micron", "ASML", "Applied Materials", "Lam Research", "YMTC", "CXMT", "iFlytek"]
CHIPS = ["Ascend 910B", "Ascend 910C", "H100", "H20", "A100", "MI300X", "Gaudi 3", "Kunlun",
         "BR100", "MTT S4000", "Hopper", "Blackwell"]
AGENCIES = ["the Commerce Department", "the Bureau of Industry and Security"]
COUNTRIES = ["China", "Japan", "the Netherlands", "Taiwan", "South Korea", "Malaysia",
             "Singapore", "India"]
VERBS_CHIP = ["develops", "designs", "manufactures", "uses", "supplies", "ships", "sells"]
FILLER = ["analysts said", "according to people familiar with the matter", "in recent months",
          "despite tighter rules", "as demand for training capacity grew", "for its data centres",
          "under a new licence regime", "after months of negotiations", "at a slower pace",
          "while prices rose sharply", "with help from local suppliers", "for large models"]
SYL = ["zhi", "xin", "tek", "nova", "lux", "core", "tron", "sil", "mar", "quan", "vex", "lin",
       "hua", "dao", "ren", "kai", "ora", "tis", "gen", "pho"]


def invented_name(rng, i):
    """A company-like name no gazetteer knows: two syllables, a number to keep it unique."""
    a = rng.choice(SYL).capitalize() + rng.choice(SYL)
    return "%s%d %s" % (a, i, rng.choice(["Semiconductor", "Technologies", "Systems",
                                          "Microelectronics", "Computing"]))


def clause(rng):
    r = rng.random()
    if r < 0.35:
        return "%s %s the %s" % (rng.choice(COMPANIES), rng.choice(VERBS_CHIP), rng.choice(CHIPS))
    if r < 0.5:
        return "%s added %s to the Entity List" % (rng.choice(AGENCIES), rng.choice(COMPANIES))
    if r < 0.6:
        return "%s restricted exports of the %s to %s" % (rng.choice(AGENCIES),
                                                          rng.choice(CHIPS), rng.choice(COUNTRIES))
    if r < 0.7:
        return "the %s is the successor to the %s" % (rng.choice(CHIPS), rng.choice(CHIPS))
    if r < 0.8:
        return "its %s rivals the %s" % (rng.choice(CHIPS), rng.choice(CHIPS))
    if r < 0.9:
        return "%s partners with %s" % (rng.choice(COMPANIES), rng.choice(COMPANIES))
    return rng.choice(FILLER)


def sentence(rng):
    n = rng.randint(1, 3)
    parts = [clause(rng) for _ in range(n)]
    s = ", and ".join(parts) if n > 1 else parts[0]
    if rng.random() < 0.3:
        s += ", " + rng.choice(FILLER)
    return s[0].upper() + s[1:] + "."


def gen_giant(rng, size):
    out, n = [], 0
    joins = [", and ", ", while ", ", as ", " and ", ", but ", "; "]
    while n < size:
        c = clause(rng)
        j = rng.choice(joins)
        out.append(c + j)
        n += len(c) + len(j)
    return "".join(out).rstrip(",;: ") + "\n"


def gen_short(rng, size):
    out, n = [], 0
    while n < size:
        s = "%s %s the %s. " % (rng.choice(COMPANIES), rng.choice(VERBS_CHIP), rng.choice(CHIPS))
        out.append(s)
        n += len(s)
        if rng.random() < 0.05:
            out.append("\n\n")
            n += 2
    return "".join(out) + "\n"


def gen_list(rng, size):
    names = [invented_name(rng, i) for i in range(10000)]
    out, n = [], 0
    while n < size:
        rng.shuffle(names)
        use = names
        # the last sentence lists only as many names as still fit
        while len(use) > 2 and n + sum(len(x) + 2 for x in use) > size:
            use = use[:len(use) // 2]
        a = rng.choice(AGENCIES)
        s = "%s added %s and %s to the Entity List.\n\n" % (
            a[0].upper() + a[1:], ", ".join(use[:-1]), use[-1])
        out.append(s)
        n += len(s)
    return "".join(out)


def gen_normal(rng, size):
    out, n = [], 0
    while n < size:
        para = " ".join(sentence(rng) for _ in range(rng.randint(3, 8))) + "\n\n"
        out.append(para)
        n += len(para)
    return "".join(out)


KINDS = {"giant": gen_giant, "short": gen_short, "list": gen_list, "normal": gen_normal}


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in KINDS:
        sys.exit(__doc__)
    kind, size = sys.argv[1], int(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    title = "Export controls reshape the %s market (%s)\n" % (rng.choice(CHIPS), kind)
    body = KINDS[kind](rng, max(0, size - len(title)))
    sys.stdout.write(title + body)


if __name__ == "__main__":
    main()
