# proflens — build, run, test, benchmark.
SWIFT ?= swift
SAMPLE ?= samples/profiles/go1.27/ap1-range-mutate/cpu.pb.gz samples/profiles/go1.27/ap1-range-mutate/heap.pb.gz
RUN_FLAGS ?= --nodecount 15
FUZZ_SECONDS ?= 60
# make install: where to (DESTDIR is prepended to every installed path, for packaging).
PREFIX ?= /usr/local
DESTDIR ?=
STRIP ?= strip
# The release binary with the Swift runtime and Foundation linked in (no Swift library needed
# where it runs; libcurl, libz and the C/C++ runtimes stay the system's; RE2 is linked in from
# libre2.a in every build).
STATIC_BUILD = $(SWIFT) build -c release --static-swift-stdlib --product proflens
# libcurl's link library, when present (read when a recipe runs: `deps` may install it first).
LIBCURL = $$(ls /usr/lib/*/libcurl.so /usr/lib/libcurl.so /usr/lib64/libcurl.so 2>/dev/null)
FUZZ_JOBS ?= 1

.PHONY: all build release static install uninstall install-check run test samples bench fuzz deps clean findings-report

all: build

# Installs what the build needs on a Debian machine, a no-op when present, never upgrading
# what is installed (scripts/deps.sh): zlib's and libcurl's headers, pkg-config, and RE2's
# headers and static library (Go's regular expressions).
deps:
	@sh scripts/deps.sh

build: deps
	$(SWIFT) build --product proflens

release: deps
	$(SWIFT) build -c release --product proflens

# The release binary with the Swift standard library and Foundation linked statically.
static: deps
	@[ -n "$(LIBCURL)" ] || \
	  { echo "libcurl4-openssl-dev is missing (the static link needs -lcurl): sudo apt-get install -y libcurl4-openssl-dev" >&2; exit 1; }
	$(STATIC_BUILD)

# Installs the static binary, shell completions (bash, zsh, fish) and the man page under
# $(DESTDIR)$(PREFIX).
install: static
	@set -e; bin="$$($(STATIC_BUILD) --show-bin-path)/proflens"; \
	root="$(DESTDIR)$(PREFIX)"; \
	install -d "$$root/bin" "$$root/share/bash-completion/completions" "$$root/share/zsh/site-functions" \
	  "$$root/share/fish/vendor_completions.d" "$$root/share/man/man1"; \
	install -m 755 "$$bin" "$$root/bin/proflens"; \
	if command -v $(STRIP) >/dev/null 2>&1; then $(STRIP) "$$root/bin/proflens"; fi; \
	"$$bin" --generate-completion-script bash > "$$root/share/bash-completion/completions/proflens"; \
	"$$bin" --generate-completion-script zsh > "$$root/share/zsh/site-functions/_proflens"; \
	"$$bin" --generate-completion-script fish > "$$root/share/fish/vendor_completions.d/proflens.fish"; \
	sh scripts/manpage.sh "$$bin" > "$$root/share/man/man1/proflens.1"; \
	chmod 644 "$$root/share/bash-completion/completions/proflens" "$$root/share/zsh/site-functions/_proflens" \
	  "$$root/share/fish/vendor_completions.d/proflens.fish" "$$root/share/man/man1/proflens.1"; \
	echo "installed $$root/bin/proflens, its completions and man page"

uninstall:
	rm -f "$(DESTDIR)$(PREFIX)/bin/proflens" "$(DESTDIR)$(PREFIX)/share/bash-completion/completions/proflens" \
	  "$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_proflens" "$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/proflens.fish" \
	  "$(DESTDIR)$(PREFIX)/share/man/man1/proflens.1"

# make install into a temporary directory, then checks that the binary needs no Swift library
# and runs without the toolchain (skipped, with a notice, when the toolchain has no static
# standard library).
install-check:
	bash scripts/install-check.sh

# Builds, then analyzes a bundled sample program's CPU and heap profiles.
run: build
	$(SWIFT) run --skip-build proflens analyze $(RUN_FLAGS) $(SAMPLE)

# The Swift tests, then the install check (run even when a Swift test fails: both are reported).
test: deps
	@status=0; \
	echo "$(SWIFT) test"; $(SWIFT) test || status=$$?; \
	echo "bash scripts/install-check.sh"; bash scripts/install-check.sh || status=1; \
	exit $$status

# Regenerates the sample programs' profiles and the reference outputs (needs golang-go).
samples:
	bash samples/generate.sh

# Runs the rules over every sample program and profile; writes samples/FINDINGS.md.
findings-report: build
	python3 scripts/findings-report.py > samples/FINDINGS.md
	@echo "wrote samples/FINDINGS.md"

# Builds the release binaries, generates the benchmark profiles into bench-data/ (once; they
# are reused) and times proflens on them against the targets (scripts/bench.sh says how).
# BENCH_QUICK=1 for a smoke test, BENCH_RUNS=N runs each, BENCH_STRICT=1 to fail on a miss,
# BENCH_ONLY=merge for the merge section alone, BENCH_ONLY=live for the live profiles alone
# (fetched from the Go test server: needs Go and GNU time).
# proflens is measured as `make install` builds it (the Swift runtime linked in); without
# libcurl's link library, which that link needs, the dynamically linked build is measured.
bench: deps
	@if [ -n "$(LIBCURL)" ]; then $(MAKE) --no-print-directory static; else \
	  echo "bench: libcurl4-openssl-dev is missing: measuring the dynamically linked build" >&2; \
	  $(MAKE) --no-print-directory release; fi
	$(SWIFT) build -c release --product ProfileGenerator
	bash scripts/bench.sh

# Runs the libFuzzer harness (decoder, reports, rules, flame graphs, diff) for FUZZ_SECONDS
# seconds on FUZZ_JOBS cores (make fuzz FUZZ_JOBS=2 uses both of a 2-core machine).
fuzz: deps
	FUZZ_JOBS=$(FUZZ_JOBS) bash scripts/fuzz.sh $(FUZZ_SECONDS)

clean:
	rm -rf .build .build-fuzz bench-data
