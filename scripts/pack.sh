#!/usr/bin/env bash
# Packs the libraries (Vae.MLNet, Vae.MLNet.Training: .nupkg + .snupkg) and the vae-mlnet tool (one package per
# platform plus its pointer package) into the folder feed artifacts/packages, and prints their sizes.
#   bash scripts/pack.sh
set -euo pipefail
cd "$(dirname "$0")/.."
feed=artifacts/packages
rm -rf "$feed"
start=$SECONDS
dotnet pack Vae.MLNet.sln -c Release -o "$feed" -nologo -v q
# The version just packed may already sit in the global packages folder from an earlier pack, with other contents:
# NuGet would use that copy. Remove our own packages of this version there, so consumers get these.
version=$(dotnet msbuild src/Vae.MLNet -getProperty:Version)
packages=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')
for id in vae.mlnet vae.mlnet.training vae.mlnet.cli vae.mlnet.cli.linux-x64; do
  rm -rf "${packages:?}/$id/$version"
done
echo "pack: $version into $feed in $((SECONDS - start))s"
for package in "$feed"/*; do
  printf 'pack: %-45s %12s bytes\n' "$(basename "$package")" "$(stat -c %s "$package")"
done
