#!/usr/bin/env python3
"""Weight decay and input noise (docs/quality.md, "Weight decay and input noise"): per variant, the mean over a
suite's data sets of the product score's AUROC (mean of seeds 0-2), against a baseline variant, with the data sets
that move by more than 0.01.
  python3 q19_regularizers.py DUMPDIR BASE VARIANT [VARIANT ...]   (DUMPDIR: q19_dump.cs's output folder)"""
import sys
from q19_analyze import load, auc

folder, base_name, variants = sys.argv[1], sys.argv[2], sys.argv[3:]
base = load(folder, base_name)


def mean_auc(dumps, name):
    return sum(auc(split.te["def"], split.y) for split in dumps[name].values()) / len(dumps[name])


for variant in variants:
    dumps = load(folder, variant)
    common = sorted(set(base) & set(dumps))
    deltas = [(name, mean_auc(dumps, name) - mean_auc(base, name)) for name in common]
    mean = sum(mean_auc(dumps, name) for name in common) / len(common)
    base_mean = sum(mean_auc(base, name) for name in common) / len(common)
    moved = ", ".join(f"{name} {delta:+.3f}" for name, delta in deltas if abs(delta) > 0.01)
    print(f"{variant:10s} {len(common):2d} data sets: {mean:.4f} against {base_mean:.4f} ({mean - base_mean:+.4f})" + (f"; {moved}" if moved else ""))
