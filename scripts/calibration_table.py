#!/usr/bin/env python3
"""The calibration table of docs/quality.md from the lines `bash scripts/quality.sh --json FILE` keeps.

For each dataset, the mean over its seeds of the share of the test file's normal rows flagged (the false-positive
rate) and of its anomalies flagged (recall) at contamination 0.01, 0.05 and 0.1, then the mean over datasets, and the
bar of the calibrated-alarms issue ([0.6c, 1.4c] for the mean, 2c + 0.05 for any dataset). A second file, from another
build (e.g. the previous threshold rule), adds its false-positive rates and recall beside.
    usage: python3 scripts/calibration_table.py FILE [PREVIOUS_FILE]
"""
import json
import sys
from collections import defaultdict

LEVELS = ["0.01", "0.05", "0.1"]


def load(path):
    runs = defaultdict(list)
    with open(path) as lines:
        for line in lines:
            dataset, _seed, figures = line.split(" ", 2)
            runs[dataset].append(json.loads(figures))
    return runs


def mean(values):
    values = list(values)
    return sum(values) / len(values)


def figures(runs, key):
    return {d: [mean(f[f"c{c}_{key}"] for f in fs) for c in LEVELS] for d, fs in runs.items()}


runs = load(sys.argv[1])
previous = load(sys.argv[2]) if len(sys.argv) > 2 else {}
fpr, recall = figures(runs, "false_positive_rate"), figures(runs, "recall_at_threshold")
old_fpr, old_recall = figures(previous, "false_positive_rate"), figures(previous, "recall_at_threshold")
auc = {d: mean(f["auc"] for f in fs) for d, fs in runs.items()}

header = ["dataset", "AUROC"] + [f"FPR {c}" for c in LEVELS] + [f"recall {c}" for c in LEVELS]
header += [f"previous FPR {c}" for c in LEVELS] + [f"previous recall {c}" for c in LEVELS] if previous else []
print("| " + " | ".join(header) + " |")
print("|" + "---|" * len(header))
for d in runs:
    cells = [f"{auc[d]:.4f}"] + [f"{v:.3f}" for v in fpr[d] + recall[d]]
    cells += [f"{v:.3f}" for v in old_fpr.get(d, [float("nan")] * 3) + old_recall.get(d, [float("nan")] * 3)] if previous else []
    print(f"| {d} | " + " | ".join(cells) + " |")
means = [mean(fpr[d][i] for d in runs) for i in range(3)]
cells = [f"**{mean(auc.values()):.4f}**"] + [f"**{v:.4f}**" for v in means] + [f"{mean(recall[d][i] for d in runs):.4f}" for i in range(3)]
if previous:
    cells += [f"{mean(old_fpr[d][i] for d in old_fpr):.4f}" for i in range(3)]
    cells += [f"{mean(old_recall[d][i] for d in old_recall):.4f}" for i in range(3)]
print(f"| **mean of {len(runs)}** | " + " | ".join(cells) + " |")
print()
for i, c in enumerate(LEVELS):
    level = float(c)
    worst = max(runs, key=lambda d: fpr[d][i])
    met = 0.6 * level <= means[i] <= 1.4 * level and fpr[worst][i] <= 2 * level + 0.05
    print(f"- c = {c}: mean FPR {means[i]:.4f} (bar [{0.6 * level:.4f}, {1.4 * level:.4f}]); highest {worst} {fpr[worst][i]:.3f} "
          f"(bar {2 * level + 0.05:.3f}): {'met' if met else 'NOT met'}")
