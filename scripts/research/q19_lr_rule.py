#!/usr/bin/env python3
"""A learning rate by feature count (docs/quality.md, "A learning rate by feature count"): the faster step's models
(VARIANT) for data sets of at most t features, the default's (DEFAULT) for the others, on the 14 shared data sets and
on the shape suite; the rule's threshold t chosen leave-one-dataset-out over both suites (each suite weighted equally),
and, with the same variant pair from other model seeds, the change per data set of at most 10 features.
    python3 scripts/research/q19_lr_rule.py SCORES_14 SCORES_SHAPE DEFAULT VARIANT
"""
import sys
from q19_analyze import load, auc

dir14, dirshape, default, variant = sys.argv[1:5]
THRESHOLDS = [0, 5, 6, 7, 8, 9, 10, 12, 16, 20, 10**9]   # 0: never the variant; 10**9: always


def rows(directory, suite):
    base, fast = load(directory, default), load(directory, variant)
    for name in sorted(set(base) & set(fast)):
        first = next(iter(base[name].values()))
        features = sum(1 for c in first.te if c[0] == "p" and c[1:].isdigit())
        mean = lambda data: sum(auc(sp.te["def"], sp.y) for sp in data[name].values()) / len(data[name])
        yield suite, name, features, mean(base), mean(fast)


table = list(rows(dir14, "14")) + list(rows(dirshape, "shape"))
value = lambda r, t: r[4] if r[2] <= t else r[3]
mean = lambda rs, t: sum(value(r, t) for r in rs) / len(rs)
suite = lambda rs, s: [r for r in rs if r[0] == s]

for t in THRESHOLDS:
    label = "never" if t == 0 else "always" if t == 10**9 else f"D <= {t}"
    print(f"{label:8s} 14: {mean(suite(table, '14'), t):.4f}  shape: {mean(suite(table, 'shape'), t):.4f}")
small = [r for r in table if r[2] <= 10]
for s in ("14", "shape"):
    diffs = [r[4] - r[3] for r in suite(small, s)]
    if diffs:
        print(f"{s}: {len(diffs)} data sets of at most 10 features, mean change {sum(diffs) / len(diffs):+.4f}, "
              f"{sum(d > 0 for d in diffs)} up, {sum(d < 0 for d in diffs)} down")
chosen = {"14": [], "shape": []}
for i, r in enumerate(table):
    rest = table[:i] + table[i + 1:]
    t = max(THRESHOLDS, key=lambda t: ((mean(suite(rest, "14"), t) + mean(suite(rest, "shape"), t)) / 2, -t))
    chosen[r[0]].append((value(r, t), r[3], t))
for s, picks in chosen.items():
    print(f"leave-one-dataset-out, {s}: rule {sum(p[0] for p in picks) / len(picks):.4f}, default "
          f"{sum(p[1] for p in picks) / len(picks):.4f}, thresholds chosen {sorted(set(p[2] for p in picks))}")
