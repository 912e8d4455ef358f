# proflens — build, run, test, benchmark.
SWIFT ?= swift
SAMPLE ?= samples/profiles/ap1-range-mutate/cpu.pb.gz samples/profiles/ap1-range-mutate/heap.pb.gz
RUN_FLAGS ?= --nodecount 15
FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= 1

.PHONY: all build release run test samples bench fuzz deps clean

all: build

# Installs what the build needs on a Debian machine (zlib headers); a no-op when present.
deps:
	@if ! [ -f /usr/include/zlib.h ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq zlib1g-dev pkg-config; \
	  else echo "zlib1g-dev is missing: sudo apt-get install -y zlib1g-dev" >&2; exit 1; fi; \
	fi

build: deps
	$(SWIFT) build --product proflens

release: deps
	$(SWIFT) build -c release --product proflens

# Builds, then analyzes a bundled sample program's CPU and heap profiles.
run: build
	$(SWIFT) run --skip-build proflens analyze $(RUN_FLAGS) $(SAMPLE)

test: deps
	$(SWIFT) test

# Regenerates the sample programs' profiles and the reference outputs (needs golang-go).
samples:
	bash samples/generate.sh

bench: deps
	$(SWIFT) build -c release --product proflens
	$(SWIFT) build -c release --product ProfileGenerator
	bash scripts/bench.sh

# Runs the libFuzzer harness (decoder, reports, rules, flame graphs, diff) for FUZZ_SECONDS
# seconds on FUZZ_JOBS cores (make fuzz FUZZ_JOBS=2 uses both of a 2-core machine).
fuzz: deps
	FUZZ_JOBS=$(FUZZ_JOBS) bash scripts/fuzz.sh $(FUZZ_SECONDS)

clean:
	rm -rf .build .build-fuzz bench-data
