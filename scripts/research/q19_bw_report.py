#!/usr/bin/env python3
"""Columns of q19_bandwidth.cs outputs: mean AUROC per variant over a directory's data sets (seeds 0-2), against kNN
on the same rows, and leave-one-dataset-out over the variant family.
    python3 scripts/research/q19_bw_report.py DIR [DIR ...]"""
import sys, glob, os
from q19_analyze import auc

def read(p):
    lines = open(p).read().splitlines()
    meta = dict(kv.split("=") for kv in lines[0][2:].split())
    header = lines[1].split("\t")
    rows = [list(map(float, l.split("\t"))) for l in lines[2:]]
    te = [r for r in rows if r[0] >= 0]
    return int(meta["D"]), int(meta["ntrain"]), header[1:], [int(r[0]) for r in te], {h: [r[i + 1] for r in te] for i, h in enumerate(header[1:])}

for d in sys.argv[1:]:
    res = {}; shape = {}
    for p in sorted(glob.glob(f"{d}/*.tsv")):
        name, seed = os.path.basename(p)[:-4].rsplit(".seed", 1)
        D, n, cols, y, te = read(p); shape[name] = (D, n)
        for c in cols: res.setdefault(c, {}).setdefault(name, []).append(auc(te[c], y))
    names = [n for n in sorted(shape) if all(len(res[c].get(n, [])) == 3 for c in res)]
    cols = list(res)
    print(d)
    print(f"{'dataset':28s}  D     n " + " ".join(f"{c:>9s}" for c in cols))
    for n in names:
        print(f"{n:28s} {shape[n][0]:3d} {shape[n][1]:5d} " + " ".join(f"{sum(res[c][n]) / 3:9.4f}" for c in cols))
    mean = {c: sum(sum(res[c][n]) / 3 for n in names) / len(names) for c in cols}
    print(f"{'mean (' + str(len(names)) + ')':38s} " + " ".join(f"{mean[c]:9.4f}" for c in cols))
    fam = [c for c in cols if c != "knn"]
    loo = []
    for h in names:
        best = max(fam, key=lambda c: sum(sum(res[c][n]) for n in names if n != h))
        loo.append(sum(res[best][h]) / 3)
    print(f"LOO over {fam}: {sum(loo) / len(loo):.4f}")
    for c in cols:
        print(f"  {c}: below kNN-0.03 {sum(sum(res[c][n]) / 3 < sum(res['knn'][n]) / 3 - 0.03 for n in names)}")
