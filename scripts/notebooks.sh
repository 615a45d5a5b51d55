#!/usr/bin/env bash
# Runs every notebook headless (dotnet-repl) and every file-based twin (dotnet run notebooks/X.cs), and checks
# that no cell failed and every figure was produced. Prints "notebooks: N passed, M failed"; exits 1 on a failure.
# The notebooks reference the packages in artifacts/packages, which this script packs first (scripts/pack.sh).
#   bash scripts/notebooks.sh [--packed] [--commit]   # --packed: scripts/pack.sh has just run (scripts/test.sh)
#                                                     # --commit: write the executed notebooks back, outputs included
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:$HOME/.dotnet/tools"
command -v dotnet-repl >/dev/null || dotnet tool install -g dotnet-repl --version 0.3.259 >/dev/null
packed=false commit=false
for option in "$@"; do
  case "$option" in --packed) packed=true ;; --commit) commit=true ;; *) echo "unknown option $option" >&2; exit 2 ;; esac
done
$packed || bash scripts/pack.sh >/dev/null || { echo "notebooks: packing failed"; exit 1; }
# A notebook holds a placeholder for the feed's absolute path (notebooks.py); the copy that runs holds this clone's.
placeholder=$(python3 notebooks/notebooks.py feed)
feed="$PWD/artifacts/packages"
passed=0 failed=0
fail() { echo "FAILED: $*"; failed=$((failed + 1)); }

python3 notebooks/notebooks.py verify || fail "notebooks differ from their twins"
out=$(mktemp -d)
for twin in notebooks/*.cs; do
  name=$(basename "$twin" .cs)
  stamp="$out/$name.stamp"; touch "$stamp"
  if dotnet run "$twin" > "$out/$name.twin.log" 2>&1; then
    missing=""
    for figure in $(python3 notebooks/notebooks.py figures "$twin"); do
      [ "notebooks/figures/$figure.png" -nt "$stamp" ] || missing="$missing $figure"
    done
    if [ -z "$missing" ]; then passed=$((passed + 1)); echo "ok: dotnet run $twin"; else fail "$twin did not write:$missing"; fi
  else
    fail "dotnet run $twin"; tail -n 20 "$out/$name.twin.log"
  fi
  sed "s|$placeholder|$feed|g" "notebooks/$name.ipynb" > "$out/$name.run.ipynb"
  if (cd notebooks && dotnet repl --run "$out/$name.run.ipynb" --exit-after-run --output-path "$out/$name.ipynb" > "$out/$name.repl.log" 2>&1) \
     && python3 notebooks/notebooks.py check "$out/$name.ipynb" "$twin"; then
    passed=$((passed + 1)); echo "ok: notebooks/$name.ipynb (packages from $feed)"
    if $commit; then sed "s|$feed|$placeholder|g" "$out/$name.ipynb" > "notebooks/$name.ipynb"; fi
  else
    fail "notebooks/$name.ipynb"; python3 notebooks/notebooks.py check "$out/$name.ipynb" "$twin" 2>&1 | tail -n 5
  fi
done
rm -rf "$out"
echo "notebook and twin runs took ${SECONDS}s"
echo "notebooks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
