#!/usr/bin/env bash
# Benchmark proflens on large synthetic Go profiles, beside the floor (gzip -dc:
# just decompressing the input) and `go tool pprof -top`, and check the targets.
#
# Run from the repository root after building the release binaries (`make
# bench` does both, proflens as `make install` builds it when it can):
#   swift build -c release --static-swift-stdlib --product proflens
#   swift build -c release --product ProfileGenerator
#
# Profiles (Sources/ProfileGenerator; deterministic: same shape, size, seed and
# generator sources, same bytes) are written once into bench-data/, gzipped
# with `gzip -1` as Go's runtime/pprof does, and reused while the shape, its
# parameters, the seed and the generator's sources (with Pprof's WireWriter,
# which writes its bytes) stay the same:
#   current     CPU, 1.5M samples over ~24k stacks (the regression guard)
#   wide        CPU, 2M samples over 400k stacks, ~137k locations, ~8k functions,
#               ~24 frames deep with inlined frames, two labels on every sample
#   wide-heap   the wide program as a heap profile (4 sample types, `bytes` label)
#   growth      the wide shape at 0.5M, 1M, 2M, 4M samples (stacks = samples / 5)
#   fleet       20 profiles per side, each like a 30 s CPU profile of one instance
#   merge       200 profiles of the fleet shape (side a: instances 1-200, of which
#               1-20 are the fleet's), as a fleet's 30 s profiles add up over a day
# The two-profile cases compare seed 1 (A) with seed 2 (B) of the same shape.
#
# The merge section times `proflens merge` against `go tool pprof -proto` on the
# same inputs (the 200 profiles, and the fleet's side a), and checks that pprof
# reads the same profile in both outputs. "200 profiles of the current bench
# shape" cannot mean 200 `current` profiles (1.5M samples each): pprof takes ~30 s
# and 2.2 GB for -top on one, and it reads up to 128 profiles at once before
# merging them, which would want far more than this 24 GB machine has. The
# fleet's profiles are what one merges by the hundred (one per instance, or per
# hour), so the 200 are fleet profiles (46k samples, 3.9 MB of protobuf each):
# pprof -proto takes 176 s and 14.9 GB on them on a 2-core machine at load
# average ~2 (6-11 min and 12.5-15 GB at 12-24; 19 s and 2.3 GB on the fleet's
# 20), proflens 15 s and 0.40 GB at load ~1.5 (2026-12-08). pprof's run on the 200 is skipped, with a
# notice, when less than 18 GB is available (MemAvailable).
# The check: the gunzipped protobufs compared byte for byte (for information),
# `go tool pprof -proto` of proflens's output against pprof's own output (the
# same gzip bytes when pprof reads the same profile in both), and `pprof -top`
# and `-traces` of the two outputs diffed on the fleet's merge only (on the
# 200-profile merge they take pprof minutes and gigabytes each).
#
# The live section fetches profiles from a real Go server, the fixture of the live-fetch
# tests (Tests/ProfileFetchTests/Fixtures/pprofserver, built with Go; hostile.go has the
# endpoints that stall, drip or never end), and measures each proflens run from outside with
# GNU time (wall, user+sys CPU, peak RSS, voluntary/involuntary context switches, exit status)
# as Tests/CLITests/HostileServerTests do: the CPU spent waiting for a 5 s CPU profile, two
# URLs in one command (a 3 s CPU profile and a profile that comes after 3 s: together the
# longer of the two, not the sum), a gzip profile that never ends under --max-inflated-size
# 100M (peak RSS), and --timeout 4 against a server that stalls, one that drips a byte every
# 200 ms and one that never ends. Fetched profiles are saved, as pprof saves them, in a
# temporary PPROF_TMPDIR (emptied before each run). Its targets are bounds: each counts the
# worst of the runs, not the median.
#
# Each command runs BENCH_RUNS times; the median wall time counts (the best is
# shown too), peak RSS is the highest of the runs (GNU time's %M, or polling
# /proc when GNU time is missing), MB/s is protobuf bytes / wall (MB = 10^6 B).
#
# Environment:
#   BENCH_RUNS           runs of each command (default 5; 1 with BENCH_QUICK)
#   BENCH_GROWTH_RUNS    runs of each size of the growth curve (default 9; 1 with BENCH_QUICK)
#   BENCH_SLOW_SECONDS   a command whose first run takes longer than this ...
#   BENCH_SLOW_RUNS      ... runs only this many times (defaults 10 and 3), and
#   BENCH_VERY_SLOW_SECONDS  one whose first run takes longer than this runs once (60)
#   BENCH_SEED           seed of profile A (default 1; B is BENCH_SEED + 1)
#   BENCH_QUICK=1        a smoke test: smaller profiles, 1 run each, no README figures
#   BENCH_STRICT=1       exit with status 1 when a target is missed
#   BENCH_DATA           where profiles are kept (default bench-data)
#   BENCH_BROWSER=0      skip the in-browser flame graph timings
#   BENCH_PPROF=0        skip go tool pprof
#   BENCH_ONLY=merge     only the merge section (and its profiles and targets)
#   BENCH_ONLY=live      only the live section (and its targets; no profiles are generated)
# Optional tools, each skipped with a notice when missing: Go (for pprof and the live
# section's server: .venv-go/bin/go, else go on PATH), GNU time (for the live section) and
# Chromium (`chromium`, for the flame graph's in-browser times).
set -euo pipefail
export LC_ALL=C

[[ -f Package.swift ]] || { echo "bench.sh: run from the repository root" >&2; exit 2; }

QUICK=${BENCH_QUICK:-0}
if ((QUICK)); then RUNS=${BENCH_RUNS:-1}; else RUNS=${BENCH_RUNS:-5}; fi
# The growth targets are ratios of two medians, a few percent from the target: more runs, so
# that the noise of one median moves the ratio less.
if ((QUICK)); then GROWTH_RUN_COUNT=${BENCH_GROWTH_RUNS:-1}; else GROWTH_RUN_COUNT=${BENCH_GROWTH_RUNS:-9}; fi
SLOW_SECONDS=${BENCH_SLOW_SECONDS:-10}
SLOW_RUNS=${BENCH_SLOW_RUNS:-3}
VERY_SLOW_SECONDS=${BENCH_VERY_SLOW_SECONDS:-60}
SEED=${BENCH_SEED:-1}
SEED_B=$((SEED + 1))
DATA=${BENCH_DATA:-bench-data}
ONLY=${BENCH_ONLY:-}
[[ -z $ONLY || $ONLY == merge || $ONLY == live ]] || { echo "bench.sh: BENCH_ONLY is merge, live or unset" >&2; exit 2; }
PROFLENS=.build/release/proflens
GENERATOR=.build/release/ProfileGenerator
HTML=scripts/bench-flame.html

# Sizes: samples of each shape (the growth series doubles from GROWTH_FIRST).
if ((QUICK)); then
  CURRENT_SAMPLES=300000 WIDE_SAMPLES=400000 GROWTH=(100000 200000 400000 800000)
  FLEET_INSTANCES=4 FLEET_TICKS=20000 FLEET_STACKS=40000 MERGE_INSTANCES=20
else
  CURRENT_SAMPLES=1500000 WIDE_SAMPLES=2000000 GROWTH=(500000 1000000 2000000 4000000)
  FLEET_INSTANCES=20 FLEET_TICKS=48000 FLEET_STACKS=200000 MERGE_INSTANCES=200
fi
# The figures README gives for `current` (make bench on one 2-core machine).
README_ANALYZE_S=0.54 README_ANALYZE_MB=200 README_FLAME_S=0.66

tools=("$PROFLENS")
[[ $ONLY == live ]] || tools+=("$GENERATOR")   # (the live section generates no profiles)
for tool in "${tools[@]}"; do
  [[ -x $tool ]] || { echo "bench.sh: $tool is missing: swift build -c release --product ${tool##*/}" >&2; exit 2; }
done

