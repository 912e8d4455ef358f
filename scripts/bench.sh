#!/usr/bin/env bash
# Benchmark proflens on a large synthetic Go CPU profile, side by side with
# the floor (gzip -dc: just decompressing the input) and `go tool pprof -top`.
#
# Run from the repository root, after `swift build -c release` (`make bench`
# does both).
#
# The profile is written once by ProfileGenerator into bench-data/ and reused
# while the sample count, seed and generator sources stay the same. It is
# gzipped with `gzip -1`: that is what Go's runtime/pprof uses
# (gzip.BestSpeed), and it keeps generation fast (~2 s for the default).
#
# Environment:
#   BENCH_SAMPLES   samples in the profile (default 1500000)
#   BENCH_SEED      generator seed (default 1)
#   BENCH_RUNS      runs of each fast command, the best one counts (default 3)
#   BENCH_STRICT=1  exit with status 1 when a target is missed
set -euo pipefail
export LC_ALL=C

SAMPLES=${BENCH_SAMPLES:-1500000}
SEED=${BENCH_SEED:-1}
RUNS=${BENCH_RUNS:-3}
GZIP_LEVEL=1
DATA=bench-data
PROFLENS=.build/release/proflens
GENERATOR=.build/release/ProfileGenerator

[[ -f Package.swift ]] || { echo "bench.sh: run from the repository root" >&2; exit 2; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# ---------------------------------------------------------------- helpers

now() { if [[ -n ${EPOCHREALTIME:-} ]]; then echo "$EPOCHREALTIME"; else date +%s.%N; fi; }
calc() { awk "BEGIN { printf \"$1\", ($2) }"; }   # calc FORMAT EXPRESSION

# Peak RSS comes from GNU time (Debian package `time`); install it when we can.
if [[ ! -x /usr/bin/time ]] && [[ $(id -u) -eq 0 ]] && command -v apt-get > /dev/null; then
  echo "installing GNU time (apt-get install time) ..." >&2
  { apt-get install -y -qq time || { apt-get update -qq && apt-get install -y -qq time; }; } > /dev/null 2>&1 || true
fi
if /usr/bin/time -f '%M' -o /dev/null true 2> /dev/null; then HAVE_TIME=1; else HAVE_TIME=0; fi

# run_once CMD... : runs CMD (stdout to /dev/null, stderr to $WORK/stderr);
# sets RUN_S (wall seconds) and RUN_KB (peak RSS, KiB). Returns CMD's status.
run_once() {
  local t0 t1 status=0
  t0=$(now)
  if ((HAVE_TIME)); then
    /usr/bin/time -f '%M' -o "$WORK/rss" "$@" > /dev/null 2> "$WORK/stderr" || status=$?
    t1=$(now)
    RUN_KB=$(tail -n 1 "$WORK/rss")
  else
    # Fallback: poll the high-water mark of the process (Linux /proc).
    "$@" > /dev/null 2> "$WORK/stderr" &
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

# measure KEY RUNS CMD... : best wall time and highest peak RSS over RUNS runs,
# stored as S_KEY and KB_KEY ("" when the command failed; its stderr is shown).
measure() {
  local key=$1 runs=$2 best="" peak=0 i
  shift 2
  for ((i = 0; i < runs; i++)); do
    if ! run_once "$@"; then
      echo "FAILED: $*" >&2
      head -n 20 "$WORK/stderr" >&2
      printf -v "S_$key" '%s' ""
      printf -v "KB_$key" '%s' ""
      return 1
    fi
    if [[ -z $best ]] || (($(calc '%d' "$RUN_S < $best"))); then best=$RUN_S; fi
    ((RUN_KB > peak)) && peak=$RUN_KB
  done
  printf -v "S_$key" '%s' "$best"
  printf -v "KB_$key" '%s' "$peak"
}

# ---------------------------------------------------------------- the profile

PROFILE=$DATA/profile-$SAMPLES-seed$SEED.pb.gz
META=$PROFILE.meta
generator_version=$(cat Sources/ProfileGenerator/*.swift | cksum | cut -d' ' -f1)
want_meta="samples=$SAMPLES seed=$SEED gzip=$GZIP_LEVEL generator=$generator_version"

if [[ -f $PROFILE && -f $META ]] && [[ $(head -n 1 "$META") == "$want_meta" ]]; then
  echo "reusing $PROFILE"
else
  # Usually already built by `make bench`; this makes sure it matches the sources.
  swift build -c release --product ProfileGenerator > "$WORK/build.log" 2>&1 ||
    { cat "$WORK/build.log" >&2; exit 1; }
  mkdir -p "$DATA"
  rm -f "$PROFILE" "$META"
  echo "generating $PROFILE ($SAMPLES samples, seed $SEED) ..."
  t0=$(now)
  "$GENERATOR" --samples "$SAMPLES" --seed "$SEED" --raw -q -o "$WORK/profile.pb"
  t1=$(now)
  raw_bytes=$(wc -c < "$WORK/profile.pb" | tr -d ' ')
  gzip -"$GZIP_LEVEL" -n -c "$WORK/profile.pb" > "$WORK/profile.pb.gz"
  t2=$(now)
  rm -f "$WORK/profile.pb"
  mv "$WORK/profile.pb.gz" "$PROFILE"
  printf '%s\nuncompressed_bytes=%s\n' "$want_meta" "$raw_bytes" > "$META"
  echo "  generator $(calc '%.2f' "$t1 - $t0") s, gzip -$GZIP_LEVEL $(calc '%.2f' "$t2 - $t1") s"
fi

RAW_BYTES=$(sed -n 's/^uncompressed_bytes=//p' "$META")
GZ_BYTES=$(wc -c < "$PROFILE" | tr -d ' ')
RAW_MB=$(calc '%.1f' "$RAW_BYTES / 1e6")
echo "input: $PROFILE: $SAMPLES samples, $RAW_MB MB protobuf, $(calc '%.1f' "$GZ_BYTES / 1e6") MB gzipped (MB = 10^6 bytes)"
echo

# ---------------------------------------------------------------- measurements

# measure sets S_<key> (best wall seconds) and KB_<key> (peak RSS, KiB).
S_gzip="" S_analyze="" S_flame="" S_pprof=""
KB_analyze=""
ROWS=()   # "label|key|runs"

measure gzip "$RUNS" gzip -dc "$PROFILE" || exit 1
ROWS+=("gzip -dc (floor)|gzip|$RUNS")

HAVE_PROFLENS=0
HAVE_FLAME=0
ANALYZE_FAILED=0
if [[ -x $PROFLENS ]]; then
  HAVE_PROFLENS=1
  measure analyze "$RUNS" "$PROFLENS" analyze "$PROFILE" || ANALYZE_FAILED=1
  ROWS+=("proflens analyze|analyze|$RUNS")
  # `proflens X --help` exits 0 even for an unknown X (it prints the top-level
  # help), so look for X's own usage line.
  has_subcommand() { "$PROFLENS" "$1" --help 2>&1 | grep -q "^USAGE: proflens $1"; }
  if has_subcommand flame; then
    HAVE_FLAME=1
    measure flame "$RUNS" "$PROFLENS" flame "$PROFILE" -o /dev/null || ANALYZE_FAILED=1
    ROWS+=("proflens flame -o /dev/null|flame|$RUNS")
  fi
  if has_subcommand fold; then
    measure fold "$RUNS" "$PROFLENS" fold "$PROFILE" || ANALYZE_FAILED=1
    ROWS+=("proflens fold|fold|$RUNS")
  fi
else
  echo "note: $PROFLENS does not exist yet (run swift build -c release); timing gzip and pprof only"
  echo
fi

if command -v go > /dev/null; then
  # As in shared/corpus/regen-expected.sh: an empty HOME / PPROF_BINARY_PATH /
  # PPROF_TMPDIR so pprof finds no binaries and writes nothing. The pprof
  # binary is run directly (`go tool -n pprof`) so its peak RSS is measured,
  # not the go wrapper's.
  mkdir -p "$WORK/pprof-home"
  pprof_bin=$(cd "$WORK" && GOTOOLCHAIN=local go tool -n pprof)
  measure pprof 1 env HOME="$WORK/pprof-home" PPROF_BINARY_PATH="$WORK/pprof-home" \
    PPROF_TMPDIR="$WORK/pprof-home" TZ=UTC "$pprof_bin" -top "$PWD/$PROFILE" || true
  ROWS+=("go tool pprof -top|pprof|1")
else
  echo "note: go is not on PATH; skipping go tool pprof"
  echo
fi

# The reference flame graph pipeline, where its tools are installed (they are not Debian
# packages: put brendangregg/FlameGraph's scripts on PATH to include it).
S_pipeline=""
if command -v go > /dev/null && command -v stackcollapse-go.pl > /dev/null && command -v flamegraph.pl > /dev/null; then
  measure pipeline 1 bash -c "env HOME='$WORK/pprof-home' PPROF_BINARY_PATH='$WORK/pprof-home' PPROF_TMPDIR='$WORK/pprof-home' \
    '$pprof_bin' -raw '$PWD/$PROFILE' | stackcollapse-go.pl | flamegraph.pl > /dev/null" || true
  ROWS+=("pprof -raw|stackcollapse|flamegraph.pl|pipeline|1")
else
  echo "note: stackcollapse-go.pl / flamegraph.pl not on PATH; skipping the reference flame graph pipeline"
  echo
fi

# ---------------------------------------------------------------- report

printf '%-28s %10s %10s %14s %6s\n' "command" "wall s" "MB/s" "peak RSS MB" "runs"
printf '%-28s %10s %10s %14s %6s\n' "-------" "------" "----" "-----------" "----"
for row in "${ROWS[@]}"; do
  IFS='|' read -r label key runs <<< "$row"
  s_var="S_$key" kb_var="KB_$key"
  s=${!s_var:-} kb=${!kb_var:-}
  if [[ -z $s ]]; then
    printf '%-28s %10s %10s %14s %6s\n' "$label" "FAILED" "-" "-" "$runs"
  else
    printf '%-28s %10s %10s %14s %6s\n' "$label" "$s" "$(calc '%.0f' "$RAW_BYTES / 1e6 / $s")" \
      "$(calc '%.1f' "$kb * 1024 / 1e6")" "$runs"
  fi
done
echo

MISSES=0
# target LABEL VALUE OP LIMIT : VALUE is a ratio ("" = not measured).
target() {
  local label=$1 value=$2 op=$3 limit=$4 verdict
  if [[ -z $value ]]; then
    printf '%-34s %9s   target %-8s %s\n' "$label" "n/a" "$op ${limit}x" "SKIP"
    return
  fi
  if (($(calc '%d' "$value $op $limit"))); then verdict=PASS; else verdict=MISS; MISSES=$((MISSES + 1)); fi
  printf '%-34s %8sx   target %-8s %s\n' "$label" "$(calc '%.2f' "$value")" "$op ${limit}x" "$verdict"
}
ratio() { if [[ -n $1 && -n $2 ]]; then calc '%.6f' "$1 / $2"; fi; }

if ((HAVE_PROFLENS)); then
  target "proflens analyze / gzip -dc" "$(ratio "${S_analyze:-}" "$S_gzip")" "<=" 1.5
  target "go tool pprof / proflens analyze" "$(ratio "${S_pprof:-}" "${S_analyze:-}")" ">=" 20
  rss_bytes=""
  [[ -n ${KB_analyze:-} ]] && rss_bytes=$((KB_analyze * 1024))
  target "proflens peak RSS / input size" "$(ratio "$rss_bytes" "$RAW_BYTES")" "<=" 2
  if ((HAVE_FLAME)); then
    target "proflens flame / analyze" "$(ratio "${S_flame:-}" "${S_analyze:-}")" "<=" 1.5
    if [[ -n ${S_pipeline:-} ]]; then
      echo "reference pipeline / proflens flame: $(calc '%.1f' "$S_pipeline / $S_flame")x"
    fi
    # The graph's size, and how long its script takes to search every frame in Chromium.
    "$PROFLENS" flame "$PROFILE" -o "$WORK/bench.svg"
    echo "flame graph SVG: $(calc '%.2f' "$(stat -c %s "$WORK/bench.svg") / 1e6") MB (target < 5 MB)"
    if command -v chromium > /dev/null; then
      ms=$(chromium --headless --no-sandbox --disable-gpu --allow-file-access-from-files --virtual-time-budget=5000 \
        --dump-dom "file://$WORK/bench.svg?s=." 2> /dev/null | grep -o 'data-ms="[0-9]*"' | grep -o '[0-9]*')
      echo "in-browser search of every frame (?s=.): ${ms:-?} ms (target well under 1000 ms)"
    fi
  fi
  if [[ -n ${S_pprof:-} ]]; then
    echo
    echo "(go tool pprof / gzip -dc: $(calc '%.0f' "$S_pprof / $S_gzip")x)"
  fi
else
  if [[ -n ${S_pprof:-} ]]; then
    echo "go tool pprof / gzip -dc: $(calc '%.1f' "$S_pprof / $S_gzip")x (no proflens to compare)"
  fi
fi

((ANALYZE_FAILED)) && { echo "proflens failed on the benchmark profile" >&2; exit 1; }
[[ ${BENCH_STRICT:-0} == 1 ]] && ((MISSES > 0)) && exit 1
exit 0
