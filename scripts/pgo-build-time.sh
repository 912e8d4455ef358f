#!/usr/bin/env bash
# How long `go build -pgo=FILE` takes with the whole merged profile and with the profiles
# `proflens merge --pgo` writes, each build with a cold build cache (a fresh GOCACHE), and the
# size of each file.
#
#   scripts/pgo-build-time.sh [sample|compile] [runs]
#
#   sample   (default) samples/healthy, with the merge of its committed Go 1.27 CPU profile
#   compile  cmd/compile of Go 1.27's own GOROOT, with GOROOT/src/cmd/compile/default.pgo, the
#            CPU profile of the compiler that Go ships (what `go build cmd/compile` uses)
#   runs     builds per profile (default 3); the median is printed
#
# Profiles: full = `proflens merge` (everything), exact = `--pgo --node-fraction 0` (Go reads the
# same edges as of full), trimmed = `--pgo` (default node fraction 0.005). The builds run one
# profile after another in turn (full, exact, trimmed, full, ...), so that a slower moment of the
# machine does not fall on one profile only. Go: $GO, else <repo>/.venv-go/bin/go (Go 1.27; PGO
# needs Go 1.21 or later); proflens: $PROFLENS, else the debug build (built if missing). Offline:
# GOPROXY=off (neither build downloads anything).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
target=${1:-sample}
runs=${2:-3}
go=${GO:-$root/.venv-go/bin/go}
export GOTOOLCHAIN=local GOTELEMETRY=off GOPROXY=off GOENV=off
[ -x "$go" ] || { echo "no Go at $go (set GO)" >&2; exit 1; }
proflens=${PROFLENS:-}
if [ -z "$proflens" ]; then
    (cd "$root" && swift build --product proflens >/dev/null)
    proflens=$(cd "$root" && swift build --show-bin-path)/proflens
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/pgo-build-time.XXXXXX")
trap 'rm -rf "$work"' EXIT

case "$target" in
sample)
    inputs=("$root/samples/profiles/go1.27/healthy/cpu.pb.gz")
    dir=$root/samples
    package=./healthy
    ;;
compile)
    goroot=$("$go" env GOROOT)
    inputs=("$goroot/src/cmd/compile/default.pgo")
    dir=$goroot/src/cmd/compile
    package=cmd/compile
    ;;
*)
    echo "usage: $0 [sample|compile] [runs]" >&2
    exit 2
    ;;
esac

"$proflens" merge "${inputs[@]}" -o "$work/full.pgo"
"$proflens" merge --pgo --node-fraction 0 "${inputs[@]}" -o "$work/exact.pgo" 2>/dev/null
"$proflens" merge --pgo "${inputs[@]}" -o "$work/trimmed.pgo" 2>/dev/null

echo "$("$go" version); $(nproc) cores, load average $(cut -d" " -f1-3 /proc/loadavg); $package, cold GOCACHE each build, $runs runs"
# Wall time, and CPU time (user + system, of go and the compilers it runs): on a machine that
# other work shares, the CPU time varies less.
declare -A walls cpus
TIMEFORMAT='%R %U %S'
for run in $(seq "$runs"); do
    for profile in full exact trimmed; do
        rm -rf "$work/gocache"
        { time (cd "$dir" && GOCACHE=$work/gocache "$go" build -pgo="$work/$profile.pgo" -o "$work/binary-$profile" "$package" 2>"$work/stderr") ; } 2>"$work/time" \
            || { cat "$work/stderr" >&2; exit 1; }
        read -r wall user system <"$work/time"
        cpu=$(awk -v u="$user" -v s="$system" 'BEGIN { printf "%.1f", u + s }')
        walls[$profile]="${walls[$profile]:-} $wall"
        cpus[$profile]="${cpus[$profile]:-} $cpu"
        printf '  run %d %-8s wall %6.1f s  cpu %6.1f s\n' "$run" "$profile" "$wall" "$cpu"
    done
done

median() { printf '%s\n' $1 | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf '%-8s %10s %12s %12s\n' profile bytes "median wall" "median cpu"
for profile in full exact trimmed; do
    printf '%-8s %10d %11.1fs %11.1fs\n' "$profile" "$(stat -c %s "$work/$profile.pgo")" "$(median "${walls[$profile]}")" "$(median "${cpus[$profile]}")"
done
