#!/usr/bin/env python3
"""The product's score of each training variant's models against the default's, from q19_dump.cs outputs (docs/quality.md,
"Depth, KL weight and the reconstruction's variance"), with the mean training seconds per model.
    python3 scripts/research/q19_training_variants.py SCORES_DIR def VARIANT ...
"""
import sys
from q19_analyze import load, evaluate, table

scores, variants = sys.argv[1], sys.argv[2:]
rows, seconds = {}, {}
for v in variants:
    data = load(scores, v)
    rows[v] = evaluate(data, lambda sp: sp.te["def"])
    seconds[v] = sum(sp.seconds for s in data.values() for sp in s.values()) / sum(len(s) for s in data.values())
table(rows, variants)
print("mean training seconds per model: " + ", ".join(f"{v} {s:.2f}" for v, s in seconds.items()))
