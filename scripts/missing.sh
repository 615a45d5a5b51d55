#!/usr/bin/env bash
# Issue 18's missing-value table (docs/quality.md, "Missing values"): for each rate, hide that share of the feature
# cells of every split file at random (scripts/mask-cells.cs, mask seed fixed), then on the 14 shared data sets, seeds
# 0-2:
#   1. the baselines (scripts/missing_baselines.cs): kNN on the complete files and after mean imputation (b), and the
#      RMSE of mean and of k-nearest-neighbour imputation on the hidden test cells;
#   2. our side (scripts/missing_vae.cs): the in-model detector (MissingValues = Model) on the masked files, (a) mean
#      imputation then our detector with default options, and VaeImpute's RMSE on the hidden test cells.
# Each step writes OUT/rateR.STEP.{txt,jsonl}; masked files are in OUT/rateR/NAME/seedS, mean-imputed ones in
# OUT/rateR-mean/NAME/seedS. Step 2 trains 84 models per rate; --baselines-only stops after step 1. Run it niced on a
# shared machine:
#   nice -n 10 bash scripts/missing.sh [--out DIR] [--rates "0.1 0.3"] [--mask-seed S] [--splits DIR]
#                                      [--datasets "a b"] [--baselines-only]
set -euo pipefail
cd "$(dirname "$0")/.."
out=/tmp/vae-missing
rates="0.1 0.3"
mask_seed=1
splits=../shared/datasets/splits
datasets=""
detectors=yes
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --rates) rates=$2; shift 2 ;;
    --mask-seed) mask_seed=$2; shift 2 ;;
    --splits) splits=$2; shift 2 ;;
    --datasets) datasets=$2; shift 2 ;;
    --baselines-only) detectors=no; shift ;;
    *) echo "missing.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$datasets" ] || datasets=$(ls "$splits" | tr '\n' ' ')
mkdir -p "$out"

for rate in $rates; do
  masked=$out/rate$rate
  echo "== rate $rate, mask seed $mask_seed: masking into $masked (and $masked-mean)"
  dotnet run scripts/mask-cells.cs -- "$splits" "$masked" "$rate" "$mask_seed" "$datasets" > "$masked.masks.txt"
  tail -n 1 "$masked.masks.txt"

  echo "== rate $rate: baselines (kNN complete / after mean imputation; imputation RMSE) -> $masked.baselines.txt"
  dotnet run scripts/missing_baselines.cs -- "$splits" "$masked" "$datasets" "$masked.baselines.jsonl" | tee "$masked.baselines.txt"
  [ "$detectors" = yes ] || continue

  echo "== rate $rate: in-model detector, (a) mean imputation + our detector, VaeImpute RMSE -> $masked.vae.txt"
  dotnet run scripts/missing_vae.cs -- "$splits" "$masked" "$datasets" "$masked.vae.jsonl" | tee "$masked.vae.txt"
done
