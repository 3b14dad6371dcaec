# gorepro — see README.md. Every target runs from a fresh clone with only Go
# installed (tests also fetch go1.27.3 through GOTOOLCHAIN from the module proxy).
GO ?= go
GOFLAGS_BUILD ?= -buildvcs=auto
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
ACTIONLINT ?= github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
GORELEASER ?= github.com/goreleaser/goreleaser/v2@v2.17.0

.PHONY: build run test lint bench fuzz faults stress docs release-snapshot release-test clean

build:
	$(GO) build -o bin/gorepro ./cmd/gorepro

# Image toolchains are never pulled from a registry by default here: make run
# PULL=missing lets the engine fetch absent builder and runtime images.
PULL ?= never
run:
	$(GO) run ./cmd/gorepro matrix --config toolchains.json --pull $(PULL)

test:
	$(GO) test -count=1 -timeout 25m ./...

lint:
	$(GO) vet ./...
	test -z "$$(gofmt -l .)" || { gofmt -l .; exit 1; }
	$(GO) run $(STATICCHECK) ./...
	$(GO) run $(ACTIONLINT) scripts/github/*.yml

bench: build
	scripts/bench.sh

# Each fuzz target for FUZZTIME: the log reader (crashlog.Read), the
# config parser (config.Parse), seeded from the crash corpus and the test
# configs, the config's JSON Schema against config.Parse (FuzzSchema: the
# one accepts what the other does), and the loading and reporting of a run directory that may come
# from a fork's CI artifact (runstore.Load). A failing input is saved under the package's testdata/fuzz.
FUZZTIME ?= 60s
fuzz:
	$(GO) test ./internal/crashlog -run '^$$' -fuzz '^FuzzRead$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/config -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/config -run '^$$' -fuzz '^FuzzSchema$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/runstore -run '^$$' -fuzz '^FuzzLoadRun$$' -fuzztime $(FUZZTIME)

# The fault suite (internal/faults): the real gorepro against hostile
# programs, signals, full and read-only disks (as root), a shared cache,
# crafted run directories and a container engine that dies mid-run. It
# prints a table: scenario, expected, observed.
faults:
	GOREPRO_FAULTS=1 $(GO) test -count=1 -timeout 20m -v -run '^TestFaults$$' ./internal/faults

# The tests of processes, signals, timing and the shared cache, run
# STRESS_COUNT times (default 50; the end-to-end ones STRESS_COUNT/10) with
# STRESS_LOAD busy loops (default 2) beside them: every run must pass.
# STRESS=short is what CI runs (STRESS_COUNT=5). See scripts/stress.sh.
stress:
	GO=$(GO) STRESS=$(STRESS) STRESS_COUNT=$(STRESS_COUNT) STRESS_E2E_COUNT=$(STRESS_E2E_COUNT) STRESS_LOAD=$(STRESS_LOAD) scripts/stress.sh

# docs/cli.md is generated from the commands and docs/toolchains.schema.json
# from the config types (gorepro config schema); TestDocsUpToDate fails when
# either is out of date.
docs:
	$(GO) test ./internal/cli -run TestDocsUpToDate -update

# The release archives (scripts/goreleaser.yaml) built from the working tree
# in snapshot mode, offline, into dist/, then checked by
# scripts/release-check.sh: checksums, and each binary's version (build info;
# the linux ones run, arm64 under qemu-aarch64-static). goreleaser itself is
# built from the Go module proxy the first time (a few minutes).
release-snapshot:
	$(GO) run $(GORELEASER) release --snapshot --clean --config scripts/goreleaser.yaml
	scripts/release-check.sh

# The release path end to end (internal/releasetest): a clone tagged v0.1.0
# released by goreleaser (archives, checksums, release notes since the
# previous tag), go install from a module proxy, and the released binary on
# a real crash.
release-test:
	GOREPRO_RELEASE_TEST=1 GORELEASER=$(GORELEASER) $(GO) test -count=1 -timeout 30m -v ./internal/releasetest

# results/ is the default --out: remove the runs, keep its README.
clean:
	rm -rf bin results/2*/ results/latest results/.incomplete-*
