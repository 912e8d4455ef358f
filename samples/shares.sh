#!/usr/bin/env bash
# Print, as Markdown tables (one per Go version), the share of each run's
# relevant total that its hot frames take, read off the profiles in
# profiles/go<V>/ with Go 1.27's `go tool pprof -focus`. README.md quotes
# these tables; rerun it after generate.sh has made new profiles.
#
# A share is: (sum of the samples whose stack has a frame matching REGEX) /
# (all samples of that type), i.e. the focus total that pprof prints as
# "Showing nodes accounting for X, Y% of Z total" with nothing dropped.
# Columns: the program's own run, its -moderate run, its -fixed run; a hard
# negative's row has its value in the first column.
#
# Usage: bash samples/shares.sh [--go 1.19|1.27]     (from any directory)
# Go 1.27 is $GO_1_27 or ../.venv-go/bin/go (as in generate.sh).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
versions=(1.19 1.27)
case "${1:-}" in
  "") ;;
  --go) case "${2:-}" in 1.19 | 1.27) versions=("$2") ;; *) echo "usage: shares.sh [--go 1.19|1.27]" >&2; exit 2 ;; esac ;;
  *) echo "usage: shares.sh [--go 1.19|1.27]" >&2; exit 2 ;;
esac

export GOTOOLCHAIN=local GOTELEMETRY=off
GO127=${GO_1_27:-$(dirname "$PWD")/.venv-go/bin/go}
[ -x "$GO127" ] || { echo "shares.sh: Go 1.27 not found at $GO127 (set GO_1_27)" >&2; exit 1; }
"$GO127" tool pprof -h > /dev/null 2>&1 || true
PPROF=$("$GO127" tool -n pprof)

SANDBOX=$(mktemp -d)
trap 'rm -rf "$SANDBOX"' EXIT
export TZ=UTC LC_ALL=C HOME=$SANDBOX PPROF_BINARY_PATH=$SANDBOX PPROF_TMPDIR=$SANDBOX

# share PROFILE SAMPLE_INDEX REGEX -> "Y% (X of Z)", or "-" when PROFILE is missing
share() {
  [ -f "$1" ] || { printf -- '-'; return; }
  "$PPROF" -top -nodecount=1000000 -nodefraction=0 -edgefraction=0 \
    -sample_index="$2" -focus="$3" "$1" > "$SANDBOX/out" 2> /dev/null || true
  awk '/^Showing nodes accounting for/ {
         sub(/^Showing nodes accounting for /, ""); sub(/ total$/, "")
         split($0, a, ", "); split(a[2], b, " of ")
         printf "%s (%s of %s)", b[1], a[1], b[2]; found = 1; exit }
       END { if (!found) printf "0" }' "$SANDBOX/out"
}

# total PROFILE SAMPLE_INDEX -> the profile's total of that sample type
total() {
  [ -f "$1" ] || { printf -- '-'; return; }
  "$PPROF" -top -nodecount=1 -sample_index="$2" "$1" 2> /dev/null |
    sed -n 's/.* of \(.*\) total$/\1/p' | head -1
}

# row PROGRAM KIND SAMPLE_INDEX LABEL REGEX   (REGEX "" = total)
row() {
  local p=$1 kind=$2 si=$3 label=$4 re=$5 cells="" run f
  for run in "$p" "$p-moderate" "$p-fixed"; do
    f="profiles/go$V/$run/$kind.pb.gz"
    if [ -z "$re" ]; then cells="$cells | $(total "$f" "$si")"; else cells="$cells | $(share "$f" "$si" "$re")"; fi
  done
  printf '| %s | %s %s | %s%s |\n' "$p" "$kind" "$si" "$label" "$cells"
}

GROWTH='^runtime\.(makemap|makemap_small|makeBucketArray|hashGrow|growWork.*|evacuate.*)$|^internal/runtime/maps\.(newTable|\(\*table\)\.(rehash|grow|split)|\(\*Map\)\.(growToSmall|growToTable))$'
ITER='^runtime\.(mapiterinit|mapiternext|mapIterStart|mapIterNext)$'
GC='^runtime\.(gcBgMarkWorker|gcAssistAlloc|gcAssistAlloc1|gcDrainN|scanobject|scanObject|markroot)$'
ASSIST='^runtime\.(gcAssistAlloc|gcAssistAlloc1|gcDrainN)$'
ANYMAP='^runtime\.(map[a-zA-Z_0-9]*|makemap.*|makeBucketArray|hashGrow|growWork.*|evacuate.*)$|^internal/runtime/maps\.'
SYNCMAP='^sync\.\(\*Map\)\.|^internal/sync\.\(\*HashTrieMap'
LOCKCPU='^(sync\.\(\*Mutex\)\.lockSlow|internal/sync\.\(\*Mutex\)\.lockSlow|sync\.\(\*RWMutex\)\.Lock|runtime\.(semacquire1|lock2|futex|procyield|osyield))$'

