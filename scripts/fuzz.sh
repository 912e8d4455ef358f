#!/usr/bin/env bash
# Fuzzes the whole pipeline with libFuzzer for SECONDS seconds (default 60): each input is
# decoded, then top, traces, fold, the flame layout and SVG, the built-in rules and a
# comparison of the profile with itself are made of it (Fuzz/ProfileFuzzer.swift).
#   bash scripts/fuzz.sh [SECONDS]                     (make fuzz FUZZ_SECONDS=...)
#   FUZZ_JOBS=2 bash scripts/fuzz.sh 300               both cores: two fuzzers, one corpus
#                                                      (make fuzz FUZZ_JOBS=2 FUZZ_SECONDS=300)
# Builds the library targets the harness imports (Findings, FlameGraph and what they depend on) as modules
# with swiftc directly (-sanitize=fuzzer,address), links Fuzz/ProfileFuzzer.swift with them into
# .build-fuzz/profile-fuzzer, seeds .build-fuzz/corpus from ../shared/corpus/profiles (when
# present), samples/profiles and a few crafted inputs, runs the fuzzer and ends with a
# one-line summary: executions, execs/s, corpus size, artifacts.
# Crashes are written to .build-fuzz/artifacts/; re-run one with
#   .build-fuzz/profile-fuzzer .build-fuzz/artifacts/crash-<hash>
# Environment: SWIFTC (default swiftc), FUZZ_MAX_LEN (default 32768), FUZZ_JOBS (default 1),
# FUZZ_CORPUS (a directory of seed profiles, default ../shared/corpus/profiles).
set -euo pipefail

seconds=${1:-60}
case "$seconds" in ''|*[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;; esac
jobs=${FUZZ_JOBS:-1}
case "$jobs" in ''|*[!0-9]*|0) echo "fuzz: FUZZ_JOBS must be a positive number, not \"$jobs\"" >&2; exit 2 ;; esac

root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/.build-fuzz"
corpus="$out/corpus"
artifacts="$out/artifacts"
binary="$out/profile-fuzzer"
seeds=${FUZZ_CORPUS:-$root/../shared/corpus/profiles}
swiftc=${SWIFTC:-swiftc}
mkdir -p "$out" "$corpus" "$artifacts"

