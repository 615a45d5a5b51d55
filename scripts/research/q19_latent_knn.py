#!/usr/bin/env python3
"""Latent kNN against the aggregate-posterior density (docs/quality.md, "The latent term as a kNN density"): from
q19_dump.cs outputs with "full,codes", the product's score is split into its reconstruction term, its minor-component
term (v = 0.5 on lambda < 0.1 of the mean eigenvalue) and its latent term (w * -log q(mu), w the rows rule), and the
latent term is replaced or joined by the k-th nearest training code's distance r_k, as a density in nats:
-log q(mu) ~ L * log r_k + const for L latent dimensions (the kNN density estimate). Weights judged leave-one-out.
    python3 scripts/research/q19_latent_knn.py SCORES_DIR"""
import math, sys
from q19_analyze import load, evaluate, summary, loo, std, table

data = load(sys.argv[1], "def")


def latent_dims(sp): return sum(1 for h in sp.te if h.startswith("m") and h[1:].isdigit())


def minor(part, sp):
    mean = sum(sp.eig) / len(sp.eig)
    idx = [i for i in range(sp.D) if sp.eig[i] < 0.1 * mean]
    return [0.25 * sum(part[f"p{i}"][r] for i in idx) for r in range(len(part["def"]))]


def parts(part, sp):
    m = minor(part, sp)
    return m, [l - v for l, v in zip(part["lat"], m)]  # minor term, latent term (w * -log q)


def knn_nats(part, sp, col):
    L = latent_dims(sp)
    return [L * math.log(max(r, 1e-12)) for r in part[col]]


def rows_w(sp): return 2 * min(1.0, 1024 / sp.n)


res = {"default": evaluate(data, lambda sp: sp.te["def"]), "input kNN": evaluate(data, lambda sp: sp.te["knn"]),
       "latent kNN": evaluate(data, lambda sp: sp.te["lknn"]), "latent kNN (standardized codes)": evaluate(data, lambda sp: sp.te["lknnz"])}
for label, col in [("swap", "lknn"), ("swap z", "lknnz")]:
    for w in ["rule", 1, 2]:
        def f(sp, w=w, col=col):
            m, _ = parts(sp.te, sp); k = knn_nats(sp.te, sp, col); ww = rows_w(sp) if w == "rule" else w
            return [r + a + ww * b for r, a, b in zip(sp.te["recon"], m, k)]
        res[f"recon + minor + {w} * L log r_k ({col})"] = evaluate(data, f)
fam = {}
for a in [0, 0.25, 0.5, 1, 2]:
    fam[a] = evaluate(data, lambda sp, a=a: [u + a * v for u, v in zip(std(sp.te["def"], sp.tr["def"]), std(sp.te["lknnz"], sp.tr["lknnz"]))])
    res[f"default + {a} latent kNN (standardized)"] = fam[a]
for label, r in res.items(): print(summary(label, r))
r, ch = loo(fam); print(summary("LOO a (standardized mix)", r), "chosen", sorted(set(ch.values())))
table(res, ["default", "input kNN", "latent kNN", "latent kNN (standardized codes)", "recon + minor + rule * L log r_k (lknn)", "recon + minor + 2 * L log r_k (lknnz)"])
