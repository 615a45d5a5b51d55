#!/usr/bin/env python3
"""The default's reconstruction term with the per-feature variance estimated on rows the model did not learn, the rest of
its score (latent and minor-component terms) kept, from q19_dump.cs outputs with "resid" (docs/quality.md, "Learning
rate, batch size, latent size, patience and a held-out variance"). σ² = the mean squared residual x − decoder(μ(x))
of the training rows the trainer held out (early stopping, calibration), or, where it holds none out, of every training
row from the harness's 5 out-of-fold models; also the geometric mean of that and the learned σ². On the 14 a table
per data set, on the shape suite the means; with the training rows' and the held-out rows' median MSE (seed 0).
    python3 scripts/research/q19_heldout_variance.py SCORES_DIR VARIANT
"""
import math, sys
from q19_analyze import load, auc, table, loo, ORDER

scores, variant = sys.argv[1], sys.argv[2]
data = load(scores, variant)


def heldout_mse(name, seed, sp):
    """Per feature, the mean squared residual of rows the model did not train on."""
    if sp.heldout:
        rows = [[sp.tr[f"r{j}"][i] for j in range(sp.D)] for i in sp.heldout]
    else:
        with open(f"{scores}/{variant}/{name}.seed{seed}.oof.tsv") as f:
            rows = [[float(v) for v in l.split("\t")] for l in f.read().splitlines()[1:]]
    return [max(sum(r[j] ** 2 for r in rows) / len(rows), 1e-6) for j in range(sp.D)]


def training_mse(sp):
    """The rows trained on (the trainer's held-out rows excluded)."""
    held = set(sp.heldout)
    rows = [i for i in range(len(sp.tr["r0"])) if i not in held]
    return [max(sum(sp.tr[f"r{j}"][i] ** 2 for i in rows) / len(rows), 1e-6) for j in range(sp.D)]


def score(variances):
    """The product's score with its reconstruction term Σⱼ ½ (rⱼ² / σⱼ² + log σⱼ²) recomputed on σ² = variances(...)."""
    def f(name, seed, sp):
        var = variances(name, seed, sp)
        recon = [sum(0.5 * (sp.te[f"r{j}"][i] ** 2 / var[j] + math.log(var[j])) for j in range(sp.D)) for i in range(len(sp.y))]
        return [s - a + b for s, a, b in zip(sp.te["def"], sp.te["recon"], recon)]
    return f


learned = lambda name, seed, sp: [math.exp(l) for l in sp.logv]
variants = {
    "default": lambda name, seed, sp: sp.te["def"],
    "learned σ² (check)": score(learned),
    "σ² = held-out MSE": score(heldout_mse),
    "σ² = geometric mean of held-out MSE and learned": score(
        lambda name, seed, sp: [math.sqrt(a * b) for a, b in zip(heldout_mse(name, seed, sp), learned(name, seed, sp))]),
}
rows = {k: {n: sum(auc(fn(n, s, sp), sp.y) for s, sp in data[n].items()) / len(data[n]) for n in data} for k, fn in variants.items()}
if any(n in ORDER for n in data):
    table(rows, list(rows))
    family = {k: v for k, v in rows.items() if k != "learned σ² (check)"}
    held_out, chosen = loo(family)
    print(f"family leave-one-dataset-out: {sum(held_out.values()) / len(held_out):.4f}; chosen: {sorted(set(chosen.values()))}")
else:
    for k, r in rows.items():
        print(f"{k:52s} shape suite mean of {len(r)}: {sum(r.values()) / len(r):.4f}")
for name in [n for n in ORDER if n in data] or sorted(data):
    sp = data[name][0]
    med = lambda v: sorted(v)[len(v) // 2]
    print(f"{name}: median σ² learned {med(learned(name, 0, sp)):.3f}, held-out MSE {med(heldout_mse(name, 0, sp)):.4f}, "
          f"training MSE {med(training_mse(sp)):.4f} ({len(sp.heldout) or 'out-of-fold'} rows; seed 0)")
