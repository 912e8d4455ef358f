#!/usr/bin/env bash
# Fuzzes the profile decoder with libFuzzer for SECONDS seconds (default 60).
#   bash scripts/fuzz.sh [SECONDS]          (make fuzz FUZZ_SECONDS=...)
# Builds Fuzz/DecoderFuzzer.swift together with Sources/Pprof/*.swift, with swiftc directly
# (-sanitize=fuzzer,address), into .build-fuzz/, seeds .build-fuzz/corpus from
# ../shared/corpus/profiles (when present) plus a few crafted inputs, and runs the fuzzer.
# Crashes are written to .build-fuzz/artifacts/; re-run one with
#   .build-fuzz/decoder-fuzzer .build-fuzz/artifacts/crash-<hash>
# Environment: SWIFTC (default swiftc), FUZZ_MAX_LEN (default 32768), FUZZ_JOBS (default 1),
# FUZZ_CORPUS (a directory of seed profiles, default ../shared/corpus/profiles).
set -euo pipefail

seconds=${1:-60}
case "$seconds" in ''|*[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;; esac

root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/.build-fuzz"
corpus="$out/corpus"
artifacts="$out/artifacts"
binary="$out/decoder-fuzzer"
seeds=${FUZZ_CORPUS:-$root/../shared/corpus/profiles}
swiftc=${SWIFTC:-swiftc}
mkdir -p "$out" "$corpus" "$artifacts"

# 1. Build: the library's sources and the harness form one module named Pprof, so that
#    `import CZlib` resolves through Sources/CZlib/module.modulemap.
sources=("$root"/Sources/Pprof/*.swift "$root/Fuzz/DecoderFuzzer.swift")
# lld (shipped with the Swift toolchain) links quietly; gold warns about every ASan symbol.
linker=()
if command -v ld.lld >/dev/null 2>&1 || [ -x "$(dirname "$(command -v "$swiftc")")/ld.lld" ]; then linker=(-use-ld=lld); fi
if [ ! -x "$binary" ] || [ -n "$(find "${sources[@]}" "$0" -newer "$binary" 2>/dev/null)" ]; then
  echo "fuzz: building $binary"
  "$swiftc" -sanitize=fuzzer,address -parse-as-library -module-name Pprof \
    -O -g "${linker[@]}" -I "$root/Sources/CZlib" -lz \
    "${sources[@]}" -o "$binary"
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

# 3. Run.
echo "fuzz: running for ${seconds}s on $(ls "$corpus" | wc -l) seeds"
cd "$out"
args=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len="${FUZZ_MAX_LEN:-32768}"
      -artifact_prefix="$artifacts/" -print_final_stats=1)
# libFuzzer's -jobs sends each job's output to fuzz-N.log; only use it when asked for.
if [ "${FUZZ_JOBS:-1}" -gt 1 ]; then args+=(-jobs="$FUZZ_JOBS" -workers="$FUZZ_JOBS"); fi
exec "$binary" "$corpus" "${args[@]}"
