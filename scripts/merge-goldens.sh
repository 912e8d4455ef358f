#!/usr/bin/env bash
# Writes Tests/CLITests/Goldens/merge/: what Go 1.27's `go tool pprof` prints (-top and
# -traces) for the profile its own -proto writes, for every case below. MergeGoldenTests
# runs `proflens merge` with the same inputs and options and checks that the same -top and
# -traces come out of its file (read by proflens, and by Go 1.27's pprof when it is there).
#
#   scripts/merge-goldens.sh          (from any directory; needs ../shared/corpus)
#
# Go 1.27 is $GO_1_27 or .venv-go/bin/go at the top of the checkout (as for
# samples/generate.sh); it runs with GOTOOLCHAIN=local GOTELEMETRY=off. The output folder
# gets, for each case NAME: NAME.top.txt, and NAME.traces.txt, or NAME.traces.sha256 (the
# SHA-256, byte count and line count of the traces) when they are more than 2,000,000
# bytes; cases.tsv (one line a case: NAME, then each argument given after -proto, tab
# separated); COMMANDS.md (how all of it was made). Running it twice gives the same files.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
OUT=Tests/CLITests/Goldens/merge
CORPUS=../shared/corpus            # relative to the checkout: the arguments are written as given
TRACES_LIMIT=2000000

export GOTOOLCHAIN=local GOTELEMETRY=off
# pprof prints "Time:" in local time; it looks for binaries to symbolize under $HOME and
# $PPROF_BINARY_PATH, and writes under $PPROF_TMPDIR: all pinned, the last two to an empty folder.
export TZ=UTC LC_ALL=C
SANDBOX=$(mktemp -d)
trap 'rm -rf "$SANDBOX"' EXIT
export HOME=$SANDBOX PPROF_BINARY_PATH=$SANDBOX PPROF_TMPDIR=$SANDBOX

GO=""
for candidate in "${GO_1_27:-}" "$ROOT/.venv-go/bin/go"; do
  [ -n "$candidate" ] && [ -x "$candidate" ] || continue
  case "$("$candidate" env GOVERSION 2> /dev/null)" in go1.27 | go1.27.*) GO=$candidate; break ;; esac
done
[ -n "$GO" ] || { echo "merge-goldens.sh: no Go 1.27 (\$GO_1_27 or $ROOT/.venv-go/bin/go)" >&2; exit 1; }
GO_VERSION=$("$GO" version)
# `go tool -n pprof` names the binary `go tool pprof` runs (built first if needed): the same
# output, without the go command's start-up on each call.
"$GO" tool pprof -h > /dev/null 2>&1 || true
PPROF=$("$GO" tool -n pprof)
[ -x "$PPROF" ] || { echo "merge-goldens.sh: $GO tool -n pprof gave '$PPROF'" >&2; exit 1; }
[ -d "$CORPUS/profiles" ] || { echo "merge-goldens.sh: no corpus at $ROOT/$CORPUS" >&2; exit 1; }

# The cases: NAME, then the arguments of `go tool pprof -proto` (options, then profiles).
# go tool pprof keeps the last of a repeated -tagfocus or -diff_base (its flags are single
# strings), where proflens applies every --tagfocus and merges every --diff-base: no case
# repeats them.
NAMES=()
ARGS=()
add() {
  local name=$1
  shift
  NAMES+=("$name")
  ARGS+=("$(printf '%s\t' "$@")")
}

