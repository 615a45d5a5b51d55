#!/usr/bin/env python3
"""Ensembles of the default detector from q19_dump.cs outputs: the same split, models trained from different seeds
(variants given as seedOffsets, e.g. m0 m1 m2). Per data set the mean AUROC over split seeds 0-2 of: each member
alone, the mean of the members' raw scores, and the mean of their scores standardized by the training rows' (mean and
standard deviation of each member's training-row scores).
    python3 scripts/research/q19_ensemble.py SCORES_DIR MEMBER ...
"""
import statistics, sys
from q19_analyze import KNN, ORDER, auc, load

scores, members = sys.argv[1], sys.argv[2:]
runs = {m: load(scores, m) for m in members}
names = [d for d in ORDER if all(d in runs[m] for m in members)]


def standardized(split):
    mu = statistics.fmean(split.tr["def"]); sd = statistics.pstdev(split.tr["def"]) or 1.0
    return [(v - mu) / sd for v in split.te["def"]]


columns = [f"{m} alone" for m in members] + [f"raw mean of {len(members)}", f"standardized mean of {len(members)}"]
table = {}
for d in names:
    rows = []
    for seed in range(3):
        splits = [runs[m][d][seed] for m in members]
        y = splits[0].y
        alone = [auc(s.te["def"], y) for s in splits]
        raw = [sum(v) for v in zip(*(s.te["def"] for s in splits))]
        std = [sum(v) for v in zip(*(standardized(s) for s in splits))]
        rows.append(alone + [auc(raw, y), auc(std, y)])
    table[d] = [statistics.fmean(c) for c in zip(*rows)]
print("| data set | " + " | ".join(columns) + " | kNN |")
print("|---" * (len(columns) + 2) + "|")
for d in names:
    print(f"| {d} | " + " | ".join(f"{v:.4f}" for v in table[d]) + f" | {KNN[d]:.3f} |")
means = [statistics.fmean(table[d][i] for d in names) for i in range(len(columns))]
print(f"| **mean of {len(names)}** | " + " | ".join(f"{v:.4f}" for v in means) + f" | {statistics.fmean(KNN[d] for d in names):.3f} |")