WORK=$(mktemp -d)
CHROME_GROUP=""
# shellcheck disable=SC2317 # (called by the trap)
cleanup() {
  if [[ -n $CHROME_GROUP ]]; then kill -- "-$CHROME_GROUP" 2> /dev/null || true; fi
  if [[ -n ${LIVE_SERVER_PID:-} ]]; then kill "$LIVE_SERVER_PID" 2> /dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
BENCH_START=$SECONDS

# ---------------------------------------------------------------- helpers

now() { if [[ -n ${EPOCHREALTIME:-} ]]; then echo "$EPOCHREALTIME"; else date +%s.%N; fi; }
calc() { awk "BEGIN { printf \"$1\", ($2) }"; }   # calc FORMAT EXPRESSION
mb() { calc '%.1f' "$1 / 1e6"; }                  # bytes -> MB
section() { printf '\n== %s\n' "$*"; }
notice() { printf 'note: %s\n' "$*"; }

# Peak RSS comes from GNU time (Debian package `time`); install it when we can.
if [[ ! -x /usr/bin/time ]] && [[ $(id -u) -eq 0 ]] && command -v apt-get > /dev/null; then
  echo "installing GNU time (apt-get install time) ..." >&2
  { apt-get install -y -qq time || { apt-get update -qq && apt-get install -y -qq time; }; } > /dev/null 2>&1 || true
fi
if /usr/bin/time -f '%M' -o /dev/null true 2> /dev/null; then HAVE_TIME=1; else HAVE_TIME=0; fi

# run_once CMD... : runs CMD (stdout to $RUN_STDOUT, default /dev/null; stderr
# to $WORK/stderr); sets RUN_S (wall seconds) and RUN_KB (peak RSS, KiB).
RUN_STDOUT=/dev/null
run_once() {
  local t0 t1 status=0
  t0=$(now)
  if ((HAVE_TIME)); then
    /usr/bin/time -f '%M' -o "$WORK/rss" "$@" > "$RUN_STDOUT" 2> "$WORK/stderr" || status=$?
    t1=$(now)
    RUN_KB=$(tail -n 1 "$WORK/rss")
    [[ $RUN_KB =~ ^[0-9]+$ ]] || RUN_KB=0
  else
    # Fallback: poll the high-water mark of the process (Linux /proc).
    "$@" > "$RUN_STDOUT" 2> "$WORK/stderr" &
    local pid=$! hwm
    RUN_KB=0
    while kill -0 "$pid" 2> /dev/null; do
      hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2> /dev/null || true)
      [[ -n $hwm ]] && ((hwm > RUN_KB)) && RUN_KB=$hwm
      sleep 0.01
    done
    wait "$pid" || status=$?
    t1=$(now)
  fi
  RUN_S=$(calc '%.3f' "$t1 - $t0")
  return "$status"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Results, by key: median and best wall seconds, peak RSS (KiB), runs, and the
# protobuf bytes the command reads (for MB/s). An empty S_MED means it failed.
declare -A S_MED S_BEST KB NRUNS BYTES
FAILURES=0

# run_limit FIRST_S RUNS : how many runs a command gets whose first run took FIRST_S seconds
# (fewer over SLOW_SECONDS, one over VERY_SLOW_SECONDS).
run_limit() {
  if (($(calc '%d' "$1 > $VERY_SLOW_SECONDS"))); then
    echo 1
  elif (($2 > SLOW_RUNS)) && (($(calc '%d' "$1 > $SLOW_SECONDS"))); then
    echo "$SLOW_RUNS"
  else
    echo "$2"
  fi
}

# measure_run KEY BYTES CMD... : one run of CMD, added to KEY's results (median and best of
# its runs so far, peak RSS, runs); a failure marks KEY failed (no median) and returns 1.
declare -A TIMES FAILED
measure_run() {
  local key=$1
  BYTES[$key]=$2
  shift 2
  NRUNS[$key]=${NRUNS[$key]:-0}
  if ! run_once "$@"; then
    echo "FAILED: $*" >&2
    head -n 20 "$WORK/stderr" >&2
    S_MED[$key]="" S_BEST[$key]="" KB[$key]="" FAILED[$key]=1
    FAILURES=$((FAILURES + 1))
    return 1
  fi
  TIMES[$key]+="$RUN_S"$'\n'
  if [[ -z ${S_BEST[$key]:-} ]] || (($(calc '%d' "$RUN_S < ${S_BEST[$key]}"))); then S_BEST[$key]=$RUN_S; fi
  ((RUN_KB > ${KB[$key]:-0})) && KB[$key]=$RUN_KB
  NRUNS[$key]=$((NRUNS[$key] + 1))
  S_MED[$key]=$(printf '%s' "${TIMES[$key]}" | median)
}

# measure KEY BYTES RUNS CMD... : runs CMD up to RUNS times (see run_limit); a key measured
# before is not run again.
measure() {
  local key=$1 bytes=$2 runs=$3 i
  shift 3
  [[ -n ${NRUNS[$key]:-} ]] && return 0
  for ((i = 0; i < runs; i++)); do
    measure_run "$key" "$bytes" "$@" || return 1
    ((i == 0)) && runs=$(run_limit "$RUN_S" "$runs")
  done
  return 0
}

# Table rows: "label|key", printed by print_table.
table_header() {
  printf '%-46s %9s %9s %8s %12s %5s\n' "command" "median s" "best s" "MB/s" "peak RSS MB" "runs"
  printf '%-46s %9s %9s %8s %12s %5s\n' "-------" "--------" "------" "----" "-----------" "----"
}
table_row() {
  local label=$1 key=$2
  if [[ -z ${NRUNS[$key]:-} ]]; then
    printf '%-46s %9s\n' "$label" "skipped"
  elif [[ -z ${S_MED[$key]} ]]; then
    printf '%-46s %9s\n' "$label" "FAILED"
  else
    printf '%-46s %9.3f %9.3f %8s %12s %5s\n' "$label" "${S_MED[$key]}" "${S_BEST[$key]}" \
      "$(calc '%.0f' "${BYTES[$key]} / 1e6 / ${S_MED[$key]}")" "$(calc '%.1f' "${KB[$key]} * 1024 / 1e6")" "${NRUNS[$key]}"
  fi
}
rss_bytes() { if [[ -n ${KB[$1]:-} ]]; then echo $((KB[$1] * 1024)); fi; }

# ---------------------------------------------------------------- profiles

GEN_VERSION=$(cat Sources/ProfileGenerator/*.swift Sources/Pprof/WireWriter.swift | cksum | cut -d' ' -f1)
mkdir -p "$DATA"

# meta FILE KEY: a value from a profile's .meta file.
meta() { sed -n "s/^$2=//p" "$1.meta" | head -n 1; }

# profile NAME GENERATOR-ARGS... : makes $DATA/NAME.pb.gz unless it is there
# with the same arguments and generator; sets PROFILE to its path.
profile() {
  local name=$1
  shift
  PROFILE=$DATA/$name.pb.gz
  local key="generator=$GEN_VERSION gzip=1 args=$*"
  if [[ -f $PROFILE && -f $PROFILE.meta ]] && [[ $(head -n 1 "$PROFILE.meta") == "$key" ]]; then
    return 0
  fi
  rm -f "$PROFILE" "$PROFILE.meta"
  printf 'generating %s (%s) ...' "$PROFILE" "$*"
  local t0 t1
  t0=$(now)
  "$GENERATOR" "$@" -q --gzip-level 1 -o "$WORK/gen.pb.gz" --meta "$WORK/gen.meta"
  t1=$(now)
  mv "$WORK/gen.pb.gz" "$PROFILE"
  { echo "$key"; cat "$WORK/gen.meta"; } > "$PROFILE.meta"
  printf ' %s s\n' "$(calc '%.1f' "$t1 - $t0")"
}

# fleet SIDE [INSTANCES] : the side's first INSTANCES (default FLEET_INSTANCES) profiles; sets
# FLEET_FILES (array) and FLEET_META (their .meta file).
fleet() {
  local side=$1 instances=${2:-$FLEET_INSTANCES} i
  local name="fleet-$instances-$FLEET_TICKS-$FLEET_STACKS-seed$SEED-$side"
  local key="generator=$GEN_VERSION gzip=1 args=fleet --side $side --instances $instances --samples $FLEET_TICKS --stacks $FLEET_STACKS --seed $SEED"
  FLEET_FILES=() FLEET_META=$DATA/$name
  for ((i = 1; i <= instances; i++)); do FLEET_FILES+=("$DATA/$name-$(printf '%02d' "$i").pb.gz"); done
  local missing=0 f
  for f in "${FLEET_FILES[@]}"; do [[ -f $f ]] || missing=1; done
  if ((missing == 0)) && [[ -f $DATA/$name.meta ]] && [[ $(head -n 1 "$DATA/$name.meta") == "$key" ]]; then return 0; fi
  rm -f "$DATA/$name"-*.pb.gz "$DATA/$name.meta"
  printf 'generating %s-{01..%02d}.pb.gz ...' "$DATA/$name" "$instances"
  local t0 t1
  t0=$(now)
  "$GENERATOR" fleet --side "$side" --instances "$instances" --samples "$FLEET_TICKS" --stacks "$FLEET_STACKS" \
    --seed "$SEED" -q -o "$DATA/$name-{i}.pb.gz" --meta "$WORK/gen.meta"
  t1=$(now)
  { echo "$key"; cat "$WORK/gen.meta"; } > "$DATA/$name.meta"
  printf ' %s s\n' "$(calc '%.1f' "$t1 - $t0")"
}

wide_args() { echo "wide --samples $1 --stacks $(($1 / 5)) --seed $2"; }

echo "proflens bench, $(date -u '+%Y-%m-%d %H:%M UTC'): $(nproc 2> /dev/null || echo '?') cores" \
  "($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2> /dev/null | head -n 1 || true))," \
  "$(awk '/^MemTotal:/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo 2> /dev/null || true) memory," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg 2> /dev/null || echo '?')"
# Peak RSS includes the shared libraries the binary maps: ~6 MB more when the Swift runtime
# and Foundation are shared libraries rather than linked in.
if [[ $(ldd "$PROFLENS" 2> /dev/null) == *libswiftCore* ]]; then
  echo "proflens: $PROFLENS, the Swift runtime as shared libraries (make install links it in)"
else
  echo "proflens: $PROFLENS, the Swift runtime linked in (as make install builds it)"
fi
((HAVE_TIME)) || notice "GNU time is missing: peak RSS is polled from /proc (apt-get install time)"

((QUICK)) && notice "BENCH_QUICK=1: reduced sizes and 1 run each; the figures are a smoke test, not comparable with README"

# (BENCH_ONLY=live: no profiles, no pprof, none of the sections that read them.)
if [[ $ONLY != live ]]; then

section "profiles ($DATA/, cached by shape, size, seed and generator version)"
# shellcheck disable=SC2046
if [[ -z $ONLY ]]; then
  profile "current-$CURRENT_SAMPLES-seed$SEED" current --samples "$CURRENT_SAMPLES" --seed "$SEED"
  CURRENT_A=$PROFILE
  profile "current-$CURRENT_SAMPLES-seed$SEED_B" current --samples "$CURRENT_SAMPLES" --seed "$SEED_B"
  CURRENT_B=$PROFILE
  profile "wide-$WIDE_SAMPLES-seed$SEED" $(wide_args "$WIDE_SAMPLES" "$SEED")
  WIDE_A=$PROFILE
  profile "wide-$WIDE_SAMPLES-seed$SEED_B" $(wide_args "$WIDE_SAMPLES" "$SEED_B")
  WIDE_B=$PROFILE
  profile "wide-heap-$WIDE_SAMPLES-seed$SEED" wide-heap --samples "$WIDE_SAMPLES" --stacks $((WIDE_SAMPLES / 5)) --seed "$SEED"
  HEAP_A=$PROFILE
  profile "wide-heap-$WIDE_SAMPLES-seed$SEED_B" wide-heap --samples "$WIDE_SAMPLES" --stacks $((WIDE_SAMPLES / 5)) --seed "$SEED_B"
  HEAP_B=$PROFILE
  GROWTH_FILES=()
  for n in "${GROWTH[@]}"; do
    profile "wide-$n-seed$SEED" $(wide_args "$n" "$SEED")
    GROWTH_FILES+=("$PROFILE")
  done
  fleet b
  FLEET_B=("${FLEET_FILES[@]}")
  fleet_merged_args=(fleet --instances "$FLEET_INSTANCES" --samples "$FLEET_TICKS" --stacks "$FLEET_STACKS" --seed "$SEED" --merged)
  profile "fleet-$FLEET_INSTANCES-$FLEET_TICKS-$FLEET_STACKS-seed$SEED-merged-a" "${fleet_merged_args[@]}" --side a
  MERGED_A=$PROFILE
  profile "fleet-$FLEET_INSTANCES-$FLEET_TICKS-$FLEET_STACKS-seed$SEED-merged-b" "${fleet_merged_args[@]}" --side b
  MERGED_B=$PROFILE
fi
fleet a
FLEET_A=("${FLEET_FILES[@]}") FLEET_A_META=$FLEET_META
fleet a "$MERGE_INSTANCES"
MERGE_FILES=("${FLEET_FILES[@]}") MERGE_META=$FLEET_META

raw() { meta "$1" protobuf_bytes; }
echo
printf '%-44s %9s %8s %9s %10s %9s %7s %7s\n' "profile" "samples" "stacks" "locations" "functions" "frames" "MB" "MB gz"
printf '%-44s %9s %8s %9s %10s %9s %7s %7s\n' "-------" "-------" "------" "---------" "---------" "------" "--" "-----"
describe() {
  local f=$1
  printf '%-44s %9s %8s %9s %10s %9s %7s %7s\n' "${f#"$DATA"/}" "$(meta "$f" samples)" "$(meta "$f" stacks)" \
    "$(meta "$f" locations)" "$(meta "$f" functions)" "$(meta "$f" mean_depth_frames)" \
    "$(mb "$(raw "$f")")" "$(mb "$(stat -c %s "$f")")"
}
if [[ -z $ONLY ]]; then
  for f in "$CURRENT_A" "$CURRENT_B" "$WIDE_A" "$WIDE_B" "$HEAP_A" "$HEAP_B" "${GROWTH_FILES[@]}" "$MERGED_A" "$MERGED_B"; do
    describe "$f"
  done | awk '!seen[$0]++'
fi
# gz_bytes FILE... : their total size.
gz_bytes() {
  local f total=0
  for f in "$@"; do total=$((total + $(stat -c %s "$f"))); done
  echo "$total"
}
# describe_fleet LABEL META FILE... : one line of totals for a set of fleet profiles.
describe_fleet() {
  local label=$1 m=$2
  shift 2
  printf '%-44s %9s %8s %9s %10s %9s %7s %7s\n' "$label" "$(meta "$m" samples)" "$(meta "$m" stacks)" \
    "$(meta "$m" locations)" "$(meta "$m" functions)" "$(meta "$m" mean_depth_frames)" \
    "$(mb "$(meta "$m" protobuf_bytes)")" "$(mb "$(gz_bytes "$@")")"
}
describe_fleet "fleet a: $FLEET_INSTANCES profiles (totals; stacks: max)" "$FLEET_A_META" "${FLEET_A[@]}"
describe_fleet "merge: $MERGE_INSTANCES fleet profiles (totals)" "$MERGE_META" "${MERGE_FILES[@]}"
echo "(frames: mean stack depth, inlined frames included; MB = 10^6 bytes of protobuf, gzip -1)"

fi # (BENCH_ONLY=live)

# ---------------------------------------------------------------- go tool pprof

# Go, for pprof and for the live section's server.
GO=""
if [[ -x .venv-go/bin/go ]]; then GO=$PWD/.venv-go/bin/go; elif command -v go > /dev/null; then GO=$(command -v go); fi
PPROF=""
if [[ ${BENCH_PPROF:-1} != 0 && $ONLY != live ]]; then
  if [[ -n $GO ]]; then
    # The pprof binary itself (`go tool -n pprof`), so that its own peak RSS is measured.
    PPROF=$(cd "$WORK" && GOTOOLCHAIN=local GOTELEMETRY=off "$GO" tool -n pprof 2> /dev/null) || PPROF=""
    GO_VERSION=$(GOTOOLCHAIN=local GOTELEMETRY=off "$GO" version 2> /dev/null | awk '{ print $3 }') || true
    echo "go tool pprof: ${GO_VERSION:-go ?} ($GO)"
    [[ -n $PPROF && -x $PPROF ]] || { notice "$GO tool -n pprof failed; skipping go tool pprof"; PPROF=""; }
  else
    notice "Go is not installed (.venv-go/bin/go or go on PATH); skipping go tool pprof"
  fi
fi
# As in shared/corpus/regen-expected.sh: an empty HOME / PPROF_BINARY_PATH /
# PPROF_TMPDIR so pprof finds no binaries and writes nothing.
mkdir -p "$WORK/pprof-home"
PPROF_RUN=(env HOME="$WORK/pprof-home" PPROF_BINARY_PATH="$WORK/pprof-home" PPROF_TMPDIR="$WORK/pprof-home" TZ=UTC
  GOTELEMETRY=off "$PPROF")
PPROF_TOP=("${PPROF_RUN[@]}" -top)
# The table rows of a -top output (from the "flat  flat%" header on).
top_rows() { sed -n '/^ *flat  *flat%/,$p' "$1"; }

# ---------------------------------------------------------------- shapes

# shape NAME A B : the single- and two-profile commands on one shape.
shape() {
  local name=$1 a=$2 b=$3
  local ra rb
  ra=$(raw "$a") rb=$(raw "$b")
  section "$name: ${a#"$DATA"/} ($(mb "$ra") MB protobuf, $(mb "$(stat -c %s "$a")") MB gzip); B = ${b#"$DATA"/}"
  measure "$name.gzip" "$ra" "$RUNS" gzip -dc "$a" || true
  measure "$name.analyze" "$ra" "$RUNS" "$PROFLENS" analyze "$a" || true
  measure "$name.top" "$ra" "$RUNS" "$PROFLENS" top "$a" || true
  measure "$name.traces" "$ra" "$RUNS" "$PROFLENS" traces "$a" || true
  measure "$name.fold" "$ra" "$RUNS" "$PROFLENS" fold "$a" || true
  measure "$name.flame" "$ra" "$RUNS" "$PROFLENS" flame "$a" -o "$WORK/$name.svg" || true
  measure "$name.gzipB" "$rb" "$RUNS" gzip -dc "$b" || true
  measure "$name.compare" $((ra + rb)) "$RUNS" "$PROFLENS" compare "$a" "$b" || true
  measure "$name.compareSVG" $((ra + rb)) "$RUNS" "$PROFLENS" compare "$a" "$b" --svg "$WORK/$name-diff.svg" || true
  table_header
  table_row "gzip -dc A (the floor)" "$name.gzip"
  table_row "proflens analyze A" "$name.analyze"
  table_row "proflens top A" "$name.top"
  table_row "proflens traces A" "$name.traces"
  table_row "proflens fold A" "$name.fold"
  table_row "proflens flame A -o x.svg" "$name.flame"
  if [[ -n ${S_MED[$name.gzip]:-} && -n ${S_MED[$name.gzipB]:-} ]]; then
    printf '%-46s %9.3f %9s %8s %12s\n' "gzip -dc A + gzip -dc B (the floor)" \
      "$(calc '%.3f' "${S_MED[$name.gzip]} + ${S_MED[$name.gzipB]}")" "" \
      "$(calc '%.0f' "($ra + $rb) / 1e6 / (${S_MED[$name.gzip]} + ${S_MED[$name.gzipB]})")" ""
  fi
  table_row "proflens compare A B" "$name.compare"
  table_row "proflens compare A B --svg d.svg" "$name.compareSVG"
  if [[ -f $WORK/$name.svg ]]; then
    echo "flame graph: $(mb "$(stat -c %s "$WORK/$name.svg")") MB; differential flame graph: $(mb "$(stat -c %s "$WORK/$name-diff.svg" 2> /dev/null || echo 0)") MB"
  fi
  # (On the quick profiles, only the growth series' first one: pprof is slow.)
  if [[ -n $PPROF && $name == current ]] && ((!QUICK)); then
    pprof_row "$name" "$a"
  fi
}

# pprof_row NAME FILE : go tool pprof -top, once, and whether its rows agree with proflens top.
pprof_row() {
  local name=$1 f=$2
  RUN_STDOUT=$WORK/pprof.txt
  measure "$name.pprof" "$(raw "$f")" 1 "${PPROF_TOP[@]}" "$f" || true
  RUN_STDOUT=/dev/null
  table_row "go tool pprof -top ($GO_VERSION)" "$name.pprof"
  if [[ -n ${S_MED[$name.pprof]:-} ]]; then
    "$PROFLENS" top "$f" > "$WORK/proflens-top.txt" 2> /dev/null || true
    if cmp -s <(top_rows "$WORK/pprof.txt") <(top_rows "$WORK/proflens-top.txt"); then
      echo "proflens top and go tool pprof -top: the same $(top_rows "$WORK/pprof.txt" | wc -l | tr -d ' ') rows"
    else
      echo "proflens top and go tool pprof -top DISAGREE:"
      diff <(top_rows "$WORK/pprof.txt") <(top_rows "$WORK/proflens-top.txt") | head -n 10 || true
      FAILURES=$((FAILURES + 1))
    fi
    [[ -n ${S_MED[$name.analyze]:-} ]] && echo "go tool pprof -top / proflens analyze: $(calc '%.0f' "${S_MED[$name.pprof]} / ${S_MED[$name.analyze]}")x"
  fi
  return 0
}

# (BENCH_ONLY=merge or live: from here to the merge section, nothing runs.)
if [[ -z $ONLY ]]; then

shape current "$CURRENT_A" "$CURRENT_B"
shape wide "$WIDE_A" "$WIDE_B"
shape wide-heap "$HEAP_A" "$HEAP_B"

# ---------------------------------------------------------------- growth

section "growth: the wide shape at $(printf '%s ' "${GROWTH[@]}")samples (distinct stacks = samples / 5)"
# The sizes are run in turn, run after run (not each size's runs at once, nor the wide size's
# taken from its section above), so that a change in the machine's load over the bench
# weighs on every size alike rather than on the ratio between two.
declare -A GROWTH_RUNS
for ((run = 0; run < GROWTH_RUN_COUNT; run++)); do
  for f in "${GROWTH_FILES[@]}"; do
    key=growth.$(meta "$f" samples)
    for k in analyze fold gzip; do
      [[ -n ${FAILED[$key.$k]:-} ]] || ((run >= ${GROWTH_RUNS[$key.$k]:-GROWTH_RUN_COUNT})) && continue
      if [[ $k == gzip ]]; then
        measure_run "$key.$k" "$(raw "$f")" gzip -dc "$f" || continue
      else
        measure_run "$key.$k" "$(raw "$f")" "$PROFLENS" "$k" "$f" || continue
      fi
      ((run == 0)) && GROWTH_RUNS[$key.$k]=$(run_limit "$RUN_S" "$GROWTH_RUN_COUNT")
    done
  done
done
printf '%-9s %7s %8s %6s | %9s %6s %8s %6s | %9s %6s %8s %6s | %9s %6s\n' "samples" "stacks" "MB" "x" "analyze s" "x" "RSS MB" "x" "fold s" "x" "RSS MB" "x" "gzip -dc" "x"
printf '%-9s %7s %8s %6s | %9s %6s %8s %6s | %9s %6s %8s %6s | %9s %6s\n' "-------" "------" "--" "-" "---------" "-" "------" "-" "------" "-" "------" "-" "--------" "-"
step() { if [[ -n $1 && -n $2 ]]; then calc '%.2f' "$1 / $2"; else echo "-"; fi; }
prev=""
# Worst step ratios, for the targets.
declare -A GROWTH_WORST GROWTH_WORST_AT
for f in "${GROWTH_FILES[@]}"; do
  n=$(meta "$f" samples) key=growth.$(meta "$f" samples)
  cols=()
  for k in analyze fold; do
    s=${S_MED[$key.$k]:-} kb=${KB[$key.$k]:-}
    rs="-" rk="-"
    if [[ -n $prev ]]; then
      rs=$(step "$s" "${S_MED[$prev.$k]:-}") rk=$(step "$kb" "${KB[$prev.$k]:-}")
      for m in "time:$rs" "rss:$rk"; do
        metric=${m%%:*} r=${m#*:}
        [[ $r == - ]] && continue
        if [[ -z ${GROWTH_WORST[$k.$metric]:-} ]] || (($(calc '%d' "$r > ${GROWTH_WORST[$k.$metric]}"))); then
          GROWTH_WORST[$k.$metric]=$r GROWTH_WORST_AT[$k.$metric]="$(meta "$prev_file" samples)->$n"
        fi
      done
    fi
    cols+=("${s:--}" "$rs" "$([[ -n $kb ]] && calc '%.1f' "$kb * 1024 / 1e6" || echo -)" "$rk")
  done
  s=${S_MED[$key.gzip]:-}
  cols+=("${s:--}" "$([[ -n $prev ]] && step "$s" "${S_MED[$prev.gzip]:-}" || echo -)")
  bytes_step="-"
  [[ -n $prev ]] && bytes_step=$(step "$(raw "$f")" "$(raw "$prev_file")")
  printf '%-9s %7s %8s %6s | %9s %6s %8s %6s | %9s %6s %8s %6s | %9s %6s\n' "$n" "$(meta "$f" stacks)" "$(mb "$(raw "$f")")" "$bytes_step" "${cols[@]}"
  prev=$key prev_file=$f
done
echo "(x: ratio to the previous size; target <= 2.1x per doubling. MB is the protobuf: it grows a little"
echo " faster than the samples, as more location ids pass 16,383 and take three varint bytes; gzip -dc,"
echo " the floor, shows what the larger input costs before any decoding)"

if [[ -n $PPROF ]]; then
  echo
  echo "go tool pprof -top takes minutes on the wide profile: it runs on the ${GROWTH[0]}-sample one instead."
  f=${GROWTH_FILES[0]}
  key=growth.$(meta "$f" samples)
  table_header
  table_row "proflens analyze (${GROWTH[0]} samples)" "$key.analyze"
  pprof_row "$key" "$f"
fi

# ---------------------------------------------------------------- fleet

section "fleet: compare with $FLEET_INSTANCES profiles per side (each a 30 s CPU profile of one instance, $FLEET_TICKS ticks)"
fleet_args=()
for f in "${FLEET_A[@]}"; do fleet_args+=(--base "$f"); done
fleet_args+=("${FLEET_B[@]}")
fleet_bytes=$(($(meta "$DATA/fleet-$FLEET_INSTANCES-$FLEET_TICKS-$FLEET_STACKS-seed$SEED-a" protobuf_bytes) + $(meta "$DATA/fleet-$FLEET_INSTANCES-$FLEET_TICKS-$FLEET_STACKS-seed$SEED-b" protobuf_bytes)))
measure fleet.compare "$fleet_bytes" "$RUNS" "$PROFLENS" compare "${fleet_args[@]}" || true
measure fleet.merged "$(($(raw "$MERGED_A") + $(raw "$MERGED_B")))" "$RUNS" "$PROFLENS" compare "$MERGED_A" "$MERGED_B" || true
measure fleet.mergedAnalyze "$(raw "$MERGED_A")" "$RUNS" "$PROFLENS" analyze "$MERGED_A" || true
table_header
last=$(printf '%02d' "$FLEET_INSTANCES")
table_row "compare --base a01 .. --base a$last b01 .. b$last" fleet.compare
table_row "compare merged-a merged-b (each side merged)" fleet.merged
table_row "analyze merged-a (one merged profile)" fleet.mergedAnalyze
echo "(a merged side: $(mb "$(raw "$MERGED_A")") MB protobuf, $(meta "$MERGED_A" samples) samples, the same as merging its $FLEET_INSTANCES profiles with pprof)"
if [[ -n ${KB[fleet.compare]:-} && -n ${KB[fleet.mergedAnalyze]:-} ]]; then
  echo "fleet compare peak RSS: $(calc '%.2f' "${KB[fleet.compare]} / ${KB[fleet.mergedAnalyze]}")x one merged profile's (analyze)," \
    "$(calc '%.2f' "${KB[fleet.compare]} / ${KB[fleet.merged]:-${KB[fleet.compare]}}")x that of comparing the merged sides"
fi

# ---------------------------------------------------------------- the flame graph in a browser

section "the wide flame graph"
SVG=$WORK/wide.svg
SVG_BYTES=""
[[ -f $SVG ]] && SVG_BYTES=$(stat -c %s "$SVG")
if [[ -n $SVG_BYTES ]]; then
  echo "size: $(calc '%.2f' "$SVG_BYTES / 1e6") MB (target < 5 MB)"
else
  echo "no flame graph (proflens flame failed)"
fi
BROWSER_OPEN="" BROWSER_SEARCH="" BROWSER_ZOOM=""
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [[ ${BENCH_BROWSER:-1} == 0 ]]; then
  notice "BENCH_BROWSER=0: skipping the in-browser timings"
elif [[ -z $CHROMIUM ]]; then
  notice "Chromium is not installed (apt-get install -y chromium); skipping the in-browser timings"
elif [[ -n $SVG_BYTES ]]; then
  # Chromium runs headless on scripts/bench-flame.html, which loads the SVG
  # and prints its timings to the console (read from the log); then it is
  # stopped. No virtual time: it would freeze the page's clock.
  browser_runs=$((RUNS < 3 ? RUNS : 3))
  opens="" searches="" zooms="" last=""
  for ((i = 0; i < browser_runs; i++)); do
    log=$WORK/chromium.log
    : > "$log"
    setsid "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run --allow-file-access-from-files \
      --user-data-dir="$WORK/chromium-profile" --window-size=1280,1024 --enable-logging=stderr --v=0 \
      "file://$PWD/$HTML?svg=file://$SVG&s=." > /dev/null 2> "$log" &
    CHROME_GROUP=$!
    for ((t = 0; t < 1200; t++)); do   # up to 120 s
      grep -aq 'BENCH-FLAME' "$log" && break
      kill -0 "$CHROME_GROUP" 2> /dev/null || break
      sleep 0.1
    done
    kill -- "-$CHROME_GROUP" 2> /dev/null || true
    wait "$CHROME_GROUP" 2> /dev/null || true
    for ((t = 0; t < 100; t++)); do kill -0 -- "-$CHROME_GROUP" 2> /dev/null || break; sleep 0.1; done
    CHROME_GROUP=""
    last=$(grep -ao 'BENCH-FLAME [^"]*' "$log" | head -n 1 | sed 's/^BENCH-FLAME //') || true
    if [[ $last =~ open_ms=([0-9]+)\ search_ms=([0-9]+)\ zoom_ms=([0-9]+) ]]; then
      opens+="${BASH_REMATCH[1]}"$'\n' searches+="${BASH_REMATCH[2]}"$'\n' zooms+="${BASH_REMATCH[3]}"$'\n'
    else
      echo "Chromium gave no timings: ${last:-nothing (timed out?)}"
      break
    fi
  done
  if [[ -n $opens ]]; then
    BROWSER_OPEN=$(printf '%s' "$opens" | median) BROWSER_SEARCH=$(printf '%s' "$searches" | median)
    BROWSER_ZOOM=$(printf '%s' "$zooms" | median)
    echo "in headless Chromium ($("$CHROMIUM" --version 2> /dev/null | head -n 1 | tr -s ' ')), median of $(printf '%s' "$opens" | wc -l | tr -d ' ') run(s):"
    echo "  open (load, parse, init, first paint)  $BROWSER_OPEN ms"
    echo "  search \".\" over every frame            $BROWSER_SEARCH ms"
    echo "  zoom into a frame                       $BROWSER_ZOOM ms"
    echo "  (last run: $last)"
  fi
fi

fi # (BENCH_ONLY)

# ---------------------------------------------------------------- merge

# merge_set KEY LABEL MIN_GB META FILE... : proflens merge and go tool pprof -proto on the
# same FILEs (META: their .meta file), timed, with their outputs' sizes; then whether pprof
# reads the same profile in both outputs. pprof runs only when MemAvailable is at least
# MIN_GB GB (it holds up to 128 of the profiles it reads at once: 12.5-15 GB for the 200).
declare -A MERGE_OUT
merge_set() {
  local key=$1 label=$2 min_gb=$3 m=$4
  shift 4
  local files=("$@") bytes ours theirs avail_kb
  bytes=$(meta "$m" protobuf_bytes)
  ours=$WORK/$key-proflens.pb.gz theirs=$WORK/$key-pprof.pb.gz
  section "merge: $label (${#files[@]} files, $(mb "$bytes") MB protobuf, $(mb "$(gz_bytes "${files[@]}")") MB gzip)"
  measure "$key.gzip" "$bytes" "$RUNS" gzip -dc "${files[@]}" || true
  measure "$key.proflens" "$bytes" "$RUNS" "$PROFLENS" merge "${files[@]}" -o "$ours" || true
  if [[ -n $PPROF ]]; then
    avail_kb=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo 2> /dev/null || echo 0)
    if ((avail_kb < min_gb * 1048576)); then
      notice "$(calc '%.1f' "$avail_kb / 1048576") GB available, pprof needs about $min_gb GB here: skipping go tool pprof"
    else
      RUN_STDOUT=$theirs
      measure "$key.pprof" "$bytes" "$RUNS" "${PPROF_RUN[@]}" -proto "${files[@]}" || true
      RUN_STDOUT=/dev/null
    fi
  fi
  table_header
  table_row "gzip -dc FILE... (the floor)" "$key.gzip"
  table_row "proflens merge FILE... -o out.pb.gz" "$key.proflens"
  table_row "go tool pprof -proto FILE... > out.pb.gz" "$key.pprof"
  [[ -n ${S_MED[$key.proflens]:-} ]] || return 0
  MERGE_OUT[$key.proflens]=$(stat -c %s "$ours")
  MERGE_OUT[$key.proflensRaw]=$(gzip -dc "$ours" | wc -c)
  [[ -n ${S_MED[$key.pprof]:-} ]] || return 0
  MERGE_OUT[$key.pprof]=$(stat -c %s "$theirs")
  MERGE_OUT[$key.pprofRaw]=$(gzip -dc "$theirs" | wc -c)

  # What pprof reads: the protobufs byte for byte (for information: pprof's encoder is not
  # proflens's aim), pprof's own writing of proflens's output against pprof's output, and
  # (where they are not too slow) -top and -traces of both.
  local at
  at=$(cmp <(gzip -dc "$ours") <(gzip -dc "$theirs") 2>&1 | sed -n 's/.* differ: byte \([0-9]*\).*/\1/p; s/.*EOF on .* after byte \([0-9]*\).*/\1/p' | head -n 1) || true
  if [[ -z $at ]]; then
    echo "protobuf (gunzipped): the same ${MERGE_OUT[$key.proflensRaw]} bytes as pprof's"
  else
    echo "protobuf (gunzipped): differs from pprof's from byte $at on (${MERGE_OUT[$key.proflensRaw]} bytes, pprof ${MERGE_OUT[$key.pprofRaw]})"
  fi
  pprof_same "$key" "go tool pprof -proto of proflens's output, and pprof's output" "$WORK/$key-rewritten.pb.gz" "$theirs" \
    "${PPROF_RUN[@]}" -proto "$ours"
  if ((MERGE_OUT[$key.pprofRaw] <= 100 * 1000 * 1000)); then
    local mode
    for mode in top traces; do
      "${PPROF_RUN[@]}" "-$mode" "$theirs" > "$WORK/$key-pprof.$mode" 2> "$WORK/stderr" || { cat "$WORK/stderr" >&2; FAILURES=$((FAILURES + 1)); continue; }
      pprof_same "$key" "go tool pprof -$mode of proflens's output and of pprof's" "$WORK/$key-proflens.$mode" "$WORK/$key-pprof.$mode" \
        "${PPROF_RUN[@]}" "-$mode" "$ours"
      rm -f "$WORK/$key-pprof.$mode"
    done
  else
    echo "(go tool pprof -top and -traces of the outputs: not run, pprof takes minutes and GBs on a $(mb "${MERGE_OUT[$key.pprofRaw]}") MB profile)"
  fi
}

# pprof_same KEY WHAT OUT EXPECTED CMD... : runs CMD into OUT and says whether OUT is
# EXPECTED byte for byte (a difference is a failure); OUT is removed after.
pprof_same() {
  local key=$1 what=$2 out=$3 expected=$4 t0 t1
  shift 4
  t0=$(now)
  if ! "$@" > "$out" 2> "$WORK/stderr"; then
    echo "FAILED: $*" >&2
    head -n 20 "$WORK/stderr" >&2
    FAILURES=$((FAILURES + 1))
  elif cmp -s "$out" "$expected"; then
    t1=$(now)
    echo "$what: the same ($(mb "$(stat -c %s "$out")") MB; pprof took $(calc '%.0f' "$t1 - $t0") s)"
  else
    echo "$what DIFFER:"
    diff "$out" "$expected" | head -n 10 || true
    FAILURES=$((FAILURES + 1))
  fi
  rm -f "$out"
}

# (BENCH_ONLY=live: no merge.)
if [[ $ONLY != live ]]; then
merge_set merge.big "$MERGE_INSTANCES fleet profiles" $((QUICK ? 2 : 18)) "$MERGE_META" "${MERGE_FILES[@]}"
merge_set merge.fleet "the fleet's side a" $((QUICK ? 2 : 4)) "$FLEET_A_META" "${FLEET_A[@]}"

section "merge: side by side"
printf '%-28s %9s %9s %7s | %9s %9s %7s | %9s %9s %7s\n' "merge of" "proflens s" "pprof s" "x" \
  "proflens MB" "pprof MB" "x" "out MB" "pprof's" "x"
printf '%-28s %9s %9s %7s | %9s %9s %7s | %9s %9s %7s\n' "--------" "----------" "-------" "-" \
  "-----------" "--------" "-" "------" "-------" "-"
for key in merge.big merge.fleet; do
  n=$([[ $key == merge.big ]] && echo "$MERGE_INSTANCES" || echo "$FLEET_INSTANCES")
  ps=${S_MED[$key.proflens]:-} gs=${S_MED[$key.pprof]:-}
  pk=${KB[$key.proflens]:-} gk=${KB[$key.pprof]:-}
  po=${MERGE_OUT[$key.proflens]:-} gout=${MERGE_OUT[$key.pprof]:-}
  printf '%-28s %9s %9s %7s | %9s %9s %7s | %9s %9s %7s\n' "$n fleet profiles" "${ps:--}" "${gs:--}" \
    "$([[ -n $ps && -n $gs ]] && calc '%.1fx' "$gs / $ps" || echo -)" \
    "$([[ -n $pk ]] && calc '%.0f' "$pk * 1024 / 1e6" || echo -)" "$([[ -n $gk ]] && calc '%.0f' "$gk * 1024 / 1e6" || echo -)" \
    "$([[ -n $pk && -n $gk ]] && calc '%.3fx' "$pk / $gk" || echo -)" \
    "$([[ -n $po ]] && mb "$po" || echo -)" "$([[ -n $gout ]] && mb "$gout" || echo -)" \
    "$([[ -n $po && -n $gout ]] && calc '%.3fx' "$po / $gout" || echo -)"
done
echo "(s: median wall; MB: peak RSS, then the gzip output's size; x: pprof's time / proflens's, proflens's"
echo " memory / pprof's, proflens's output / pprof's: both are gzip level 6, proflens's zlib and Go's compress/flate)"
fi # (BENCH_ONLY=live)

# ---------------------------------------------------------------- live profiles

# live_run KEY STATUS CMD... : one run of CMD measured by GNU time (standard input /dev/null,
# standard output discarded, standard error to $WORK/stderr, PPROF_TMPDIR an emptied folder;
# killed after LIVE_KILL_SECONDS), added to KEY's results: wall and CPU (user + sys) of each
# run, the highest peak RSS, context switches (voluntary, involuntary) of each run, the exit
# statuses seen and the last `proflens:` line. An exit status other than STATUS is a failure.
declare -A LIVE_WALLS LIVE_CPUS LIVE_KB LIVE_VCS LIVE_ICS LIVE_STATUS LIVE_N LIVE_MSG
LIVE_SERVER_PID="" LIVE_SERVER_IN="" LIVE_KILL_SECONDS=300
live_run() {
  local key=$1 expected=$2 t0 t1 status=0 user="" sys="" kb="" vcs="" ics="" message
  shift 2
  rm -rf "$WORK/live-saved"
  mkdir -p "$WORK/live-saved"
  t0=$(now)
  # (timeout kills GNU time and proflens together: it signals its own process group.)
  PPROF_TMPDIR=$WORK/live-saved timeout -k 10 "$LIVE_KILL_SECONDS" /usr/bin/time -f '%U %S %M %w %c' -o "$WORK/live-rusage" \
    "$@" < /dev/null > /dev/null 2> "$WORK/stderr" {LIVE_SERVER_IN}>&- || status=$?
  t1=$(now)
  read -r user sys kb vcs ics < <(tail -n 1 "$WORK/live-rusage" 2> /dev/null) || true
  LIVE_WALLS[$key]+="$(calc '%.3f' "$t1 - $t0")"$'\n'
  [[ $user =~ ^[0-9.]+$ && $sys =~ ^[0-9.]+$ ]] && LIVE_CPUS[$key]+="$(calc '%.2f' "$user + $sys")"$'\n'
  [[ $kb =~ ^[0-9]+$ ]] && ((kb > ${LIVE_KB[$key]:-0})) && LIVE_KB[$key]=$kb
  [[ $vcs =~ ^[0-9]+$ ]] && LIVE_VCS[$key]+="$vcs"$'\n'
  [[ $ics =~ ^[0-9]+$ ]] && LIVE_ICS[$key]+="$ics"$'\n'
  [[ " ${LIVE_STATUS[$key]:-} " == *" $status "* ]] || LIVE_STATUS[$key]+="${LIVE_STATUS[$key]:+ }$status"
  LIVE_N[$key]=$((${LIVE_N[$key]:-0} + 1))
  message=$(grep '^proflens:' "$WORK/stderr" | grep -v 'Saved profile in' | tail -n 1) || true
  LIVE_MSG[$key]=${message#proflens: }
  if ((status != expected)); then
    echo "FAILED (exit $status, not $expected): $*" >&2
    head -n 20 "$WORK/stderr" >&2
    FAILURES=$((FAILURES + 1))
  fi
  return 0
}
# live_measure KEY STATUS CMD... : RUNS runs of CMD (live_run).
live_measure() {
  local i
  for ((i = 0; i < RUNS; i++)); do live_run "$@"; done
}
maximum() { sort -g | tail -n 1; }
# live_figure KEY FIELD median|worst : a figure of KEY's runs (FIELD: wall, cpu, vcs, ics).
live_figure() {
  local list
  case $2 in
    wall) list=${LIVE_WALLS[$1]:-} ;;
    cpu) list=${LIVE_CPUS[$1]:-} ;;
    vcs) list=${LIVE_VCS[$1]:-} ;;
    ics) list=${LIVE_ICS[$1]:-} ;;
  esac
  [[ -n $list ]] || return 0
  if [[ $3 == median ]]; then printf '%s' "$list" | median; else printf '%s' "$list" | maximum; fi
}
live_header() {
  printf '%-52s %6s %8s %8s %8s %8s %8s %11s %4s\n' "command" "exit" "wall s" "worst s" "CPU s" "worst s" "RSS MB" "ctx sw v/i" "runs"
  printf '%-52s %6s %8s %8s %8s %8s %8s %11s %4s\n' "-------" "----" "------" "-------" "-----" "-------" "------" "----------" "----"
}
live_row() {
  local label=$1 key=$2 kb=${LIVE_KB[$2]:-}
  if [[ -z ${LIVE_N[$key]:-} ]]; then
    printf '%-52s %6s\n' "$label" "skipped"
    return 0
  fi
  printf '%-52s %6s %8s %8s %8s %8s %8s %11s %4s\n' "$label" "${LIVE_STATUS[$key]}" \
    "$(live_figure "$key" wall median)" "$(live_figure "$key" wall worst)" \
    "$(live_figure "$key" cpu median)" "$(live_figure "$key" cpu worst)" \
    "$([[ -n $kb ]] && calc '%.1f' "$kb * 1024 / 1e6" || echo -)" \
    "$(live_figure "$key" vcs median)/$(live_figure "$key" ics median)" "${LIVE_N[$key]}"
}