# 1. Build: one module per library target, in dependency order (read from Package.swift),
#    each compiled whole-module into one object; system library modules (`import CZlib`)
#    resolve through their Sources/*/module.modulemap, the C++ shim over RE2 through
#    Sources/CRE2/include/module.modulemap. Then the harness, linked with the objects, zlib
#    and RE2.
modules="$out/modules"
mkdir -p "$modules" "$modules/embedded"
# lld (shipped with the Swift toolchain) links quietly; gold warns about every ASan symbol.
linker=()
if command -v ld.lld >/dev/null 2>&1 || [ -x "$(dirname "$(command -v "$swiftc")")/ld.lld" ]; then linker=(-use-ld=lld); fi
flags=(-sanitize=fuzzer,address -parse-as-library -O -g -package-name proflens -I "$modules")
for map in "$root"/Sources/*/module.modulemap "$root"/Sources/*/include/module.modulemap; do flags+=(-I "$(dirname "$map")"); done
# The modules the harness imports (Findings, FlameGraph) and theirs, dependencies first, as
# Package.swift declares them (system library targets are found through -I instead).
# (Read into a variable first: a failure inside a process substitution would go unseen.)
described=$(cd "$root" && "${SWIFT:-swift}" package describe --type json)
# A target's files with SwiftPM's embedInCode rule (the flame graph's script) become what
# SwiftPM generates for them, a PackageResources struct with one byte array per file named
# after the file (characters an identifier cannot hold as "_"), in
# $modules/embedded/TARGET/embedded_resources.swift (SwiftPM's name: a target's own file would
# not have it), rewritten only when it changes (it is a rebuild input).
target_list=$(printf '%s' "$described" | python3 -c '
import json, os, re, sys
described = {t["name"]: t for t in json.load(sys.stdin)["targets"]}
embedded = sys.argv[1]
def write_embedded(target):
    files = [r["path"] for r in target.get("resources") or [] if "embed_in_code" in r["rule"]]
    path = os.path.join(embedded, target["name"], "embedded_resources.swift")
    if not files:
        if os.path.exists(path): os.remove(path)
        return
    lines = ["struct PackageResources {"]
    for file in sorted(files):
        name = re.sub(r"[^A-Za-z0-9_]", "_", os.path.basename(file))
        if name[0].isdigit(): name = "_" + name
        data = open(file, "rb").read()
        lines.append("static let %s: [UInt8] = [%s]" % (name, ",".join(str(b) for b in data)))
    text = "\n".join(lines + ["}", ""])
    if not os.path.exists(path) or open(path).read() != text:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as out: out.write(text)
order = []
def visit(name):
    target = described[name]
    if name in order or target["type"] == "system-target":
        return
    for dependency in target.get("target_dependencies") or []:
        visit(dependency)
    write_embedded(target)
    order.append(name)
for name in ("Findings", "FlameGraph"):
    visit(name)
print("\n".join(order))
' "$modules/embedded")
[ -n "$target_list" ] || { echo "fuzz: swift package describe named no modules" >&2; exit 1; }
mapfile -t targets <<< "$target_list"
sources_of() { find "$root/Sources/$1" -name '*.swift' | LC_ALL=C sort; find "$modules/embedded/$1" -name '*.swift' 2>/dev/null || true; }
# A C++ target (CRE2: the shim over RE2) is compiled with the toolchain's clang++.
cxx_sources_of() { find "$root/Sources/$1" -name '*.cpp' | LC_ALL=C sort; }
clangxx="$(dirname "$(command -v "$swiftc")")/clang++"
[ -x "$clangxx" ] || clangxx=clang++
all_sources=("$root/Fuzz/ProfileFuzzer.swift")
for target in "${targets[@]}"; do
  mapfile -t -O "${#all_sources[@]}" all_sources < <(sources_of "$target"; cxx_sources_of "$target")
done
# Rebuilt when a source, a module map or its header, Package.swift or this script is newer, or
# when the list of sources changed (a file added or removed).
inputs=("${all_sources[@]}" "$0" "$root/Package.swift" "$root"/Sources/*/module.modulemap "$root"/Sources/*/*.h "$root"/Sources/*/include/*)
source_list=$(printf '%s\n' "${all_sources[@]}")
if [ ! -x "$binary" ] || [ -n "$(find "${inputs[@]}" -newer "$binary" 2>/dev/null)" ] \
   || [ "$source_list" != "$(cat "$out/sources.txt" 2>/dev/null)" ]; then
  for target in "${targets[@]}"; do
    echo "fuzz: building module $target"
    mapfile -t cxx_sources < <(cxx_sources_of "$target")
    if [ "${#cxx_sources[@]}" -gt 0 ] && [ -n "${cxx_sources[0]}" ]; then
      "$clangxx" -fsanitize=fuzzer-no-link,address -O1 -g -I "$root/Sources/$target/include" -c "${cxx_sources[@]}" -o "$modules/$target.o"
      continue
    fi
    mapfile -t target_sources < <(sources_of "$target")
    "$swiftc" "${flags[@]}" -module-name "$target" -wmo -c "${target_sources[@]}" \
      -emit-module -emit-module-path "$modules/$target.swiftmodule" -o "$modules/$target.o"
  done
  echo "fuzz: building $binary"
  objects=()
  for target in "${targets[@]}"; do objects+=("$modules/$target.o"); done
  "$swiftc" "${flags[@]}" "${linker[@]}" -module-name ProfileFuzzer "$root/Fuzz/ProfileFuzzer.swift" \
    "${objects[@]}" -lz -l:libre2.a -lstdc++ -o "$binary.tmp"
  mv "$binary.tmp" "$binary"
  printf '%s\n' "$source_list" > "$out/sources.txt"
fi

# 2. Seeds: the real corpus as it is, and gunzipped (libFuzzer's mutations of raw protobuf
#    reach much further than mutations of deflate data), plus tiny crafted inputs.
if [ -d "$seeds" ]; then
  for file in "$seeds"/*; do
    [ -f "$file" ] || continue
    name=$(basename "$file")
    cp -f "$file" "$corpus/seed-$name"
    if gzip -t "$file" 2>/dev/null; then
      gzip -dc "$file" > "$corpus/seed-raw-$name.pb"
    fi
  done
else
  echo "fuzz: corpus not found at $seeds, using crafted seeds only"
fi
# The samples' Go profiles (runtime map frames that the rules look for), gunzipped; found
# wherever they are under samples/profiles.
while IFS= read -r file; do
  name=$(printf '%s' "${file#"$root/samples/profiles/"}" | tr '/' '-')
  gzip -dc "$file" > "$corpus/sample-$name.pb"
done < <(find "$root/samples/profiles" -name '*.pb.gz' 2>/dev/null | LC_ALL=C sort)
# A minimal profile: sample_type {1, 2}, function {1, name 3, file 4}, location {1, line {fn 1,
# line 10}}, sample {loc 1, value 5}, string table "", samples, count, main, main.go.
printf '\x0a\x04\x08\x01\x10\x02\x2a\x06\x08\x01\x10\x03\x20\x04\x22\x08\x08\x01\x22\x04\x08\x01\x10\x0a\x12\x04\x08\x01\x10\x05\x32\x00\x32\x07samples\x32\x05count\x32\x04main\x32\x07main.go' > "$corpus/crafted-minimal.pb"
gzip -c -n "$corpus/crafted-minimal.pb" > "$corpus/crafted-minimal.pb.gz"
cat "$corpus/crafted-minimal.pb.gz" "$corpus/crafted-minimal.pb.gz" > "$corpus/crafted-two-members.pb.gz"
# Two sample types, packed location ids (one of them 2^32) and values (one negative), a string
# and a numeric label, a mapping, a comment, default_sample_type and doc_url.
printf '\x0a\x04\x08\x01\x10\x02\x0a\x04\x08\x05\x10\x06\x1a\x06\x08\x01\x28\x04\x38\x01\x2a\x06\x08\x01\x10\x03\x20\x04\x22\x10\x08\x80\x80\x80\x80\x10\x10\x01\x22\x06\x08\x01\x10\x07\x18\x02\x22\x05\x08\x01\x18\x80\x20\x12\x25\x0a\x07\x80\x80\x80\x80\x10\x01\x01\x12\x0b\x03\xfb\xff\xff\xff\xff\xff\xff\xff\xff\x01\x1a\x04\x08\x07\x10\x08\x1a\x07\x08\x09\x18\x80\x08\x20\x0a\x68\x03\x70\x05\x78\x08\x32\x00\x32\x07\x73\x61\x6d\x70\x6c\x65\x73\x32\x05\x63\x6f\x75\x6e\x74\x32\x04\x6d\x61\x69\x6e\x32\x07\x6d\x61\x69\x6e\x2e\x67\x6f\x32\x03\x63\x70\x75\x32\x0b\x6e\x61\x6e\x6f\x73\x65\x63\x6f\x6e\x64\x73\x32\x04\x75\x73\x65\x72\x32\x05\x61\x6c\x69\x63\x65\x32\x05\x62\x79\x74\x65\x73\x32\x01\x42' > "$corpus/crafted-packed-labels.pb"
printf '\x32\x00' > "$corpus/crafted-empty-profile.pb"
printf '\x48\x01\x48\x02\x32\x00' > "$corpus/crafted-concatenated.pb"

# 3. Run, then one line of libFuzzer's final stats (summed over the jobs).
echo "fuzz: running for ${seconds}s on $(ls "$corpus" | wc -l) seeds"
cd "$out"
# -timeout: an input that takes a minute is a hang; 10 s stopped an hour's run at a load average
# of 12, on an input that takes 0.6 s on an idle machine (with ASan).
args=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=60 -max_len="${FUZZ_MAX_LEN:-32768}"
      -artifact_prefix="$artifacts/" -print_final_stats=1)
rm -f "$out"/fuzz-*.log "$out/fuzz.log"
# Swift's own crash backtracer would get in the way of libFuzzer's (and of ASan's reports).
export SWIFT_BACKTRACE=enable=no
started=$(date +%s)
set +e
if [ "$jobs" -gt 1 ]; then
  # libFuzzer's -jobs runs the fuzzers in parallel on the one corpus, each writing fuzz-N.log.
  "$binary" "$corpus" "${args[@]}" -jobs="$jobs" -workers="$jobs"
  status=$?
  shopt -s nullglob
  logs=("$out"/fuzz-*.log)
  shopt -u nullglob
  # No log at all (the fuzzer did not start): the summary reads nothing, the status stands.
  [ "${#logs[@]}" -gt 0 ] || logs=(/dev/null)
else
  "$binary" "$corpus" "${args[@]}" 2>&1 | tee "$out/fuzz.log"
  status=${PIPESTATUS[0]}
  logs=("$out/fuzz.log")
fi
set -e
elapsed=$(( $(date +%s) - started ))
awk -v jobs="$jobs" -v seconds="$elapsed" -v status="$status" -v corpus="$(ls "$corpus" | wc -l)" \
    -v artifacts="$(ls "$artifacts" | wc -l)" '
  /^stat::number_of_executed_units:/ { units += $2 }
  /^stat::average_exec_per_sec:/ { rate += $2 }
  /^stat::peak_rss_mb:/ { if ($2 > rss) rss = $2 }
  END {
    printf "fuzz: %d executions in %ss on %d job(s): %d execs/s, peak RSS %d MB, corpus %d inputs, %d artifacts, exit status %d\n",
           units, seconds, jobs, rate, rss, corpus, artifacts, status
  }' "${logs[@]}"
exit "$status"
