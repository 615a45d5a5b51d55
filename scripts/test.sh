#!/usr/bin/env bash
# Sets up a fresh Debian 12 + .NET 10 machine (see install-prerequisites.sh), runs every test, packs the libraries and
# the tool into artifacts/packages (scripts/pack.sh), uses them as a user would (scripts/consumers.sh: two apps and the
# tool), then executes every notebook, which references those packages, and its file-based twin
# (scripts/notebooks.sh). Ends with one line: "N passed, M failed, K skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-prerequisites.sh
log=$(mktemp)
set +e
dotnet test Vae.MLNet.sln -c Release 2>&1 | tee "$log"
tests=${PIPESTATUS[0]}
start=$SECONDS
bash scripts/pack.sh 2>&1 | tee -a "$log"
packed=${PIPESTATUS[0]}
consumers=1 notebooks=1
if [ "$packed" -eq 0 ]; then
  bash scripts/consumers.sh 2>&1 | tee -a "$log"
  consumers=${PIPESTATUS[0]}
  echo "packages: pack, consumer apps and tool took $((SECONDS - start))s"
  if [ "$consumers" -eq 0 ]; then echo "packages: 1 passed, 0 failed"; else echo "packages: 0 passed, 1 failed"; fi | tee -a "$log"
  bash scripts/notebooks.sh --packed 2>&1 | tee -a "$log"
  notebooks=${PIPESTATUS[0]}
fi
set -e
# One summary over the test assemblies, the packages' use and the notebooks.
awk 'match($0, /Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+/) {
       split(substr($0, RSTART, RLENGTH), n, /[^0-9]+/); f += n[2]; p += n[3]; s += n[4] }
     /^(packages|notebooks): [0-9]+ passed, [0-9]+ failed$/ { p += $2; f += $4 }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
[ "$tests" -eq 0 ] && [ "$packed" -eq 0 ] && [ "$consumers" -eq 0 ] && [ "$notebooks" -eq 0 ]
