#!/usr/bin/env bash
# Compares `proflens top` with the reference outputs in ../shared/corpus/expected.
# Usage: scripts/compare-corpus.sh [PROFLENS_BINARY]
set -u
bin=${1:-$(pwd)/.build/debug/proflens}
corpus=${CORPUS:-$(cd "$(dirname "$0")/../.." && pwd)/shared/corpus}
cd "$corpus" || exit 2
pass=0; fail=0
for expected in expected/*.top.txt; do
  base=$(basename "$expected" .top.txt)
  case "$base" in *.symbolize-none) continue ;; esac
  file=${base%.*}; index=${base##*.}
  if "$bin" top --nodecount 25 --sample-index "$index" "profiles/$file" > /tmp/proflens-out.txt 2>/tmp/proflens-err.txt && cmp -s /tmp/proflens-out.txt "$expected"; then
    pass=$((pass+1))
  else
    fail=$((fail+1)); echo "DIFF $file [$index]"
  fi
done
echo "$pass passed, $fail failed"
# Traces: the reference keeps the first 3000 lines.
tpass=0; tfail=0
for expected in expected/*.traces.txt; do
  file=$(basename "$expected" .traces.txt)
  if "$bin" traces "profiles/$file" 2>/dev/null | head -n 3000 | cmp -s - "$expected"; then
    tpass=$((tpass+1))
  else
    tfail=$((tfail+1)); echo "TRACES DIFF $file"
  fi
done
echo "traces: $tpass passed, $tfail failed"
