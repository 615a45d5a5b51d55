#!/usr/bin/env python3
"""The latent density weight w of score = reconstruction + w * (-log q(mu)), from q19_dump.cs outputs: a fixed w for
every data set, rules by training rows, each judged leave-one-dataset-out (the free parameter chosen on 13 data sets,
the 14th scored with it).
    python3 scripts/research/q19_weights.py SCORES_DIR [VARIANT]
"""
import sys
from q19_analyze import load, evaluate, summary, loo, table, ORDER

scores = sys.argv[1]; variant = sys.argv[2] if len(sys.argv) > 2 else "def"
data = load(scores, variant)
rows = {n: next(iter(data[n].values())).n for n in data}
WS = [0.25, 0.5, 0.75, 1, 1.5, 2, 3]
fixed = {w: evaluate(data, lambda sp, w=w: [a + w / 2 * b for a, b in zip(sp.te["recon"], sp.te["lat"])]) for w in WS}
for w in WS:
    print(summary(f"w = {w}", fixed[w]))
res, chosen = loo(fixed)
print(summary("LOO fixed w", res), "chosen:", sorted(set(chosen.values())))
# w = 2 * min(1, C / n): the codes' share of the training rows (C = 1,024 codes kept), no free parameter.
def share(c):
    return {n: fixed_at(n, 2 * min(1, c / rows[n])) for n in data}
def fixed_at(n, w):
    sps = data[n].values()
    from q19_analyze import auc
    return sum(auc([a + w / 2 * b for a, b in zip(sp.te["recon"], sp.te["lat"])], sp.y) for sp in sps) / len(sps)
share_res = share(1024)
print(summary("w = 2 min(1, 1024 / rows)", share_res))
# Two-level rule: w_big from T training rows on, 2 below; T and w_big chosen on 13.
fam = {}
for T in [500, 1000, 1500, 2000, 3000, 5000]:
    for wb in [0.25, 0.5, 1]:
        fam[(T, wb)] = {n: fixed[wb][n] if rows[n] >= T else fixed[2][n] for n in data}
for k in sorted(fam, key=lambda k: -sum(fam[k].values()))[:5]:
    print(summary(f"rule T={k[0]} w_big={k[1]}", fam[k]))
res2, chosen2 = loo(fam)
print(summary("LOO two-level rule", res2), "chosen:", sorted(set(chosen2.values())))
print("rows:", {n: rows[n] for n in ORDER if n in rows})
table({"w=2 (default)": fixed[2], "w=1": fixed[1], "w=0.5": fixed[0.5], "LOO fixed w": res, "w=2min(1,1024/n)": share_res, "LOO rule": res2},
      ["w=2 (default)", "w=1", "w=0.5", "LOO fixed w", "w=2min(1,1024/n)", "LOO rule"])
