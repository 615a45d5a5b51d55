#!/usr/bin/env python3
"""Split a labelled CSV as the shared datasets' protocol does (each class 50/50 at random; train = the normal rows of
the first half; test = the second half, at most 20,000 rows) but without the protocol's 20,000-row cap on training,
for the sample curve of docs/scaling.md (AUROC against training rows used on cover's 140k normal rows).
    python3 scripts/uncapped_split.py ../shared/datasets/cover.csv OUTDIR SEED [LABEL]
writes OUTDIR/train.csv and OUTDIR/test.csv (header kept; the label column stays in both)."""
import csv, os, random, sys

source, out, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
label = sys.argv[4] if len(sys.argv) > 4 else "Label"
with open(source, newline="") as f:
    reader = csv.reader(f)
    header = next(reader)
    rows = list(reader)
column = header.index(label)
rng = random.Random(seed)
train, test = [], []
for cls in sorted({r[column] for r in rows}):
    members = [r for r in rows if r[column] == cls]
    rng.shuffle(members)
    half = len(members) // 2
    if float(cls) == 0:
        train += members[:half]
    test += members[half:]
rng.shuffle(train)
rng.shuffle(test)
test = test[:20000]
os.makedirs(out, exist_ok=True)
for name, part in (("train.csv", train), ("test.csv", test)):
    with open(os.path.join(out, name), "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(part)
print(f"{len(train)} training rows, {len(test)} test rows ({sum(float(r[column]) > 0 for r in test)} anomalies)")
