#!/usr/bin/env bash
# Sets up a fresh Debian 12 + .NET 10 machine (see install-prerequisites.sh), runs every test, then executes every
# notebook and its file-based twin (scripts/notebooks.sh). Ends with one line: "N passed, M failed, K skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-prerequisites.sh
log=$(mktemp)
set +e
dotnet test Vae.MLNet.sln -c Release 2>&1 | tee "$log"
tests=${PIPESTATUS[0]}
bash scripts/notebooks.sh 2>&1 | tee -a "$log"
notebooks=${PIPESTATUS[0]}
set -e
# One summary over the test assemblies and the notebooks.
awk 'match($0, /Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+/) {
       split(substr($0, RSTART, RLENGTH), n, /[^0-9]+/); f += n[2]; p += n[3]; s += n[4] }
     /^notebooks: [0-9]+ passed, [0-9]+ failed$/ { p += $2; f += $4 }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
[ "$tests" -eq 0 ] && [ "$notebooks" -eq 0 ]