LIVE_URL=""
if [[ $ONLY == "" || $ONLY == live ]]; then
  section "live profiles from a Go server (Tests/ProfileFetchTests/Fixtures/pprofserver)"
  if [[ -z $GO ]]; then
    notice "Go is not installed (.venv-go/bin/go or go on PATH); skipping the live profiles"
  elif ((!HAVE_TIME)); then
    notice "GNU time is missing (apt-get install time); skipping the live profiles"
  elif ! command -v timeout > /dev/null; then
    notice "timeout (coreutils) is missing; skipping the live profiles"
  else
    live_go=(env GOTOOLCHAIN=local GOTELEMETRY=off)
    [[ -n ${HOME:-} ]] || live_go+=(GOCACHE="$WORK/gocache" GOPATH="$WORK/gopath")
    live_go+=("$GO")
    LIVE_GO_VERSION=$("${live_go[@]}" version 2> /dev/null | awk '{ print $3 }') || true
    if ! (cd Tests/ProfileFetchTests/Fixtures/pprofserver && "${live_go[@]}" build -o "$WORK/pprofserver" .) > "$WORK/stderr" 2>&1; then
      echo "FAILED: go build of the pprof server ($GO)" >&2
      head -n 20 "$WORK/stderr" >&2
      FAILURES=$((FAILURES + 1))
    else
      # The server prints its port, then serves until its standard input (a FIFO this script
      # holds open) closes.
      mkfifo "$WORK/live-server.in"
      "$WORK/pprofserver" -lifetime 3600s < "$WORK/live-server.in" > "$WORK/live-server.out" 2> "$WORK/live-server.err" &
      LIVE_SERVER_PID=$!
      exec {LIVE_SERVER_IN}> "$WORK/live-server.in"
      for ((t = 0; t < 300; t++)); do   # up to 30 s
        port=$(head -n 1 "$WORK/live-server.out")
        [[ $port =~ ^[0-9]+$ ]] && { LIVE_URL=http://127.0.0.1:$port; break; }
        kill -0 "$LIVE_SERVER_PID" 2> /dev/null || break
        sleep 0.1
      done
      if [[ -z $LIVE_URL ]]; then
        echo "FAILED: the pprof server did not print its port" >&2
        head -n 20 "$WORK/live-server.err" >&2
        FAILURES=$((FAILURES + 1))
      fi
    fi
  fi
fi
if [[ -n $LIVE_URL ]]; then
  echo "server: $LIVE_URL, built with ${LIVE_GO_VERSION:-go ?} ($GO); proflens measured by GNU time, $RUNS run(s) each"
  live_measure live.cpu5 0 "$PROFLENS" top --seconds 5 "$LIVE_URL/debug/pprof/profile"
  live_measure live.cpu3 0 "$PROFLENS" analyze --seconds 3 "$LIVE_URL/debug/pprof/profile"
  live_measure live.sleepy3 0 "$PROFLENS" analyze --seconds 3 "$LIVE_URL/sleepy"
  live_measure live.both 0 "$PROFLENS" analyze --seconds 3 "$LIVE_URL/debug/pprof/profile" "$LIVE_URL/sleepy"
  live_measure live.cap 65 "$PROFLENS" top --max-inflated-size 100M "$LIVE_URL/endless"
  live_measure live.stall 66 "$PROFLENS" top --timeout 4 "$LIVE_URL/stall"
  live_measure live.drip 66 "$PROFLENS" top --timeout 4 "$LIVE_URL/drip?every=200ms"
  live_measure live.endless 66 "$PROFLENS" top --timeout 4 "$LIVE_URL/endless"
  exec {LIVE_SERVER_IN}>&-
  LIVE_SERVER_IN=""
  for ((t = 0; t < 50; t++)); do kill -0 "$LIVE_SERVER_PID" 2> /dev/null || break; sleep 0.1; done
  kill "$LIVE_SERVER_PID" 2> /dev/null || true
  wait "$LIVE_SERVER_PID" 2> /dev/null || true
  LIVE_SERVER_PID=""

  live_header
  live_row "top --seconds 5 URL (Go's CPU profile)" live.cpu5
  live_row "analyze --seconds 3 URL (Go's CPU profile)" live.cpu3
  live_row "analyze --seconds 3 URL/sleepy (comes after 3 s)" live.sleepy3
  live_row "analyze --seconds 3 URL URL/sleepy (one command)" live.both
  live_row "top --max-inflated-size 100M URL/endless" live.cap
  live_row "top --timeout 4 URL/stall" live.stall
  live_row "top --timeout 4 URL/drip?every=200ms" live.drip
  live_row "top --timeout 4 URL/endless" live.endless
  echo "(wall s, CPU s: median of the runs, worst: the highest; CPU = user + sys; RSS: the highest peak;"
  echo " ctx sw: median voluntary / involuntary context switches; exit: the statuses seen)"
  a=$(live_figure live.cpu3 wall median) b=$(live_figure live.sleepy3 wall median) both=$(live_figure live.both wall median)
  if [[ -n $a && -n $b && -n $both ]]; then
    echo "two URLs in one command: $both s (worst $(live_figure live.both wall worst) s); one after the other:" \
      "$(calc '%.3f' "$a + $b") s ($a + $b); the longer alone: $(calc '%.3f' "$a > $b ? $a : $b") s"
  fi
  echo "what proflens said (the last run of each failure):"
  for key in live.cap live.stall live.drip live.endless; do
    if [[ -n ${LIVE_MSG[$key]:-} ]]; then echo "proflens: ${LIVE_MSG[$key]}"; fi
  done
fi

# ---------------------------------------------------------------- targets

section "targets"
MISSES=0
printf '%-52s %-24s %-14s %s\n' "target" "measured" "target" "verdict"
printf '%-52s %-24s %-14s %s\n' "------" "--------" "------" "-------"
# target LABEL SHOWN VALUE OP LIMIT LIMIT-SHOWN: VALUE compared with LIMIT by
# OP (<= or <); SHOWN is how the measurement is printed ("" VALUE: not measured).
target() {
  local label=$1 shown=$2 value=$3 op=$4 limit=$5 limit_shown=$6 verdict miss
  if [[ -z $value ]]; then
    verdict=SKIP
    [[ -n $shown ]] || shown="n/a"
  elif (($(calc '%d' "$value $op $limit"))); then
    verdict="PASS ($(calc '%.0f' "(1 - $value / $limit) * 100")% under)"
  else
    miss=$(calc '%.4f' "($value / $limit - 1) * 100")
    if (($(calc '%d' "$miss < 10"))); then miss=$(calc '%.1f' "$miss"); else miss=$(calc '%.0f' "$miss"); fi
    verdict="MISS by $miss%"
    MISSES=$((MISSES + 1))
  fi
  printf '%-52s %-24s %-14s %s\n' "$label" "$shown" "$op $limit_shown" "$verdict"
}
ratio() { if [[ -n ${1:-} && -n ${2:-} ]]; then calc '%.4f' "$1 / $2"; fi; }
x() { if [[ -n ${1:-} ]]; then calc '%.2fx' "$1"; fi; }
ratio_target() { # LABEL VALUE LIMIT
  target "$1" "$(x "$2")" "$2" "<=" "$3" "${3}x"
}

if [[ -z $ONLY ]]; then # (BENCH_ONLY=merge or live: that section's targets only)
for name in wide wide-heap; do
  gz=${S_MED[$name.gzip]:-} gzb=${S_MED[$name.gzipB]:-} proto=$(raw "$([[ $name == wide ]] && echo "$WIDE_A" || echo "$HEAP_A")")
  floor2=""
  [[ -n $gz && -n $gzb ]] && floor2=$(calc '%.4f' "$gz + $gzb")
  ratio_target "$name: analyze / gzip -dc" "$(ratio "${S_MED[$name.analyze]:-}" "$gz")" 1.5
  ratio_target "$name: analyze peak RSS / protobuf size" "$(ratio "$(rss_bytes "$name.analyze")" "$proto")" 1.5
  ratio_target "$name: fold / gzip -dc" "$(ratio "${S_MED[$name.fold]:-}" "$gz")" 2
  ratio_target "$name: flame / gzip -dc" "$(ratio "${S_MED[$name.flame]:-}" "$gz")" 2
  ratio_target "$name: compare A B / (gzip -dc A + gzip -dc B)" "$(ratio "${S_MED[$name.compare]:-}" "$floor2")" 2
  ratio_target "$name: compare A B peak RSS / one protobuf" "$(ratio "$(rss_bytes "$name.compare")" "$proto")" 2
  ratio_target "$name: compare --svg / compare" "$(ratio "${S_MED[$name.compareSVG]:-}" "${S_MED[$name.compare]:-}")" 1.3
done

if ((QUICK)); then
  target "current: analyze wall (README)" "quick: not comparable" "" "<=" "$README_ANALYZE_S" "$README_ANALYZE_S s"
  target "current: analyze peak RSS (README)" "quick: not comparable" "" "<=" "$README_ANALYZE_MB" "$README_ANALYZE_MB MB"
  target "current: flame wall (README)" "quick: not comparable" "" "<=" "$README_FLAME_S" "$README_FLAME_S s"
else
  v=${S_MED[current.analyze]:-}
  target "current: analyze wall (README)" "${v:+$v s}" "$v" "<=" "$README_ANALYZE_S" "$README_ANALYZE_S s"
  v=""
  [[ -n ${KB[current.analyze]:-} ]] && v=$(calc '%.1f' "${KB[current.analyze]} * 1024 / 1e6")
  target "current: analyze peak RSS (README)" "${v:+$v MB}" "$v" "<=" "$README_ANALYZE_MB" "$README_ANALYZE_MB MB"
  v=${S_MED[current.flame]:-}
  target "current: flame wall (README)" "${v:+$v s}" "$v" "<=" "$README_FLAME_S" "$README_FLAME_S s"
fi

for k in analyze fold; do
  for metric in time rss; do
    r=${GROWTH_WORST[$k.$metric]:-}
    target "growth: $k $([[ $metric == time ]] && echo time || echo "peak RSS") per doubling (worst step)" \
      "${r:+${r}x (${GROWTH_WORST_AT[$k.$metric]})}" "$r" "<=" 2.1 "2.1x"
  done
done

v=""
[[ -n $SVG_BYTES ]] && v=$(calc '%.2f' "$SVG_BYTES / 1e6")
target "wide flame graph SVG size" "${v:+$v MB}" "$v" "<" 5 "5 MB"
target "browser: open the wide flame graph" "${BROWSER_OPEN:+$BROWSER_OPEN ms}" "$BROWSER_OPEN" "<" 1000 "1000 ms"
target "browser: search every frame" "${BROWSER_SEARCH:+$BROWSER_SEARCH ms}" "$BROWSER_SEARCH" "<" 1000 "1000 ms"
target "browser: zoom" "${BROWSER_ZOOM:+$BROWSER_ZOOM ms}" "$BROWSER_ZOOM" "<" 1000 "1000 ms"
fi # (BENCH_ONLY)

if [[ $ONLY != live ]]; then
ratio_target "merge of $MERGE_INSTANCES: wall / go tool pprof -proto's" \
  "$(ratio "${S_MED[merge.big.proflens]:-}" "${S_MED[merge.big.pprof]:-}")" 0.1
ratio_target "merge of $MERGE_INSTANCES: peak RSS / go tool pprof -proto's" \
  "$(ratio "${KB[merge.big.proflens]:-}" "${KB[merge.big.pprof]:-}")" 0.5
fi # (BENCH_ONLY=live)

if [[ $ONLY == "" || $ONLY == live ]]; then
  # Bounds: the worst of the runs counts.
  v=$(live_figure live.cpu5 cpu worst)
  target "live: CPU waiting for a 5 s CPU profile (worst run)" "${v:+$v s}" "$v" "<=" 0.5 "0.5 s"
  a=$(live_figure live.cpu3 wall median) b=$(live_figure live.sleepy3 wall median) v=$(live_figure live.both wall worst) limit=""
  if [[ -n $a && -n $b ]]; then limit=$(calc '%.2f' "($a > $b ? $a : $b) + 1"); else v=""; fi
  target "live: two 3 s URLs in one command: wall (worst)" "${v:+$v s}" "$v" "<=" "${limit:-0}" "${limit:-?} s"
  v=""
  [[ -n ${LIVE_KB[live.cap]:-} ]] && v=$(calc '%.1f' "${LIVE_KB[live.cap]} * 1024 / 1e6")
  target "live: endless body, 100M cap: peak RSS" "${v:+$v MB}" "$v" "<=" 300 "300 MB"
  for key in stall drip endless; do
    v=$(live_figure "live.$key" wall worst)
    target "live: --timeout 4, $([[ $key == stall ]] && echo stalling || { [[ $key == drip ]] && echo dripping || echo endless; }) server: wall (worst)" \
      "${v:+$v s}" "$v" "<=" 4.5 "4.5 s"
  done
fi

echo
echo "$MISSES target(s) missed; $FAILURES command(s) failed; bench took $((SECONDS - BENCH_START)) s" \
  "($(nproc 2> /dev/null || echo '?') cores, load average $(cut -d' ' -f1-3 /proc/loadavg 2> /dev/null || echo '?'))"

((FAILURES > 0)) && { echo "bench.sh: some commands failed (see above)" >&2; exit 1; }
[[ ${BENCH_STRICT:-0} == 1 ]] && ((MISSES > 0)) && exit 1
exit 0
