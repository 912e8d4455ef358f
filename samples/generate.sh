#!/usr/bin/env bash
# Regenerate the synthetic sample profiles and their reference outputs.
#
#   1. builds every sample program (one per Go map anti-pattern, plus the
#      healthy control) and runs it, normal and -fixed, writing its profiles
#      into profiles/<sample>/ and profiles/<sample>-fixed/;
#   2. regenerates expected/, the golden outputs of `go tool pprof` for those
#      profiles, with the environment pinned as in shared/corpus/regen-expected.sh,
#      and writes expected/COMMANDS.md.
#
# Usage: bash samples/generate.sh                   # both steps (from any directory)
#        bash samples/generate.sh --expected-only   # step 2 only, from the committed profiles
#        bash samples/generate.sh --profiles-only   # step 1 only
#
# Step 2 is deterministic: run twice on the same profiles it gives byte-identical
# files. Step 1 is not (new profiles every run; the numbers in README.md then
# drift a little; `bash samples/shares.sh` prints the new ones).
#
# Needs only `go` (Debian: apt-get install -y golang-go) plus bash and the usual
# POSIX tools. The programs use the standard library only: no network needed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

do_profiles=1
do_expected=1
case "${1:-}" in
  "") ;;
  --expected-only) do_profiles=0 ;;
  --profiles-only) do_expected=0 ;;
  -h | --help) usage; exit 0 ;;
  *) usage >&2; exit 2 ;;
