#!/usr/bin/env bash
# Uses the packages in artifacts/packages (scripts/pack.sh) as a user would, and fails if any step does:
#   1. tests/Consumers/Train (not in the solution, no ProjectReference) trains a featurizer and a detector from the
#      packages and saves the pipeline;
#   2. tests/Consumers/Score, which references only Vae.MLNet, loads it and scores identically, and its build output
#      holds no TorchSharp or libtorch file;
#   3. the vae-mlnet tool installs from the feed into a temporary tool path, answers --version and runs demo.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(dotnet msbuild src/Vae.MLNet -getProperty:Version)
[ -f "artifacts/packages/Vae.MLNet.$version.nupkg" ] || { echo "consumers: no packages of $version; run scripts/pack.sh" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
data=src/Vae.MLNet.Cli/Data
start=$SECONDS

dotnet run --project tests/Consumers/Train -c Release -p:VaeMLNetVersion="$version" -- \
  "$data/cardio-train.csv" "$data/cardio-test.csv" "$work/trained" 2>&1 | grep -v -E '^\s*$'

dotnet build tests/Consumers/Score -c Release -p:VaeMLNetVersion="$version" -nologo -v q -clp:NoSummary -o "$work/score-app"
torch=$(find "$work/score-app" -iname '*torch*')
if [ -n "$torch" ]; then echo "consumers: the scoring app's output holds TorchSharp or libtorch files:" >&2; echo "$torch" >&2; exit 1; fi
echo "score app: $(find "$work/score-app" -type f | wc -l) files in its build output, none from TorchSharp or libtorch"
dotnet "$work/score-app/Score.dll" "$data/cardio-test.csv" "$work/trained"
echo "consumer apps took $((SECONDS - start))s"

start=$SECONDS
dotnet tool install Vae.MLNet.Cli --version "$version" --tool-path "$work/tools" --add-source artifacts/packages >/dev/null
installed=$("$work/tools/vae-mlnet" --version)
[[ "$installed" == "$version"* ]] || { echo "consumers: vae-mlnet --version printed '$installed', not $version" >&2; exit 1; }
echo "tool: installed from artifacts/packages in $((SECONDS - start))s ($(du -sm "$work/tools" | cut -f1) MB installed); vae-mlnet --version: $installed"
start=$SECONDS
# A short training keeps the step cheap: it proves the installed tool trains, scores and writes its files.
"$work/tools/vae-mlnet" demo --epochs 10 --output "$work/demo" | tail -n 2
echo "tool: demo ran in $((SECONDS - start))s"
