#!/usr/bin/env python3
"""The default's reconstruction term recomputed offline with other per-feature variances or a heavier-tailed
likelihood, the rest of its score (latent and minor-component terms) kept, from q19_dump.cs outputs with "resid"
(docs/quality.md, "Depth, KL weight and the reconstruction's variance"). Families are also judged leave-one-dataset-out.
    python3 scripts/research/q19_recon_variance.py SCORES_DIR VARIANT
"""
import math, sys
from q19_analyze import load, evaluate, table, loo, ORDER

scores, variant = sys.argv[1], sys.argv[2]
data = load(scores, variant)


def gaussian(variances):
    """Σⱼ ½ (rⱼ² / σⱼ² + log σⱼ²) with σ² = variances(split)."""
    def f(sp):
        var = variances(sp)
        return [sum(0.5 * (sp.te[f"r{j}"][i] ** 2 / var[j] + math.log(var[j])) for j in range(sp.D)) for i in range(len(sp.y))]
    return f


def student(nu):
    """Σⱼ (ν + 1)/2 · log(1 + rⱼ² / (ν σⱼ²)) + ½ log σⱼ², the learned σ²: one feature's large residual counts less."""
    def f(sp):
        var = [math.exp(l) for l in sp.logv]
        return [sum((nu + 1) / 2 * math.log1p(sp.te[f"r{j}"][i] ** 2 / (nu * var[j])) + 0.5 * math.log(var[j]) for j in range(sp.D))
                for i in range(len(sp.y))]
    return f


def learned(floor=0.0): return lambda sp: [max(math.exp(l), floor) for l in sp.logv]


def training_mse(sp):
    """The maximum-likelihood variance given the decoder: the training rows' mean squared residual per feature."""
    return [max(sum(v * v for v in sp.tr[f"r{j}"]) / len(sp.tr[f"r{j}"]), 1e-6) for j in range(sp.D)]


def swap(recon):
    """The product's score with its reconstruction term replaced."""
    return lambda sp: [s - a + b for s, a, b in zip(sp.te["def"], sp.te["recon"], recon(sp))]


rows = {"default": evaluate(data, lambda sp: sp.te["def"]), "learned σ² (check)": evaluate(data, swap(gaussian(learned())))}
for floor in [0.1, 0.3]:
    rows[f"σ² ≥ {floor}"] = evaluate(data, swap(gaussian(learned(floor))))
rows["σ² = training MSE"] = evaluate(data, swap(gaussian(training_mse)))
rows["σ² = geometric mean of both"] = evaluate(data, swap(gaussian(
    lambda sp: [math.sqrt(a * b) for a, b in zip(learned()(sp), training_mse(sp))])))
for nu in [1, 4, 16]:
    rows[f"Student ν = {nu}"] = evaluate(data, swap(student(nu)))
table(rows, list(rows))
family = {k: v for k, v in rows.items() if k.startswith("Student") or k == "default"}
held_out, chosen = loo(family)
print(f"Student ν family (with the default) leave-one-dataset-out: {sum(held_out.values()) / len(held_out):.4f}; chosen: {sorted(set(chosen.values()))}")
for name in ORDER:
    if name in data:
        sp = data[name][0]
        learned_var, mse = sorted(learned()(sp)), sorted(training_mse(sp))
        print(f"{name}: learned σ² min {learned_var[0]:.3f} median {learned_var[len(learned_var) // 2]:.3f}; "
              f"training MSE min {mse[0]:.4f} median {mse[len(mse) // 2]:.4f} (seed 0)")