for V in "${versions[@]}"; do
  [ -d "profiles/go$V" ] || continue
  echo "**Go $V** (\`profiles/go$V/\`):"
  echo
  echo "| program | profile | hot frames (focus regex) | run | -moderate | -fixed |"
  echo "| --- | --- | --- | --- | --- | --- |"
  row ap1-range-mutate cpu cpu "map growth (makemap*, hashGrow, growWork*, evacuate*; rehash, grow, split, newTable, growTo*)" "$GROWTH"
  row ap1-range-mutate cpu cpu "map iteration (mapiterinit/next; mapIterStart/Next)" "$ITER"
  row ap1-range-mutate cpu cpu "culprit main.(*SessionCache).Expire (cum)" '^main\.\(\*SessionCache\)\.Expire$'
  row ap1-range-mutate cpu cpu "GC (gcBgMarkWorker, gcAssistAlloc*, gcDrainN, scanobject/scanObject, markroot)" "$GC"
  row ap1-range-mutate heap alloc_space "allocated under main.(*SessionCache).Expire" '^main\.\(\*SessionCache\)\.Expire$'
  row map-requests cpu cpu "map growth (as above)" "$GROWTH"
  row map-requests cpu cpu "map iteration (as above)" "$ITER"
  row map-requests cpu cpu "main.normalize (cum)" '^main\.normalize$'
  row ap2-lock-contention cpu cpu "sync.Map (sync.(*Map).*, internal/sync.(*HashTrieMap).*)" "$SYNCMAP"
  row ap2-lock-contention cpu cpu "lock slow paths (lockSlow, RWMutex.Lock, semacquire1, lock2, futex, procyield, osyield)" "$LOCKCPU"
  row ap2-lock-contention cpu cpu "main.(*MetricsRegistry).Observe (cum)" '^main\.\(\*MetricsRegistry\)\.Observe$'
  row ap2-lock-contention mutex contentions "total" ""
  row ap2-lock-contention mutex delay "total" ""
  row ap2-lock-contention mutex delay "under main.(*MetricsRegistry).Observe" '^main\.\(\*MetricsRegistry\)\.Observe$'
  row ap2-lock-contention mutex delay "under sync.Map" "$SYNCMAP"
  row ap2-lock-contention block contentions "total" ""
  row ap2-lock-contention block delay "total" ""
  row ap2-lock-contention block delay "under main.(*MetricsRegistry).Observe" '^main\.\(\*MetricsRegistry\)\.Observe$'
  row ap2-lock-contention block delay "under sync.Map" "$SYNCMAP"
  row lock-uncontended cpu cpu "lock slow paths (as above)" "$LOCKCPU"
  row lock-uncontended mutex contentions "total" ""
  row lock-uncontended mutex delay "total" ""
  row lock-uncontended block contentions "total" ""
  row lock-uncontended block delay "total" ""
  row lock-uncontended block delay "under sync.(*Mutex).Lock" '^sync\.\(\*Mutex\)\.Lock$'
  row ap3-delete-keep-ref cpu cpu "GC (as above)" "$GC"
  row ap3-delete-keep-ref cpu cpu "GC mark assist (gcAssistAlloc*, gcDrainN)" "$ASSIST"
  row ap3-delete-keep-ref heap-early inuse_space "total (partway)" ""
  row ap3-delete-keep-ref heap inuse_space "total (end)" ""
  row ap3-delete-keep-ref heap inuse_space "under main.receiveUpload (Begin, AddPart, ...)" '^main\.receiveUpload$'
  row ap3-delete-keep-ref heap inuse_space "under main.(*Upload).AddPart" '^main\.\(\*Upload\)\.AddPart$'
  row alloc-churn cpu cpu "GC (as above)" "$GC"
  row alloc-churn cpu cpu "GC mark assist (as above)" "$ASSIST"
  row alloc-churn heap-early inuse_space "total (partway)" ""
  row alloc-churn heap inuse_space "total (end)" ""
  row ap4-never-shrink cpu cpu "map iteration (as above)" "$ITER"
  row ap4-never-shrink cpu cpu "culprits main.(*Registry).Broadcast + Prune (cum)" '^main\.\(\*Registry\)\.(Broadcast|Prune)$'
  row ap4-never-shrink heap-early inuse_space "total (partway)" ""
  row ap4-never-shrink heap inuse_space "total (end)" ""
  row ap4-never-shrink heap inuse_space "under main.(*Registry).Register (the bucket array / tables)" '^main\.\(\*Registry\)\.Register$'
  row dense-iterate cpu cpu "map iteration (as above)" "$ITER"
  row dense-iterate cpu cpu "main.(*Catalog).Aggregate (cum)" '^main\.\(\*Catalog\)\.Aggregate$'
  row dense-iterate heap inuse_space "total (end)" ""
  row healthy cpu cpu "any runtime map frame" "$ANYMAP"
  row healthy cpu cpu "GC (as above)" "$GC"
  echo
done