# Every corpus profile pprof reads, as it is (expected-go1.27 has F.error.txt for the others).
REJECTED=()
for path in "$CORPUS"/profiles/*; do
  file=$(basename "$path")
  if [ -e "$CORPUS/expected-go1.27/$file.error.txt" ]; then REJECTED+=("$file"); continue; fi
  add "$file.plain" "$CORPUS/profiles/$file"
done

c=$CORPUS/profiles
# The filters, on profiles where they select something.
add pprof-go-sample-cpu.pb.gz.focus-mapiter        '-focus=runtime\.mapiter'  "$c/pprof-go-sample-cpu.pb.gz"
add pprof-go-sample-cpu.pb.gz.ignore-runtime       '-ignore=^runtime\.'       "$c/pprof-go-sample-cpu.pb.gz"
add pprof-go-sample-cpu.pb.gz.hide-runtime         '-hide=^runtime\.'         "$c/pprof-go-sample-cpu.pb.gz"
add pyroscope-go-cpu-truncated-stacks.pb.gz.focus-ignore-hide \
  '-focus=net/http' '-ignore=compress' '-hide=^runtime\.' "$c/pyroscope-go-cpu-truncated-stacks.pb.gz"
add notes-go-cpu-labels-tiny.pb.gz.tagfocus-user-alice '-tagfocus=user=alice'  "$c/notes-go-cpu-labels-tiny.pb.gz"
add pyroscope-go-cpu-labels.pb.gz.tagfocus-function-slow '-tagfocus=function=slow' "$c/pyroscope-go-cpu-labels.pb.gz"
add pyroscope-go-cpu-labels.pb.gz.tagfocus-profile-id '-tagfocus=profile_id=^[0-7]' "$c/pyroscope-go-cpu-labels.pb.gz"
add parca-agent-ebpf-cpu-thread-labels.pb.gz.tagfocus-thread '-tagfocus=thread_id=2764734,2756158' \
  "$c/parca-agent-ebpf-cpu-thread-labels.pb.gz"
# -sample_index chooses nothing in -proto's output (every sample type is kept): these
# goldens equal the plain case's (checked below, and said so in COMMANDS.md).
add pyroscope-go-heap-delta-godeltaprof.pb.gz.sample-index-inuse-objects '-sample_index=inuse_objects' \
  "$c/pyroscope-go-heap-delta-godeltaprof.pb.gz"
add notes-go-block-net.pb.gz.sample-index-0 '-sample_index=0' "$c/notes-go-block-net.pb.gz"
# drop_frames (this profile's are function names; its frames are addresses) with a filter
# on mapping file names, which pprof's -focus and -ignore also match. Every stack runs
# through libpthread: -ignore=libpthread leaves no sample (an empty profile is written).
add pprof-cpp-cpu-unsymbolized-dropframes.pb.gz.focus-libc '-focus=libc-2' "$c/pprof-cpp-cpu-unsymbolized-dropframes.pb.gz"
add pprof-cpp-cpu-unsymbolized-dropframes.pb.gz.ignore-libpthread '-ignore=libpthread' \
  "$c/pprof-cpp-cpu-unsymbolized-dropframes.pb.gz"
# Two corpus profiles of the same sample types, from different programs and tools.
add pprof-go-sample-cpu.pb.gz+notes-go-cpu-benchmark.pb.gz.merged "$c/pprof-go-sample-cpu.pb.gz" "$c/notes-go-cpu-benchmark.pb.gz"
add notes-go-cpu-labels-tiny.pb.gz.twice-tagfocus-user-bob '-tagfocus=user=bob' \
  "$c/notes-go-cpu-labels-tiny.pb.gz" "$c/notes-go-cpu-labels-tiny.pb.gz"

# The committed samples.
s=samples/profiles
cpus=()
for path in "$s"/go1.27/*/cpu.pb.gz; do cpus+=("$path"); done
add samples.go1.27-every-cpu "${cpus[@]}"
add samples.go1.27-every-cpu-hide-runtime '-hide=^runtime\.' "${cpus[@]}"
add samples.ap1-range-mutate-heap-and-heap-early "$s/go1.27/ap1-range-mutate/heap.pb.gz" "$s/go1.27/ap1-range-mutate/heap-early.pb.gz"
add samples.ap1-range-mutate-cpu-go1.19-and-go1.27 "$s/go1.19/ap1-range-mutate/cpu.pb.gz" "$s/go1.27/ap1-range-mutate/cpu.pb.gz"
add samples.ap1-range-mutate-cpu-twice "$s/go1.27/ap1-range-mutate/cpu.pb.gz" "$s/go1.27/ap1-range-mutate/cpu.pb.gz"
add samples.ap2-lock-contention-mutex-and-fixed "$s/go1.27/ap2-lock-contention/mutex.pb.gz" "$s/go1.27/ap2-lock-contention-fixed/mutex.pb.gz"
add samples.ap2-lock-contention-goroutine-focus-main '-focus=^main\.' \
  "$s/go1.27/ap2-lock-contention/goroutine.pb.gz" "$s/go1.27/ap2-lock-contention-moderate/goroutine.pb.gz"
