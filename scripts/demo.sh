#!/usr/bin/env bash
# Sets up a fresh Debian 12 + .NET 10 machine (see install-prerequisites.sh) and runs `vae-mlnet demo`:
# the VAE anomaly detector on the embedded cardiotocography data, beside ML.NET's RandomizedPca.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-prerequisites.sh
dotnet run --project src/Vae.MLNet.Cli -c Release -- demo "$@"
