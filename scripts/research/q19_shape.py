#!/usr/bin/env python3
"""The shape suite (few features, few rows; scripts/research/q19_shape_make.py): each score's mean AUROC over the
derived data sets against kNN computed on the same rows (k = 5, z-scored), and the count more than 0.03 below it.
    python3 scripts/research/q19_shape.py SCORES_DIR VARIANT"""
import sys
from q19_analyze import load, auc, std

def ev(data, fn): return {n: sum(auc(fn(sp), sp.y) for sp in s.values()) / 3 for n, s in data.items()}


if __name__ == "__main__":
    data = load(sys.argv[1], sys.argv[2])
    knn = ev(data, lambda sp: sp.te["knn"])
    res = {"default": ev(data, lambda sp: sp.te["def"]), "kNN": knn,
           "recon": ev(data, lambda sp: sp.te["recon"]), "latent": ev(data, lambda sp: sp.te["lat"])}
    for v in [0.5, 1, 2]:
        res[f"std def+{v}kNN"] = ev(data, lambda sp, v=v: [a + v * b for a, b in zip(std(sp.te["def"], sp.tr["def"]), std(sp.te["knn"], sp.tr["knn"]))])
    names = sorted(data)
    print(f"{'dataset':28s} D    n " + " ".join(f"{k[:12]:>12s}" for k in res))
    for n in names:
        sp = data[n][0]
        print(f"{n:28s} {sp.D:2d} {sp.n:5d} " + " ".join(f"{res[k][n]:12.4f}" for k in res))
    for k, r in res.items():
        m = sum(r.values()) / len(r); below = sum(r[n] < knn[n] - 0.03 for n in names); wins = sum(r[n] > knn[n] for n in names)
        print(f"{k:20s} mean {m:.4f} below kNN-0.03: {below:2d} wins: {wins}")