add samples.ap1-range-mutate-cpu-diff-base "-diff_base=$s/go1.27/ap1-range-mutate/cpu.pb.gz" "$s/go1.27/ap1-range-mutate-fixed/cpu.pb.gz"
add samples.ap1-range-mutate-cpu-diff-base-normalize -normalize "-diff_base=$s/go1.27/ap1-range-mutate/cpu.pb.gz" \
  "$s/go1.27/ap1-range-mutate-fixed/cpu.pb.gz"
add samples.ap3-delete-keep-ref-heap-diff-base "-diff_base=$s/go1.27/ap3-delete-keep-ref/heap.pb.gz" \
  "$s/go1.27/ap3-delete-keep-ref-fixed/heap.pb.gz"
add samples.ap3-delete-keep-ref-heap-diff-base-normalize -normalize "-diff_base=$s/go1.27/ap3-delete-keep-ref/heap.pb.gz" \
  "$s/go1.27/ap3-delete-keep-ref-fixed/heap.pb.gz"
add samples.ap4-never-shrink-cpu-diff-base-two-sources "-diff_base=$s/go1.27/ap4-never-shrink/cpu.pb.gz" \
  "$s/go1.27/ap4-never-shrink-fixed/cpu.pb.gz" "$s/go1.19/ap4-never-shrink-fixed/cpu.pb.gz"
add samples.ap1-range-mutate-cpu-diff-base-focus-main '-focus=^main\.' "-diff_base=$s/go1.27/ap1-range-mutate/cpu.pb.gz" \
  "$s/go1.27/ap1-range-mutate-fixed/cpu.pb.gz"

# The files pprof rejects are rejected by -proto too.
for file in "${REJECTED[@]}"; do
  if "$PPROF" -proto "$CORPUS/profiles/$file" > /dev/null 2>&1; then
    echo "merge-goldens.sh: $file has an .error.txt in expected-go1.27 but -proto reads it" >&2
    exit 1
  fi
done

mkdir -p "$OUT"
find "$OUT" -maxdepth 1 -type f \( -name '*.top.txt' -o -name '*.traces.txt' -o -name '*.traces.sha256' \) -delete
: > "$OUT/cases.tsv"
DIGESTED=()
for i in "${!NAMES[@]}"; do
  name=${NAMES[$i]}
  IFS=$'\t' read -r -a args <<< "${ARGS[$i]}"
  if ! "$PPROF" -proto "${args[@]}" > "$SANDBOX/pprof.pb.gz" 2> "$SANDBOX/err"; then
    echo "merge-goldens.sh: $name: go tool pprof -proto ${args[*]} failed:" >&2
    cat "$SANDBOX/err" >&2
    exit 1
  fi
  "$PPROF" -top "$SANDBOX/pprof.pb.gz" > "$OUT/$name.top.txt" 2> /dev/null
  "$PPROF" -traces "$SANDBOX/pprof.pb.gz" > "$SANDBOX/traces" 2> /dev/null
  size=$(wc -c < "$SANDBOX/traces")
  if [ "$size" -gt "$TRACES_LIMIT" ]; then
    printf '%s %s %s\n' "$(sha256sum < "$SANDBOX/traces" | cut -d' ' -f1)" "$size" "$(wc -l < "$SANDBOX/traces")" \
      > "$OUT/$name.traces.sha256"
    DIGESTED+=("$name ($size bytes)")
  else
    mv "$SANDBOX/traces" "$OUT/$name.traces.txt"
  fi
  printf '%s\t%s\n' "$name" "${ARGS[$i]%$'\t'}" >> "$OUT/cases.tsv"
  echo "$name: ok" >&2
done

