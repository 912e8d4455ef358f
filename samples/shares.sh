#!/usr/bin/env bash
# Print, as a Markdown table, the share of each sample's relevant total that its
# hot frames take, normal vs -fixed, read off the profiles in profiles/ with
# `go tool pprof -focus`. README.md quotes this table; rerun it after
# generate.sh has made new profiles.
#
# A share is: (sum of the samples whose stack has a frame matching REGEX) /
# (all samples of that type), i.e. the focus total that pprof prints as
# "Showing nodes accounting for X, Y% of Z total" with nothing dropped.
#
# Usage: bash samples/shares.sh      (from any directory)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
command -v go > /dev/null || { echo "shares.sh: go not found (apt-get install -y golang-go)" >&2; exit 1; }

SANDBOX=$(mktemp -d)
trap 'rm -rf "$SANDBOX"' EXIT
export TZ=UTC LC_ALL=C HOME=$SANDBOX PPROF_BINARY_PATH=$SANDBOX PPROF_TMPDIR=$SANDBOX

# share PROFILE SAMPLE_INDEX REGEX -> "X of Z (Y%)"
share() {
  go tool pprof -top -nodecount=1000000 -nodefraction=0 -edgefraction=0 \
    -sample_index="$2" -focus="$3" "$1" > "$SANDBOX/out" 2> /dev/null
  awk '/^Showing nodes accounting for/ {
         sub(/^Showing nodes accounting for /, ""); sub(/ total$/, "")
         split($0, a, ", "); split(a[2], b, " of ")
         printf "%s (%s of %s)", b[1], a[1], b[2]; found = 1; exit }
       END { if (!found) printf "n/a" }' "$SANDBOX/out"
}

# row SAMPLE KIND SAMPLE_INDEX LABEL REGEX
row() {
  local s=$1 kind=$2 si=$3 label=$4 re=$5 normal fixed="-"
  normal=$(share "profiles/$s/$kind.pb.gz" "$si" "$re")
  if [ -f "profiles/$s-fixed/$kind.pb.gz" ]; then
    fixed=$(share "profiles/$s-fixed/$kind.pb.gz" "$si" "$re")
  fi
  printf '| %s | %s %s | %s | %s | %s |\n' "$s" "$kind" "$si" "$label" "$normal" "$fixed"
}

# total SAMPLE KIND SAMPLE_INDEX -> the profile's total of that sample type
total() {
  local s=$1 kind=$2 si=$3 n f="-"
  n=$(go tool pprof -top -nodecount=1 -sample_index="$si" "profiles/$s/$kind.pb.gz" 2> /dev/null |
    sed -n 's/.* of \(.*\) total$/\1/p' | head -1)
  if [ -f "profiles/$s-fixed/$kind.pb.gz" ]; then
    f=$(go tool pprof -top -nodecount=1 -sample_index="$si" "profiles/$s-fixed/$kind.pb.gz" 2> /dev/null |
      sed -n 's/.* of \(.*\) total$/\1/p' | head -1)
  fi
  printf '| %s | %s %s | total | %s | %s |\n' "$s" "$kind" "$si" "$n" "$f"
}

GROWTH='^runtime\.(makemap|makemap_small|makeBucketArray|hashGrow|growWork.*|evacuate.*)$'
ITER='^runtime\.mapiter(init|next)$'
GC='^runtime\.(gcBgMarkWorker|gcAssistAlloc|gcAssistAlloc1|gcDrainN|scanobject|markroot)$'
ASSIST='^runtime\.(gcAssistAlloc|gcAssistAlloc1|gcDrainN)$'
ANYMAP='^runtime\.(map[a-z_0-9]*|makemap.*|makeBucketArray|hashGrow|growWork.*|evacuate.*)$'
SYNCMAP='^sync\.\(\*Map\)\.'
LOCKCPU='^(sync\.\(\*Mutex\)\.lockSlow|sync\.\(\*RWMutex\)\.Lock|runtime\.(semacquire1|lock2|futex|procyield|osyield))$'

echo "| sample | profile | hot frames (focus regex) | normal | fixed |"
echo "| --- | --- | --- | --- | --- |"
row ap1-range-mutate cpu cpu "map growth: makemap*, makeBucketArray, hashGrow, growWork*, evacuate*" "$GROWTH"
row ap1-range-mutate cpu cpu "map iteration: mapiterinit, mapiternext" "$ITER"
row ap1-range-mutate cpu cpu "culprit main.(*SessionCache).Expire (cum)" '^main\.\(\*SessionCache\)\.Expire$'
row ap1-range-mutate cpu cpu "GC: gcBgMarkWorker, gcAssistAlloc, scanobject, ..." "$GC"
row ap1-range-mutate heap alloc_space "allocated under main.(*SessionCache).Expire" '^main\.\(\*SessionCache\)\.Expire$'
row ap2-lock-contention cpu cpu "sync.(*Map).* (Store, LoadOrStore, Load, dirtyLocked, missLocked, ...)" "$SYNCMAP"
row ap2-lock-contention cpu cpu "sync.(*Map).dirtyLocked + missLocked" '^sync\.\(\*Map\)\.(dirtyLocked|missLocked)$'
row ap2-lock-contention cpu cpu "lock slow paths: lockSlow, RWMutex.Lock, semacquire1, lock2, futex, procyield, osyield" "$LOCKCPU"
total ap2-lock-contention mutex contentions
total ap2-lock-contention mutex delay
row ap2-lock-contention mutex delay "under main.(*MetricsRegistry).Observe" '^main\.\(\*MetricsRegistry\)\.Observe$'
row ap2-lock-contention mutex delay "under sync.(*Map).*" "$SYNCMAP"
total ap2-lock-contention block contentions
total ap2-lock-contention block delay
row ap2-lock-contention block delay "under main.(*MetricsRegistry).Observe" '^main\.\(\*MetricsRegistry\)\.Observe$'
row ap2-lock-contention block delay "under sync.(*Map).*" "$SYNCMAP"
row ap3-delete-keep-ref cpu cpu "GC: gcBgMarkWorker, gcAssistAlloc*, gcDrainN, scanobject, markroot" "$GC"
row ap3-delete-keep-ref cpu cpu "GC mark assist: gcAssistAlloc*, gcDrainN" "$ASSIST"
total ap3-delete-keep-ref heap inuse_space
row ap3-delete-keep-ref heap inuse_space "under main.receiveUpload (Begin, AddPart, ...)" '^main\.receiveUpload$'
row ap3-delete-keep-ref heap inuse_space "under main.(*Upload).AddPart" '^main\.\(\*Upload\)\.AddPart$'
row ap4-never-shrink cpu cpu "map iteration: mapiterinit, mapiternext" "$ITER"
row ap4-never-shrink cpu cpu "culprits main.(*Registry).Broadcast + Prune (cum)" '^main\.\(\*Registry\)\.(Broadcast|Prune)$'
total ap4-never-shrink heap inuse_space
row ap4-never-shrink heap inuse_space "under main.(*Registry).Register (the bucket array)" '^main\.\(\*Registry\)\.Register$'
row healthy cpu cpu "any runtime map frame" "$ANYMAP"
row healthy cpu cpu "GC: gcBgMarkWorker, gcAssistAlloc, scanobject, ..." "$GC"
