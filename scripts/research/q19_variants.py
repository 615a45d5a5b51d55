#!/usr/bin/env python3
"""Model variants (latent and hidden sizes from the feature count) against the default, from q19_dump.cs outputs:
the product's score of each variant's model, with w = 2 and with the rows rule w = 2 min(1, 1024 / rows); data sets a
variant leaves unchanged (its rule gives the default's sizes) take the default's figures.
    python3 scripts/research/q19_variants.py SCORES_DIR VARIANT ...
"""
import sys
from q19_analyze import load, evaluate, summary, table, ORDER

scores = sys.argv[1]
base = load(scores, "def")
cols = {}
def rule(sp): return [a + min(1.0, 1024 / sp.n) * b for a, b in zip(sp.te["recon"], sp.te["lat"])]
cols["default"] = evaluate(base, lambda sp: sp.te["def"])
cols["default, rows rule"] = evaluate(base, rule)
for v in sys.argv[2:]:
    data = load(scores, v)
    merged = {n: data.get(n, base[n]) for n in base}
    cols[v] = evaluate(merged, lambda sp: sp.te["def"])
    cols[v + ", rows rule"] = evaluate(merged, rule)
    secs = {n: sum(sp.seconds for sp in data[n].values()) / 3 for n in data}
    print(v, "changed:", " ".join(f"{n}({next(iter(data[n].values())).D})" for n in data),
          "seconds:", " ".join(f"{n}={secs[n]:.1f}/{sum(sp.seconds for sp in base[n].values()) / 3:.1f}" for n in data))
for k, r in cols.items(): print(summary(k, r))
table(cols, list(cols))