# -sample_index changes nothing in the written profile.
same_as_plain() {
  cmp -s "$OUT/$1.top.txt" "$OUT/$2.plain.top.txt" && cmp -s "$OUT/$1.traces.txt" "$OUT/$2.plain.traces.txt"
}
SAMPLE_INDEX_NOTE="equal the plain case's (\`-proto\` keeps every sample type;
  \`-sample_index\` only has to name one that exists)"
if ! same_as_plain pyroscope-go-heap-delta-godeltaprof.pb.gz.sample-index-inuse-objects pyroscope-go-heap-delta-godeltaprof.pb.gz ||
   ! same_as_plain notes-go-block-net.pb.gz.sample-index-0 notes-go-block-net.pb.gz; then
  SAMPLE_INDEX_NOTE="DIFFER from the plain case's"
fi

{
  cat << EOF
# How these goldens were made

By \`scripts/merge-goldens.sh\` (run it again to remake them all; it writes this file too),
with \`go tool pprof\` from **$GO_VERSION**, nothing else: no file here was written by
proflens. MergeGoldenTests runs \`proflens merge\` with each case's inputs and options and
compares what \`-top\` and \`-traces\` print for its output with these files.

## Environment

The commands run from the top of the checkout, which is beside \`shared/corpus\` (so the
corpus is \`../shared/corpus\`), and name every profile by the relative path written below.

\`\`\`sh
export GOTOOLCHAIN=local GOTELEMETRY=off
export TZ=UTC LC_ALL=C                    # pprof prints "Time:" in local time
SANDBOX=\$(mktemp -d)                      # empty: pprof finds no binary to symbolize with
export HOME=\$SANDBOX PPROF_BINARY_PATH=\$SANDBOX PPROF_TMPDIR=\$SANDBOX
\`\`\`

\`go tool pprof\` below is run as the binary \`go tool -n pprof\` names (what \`go tool pprof\`
executes; the same output, without the go command's start-up on each call).

## Per case

For each line of \`cases.tsv\`, \`NAME\` followed by the arguments \`ARGS...\` (tab separated):

\`\`\`sh
go tool pprof -proto ARGS... > \$SANDBOX/pprof.pb.gz    # stderr shown if it fails (none does)
go tool pprof -top \$SANDBOX/pprof.pb.gz    > NAME.top.txt      2> /dev/null
go tool pprof -traces \$SANDBOX/pprof.pb.gz > NAME.traces.txt   2> /dev/null
\`\`\`

\`-top\` runs with pprof's defaults (nodes under 0.5% of the total left out), on the
profile's default sample type, as \`proflens top\` does with no option.

Traces of more than $TRACES_LIMIT bytes are not kept: \`NAME.traces.sha256\` holds instead
their SHA-256, byte count and line count (\`sha256sum\`, \`wc -c\`, \`wc -l\` of the same output).
EOF
  if [ ${#DIGESTED[@]} -gt 0 ]; then
    echo "Those are:"
    echo
    for entry in "${DIGESTED[@]}"; do echo "- $entry"; done
  fi
  cat << EOF

## The cases

- \`F.plain\`: every profile of \`../shared/corpus/profiles/\` that Go 1.27's pprof reads
  (those with an \`F.error.txt\` in \`expected-go1.27/\` are left out, and the script checks
  that \`-proto\` refuses them too: $(printf '`%s`\n' "${REJECTED[@]}" | paste -sd, - | sed 's/,/, /g')), with no
  option.
- Corpus profiles with \`-focus\`, \`-ignore\`, \`-hide\` (together on one), \`-tagfocus\`
  (one value; several values), \`-sample_index\`, a profile with \`drop_frames\` filtered
  by mapping file name, two different corpus profiles merged, one merged with itself.
  The \`-sample_index\` goldens $SAMPLE_INDEX_NOTE.
- \`samples.*\`: the committed sample profiles: every Go 1.27 CPU profile at once (also with
  \`-hide\`), a run's \`heap.pb.gz\` with its \`heap-early.pb.gz\`, one program's Go 1.19 and
  Go 1.27 CPU profiles, one profile twice, two runs' mutex and goroutine profiles, and
  \`-diff_base\` (with and without \`-normalize\`; CPU and heap; two sources; with \`-focus\`).
  go tool pprof keeps only the last of a repeated \`-diff_base\` or \`-tagfocus\`, where
  proflens merges every \`--diff-base\` and applies every \`--tagfocus\`: no case repeats them.

The arguments of each, as run (cases.tsv):

| NAME | ARGS |
|---|---|
EOF
  while IFS=$'\t' read -r -a fields; do
    printf '| `%s` |' "${fields[0]}"
    printf ' `%s`' "${fields[@]:1}"
    printf ' |\n'
  done < "$OUT/cases.tsv" | sed 's/|/\\|/g; s/^\\|/|/; s/\\|$/|/; s/` \\| `/` | `/'
} > "$OUT/COMMANDS.md"

echo "merge-goldens.sh: ${#NAMES[@]} cases in $OUT ($GO_VERSION)" >&2
