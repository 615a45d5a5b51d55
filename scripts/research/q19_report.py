#!/usr/bin/env python3
"""The tables of docs/quality.md's "Generalization sweep (q19)" from q19_dump.cs outputs.
    python3 scripts/research/q19_report.py SCORES_DIR
Every score is a fixed function of a row given the training rows; families with a free parameter are also judged
leave-one-dataset-out (parameter chosen on the other 13 data sets by mean AUROC)."""
import sys
from q19_analyze import (load, evaluate, summary, loo, table, minor_sum, eig_below, below_share, ORDER, KNN, auc)

scores = sys.argv[1]
data = load(scores, "def")
rows = {n: next(iter(data[n].values())).n for n in data}
dims = {n: next(iter(data[n].values())).D for n in data}


def score(w_lat, extra=None, w_extra=0.0):
    """recon + w_lat * (-log q(mu)) [+ w_extra * extra / 2]; lat = 2 * (-log q(mu)) + const."""
    def f(sp):
        s = [a + w_lat(sp) / 2 * b for a, b in zip(sp.te["recon"], sp.te["lat"])]
        if extra is not None and w_extra:
            s = [a + w_extra * b / 2 for a, b in zip(s, extra(sp))]
        return s
    return f


const = lambda w: (lambda sp: w)
share = lambda sp: 2 * min(1.0, 1024 / sp.n)
res = {}
res["default (w=2)"] = evaluate(data, score(const(2)))
res["recon alone (w=0)"] = evaluate(data, score(const(0)))
res["kNN (harness)"] = evaluate(data, lambda sp: sp.te["knn"])
res["PCA 90% residual"] = evaluate(data, lambda sp: [sum(sp.te[f"p{i}"][r] * sp.eig[i] for i in range(sp.D) if sum(sp.eig[:i]) >= 0.9 * sum(sp.eig))
                                                    for r in range(len(sp.y))])
res["input Mahalanobis"] = evaluate(data, lambda sp: minor_sum(sp.te, sp, lambda i, s: True))
print("## Baselines and the default, mean AUROC of seeds 0-2")
for k, r in res.items(): print(summary(k, r))

print("\n## Latent density weight w (score = recon + w * -log q(mu))")
WS = [0, 0.25, 0.5, 0.75, 1, 1.5, 2, 3]
fixed = {w: evaluate(data, score(const(w))) for w in WS}
for w in WS: print(summary(f"w = {w}", fixed[w]))
loo_w, ch = loo(fixed); print(summary("LOO: fixed w chosen on 13", loo_w), "chosen", sorted(set(ch.values())))
rule = evaluate(data, score(share)); print(summary("w = 2 min(1, 1024 / rows) (no free parameter)", rule))
fam = {}
for c in [256, 512, 1024, 2048, 4096]:
    fam[c] = evaluate(data, score(lambda sp, c=c: 2 * min(1.0, c / sp.n)))
    print(summary(f"w = 2 min(1, {c} / rows)", fam[c]))
loo_c, chc = loo(fam); print(summary("LOO: C of 2 min(1, C / rows) chosen on 13", loo_c), "chosen", sorted(set(chc.values())))

print("\n## Minor-component term: + v * 0.5 * sum over trailing components of (v_i . x)^2 / lambda_i (nats)")
sels = {"eig<0.2": eig_below(0.2), "past 95%": below_share(0.95), "past 90%": below_share(0.90)}
best_minor = {}
for name, sel in sels.items():
    famv = {}
    for v in [0, 0.05, 0.1, 0.25, 0.5, 1]:
        famv[v] = evaluate(data, score(share, lambda sp, sel=sel: minor_sum(sp.te, sp, sel), v))
        print(summary(f"rule w + {v} * minor[{name}]", famv[v]))
    r, chv = loo(famv); print(summary(f"LOO: v for minor[{name}] chosen on 13", r), "chosen", sorted(set(chv.values())))
    best_minor[name] = famv

cols = {"default (w=2)": res["default (w=2)"], "recon alone": res["recon alone (w=0)"], "w=1": fixed[1],
        "w=2min(1,1024/n)": rule, "LOO fixed w": loo_w, "LOO C": loo_c,
        "rule+0.1 minor[eig<0.2]": best_minor["eig<0.2"][0.1], "input Mahalanobis": res["input Mahalanobis"],
        "PCA 90%": res["PCA 90% residual"], "kNN (harness)": res["kNN (harness)"]}
print()
table(cols, list(cols))
print("\nrows:", " ".join(f"{n}={rows[n]}" for n in ORDER if n in rows))
secs = [sp.seconds for n in data for sp in data[n].values() if sp.n >= 80]
print(f"mean train seconds (held-out calibration sets only, {len(secs)} runs): {sum(secs) / len(secs):.2f}")

# The table of docs/quality.md, "A latent weight from the rows" (LOF and IsolationForest: the shared README's columns).
LOF = {"breastw": .959, "cardio": .918, "thyroid": .970, "annthyroid": .940, "stamps": .916, "wdbc": .994, "wpbc": .574,
       "lymphography": .988, "hepatitis": .822, "fault": .630, "spambase": .815, "cardiotocography": .804,
       "magic.gamma": .835, "musk": 1.000}
IFOREST = {"breastw": .995, "cardio": .953, "thyroid": .987, "annthyroid": .915, "stamps": .954, "wdbc": .992,
           "wpbc": .559, "lymphography": .997, "hepatitis": .788, "fault": .656, "spambase": .840,
           "cardiotocography": .798, "magic.gamma": .785, "musk": .963}
print("\n| dataset | D | training rows | w | previous default (w = 2) | **rows rule** | LOO (C chosen on the other 13) | kNN | LOF | IForest |")
print("|---|---|---|---|---|---|---|---|---|---|")
names = [n for n in ORDER if n in data]
for n in names:
    print(f"| {n} | {dims[n]} | {rows[n]:,} | {2 * min(1, 1024 / rows[n]):.2f} | {res['default (w=2)'][n]:.4f} | **{rule[n]:.4f}** | "
          f"{loo_c[n]:.4f} | {KNN[n]:.3f} | {LOF[n]:.3f} | {IFOREST[n]:.3f} |")
m = lambda d: sum(d[n] for n in names) / len(names)
print(f"| **mean of 14** | | | | {m(res['default (w=2)']):.4f} | **{m(rule):.4f}** | {m(loo_c):.4f} | {m(KNN):.3f} | {m(LOF):.3f} | {m(IFOREST):.3f} |")
