#!/usr/bin/env python3
"""The minor-component term's threshold t (components with eigenvalue < t on z-scored rows) and weight v, on the 14
(q19_dump.cs "def" dumps of the first default: the rows rule is applied here) and on the shape suite (dumps of the
product with the first term, v = 0.05 on t = 0.2, which is taken out again): mean AUROC of each. Eigenvalues floored at
1e-3, as the product does.
    python3 scripts/research/q19_minor_weights.py SCORES_14 SCORES_SHAPE"""
import sys
from q19_analyze import load, auc


def minor(part, sp, t):
    idx = [i for i in range(sp.D) if sp.eig[i] < t]
    return [sum(part[f"p{i}"][r] * sp.eig[i] / max(sp.eig[i], 1e-3) for i in idx) for r in range(len(part["recon"]))]


def on_14(sp, v, t):
    return [a + min(1.0, 1024 / sp.n) * b + v * m / 2 for a, b, m in zip(sp.te["recon"], sp.te["lat"], minor(sp.te, sp, t))]


def on_shape(sp, v, t):
    return [a - 0.05 * m0 / 2 + v * m / 2 for a, m0, m in zip(sp.te["def"], minor(sp.te, sp, 0.2), minor(sp.te, sp, t))]


def mean(data, fn):
    return sum(sum(auc(fn(sp), sp.y) for sp in s.values()) / 3 for s in data.values()) / len(data)


if __name__ == "__main__":
    d14, shape = load(sys.argv[1], "def"), load(sys.argv[2], "def")
    print(f"none            14 {mean(d14, lambda sp: on_14(sp, 0, 1)):.4f} shape {mean(shape, lambda sp: on_shape(sp, 0, 1)):.4f}")
    for t in [0.05, 0.1, 0.2]:
        for v in [0.05, 0.2, 0.5, 1]:
            print(f"t={t:<5} v={v:<5} 14 {mean(d14, lambda sp: on_14(sp, v, t)):.4f} shape {mean(shape, lambda sp: on_shape(sp, v, t)):.4f}")
