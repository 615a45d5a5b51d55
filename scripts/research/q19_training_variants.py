#!/usr/bin/env python3
"""The product's score of each training variant's models against the default's, from q19_dump.cs outputs (docs/quality.md,
"Depth, KL weight and the reconstruction's variance"; "Learning rate, batch size, latent size, patience and a held-out
variance"), with the mean training seconds per model. On the 14 shared data sets, a table per data set; on the shape
suite (data sets not among the 14), each variant's mean over the data sets every variant has, and kNN's from the
first variant's dump (run with "full").
    python3 scripts/research/q19_training_variants.py SCORES_DIR def VARIANT ...
"""
import sys
from q19_analyze import load, evaluate, table, auc, ORDER

scores, variants = sys.argv[1], sys.argv[2:]
rows, seconds = {}, {}
datas = {v: load(scores, v) for v in variants}
for v, data in datas.items():
    seconds[v] = sum(sp.seconds for s in data.values() for sp in s.values()) / sum(len(s) for s in data.values())
if any(n in ORDER for n in datas[variants[0]]):
    table({v: evaluate(data, lambda sp: sp.te["def"]) for v, data in datas.items()}, variants)
else:
    names = sorted(set.intersection(*(set(d) for d in datas.values())))
    def mean(data, column):
        return sum(sum(auc(sp.te[column], sp.y) for sp in data[n].values()) / 3 for n in names) / len(names)
    print(f"shape suite, {len(names)} data sets: " + ", ".join(f"{v} {mean(data, 'def'):.4f}" for v, data in datas.items())
          + f", kNN {mean(datas[variants[0]], 'knn'):.4f}")
print("mean training seconds per model: " + ", ".join(f"{v} {s:.2f}" for v, s in seconds.items()))
