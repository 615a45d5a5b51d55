#!/usr/bin/env python3
"""Offline analysis of q19_dump.cs outputs (docs/quality.md, "Toward scores that generalize").

For each candidate score (a fixed function of a row, built from the dumped components and statistics of the training
rows only), the AUROC per data set (mean of seeds 0-2), the 14-mean and the count more than 0.02 below kNN's column of
the shared README. For a family with a free parameter, leave-one-dataset-out: the parameter is chosen on 13 data
sets (best mean AUROC) and the 14th is scored with it; the LOO mean is the mean of those 14 held-out AUROCs.
    python3 scripts/research/q19_analyze.py SCORES_DIR [VARIANT ...]
"""
import math, os, sys, glob

KNN = {"breastw": .991, "cardio": .933, "thyroid": .986, "annthyroid": .936, "stamps": .944, "wdbc": .990,
       "wpbc": .589, "lymphography": .989, "hepatitis": .818, "fault": .788, "spambase": .844,
       "cardiotocography": .749, "magic.gamma": .836, "musk": 1.000}
ORDER = list(KNN)


def auc(s, y):
    idx = sorted(range(len(s)), key=lambda i: s[i])
    pos = sum(y); neg = len(y) - pos; rank_sum = 0.0; a = 0
    while a < len(idx):
        b = a
        while b + 1 < len(idx) and s[idx[b + 1]] == s[idx[a]]: b += 1
        r = (a + b) / 2 + 1
        for i in range(a, b + 1):
            if y[idx[i]]: rank_sum += r
        a = b + 1
    return (rank_sum - pos * (pos + 1) / 2) / (pos * neg)


class Split:
    def __init__(self, path):
        with open(path) as f:
            lines = f.read().splitlines()
        meta = dict(kv.split("=") for kv in lines[0][2:].split())
        self.D = int(meta["D"]); self.n = int(meta["ntrain"]); self.seconds = float(meta["seconds"])
        extra = {}  # "# eig ...", "# logv ..." and "# heldout ..." lines after the first
        start = 1
        while lines[start].startswith("# "):
            key, *values = lines[start][2:].split()
            extra[key] = [float(v) for v in values]
            start += 1
        self.eig = extra.get("eig"); self.logv = extra.get("logv")
        self.heldout = [int(i) for i in extra.get("heldout", [])]  # training rows the trainer held out (dumps since "resid" wrote them)
        header = lines[start].split("\t")
        cols = {h: [] for h in header}
        for l in lines[start + 1:]:
            cells = l.split("\t")
            if len(cells) != len(header): raise ValueError(path)
            for h, v in zip(header, cells): cols[h].append(float(v))
        y = cols.pop("y")
        te = [i for i, v in enumerate(y) if v >= 0]; tr = [i for i, v in enumerate(y) if v < 0]
        self.y = [int(y[i]) for i in te]
        self.te = {h: [c[i] for i in te] for h, c in cols.items()}
        self.tr = {h: [c[i] for i in tr] for h, c in cols.items()}


def load(scores, variant):
    data = {}
    for p in sorted(glob.glob(f"{scores}/{variant}/*.seed[0-9].tsv")):  # not the out-of-fold residuals (*.oof.tsv)
        name, seed = os.path.basename(p)[:-4].rsplit(".seed", 1)
        try:
            data.setdefault(name, {})[int(seed)] = Split(p)
        except (IndexError, ValueError):  # a file still being written
            pass
    # Only data sets with all three seeds (the last may still be running).
    return {n: s for n, s in data.items() if len(s) == 3 and all(0 < sum(sp.y) < len(sp.y) for sp in s.values())}


def robust(tr):
    o = sorted(tr); q = lambda p: o[round(p * (len(o) - 1))]
    return q(0.5), max(q(0.75) - q(0.25), 1e-9)


def std(te, tr):
    c, w = robust(tr)
    return [(v - c) / w for v in te]


def minor_sum(part, sp, sel, prefix="p"):
    """Sum of (v_i . x)^2 / lambda_i over the selected components."""
    idx = [i for i in range(sp.D) if sel(i, sp)]
    if not idx: return [0.0] * len(part["def"])
    cols = [part[f"{prefix}{i}"] for i in idx]
    return [sum(c[r] for c in cols) for r in range(len(cols[0]))]


def below_share(share):
    """Components past the leading ones that hold `share` of the variance (PCA's residual subspace)."""
    def sel(i, sp):
        tot = sum(sp.eig); acc = sum(sp.eig[:i])
        return acc >= share * tot
    return sel


