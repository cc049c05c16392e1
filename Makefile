# oomlens — see README.md. `make demo` runs the analysis on the founding
# fixture; `make test` is what CI runs.
GO        ?= go
BIN       ?= oomlens
STATICCHECK_VERSION ?= v0.8.2
FUZZTIME  ?= 20s
export GOFLAGS ?= -mod=mod

.PHONY: build demo test lint vet fmt-check staticcheck update-golden fuzz bench tidy-check clean

build:
	$(GO) build -o $(BIN) .

demo: build
	./$(BIN) analyze --color=never fixtures/seed-microk8s
	./$(BIN) analyze -o report.html fixtures/seed-microk8s
	@echo "wrote report.html"

test: lint
	$(GO) test -count=1 ./...

lint: fmt-check vet staticcheck

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

update-golden:
	$(GO) test ./... -update

# fuzz runs every Fuzz target of every package for FUZZTIME each.
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$f ($(FUZZTIME))"; \
	    $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

# bench runs the Go benchmarks (MB/s, allocs/op); bench/compare.sh compares
# the whole program with grep, rg and cat on large generated logs.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

tidy-check:
	$(GO) mod tidy && git diff --exit-code go.mod go.sum

clean:
	rm -f $(BIN) report.html
