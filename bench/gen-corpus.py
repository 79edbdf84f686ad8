#!/usr/bin/env python3
"""gen-corpus.py SHARED_CORPUS_DIR OUT_DIR MEGABYTES [SEED]

Builds a synthetic corpus for benchmarks by recombining the sentences of the
seed articles at run time (never committed): articles of 20-60 sentences,
each with a title line made of a shuffled headline, until the total reaches
MEGABYTES. Deterministic for a given SEED. Prints the number of files and
bytes written."""
import glob
import os
import random
import re
import sys


def sentences(text):
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        # split after . ! ? followed by a space and a capital or a quote
        parts = re.split(r'(?<=[.!?])\s+(?=[A-Z\u201c"])', line)
        out.extend(p for p in parts if len(p) > 20)
    return out


def main():
    src, out, mb = sys.argv[1], sys.argv[2], float(sys.argv[3])
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    rng = random.Random(seed)
    pool = []
    for path in sorted(glob.glob(os.path.join(src, "*.txt"))):
        with open(path, encoding="utf-8") as f:
            pool.extend(sentences(f.read()))
    if not pool:
        sys.exit("gen-corpus: no sentences under %s" % src)
    os.makedirs(out, exist_ok=True)
    target = int(mb * 1024 * 1024)
    total = files = 0
    while total < target:
        n = rng.randint(20, 60)
        body = [rng.choice(pool) for _ in range(n)]
        paras = []
        for i in range(0, n, 4):
            paras.append(" ".join(body[i:i + 4]))
        title = rng.choice(pool).rstrip(".")[:120]
        text = title + "\n" + "\n".join(paras) + "\n"
        data = text.encode("utf-8")
        with open(os.path.join(out, "a%06d.txt" % files), "wb") as f:
            f.write(data)
        total += len(data)
        files += 1
    print(files, total)


if __name__ == "__main__":
    main()
