#!/usr/bin/env bash
# Runs the sample programs across the parameters that move the rules' thresholds, so that
# `make findings-report` can show that every rule gives the same verdict at every point and
# how far each is from changing (its margin at the worst point).
#
#   bash samples/sweep.sh [--go 1.19|1.27] [--point POINT]...
#
# Points (each a folder sweeps/<point>/go<V>/<run>/, runs as in generate.sh):
#   gomaxprocs-1, gomaxprocs-4, gomaxprocs-8   GOMAXPROCS set for the program (the committed
#                                              profiles are GOMAXPROCS=2, this machine's cores)
#   busy-neighbour                             two CPU-bound processes running beside it
#   short-run                                  SAMPLE_RUN_SCALE=0.5: half the run length
#   long-run                                   SAMPLE_RUN_SCALE=2: twice the run length
#   goroutines-half, goroutines-double         SAMPLE_GOROUTINE_SCALE=0.5 / 2: the lock programs'
#                                              working goroutines (ap2-*, lock-uncontended only)
#   size-half, size-double                     SAMPLE_SIZE_SCALE=0.5 / 2: map sizes (ap1's sessions,
#                                              ap4's storm, dense-iterate's SKUs) and ap3's kept
#                                              values (ap1-*, ap3-*, ap4-*, dense-iterate only)
# (The sample programs read these through samples/internal/harness; critical-section length
# is not swept yet.)
# The toolchains are found as generate.sh finds them. Runs are made one after the other.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT=$(dirname "$PWD")
export GOTOOLCHAIN=local GOTELEMETRY=off

versions=(1.19 1.27)
points=()
while [ $# -gt 0 ]; do
  case "$1" in
    --go) versions=("$2"); shift ;;
    --point) points+=("$2"); shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "sweep.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
[ ${#points[@]} -gt 0 ] || points=(gomaxprocs-1 gomaxprocs-4 gomaxprocs-8 busy-neighbour short-run long-run goroutines-half goroutines-double size-half size-double)

find_go() {
  local want=$1 c
  if [ "$want" = 1.19 ]; then set -- "${GO_1_19:-}" /usr/lib/go-1.19/bin/go /usr/bin/go "$(command -v go || true)"
  else set -- "${GO_1_27:-}" "$ROOT/.venv-go/bin/go"; fi
  for c in "$@"; do
    [ -n "$c" ] && [ -x "$c" ] || continue
    case "$("$c" env GOVERSION 2> /dev/null)" in "go$want" | "go$want".*) echo "$c"; return 0 ;; esac
  done
  echo "sweep.sh: no Go $want found" >&2
  return 1
}

# The runs of generate.sh: "RUN PROGRAM [FLAG]".
RUNS=()
for p in ap1-range-mutate ap2-lock-contention ap3-delete-keep-ref ap4-never-shrink; do
  RUNS+=("$p $p" "$p-moderate $p -moderate")
  if [ -d "$p-fixed" ]; then RUNS+=("$p-fixed $p-fixed"); else RUNS+=("$p-fixed $p -fixed"); fi
done
for p in healthy dense-iterate alloc-churn map-requests lock-uncontended; do RUNS+=("$p $p"); done

WORK=$(mktemp -d)
neighbours=()
cleanup() { for pid in ${neighbours[@]+"${neighbours[@]}"}; do kill "$pid" 2> /dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

for v in "${versions[@]}"; do
  go=$(find_go "$v")
  mkdir -p "$WORK/bin/$v"
  for spec in "${RUNS[@]}"; do
    read -r _ prog _ <<< "$spec"
    [ -x "$WORK/bin/$v/$prog" ] || GOWORK=off GOFLAGS=-mod=mod CGO_ENABLED=0 "$go" build -trimpath -o "$WORK/bin/$v/$prog" "./$prog"
  done
  for point in "${points[@]}"; do
    env=()
    case "$point" in
      gomaxprocs-*) env=(GOMAXPROCS="${point#gomaxprocs-}") ;;
      busy-neighbour) ;;
      short-run) env=(SAMPLE_RUN_SCALE=0.5) ;;
      long-run) env=(SAMPLE_RUN_SCALE=2) ;;
      goroutines-half) env=(SAMPLE_GOROUTINE_SCALE=0.5) ;;
      goroutines-double) env=(SAMPLE_GOROUTINE_SCALE=2) ;;
      size-half) env=(SAMPLE_SIZE_SCALE=0.5) ;;
      size-double) env=(SAMPLE_SIZE_SCALE=2) ;;
      *) echo "sweep.sh: unknown point $point" >&2; exit 2 ;;
    esac
    if [ "$point" = busy-neighbour ]; then
      for _ in 1 2; do (while :; do :; done) & neighbours+=($!); done
    fi
    for spec in "${RUNS[@]}"; do
      read -r run prog flag <<< "$spec"
      # A parameter's points run only the programs that read it.
      case "$point" in
        goroutines-*) [[ $prog == ap2-* || $prog == lock-uncontended ]] || continue ;;
        size-*) [[ $prog == ap1-* || $prog == ap3-* || $prog == ap4-* || $prog == dense-iterate ]] || continue ;;
      esac
      out="sweeps/$point/go$v/$run"
      rm -rf "$out"
      mkdir -p "$out"
      echo "== $point go$v $run ($(cut -d' ' -f1-3 /proc/loadavg) load)" >&2
      env ${env[@]+"${env[@]}"} "$WORK/bin/$v/$prog" ${flag:+"$flag"} -out "$out"
    done
    for pid in ${neighbours[@]+"${neighbours[@]}"}; do kill "$pid" 2> /dev/null || true; done
    neighbours=()
  done
done
