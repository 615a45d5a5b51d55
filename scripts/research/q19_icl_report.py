#!/usr/bin/env python3
"""ICL (q19_icl.cs) beside the default detector on the same splits (docs/quality.md, "Internal contrastive learning").
Per data set, the mean AUROC over split seeds 0-2 of: ICL's score alone; the default's (`def` of a q19_dump.cs
variant); their sums def + w * icl for each weight w, each score standardized by its own training rows' mean and
standard deviation; kNN's column of the shared README; and ICL's training seconds (mean over the seeds).
    python3 scripts/research/q19_icl_report.py SCORES_DIR ICL_VARIANT DEFAULT_VARIANT [W ...]
e.g. python3 q19_icl_report.py ../../../research icl/scores/icl ens/scores/m0 0.5 1
"""
import statistics, sys
from q19_analyze import KNN, ORDER, auc, load

root, icl_name, def_name = sys.argv[1:4]
weights = [float(w) for w in sys.argv[4:]] or [0.5, 1.0]
icl, default = load(root, icl_name), load(root, def_name)
names = [d for d in ORDER if d in icl and d in default]


def standardized(split, column):
    mu = statistics.fmean(split.tr[column]); sd = statistics.pstdev(split.tr[column]) or 1.0
    return [(v - mu) / sd for v in split.te[column]]


columns = ["ICL", "default"] + [f"default + {w:g} ICL" for w in weights]
table, seconds = {}, {}
for d in names:
    rows = []
    for seed in range(3):
        a, b = icl[d][seed], default[d][seed]
        if a.y != b.y: raise ValueError(f"{d} seed {seed}: the two dumps hold different test rows")
        zi, zd = standardized(a, "icl"), standardized(b, "def")
        rows.append([auc(a.te["icl"], a.y), auc(b.te["def"], b.y)]
                    + [auc([u + w * v for u, v in zip(zd, zi)], a.y) for w in weights])
    table[d] = [statistics.fmean(c) for c in zip(*rows)]
    seconds[d] = statistics.fmean(icl[d][s].seconds for s in range(3))
print("| data set | " + " | ".join(columns) + " | kNN | ICL training s |")
print("|---" * (len(columns) + 3) + "|")
for d in names:
    print(f"| {d} | " + " | ".join(f"{v:.4f}" for v in table[d]) + f" | {KNN[d]:.3f} | {seconds[d]:.1f} |")
means = [statistics.fmean(table[d][i] for d in names) for i in range(len(columns))]
print(f"| **mean of {len(names)}** | " + " | ".join(f"**{v:.4f}**" for v in means)
      + f" | {statistics.fmean(KNN[d] for d in names):.3f} | {statistics.fmean(seconds.values()):.1f} |")
below = {c: [d for d in names if table[d][i] < KNN[d] - 0.02] for i, c in enumerate(columns)}
for c in columns:
    print(f"{c}: more than 0.02 below kNN on {len(below[c])}: {' '.join(below[c])}")
