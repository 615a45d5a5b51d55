#!/usr/bin/env python3
"""The rows-rule score plus v times kNN's, both robustly standardized by their training-row scores (median / IQR;
kNN of a training row is its 6th neighbour, itself excluded), v judged leave-one-dataset-out.
    python3 scripts/research/q19_knn_mix.py SCORES_DIR"""
import sys
from q19_analyze import load, evaluate, summary, loo, std

data = load(sys.argv[1], "def")
def rule(part, sp): return [a + min(1.0, 1024 / sp.n) * b for a, b in zip(part["recon"], part["lat"])]
fam = {}
for v in [0, 0.1, 0.25, 0.5, 1]:
    fam[v] = evaluate(data, lambda sp, v=v: [a + v * b for a, b in zip(std(rule(sp.te, sp), rule(sp.tr, sp)), std(sp.te["knn"], sp.tr["knn"]))])
    print(summary(f"rule + {v} kNN (standardized)", fam[v]))
r, ch = loo(fam); print(summary("LOO v", r), "chosen", sorted(set(ch.values())))
