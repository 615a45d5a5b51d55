#!/usr/bin/env bash
# Issue 18's missing-value table (docs/quality.md, "Missing values"): for each rate, hide that share of the feature
# cells of every split file at random (scripts/mask-cells.cs, mask seed fixed), then on the 14 shared data sets, seeds
# 0-2:
#   1. the baselines (scripts/missing_baselines.cs): kNN on the complete files and after mean imputation (b), and the
#      RMSE of mean and of k-nearest-neighbour imputation on the hidden test cells;
#   2. (a) mean imputation then our detector with default options: scripts/quality.sh on the mean-imputed files;
#   3. the in-model detector: scripts/quality.sh on the masked files with `--missing-values Model`, skipped with a
#      message while `vae-mlnet evaluate` has no such switch.
# Each step writes OUT/rateR.STEP.{txt,jsonl} (progress of the detector runs in OUT/rateR.STEP.log); masked files are
# in OUT/rateR/NAME/seedS, mean-imputed ones in OUT/rateR-mean/NAME/seedS. Training 42 models per rate and detector
# takes tens of minutes on 2 cores; --baselines-only stops after step 1. Run it niced on a shared machine:
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

in_model=no
if [ "$detectors" = yes ]; then
  dotnet build src/Vae.MLNet.Cli -c Release -v q -nologo >/dev/null
  # Read whole before grep: with pipefail, grep -q quitting early could fail the CLI's write and hide the match.
  help=$(src/Vae.MLNet.Cli/bin/Release/net10.0/vae-mlnet evaluate --help)
  if grep -q -- '--missing-values' <<<"$help"; then
    in_model=yes
  fi
fi

for rate in $rates; do
  masked=$out/rate$rate
  echo "== rate $rate, mask seed $mask_seed: masking into $masked (and $masked-mean)"
  dotnet run scripts/mask-cells.cs -- "$splits" "$masked" "$rate" "$mask_seed" "$datasets" > "$masked.masks.txt"
  tail -n 1 "$masked.masks.txt"

  echo "== rate $rate: baselines (kNN complete / after mean imputation; imputation RMSE) -> $masked.baselines.txt"
  dotnet run scripts/missing_baselines.cs -- "$splits" "$masked" "$datasets" "$masked.baselines.jsonl" | tee "$masked.baselines.txt"
  [ "$detectors" = yes ] || continue

  echo "== rate $rate: (a) mean imputation, then our detector -> $masked.mean-vae.txt"
  bash scripts/quality.sh --splits "$masked-mean" --datasets "$datasets" --json "$masked.mean-vae.jsonl" \
    2> "$masked.mean-vae.log" | tee "$masked.mean-vae.txt"

  # ---- The in-model detector: missing cells modelled by the VAE itself (issue 18). ----
  if [ "$in_model" = yes ]; then
    echo "== rate $rate: our detector on the masked files, --missing-values Model -> $masked.model-vae.txt"
    bash scripts/quality.sh --splits "$masked" --datasets "$datasets" --json "$masked.model-vae.jsonl" \
      --missing-values Model 2> "$masked.model-vae.log" | tee "$masked.model-vae.txt"
  else
    echo "== rate $rate: skipped the in-model detector: 'vae-mlnet evaluate --help' has no --missing-values switch yet"
  fi
done
