# oomlens — see README.md. `make demo` runs the analysis on the founding
# fixture; `make test` is what CI runs.
GO        ?= go
BIN       ?= oomlens
STATICCHECK_VERSION ?= v0.8.2
GOVULNCHECK_VERSION ?= v1.9.0
FUZZTIME  ?= 20s
# FUZZFLAGS is passed to every fuzz run. A bounded minimization count keeps
# targets with large inputs (whole bundles) from spending minutes minimizing
# every new corpus entry (the default is 60s each).
FUZZFLAGS ?= -fuzzminimizetime=100x
# FUZZLOG is the log `make fuzz` appends to (empty: none); TARGETS limits
# `make fuzz` and `make fuzz-smoke` to the named fuzz targets.
FUZZLOG   ?= fuzz/LOG.md
TARGETS   ?=
export GOFLAGS ?= -mod=mod

.PHONY: build demo test lint vet fmt-check staticcheck govulncheck update-golden fuzz fuzz-smoke bench tidy-check clean

build:
	$(GO) build -o $(BIN) .

demo: build
	./$(BIN) analyze --color=never fixtures/seed-microk8s
	./$(BIN) analyze -o report.html fixtures/seed-microk8s
	@echo "wrote report.html"

# test runs the linters, govulncheck and every test under the race
# detector (seed corpora of the fuzz targets included).
test: lint govulncheck
	$(GO) test -race -count=1 ./...

lint: fmt-check vet staticcheck

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

# govulncheck needs the vulnerability database at vuln.go.dev. When it
# cannot be reached (an offline build machine) the check prints a notice
# and does not fail; any other failure, and any vulnerability found, fails.
govulncheck:
	@out=$$($(GO) run golang.org/x/vuln/cmd/govulncheck@$(GOVULNCHECK_VERSION) ./... 2>&1); rc=$$?; \
	echo "$$out"; \
	if [ $$rc -ne 0 ] && echo "$$out" | grep -Eq 'fetching vulnerabilities|(dial tcp|no such host|connection refused)'; then \
	  echo "NOTICE: govulncheck could not reach its vulnerability database (vuln.go.dev): NOT CHECKED."; exit 0; \
	fi; \
	exit $$rc

# Only the packages with golden files define -update (go test fails a
# package given a flag it does not define).
GOLDEN_PKGS = $(shell grep -l '^var update = flag.Bool' $$(find . -name '*_test.go' -not -path './fuzz/*') | xargs -n1 dirname | sort -u)

update-golden:
	$(GO) test $(GOLDEN_PKGS) -update

# fuzz runs every Fuzz target of every package (or only TARGETS, e.g.
# TARGETS='FuzzKernelLog FuzzAnalyze') for FUZZTIME each, one at a time, and
# appends a row per target to FUZZLOG (date, commit, target, time, CPU,
# execs, new corpus entries, crashers). A failing target is recorded and
# the others still run; the run fails at the end. On a shared machine:
#   nice -n 19 make fuzz FUZZTIME=10m FUZZFLAGS='-parallel=1 -fuzzminimizetime=100x'
fuzz:
	GO="$(GO)" FUZZTIME="$(FUZZTIME)" FUZZFLAGS="$(FUZZFLAGS)" FUZZLOG="$(FUZZLOG)" ./fuzz/run.sh $(TARGETS)

# fuzz-smoke runs every fuzz target briefly (for CI: 2000 execs each unless
# FUZZTIME is given) and writes no log, so CI leaves the tree clean;
# crashers are written to <pkg>/testdata/fuzz/<Target>/ and must be
# committed with the fix.
fuzz-smoke:
	GO="$(GO)" FUZZTIME="$(if $(filter command line,$(origin FUZZTIME)),$(FUZZTIME),2000x)" \
	  FUZZFLAGS="-parallel=1 -fuzzminimizetime=100x" FUZZLOG= ./fuzz/run.sh $(TARGETS)

# bench runs the Go benchmarks (MB/s, allocs/op); bench/compare.sh compares
# the whole program with grep, rg and cat on large generated logs.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

tidy-check:
	$(GO) mod tidy && git diff --exit-code go.mod go.sum

clean:
	rm -f $(BIN) report.html