esac
[ $# -le 1 ] || { usage >&2; exit 2; }

command -v go > /dev/null || { echo "generate.sh: go not found (apt-get install -y golang-go)" >&2; exit 1; }

# The sample programs, and those of them that show an anti-pattern (and so are
# also run with -fixed and diffed against their fixed version).
PROGRAMS=(ap1-range-mutate ap2-lock-contention ap3-delete-keep-ref ap4-never-shrink healthy)
ANTIPATTERNS=(ap1-range-mutate ap2-lock-contention ap3-delete-keep-ref ap4-never-shrink)
MAX_BYTES=$((1024 * 1024)) # every profile must stay under 1 MiB

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# ---------------------------------------------------------------------------
# 1. Profiles
# ---------------------------------------------------------------------------
if [ "$do_profiles" = 1 ]; then
  echo "== building with $(go version)" >&2
  mkdir -p "$WORK/bin"
  for p in "${PROGRAMS[@]}"; do
    # -trimpath keeps this checkout's absolute path out of the binaries (and
    # so out of the profiles); CGO_ENABLED=0 gives a static binary.
    GOWORK=off GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath -o "$WORK/bin/$p" "./$p"
  done

  rm -rf profiles
  mkdir profiles
  run() { # run NAME OUTDIR [ARGS...]
    local name=$1 out=$2
    shift 2
    mkdir -p "$out"
    echo "== $name${*:+ $*} -out $out" >&2
    "$WORK/bin/$name" "$@" -out "$out"
  }
  # One after the other: the programs must not compete for the CPUs.
  for p in "${PROGRAMS[@]}"; do
    run "$p" "profiles/$p"
  done
  for p in "${ANTIPATTERNS[@]}"; do
    run "$p" "profiles/$p-fixed" -fixed
  done
  rm -rf "$WORK/bin"

  too_big=0
  while IFS= read -r f; do
    size=$(wc -c < "$f")
    if [ "$size" -ge "$MAX_BYTES" ]; then
      echo "generate.sh: $f is $size bytes (limit $MAX_BYTES)" >&2
      too_big=1
    fi
  done < <(find profiles -type f -name '*.pb.gz' | LC_ALL=C sort)
  [ "$too_big" = 0 ] || exit 1
fi

# ---------------------------------------------------------------------------
# 2. Golden outputs of go tool pprof
# ---------------------------------------------------------------------------
if [ "$do_expected" = 1 ]; then
  [ -d profiles ] || { echo "generate.sh: no profiles/ directory; run without --expected-only" >&2; exit 1; }

  # Pin everything that can make the output machine dependent (as in
  # shared/corpus/regen-expected.sh):
  #  - TZ: pprof prints "Time:" in local time;
  #  - HOME / PPROF_BINARY_PATH: pprof looks for binaries there to symbolize;
  #    point both at an empty directory so nothing is found;
  #  - PPROF_TMPDIR: keep pprof from writing to ~/pprof.
  SANDBOX="$WORK/sandbox"
  mkdir -p "$SANDBOX"
  export TZ=UTC LC_ALL=C
  export HOME=$SANDBOX PPROF_BINARY_PATH=$SANDBOX PPROF_TMPDIR=$SANDBOX

  # Only stdout is kept; stderr ("Main binary filename not available." and
  # the like) goes to a scratch file and is shown only when pprof fails.
  pprof() { # pprof OUTFILE ARGS...
    local out=$1
    shift
    if ! go tool pprof "$@" > "$out" 2> "$SANDBOX/err"; then
      echo "generate.sh: go tool pprof $* failed:" >&2
      cat "$SANDBOX/err" >&2
      exit 1
    fi
  }

  # The sample type names of a profile: the line after "Samples:" in -raw
  # output is "type/unit[dflt] type/unit ...".
  # (-raw goes to a file first: a reader that stops early would SIGPIPE pprof.)
  sample_types() {
    pprof "$SANDBOX/raw" -raw "$1"
    awk 'prev { print; exit } /^Samples:/ { prev = 1 }' "$SANDBOX/raw" |
      tr ' ' '\n' | sed -e 's/\[dflt\]$//' -e 's|/[^/]*$||' | { grep -v '^$' || true; }
  }

  rm -rf expected
  mkdir -p expected/diff
  nfiles=0
  for dir in profiles/*/; do
    sample=$(basename "$dir")
    mkdir -p "expected/$sample"
    for prof in "$dir"*.pb.gz; do
      kind=$(basename "$prof" .pb.gz)
      P="profiles/$sample/$kind.pb.gz" # always this relative path, from samples/
      types=$(sample_types "$P")
      [ -n "$types" ] || { echo "generate.sh: no sample types in $P" >&2; exit 1; }
      for name in $types; do
        base="expected/$sample/$kind.$name"
        pprof "$base.top.txt" -top -sample_index="$name" "$P"
        pprof "$base.top25.txt" -top -nodecount=25 -sample_index="$name" "$P"
        pprof "$base.traces.txt" -traces -sample_index="$name" "$P"
        nfiles=$((nfiles + 3))
      done
    done
    echo "== expected/$sample" >&2
  done

  for a in "${ANTIPATTERNS[@]}"; do
    base="profiles/$a"
    fixed="profiles/$a-fixed"
    for f in "$base/cpu.pb.gz" "$base/heap.pb.gz" "$fixed/cpu.pb.gz" "$fixed/heap.pb.gz"; do
      [ -f "$f" ] || { echo "generate.sh: missing $f" >&2; exit 1; }
    done
    pprof "expected/diff/$a.cpu.top.txt" -top -diff_base="$base/cpu.pb.gz" "$fixed/cpu.pb.gz"
    pprof "expected/diff/$a.cpu.normalize.top.txt" -top -normalize -diff_base="$base/cpu.pb.gz" "$fixed/cpu.pb.gz"
    for si in inuse_space alloc_space; do
      pprof "expected/diff/$a.heap.$si.top.txt" -top -sample_index="$si" -diff_base="$base/heap.pb.gz" "$fixed/heap.pb.gz"
      pprof "expected/diff/$a.heap.$si.normalize.top.txt" -top -normalize -sample_index="$si" -diff_base="$base/heap.pb.gz" "$fixed/heap.pb.gz"
    done
    nfiles=$((nfiles + 6))
  done
  echo "== expected/diff" >&2

  goversion=$(go version)
  cat > expected/COMMANDS.md << EOF
# How samples/expected/ was produced

Reference tool: \`go tool pprof\` from **$goversion**.

Everything here is written by \`samples/generate.sh\` (\`--expected-only\` redoes just this
step from the committed \`profiles/\`). Running it twice on the same profiles gives
byte-identical files.

## Environment

The commands run from the \`samples/\` directory, and name each profile by its relative
path \`profiles/<sample>/<kind>.pb.gz\`. These variables are set:

\`\`\`sh
export TZ=UTC LC_ALL=C                       # pprof prints "Time:" in local time
SANDBOX=\$(mktemp -d)                         # empty directory
export HOME=\$SANDBOX PPROF_BINARY_PATH=\$SANDBOX PPROF_TMPDIR=\$SANDBOX
\`\`\`

Only stdout is kept; stderr (notes such as \`Main binary filename not available.\`) is
dropped. The profiles were written by runtime/pprof and carry their function names, so
pprof symbolizes nothing; the binaries that wrote them no longer exist.

## Commands

For every profile \`P\` = \`profiles/<sample>/<kind>.pb.gz\` (\`<kind>\` is \`cpu\`, \`heap\`,
\`mutex\` or \`block\`) and every sample type \`NAME\` of \`P\`: the part before the \`/\` of each
entry on the line after \`Samples:\` in \`go tool pprof -raw P\` (cpu: \`samples\`, \`cpu\`;
heap: \`alloc_objects\`, \`alloc_space\`, \`inuse_objects\`, \`inuse_space\`; mutex and block:
\`contentions\`, \`delay\`):

\`\`\`sh
go tool pprof -top -sample_index=NAME P                 > <sample>/<kind>.NAME.top.txt
go tool pprof -top -nodecount=25 -sample_index=NAME P   > <sample>/<kind>.NAME.top25.txt
go tool pprof -traces -sample_index=NAME P              > <sample>/<kind>.NAME.traces.txt
\`\`\`

\`-top\` without \`-nodecount\` uses pprof's defaults (nodes below 0.5% of the total are
dropped). Traces are not truncated.

For every anti-pattern sample \`A\` (\`ap1-range-mutate\`, \`ap2-lock-contention\`,
\`ap3-delete-keep-ref\`, \`ap4-never-shrink\`), the fixed version against the broken one
(\`-diff_base\` is the broken profile, so negative values are what the fix removed):

\`\`\`sh
go tool pprof -top -diff_base=profiles/A/cpu.pb.gz profiles/A-fixed/cpu.pb.gz              > diff/A.cpu.top.txt
go tool pprof -top -normalize -diff_base=profiles/A/cpu.pb.gz profiles/A-fixed/cpu.pb.gz   > diff/A.cpu.normalize.top.txt
go tool pprof -top -sample_index=SI -diff_base=profiles/A/heap.pb.gz profiles/A-fixed/heap.pb.gz \\
                                                                                         > diff/A.heap.SI.top.txt
go tool pprof -top -normalize -sample_index=SI -diff_base=profiles/A/heap.pb.gz profiles/A-fixed/heap.pb.gz \\
                                                                                         > diff/A.heap.SI.normalize.top.txt
\`\`\`

with \`SI\` each of \`inuse_space\` and \`alloc_space\`.
EOF
  echo "== wrote $nfiles golden files into samples/expected/ with $goversion" >&2
fi

# The measured shares of the hot frames (the table README.md quotes), so that
# whoever regenerates can see at once whether the profiles still have their shapes.
echo "== hot-frame shares (bash samples/shares.sh):" >&2
bash ./shares.sh >&2
