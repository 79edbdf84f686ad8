#!/usr/bin/env python3
"""Show what score.py --per-article does not: missed/spurious entities, type
mismatches, and every predicted sanction (matched or spurious) with its date,
status and evidence sentence next to the gold date.

Usage: diff.py GOLD_DIR PREDICTIONS.jsonl   (standard library only; reuses
/work/shared/eval/score.py for normalisation, aliases and imposer families)
"""
import importlib.util
import os
import sys

SCORE = os.environ.get("ECFACTS_SCORE", "/work/shared/eval/score.py")
spec = importlib.util.spec_from_file_location("score", SCORE)
S = importlib.util.module_from_spec(spec)
spec.loader.exec_module(S)


def tsv(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [l.rstrip("\n").split("\t") for l in f if not l.startswith("#")]


def main():
    gd, pr = sys.argv[1], sys.argv[2]
    canon = S.Canon()
    for p in tsv(os.path.join(gd, "ALIASES.tsv")):
        if len(p) >= 2:
            canon.add(p[0], p[1])
    gold = S.load_gold(gd, canon)
    fam = {canon(p[0]): canon(p[1]) for p in tsv(os.path.join(gd, "FAMILIES.tsv")) if len(p) >= 2}
    F = lambda c: fam.get(c, c)
    preds = S.load_preds(pr)
    for aid, g in sorted(gold.items()):
        p = preds.get(aid, {})
        known = {canon(e["name"]) for e in g["entities"]}
        gt = {canon(e["name"]): e["type"] for e in g["entities"]}
        pe = {}
        for e in p.get("entities", []) or []:
            pe[S.pick(S.forms_of(e), canon, known)] = (e.get("name"), e.get("type"))
        print("==", aid)
        for k in sorted(set(gt) - set(pe)):
            print("   missed entity   ", k, gt[k])
        for k in sorted(set(pe) - set(gt)):
            print("   spurious entity ", *pe[k])
        for k in sorted(set(pe) & set(gt)):
            if pe[k][1] != gt[k]:
                print("   type mismatch   ", k, "gold", gt[k], "pred", pe[k][1])
        gs = {(F(canon(s["imposer"])), canon(s["target"]), s["measure"]): s for s in g["sanctions"]}
        for s in p.get("sanctions", []) or []:
            i = S.pick(S.forms_of(s.get("imposer")), canon, known)
            t = S.pick(S.forms_of(s.get("target")), canon, known)
            k = (F(i), t, s.get("measure"))
            ok = k in gs
            ev = s.get("evidence")
            if isinstance(ev, list):
                ev = ev[0] if ev else None
            sent = ev.get("sentence") if isinstance(ev, dict) else ev
            print(f"   sanction {'ok      ' if ok else 'SPURIOUS'} {S.name_of(s.get('imposer'))} -> "
                  f"{S.name_of(s.get('target'))} {s.get('measure')} date={s.get('date')} "
                  f"(gold {gs[k]['date'] if ok else '-'}) status={s.get('status')}")
            if ok and sent != gs[k]["evidence"]:
                print("        evidence differs from gold:", sent)


if __name__ == "__main__":
    main()
