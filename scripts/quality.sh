#!/usr/bin/env bash
# AUROC of the VAE detector under the shared datasets' protocol: for each dataset and seeds 0-2, `vae-mlnet evaluate`
# on the exact split files, then the mean per dataset and over datasets. Extra arguments go to `evaluate`.
#   usage: bash scripts/quality.sh [--splits DIR] [--datasets "a b"] [--json FILE] [evaluate options]
# DIR holds NAME/seedS/{train,test}.csv; default: the four splits in tests/Vae.MLNet.Tests/Fixtures/splits.
# --json FILE keeps every run's JSON line as "dataset seed {json}", which scripts/calibration_table.py turns into the
# table of false-positive rates and recall at the thresholds (docs/quality.md).
set -euo pipefail
cd "$(dirname "$0")/.."
splits=tests/Vae.MLNet.Tests/Fixtures/splits
datasets=""
json=/dev/null
while [ $# -gt 0 ]; do
  case "$1" in
    --splits) splits=$2; shift 2 ;;
    --datasets) datasets=$2; shift 2 ;;
    --json) json=$2; : > "$json"; shift 2 ;;
    *) break ;;
  esac
done
[ -n "$datasets" ] || datasets=$(ls "$splits")
dotnet build src/Vae.MLNet.Cli -c Release -v q -nologo >/dev/null
cli=src/Vae.MLNet.Cli/bin/Release/net10.0/vae-mlnet
printf '%-18s %8s %8s %8s %8s %9s\n' dataset seed0 seed1 seed2 mean train_s
for d in $datasets; do
  aucs=(); secs=0
  for s in 0 1 2; do
    result=$("$cli" evaluate --train "$splits/$d/seed$s/train.csv" --test "$splits/$d/seed$s/test.csv" --seed "$s" "$@" | tail -n 1)
    echo "$d $s $result" >> "$json"
    aucs+=("$(sed -E 's/.*"auc":([0-9.eE+-]+).*/\1/' <<<"$result")")
    secs=$(awk -v a="$secs" -v b="$(sed -E 's/.*"train_seconds":([0-9.eE+-]+).*/\1/' <<<"$result")" 'BEGIN { print a + b }')
  done
  awk -v d="$d" -v a="${aucs[0]}" -v b="${aucs[1]}" -v c="${aucs[2]}" -v t="$secs" \
    'BEGIN { printf "%-18s %8.4f %8.4f %8.4f %8.4f %9.1f\n", d, a, b, c, (a + b + c) / 3, t / 3 }'
done | awk '{ print; sum += $5; n++ } END { printf "%-18s %35.4f\n", "mean", sum / n }'
