#!/usr/bin/env bash
# Sets up a fresh Debian 12 + .NET 10 machine (see install-prerequisites.sh) and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-prerequisites.sh
log=$(mktemp)
set +e
dotnet test Vae.MLNet.sln -c Release 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One plain summary line, summed over the test assemblies.
awk 'match($0, /Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+/) {
       split(substr($0, RSTART, RLENGTH), n, /[^0-9]+/); f += n[2]; p += n[3]; s += n[4] }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit "$status"
