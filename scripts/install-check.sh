#!/usr/bin/env bash
# `make install` into a temporary DESTDIR, then checks what was installed:
#   - the binary needs no Swift library (ldd lists no libswift*, libFoundation*,
#     lib_FoundationICU, libdispatch, libBlocksRuntime), no libre2 (linked in) and nothing it
#     cannot find;
#   - it runs with the toolchain off every path (env -i, empty LD_LIBRARY_PATH): --version and
#     a real analyze of a sample profile;
#   - the bash, zsh and fish completions and the man page exist and name every subcommand; the
#     man page lists the exit codes.
# One release build. Skipped, with a notice, only when the toolchain has no static standard
# library. Run by `make test` and `make install-check`.
set -euo pipefail
cd "$(dirname "$0")/.."

swift_bin=$(command -v "${SWIFT:-swift}" || true)
if [ -z "$swift_bin" ]; then
    echo "install-check: no swift on PATH" >&2
    exit 1
fi
toolchain=$(dirname "$(dirname "$(readlink -f "$swift_bin")")")
static="$toolchain/lib/swift_static/linux"
if ! [ -f "$static/static-stdlib-args.lnk" ] || ! [ -f "$static/libFoundation.a" ]; then
    echo "notice: install-check SKIPPED: the toolchain at $toolchain has no static Swift standard library / Foundation ($static)"
    exit 0
fi

destdir=$(mktemp -d "${TMPDIR:-/tmp}/proflens-install.XXXXXX")
trap 'rm -rf "$destdir"' EXIT
prefix=/usr/local

start=$(date +%s)
"${MAKE:-make}" --no-print-directory install DESTDIR="$destdir" PREFIX="$prefix"
echo "install-check: make install took $(( $(date +%s) - start ))s"

root="$destdir$prefix"
bin="$root/bin/proflens"
failures=0
fail() { echo "install-check: FAIL: $*" >&2; failures=$((failures + 1)); }

[ -x "$bin" ] || { echo "install-check: FAIL: $bin not installed" >&2; exit 1; }

libraries=$(ldd "$bin" 2>&1 || true)
swift_libraries=$(printf '%s\n' "$libraries" | grep -E 'libswift|libFoundation|lib_Foundation|libdispatch|libBlocksRuntime|libicu' || true)
[ -z "$swift_libraries" ] || fail "the binary needs Swift libraries:"$'\n'"$swift_libraries"
! printf '%s\n' "$libraries" | grep -q 'not found' || fail "ldd: $(printf '%s\n' "$libraries" | grep 'not found')"
# RE2 is linked in: a fresh machine has no libre2 shared library.
! printf '%s\n' "$libraries" | grep -q 'libre2' || fail "the binary needs libre2's shared library: $(printf '%s\n' "$libraries" | grep libre2)"
! readelf -d "$bin" 2>/dev/null | grep -Eq 'R(UN)?PATH.*(swift|'"$toolchain"')' || fail "the binary has an rpath into the toolchain"

# With the toolchain off PATH and LD_LIBRARY_PATH.
run() { env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH= HOME="$destdir" "$bin" "$@"; }
version=$(run --version) || fail "--version failed"
[ -n "$version" ] || fail "--version printed nothing"
sample=$(find samples/profiles -path '*/ap1-range-mutate/cpu.pb.gz' | sort | tail -1)
heap="${sample%/cpu.pb.gz}/heap.pb.gz"
if output=$(run analyze --nodecount 5 "$sample" "$heap"); then
    grep -q 'AP1' <<<"$output" || fail "analyze of $sample found no AP1"
    grep -q 'flat%' <<<"$output" || fail "analyze of $sample printed no top table"
else
    fail "analyze $sample exited with $?"
fi
run analyze --format sarif "$sample" >/dev/null || fail "analyze --format sarif failed"

# Completions and the man page name every subcommand.
subcommands=$(run --help | awk '/^SUBCOMMANDS:/ { on = 1; next } on && /^  [a-z]/ { print $1 }')
[ -n "$subcommands" ] || fail "--help lists no subcommands"
man="$root/share/man/man1/proflens.1"
for file in "$root/share/bash-completion/completions/proflens" "$root/share/zsh/site-functions/_proflens" \
            "$root/share/fish/vendor_completions.d/proflens.fish" "$man"; do
    if ! [ -s "$file" ]; then fail "$file missing or empty"; continue; fi
    for name in $subcommands; do
        grep -qw -- "$name" "$file" || fail "$file does not mention $name"
    done
done
for name in $subcommands; do
    grep -q "^\.SS \"proflens $name\"" "$man" || fail "the man page has no section for $name"
done
exit_status=$(awk '/^\.SH EXIT STATUS/ { on = 1; next } /^\.SH/ { on = 0 } on' "$man")
for code in 0 1 64 65 66 73; do
    grep -qx "\.B $code" <<<"$exit_status" || fail "the man page's EXIT STATUS lacks $code"
done
if command -v groff >/dev/null 2>&1; then
    warnings=$(groff -k -man -Tutf8 -ww -z "$man" 2>&1 || true)
    [ -z "$warnings" ] || fail "groff: $warnings"
fi
bash -n "$root/share/bash-completion/completions/proflens" || fail "the bash completion does not parse"

if [ "$failures" -gt 0 ]; then
    echo "install-check: $failures failure(s)" >&2
    exit 1
fi
echo "install-check: OK: $bin ($(du -h "$bin" | cut -f1), $version) needs no Swift library; completions and man page name $(echo $subcommands | wc -w) subcommands"
