"""The table of docs/quality.md, "Missing cells: calibration by observed count": per data set, the mean over seeds of
scripts/research/missing_calibration.cs's JSONL, before the map (BEFORE, the same script at the commit before it) and
with it (AFTER), for both trainings.
    python3 scripts/research/missing_calibration_table.py BEFORE.jsonl AFTER.jsonl"""
import json
import sys
from collections import defaultdict


def load(path):
    runs = defaultdict(list)
    for line in open(path):
        r = json.loads(line)
        runs[(r["dataset"], r["train"])].append(r)
    return runs


def mean(rows, key):
    return sum(r[key] for r in rows) / len(rows)


before, after = load(sys.argv[1]), load(sys.argv[2])
keys = ["auroc", "fpr_0_1", "fpr_0_05", "fpr_0_01"]
for train in ["complete", "masked"]:
    print(f"\ntrained on {train} rows; before → with the map")
    print("| dataset | AUROC | FPR 0.1 | FPR 0.05 | FPR 0.01 |")
    print("|---|---|---|---|---|")
    datasets = sorted(d for d, t in after if t == train and (d, t) in before)
    totals = {k: [0.0, 0.0] for k in keys}
    for d in datasets:
        b, a = before[(d, train)], after[(d, train)]
        cells = []
        for k in keys:
            vb, va = mean(b, k), mean(a, k)
            totals[k][0] += vb
            totals[k][1] += va
            digits = 4 if k == "auroc" else 3
            cells.append(f"{vb:.{digits}f} → {va:.{digits}f}")
        print(f"| {d} | " + " | ".join(cells) + " |")
    n = len(datasets)
    print(f"| **mean of {n}** | " + " | ".join(
        f"**{totals[k][0] / n:.{4 if k == 'auroc' else 4}f} → {totals[k][1] / n:.{4 if k == 'auroc' else 4}f}**" for k in keys) + " |")
