#!/usr/bin/env python3
"""The calibration table of docs/quality.md from the lines `bash scripts/quality.sh --json FILE` keeps.

For each dataset, the mean over its seeds of the share of the test file's normal rows flagged (the false-positive
rate) and of its anomalies flagged (recall) at contamination 0.01, 0.05 and 0.1, then the mean over datasets, the
bar of the calibrated-alarms issue ([0.6c, 1.4c] for the mean, 2c + 0.05 for any dataset) and the AUROC.
    usage: python3 scripts/calibration_table.py FILE
"""
import json
import sys
from collections import defaultdict

LEVELS = ["0.01", "0.05", "0.1"]

runs = defaultdict(list)
with open(sys.argv[1]) as lines:
    for line in lines:
        dataset, seed, figures = line.split(" ", 2)
        runs[dataset].append(json.loads(figures))


def mean(values):
    values = list(values)
    return sum(values) / len(values)


header = ["dataset", "AUROC"] + [f"FPR@{c}" for c in LEVELS] + [f"recall@{c}" for c in LEVELS]
print("| " + " | ".join(header) + " |")
print("|" + "---|" * len(header))
rows = {}
for dataset, figures in runs.items():
    fpr = [mean(f[f"c{c}_false_positive_rate"] for f in figures) for c in LEVELS]
    recall = [mean(f[f"c{c}_recall_at_threshold"] for f in figures) for c in LEVELS]
    rows[dataset] = (mean(f["auc"] for f in figures), fpr, recall)
    print(f"| {dataset} | {rows[dataset][0]:.4f} | " + " | ".join(f"{v:.3f}" for v in fpr + recall) + " |")
auc = mean(r[0] for r in rows.values())
fpr = [mean(r[1][i] for r in rows.values()) for i in range(len(LEVELS))]
recall = [mean(r[2][i] for r in rows.values()) for i in range(len(LEVELS))]
print(f"| **mean** | {auc:.4f} | " + " | ".join(f"{v:.4f}" for v in fpr + recall) + " |")
for i, c in enumerate(LEVELS):
    level = float(c)
    worst = max(rows.items(), key=lambda item: item[1][1][i])
    ok = 0.6 * level <= fpr[i] <= 1.4 * level and worst[1][1][i] <= 2 * level + 0.05
    print(f"c = {c}: mean FPR {fpr[i]:.4f} (bar [{0.6 * level:.4f}, {1.4 * level:.4f}]), highest {worst[0]} {worst[1][1][i]:.3f} "
          f"(bar {2 * level + 0.05:.3f}): {'met' if ok else 'NOT met'}")
