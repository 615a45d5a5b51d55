#!/usr/bin/env python3
"""The shape suite (the generalization issue): derived data sets of the hidden suite's losing shapes, from the 14 shared splits (labels real, rows real):
few features (a seeded random subset of 5-9 columns that vary) and few training rows (a seeded sample of 100-300).
Same seeds' splits; test capped at 3,000 rows (seeded sample).
    python3 scripts/research/q19_shape_make.py ../shared/datasets/splits ../research/q19shape/splits"""
import csv, os, random, sys
SRC = sys.argv[1]; OUT = sys.argv[2]
def read(p):
    with open(p) as f:
        r = list(csv.reader(f)); return r[0], r[1:]
def write(p, header, rows):
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w", newline="") as f:
        w = csv.writer(f); w.writerow(header); w.writerows(rows)
specs = []
# few features: (source, subset size, tag)
for src, sizes in [("cardio", [5, 8]), ("cardiotocography", [6, 9]), ("fault", [5, 7]), ("spambase", [6, 9]),
                   ("wdbc", [5, 8]), ("musk", [6, 9]), ("wpbc", [7]), ("magic.gamma", [5]), ("hepatitis", [6])]:
    for k in sizes: specs.append((src, k, None))
# few rows (all features): training sample size
for src, n in [("annthyroid", 150), ("thyroid", 150), ("magic.gamma", 200), ("cardio", 150), ("fault", 200), ("cardiotocography", 150), ("spambase", 300)]:
    specs.append((src, None, n))
# both
for src, k, n in [("magic.gamma", 6, 300), ("annthyroid", None, 300), ("fault", 6, 150), ("cardiotocography", 7, 200)]:
    specs.append((src, k, n))
for src, k, n in specs:
    name = f"{src}-f{k or 'all'}-n{n or 'all'}"
    rnd = random.Random(name)
    header, rows0 = read(f"{SRC}/{src}/seed0/train.csv")
    D = len(header) - 1
    cols = list(range(D))
    if k:
        ok = [j for j in cols if len(set(r[j] for r in rows0)) >= 5]
        cols = sorted(rnd.sample(ok, k))
    for seed in range(3):
        _, tr = read(f"{SRC}/{src}/seed{seed}/train.csv"); _, te = read(f"{SRC}/{src}/seed{seed}/test.csv")
        r2 = random.Random(f"{name}/{seed}")
        if n and len(tr) > n: tr = r2.sample(tr, n)
        if len(te) > 3000: te = r2.sample(te, 3000)
        h = [f"f{i}" for i in range(len(cols))] + ["Label"]
        sel = lambda rows: [[r[j] for j in cols] + [r[-1]] for r in rows]
        write(f"{OUT}/{name}/seed{seed}/train.csv", h, sel(tr)); write(f"{OUT}/{name}/seed{seed}/test.csv", h, sel(te))
    print(name, len(cols))
