#!/usr/bin/env bash
# Runs every notebook headless (dotnet-repl) and every file-based twin (dotnet run notebooks/X.cs), and checks
# that no cell failed and every figure was produced. Prints "notebooks: N passed, M failed"; exits 1 on a failure.
#   bash scripts/notebooks.sh [--commit]   # --commit also writes the executed notebooks back, outputs included
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:$HOME/.dotnet/tools"
command -v dotnet-repl >/dev/null || dotnet tool install -g dotnet-repl --version 0.3.259 >/dev/null
{ dotnet build src/Vae.MLNet.Training -c Release -v q -nologo && dotnet build notebooks/Support -c Release -v q -nologo; } >/dev/null || { echo "notebooks: build failed"; exit 1; }
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
  if (cd notebooks && dotnet repl --run "$name.ipynb" --exit-after-run --output-path "$out/$name.ipynb" > "$out/$name.repl.log" 2>&1) \
     && python3 notebooks/notebooks.py check "$out/$name.ipynb" "$twin"; then
    passed=$((passed + 1)); echo "ok: notebooks/$name.ipynb"
    [ "${1:-}" = "--commit" ] && cp "$out/$name.ipynb" "notebooks/$name.ipynb"
  else
    fail "notebooks/$name.ipynb"; python3 notebooks/notebooks.py check "$out/$name.ipynb" "$twin" 2>&1 | tail -n 5
  fi
done
rm -rf "$out"
echo "notebook and twin runs took ${SECONDS}s"
echo "notebooks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
