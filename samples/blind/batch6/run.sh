#!/usr/bin/env bash
# Builds one blind program with Go 1.19 and Go 1.27 and runs each build once,
# writing the profiles into PROGRAM/go1.19/ and PROGRAM/go1.27/.
#   bash run.sh PROGRAM [--go 1.19|1.27]
set -euo pipefail
cd "$(dirname "$0")"
program=${1:?usage: run.sh PROGRAM [--go 1.19|1.27]}
versions=(1.19 1.27)
if [ "${2:-}" = --go ]; then versions=("${3:?}"); fi
export GOTOOLCHAIN=local GOTELEMETRY=off
for v in "${versions[@]}"; do
  case $v in
    1.19) go=${GO_1_19:-/usr/bin/go} ;;
    1.27) go=${GO_1_27:-/work/main/.venv-go/bin/go} ;;
    *) echo "unknown Go version $v" >&2; exit 2 ;;
  esac
  "$go" vet "./$program" 
  bin=$(mktemp -d)/"$program"
  "$go" build -o "$bin" "./$program"
  rm -rf "$program/go$v"
  start=$(date +%s.%N)
  "$bin" -out "$program/go$v"
  echo "$program go$v: $(echo "$(date +%s.%N) - $start" | bc) s"
  rm -rf "$(dirname "$bin")"
done