def eig_below(t):
    return lambda i, sp: sp.eig[i] < t


def evaluate(data, fn):
    """AUROC per data set (mean over seeds) of score function fn(split) -> test scores."""
    out = {}
    for name in ORDER:
        if name not in data: continue
        out[name] = sum(auc(fn(sp), sp.y) for sp in data[name].values()) / len(data[name])
    return out


def summary(label, res):
    names = [n for n in ORDER if n in res]
    mean = sum(res[n] for n in names) / len(names)
    below = [n for n in names if res[n] < KNN[n] - 0.02]
    return f"{label:40s} mean {mean:.4f}  below kNN-0.02: {len(below)} {' '.join(below)}"


def loo(family):
    """family: {param: {dataset: auroc}} -> (LOO per data set, chosen params)."""
    names = [n for n in ORDER if all(n in r for r in family.values())]
    res, chosen = {}, {}
    for h in names:
        rest = [n for n in names if n != h]
        best = max(family, key=lambda p: sum(family[p][n] for n in rest))
        res[h] = family[best][h]; chosen[h] = best
    return res, chosen


def table(rows, cols):
    names = [n for n in ORDER if all(n in r for r in rows.values())]
    print("| dataset | " + " | ".join(cols) + " | kNN |")
    print("|---" * (len(cols) + 2) + "|")
    for n in names:
        print(f"| {n} | " + " | ".join(f"{rows[c][n]:.4f}" for c in cols) + f" | {KNN[n]:.3f} |")
    print("| **mean** | " + " | ".join(f"{sum(rows[c][n] for n in names) / len(names):.4f}" for c in cols) + " | "
          + f"{sum(KNN[n] for n in names) / len(names):.4f} |")


def col(name):
    return lambda sp: sp.te[name]


def minor(sel, prefix="p"):
    return lambda sp: minor_sum(sp.te, sp, sel, prefix)


def plus_nats(base, extra, w):
    """base + w * extra / 2: a Gaussian NLL term in nats beside the product's score."""
    return lambda sp: [a + w * b / 2 for a, b in zip(base(sp), extra(sp))]


def plus_std(a_te, a_tr, b_te, b_tr, w):
    """Robustly standardized (training rows' median / IQR) sum."""
    return lambda sp: [u + w * v for u, v in zip(std(a_te(sp), a_tr(sp)), std(b_te(sp), b_tr(sp)))]


def tr_col(name):
    return lambda sp: sp.tr[name]


def tr_minor(sel, prefix="p"):
    return lambda sp: minor_sum(sp.tr, sp, sel, prefix)


def main():
    scores = sys.argv[1]
    variants = sys.argv[2:] or ["def"]
    data = load(scores, variants[0])
    res = {}
    res["default"] = evaluate(data, col("def"))
    res["recon"] = evaluate(data, col("recon"))
    res["knn(ours)"] = evaluate(data, col("knn"))
    sels = {"eig<0.2": eig_below(0.2), "eig<0.1": eig_below(0.1), "past90%": below_share(0.90),
            "past95%": below_share(0.95), "all": lambda i, sp: True}
    for k, s in sels.items():
        res[f"maha[{k}]"] = evaluate(data, minor(s))
    for k in ["eig<0.2", "past90%", "past95%"]:
        res[f"resmaha[{k}]"] = evaluate(data, minor(sels[k], "q"))
    for k in ["eig<0.2", "past95%"]:
        for w in [0.25, 1, 4]:
            res[f"def+{w}*maha[{k}]/2"] = evaluate(data, plus_nats(col("def"), minor(sels[k]), w))
        for w in [0.25, 0.5, 1]:
            res[f"std def+{w}*maha[{k}]"] = evaluate(data, plus_std(col("def"), tr_col("def"), minor(sels[k]), tr_minor(sels[k]), w))
    for w in [0, 0.5, 1, 2, 3]:
        res[f"recon+{w}*lat/2"] = evaluate(data, lambda sp, w=w: [a + w / 2 * b for a, b in zip(sp.te["recon"], sp.te["lat"])])
    for k, r in res.items():
        print(summary(k, r))
    secs = [sp.seconds for n in data for sp in data[n].values()]
    print(f"mean train seconds {sum(secs) / len(secs):.2f}")
    table(res, list(res))


if __name__ == "__main__":
    main()
