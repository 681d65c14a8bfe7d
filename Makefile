# Feltsag — build, test and demo. `make help` lists the targets.
#
# Every Go command runs with -tags migrated_fynedo: FyneApp.toml declares
# [Migrations] fyneDo = true, so widgets may be touched only on the Fyne
# goroutine (fyne.Do), and the tag tells Fyne we keep that promise.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.NOTPARALLEL:

GO       ?= go
TAGS     := migrated_fynedo
BIN      := bin
VERSION  := $(shell sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)
LDFLAGS  := -X main.version=$(VERSION)
FUZZTIME ?= 10s

# Fyne reads the user's language (via jeandeaual/go-locale) from the first set
# of LC_ALL, LC_MESSAGES and LANG, overridden by LANGUAGE. A value such as
# C.UTF-8 makes it log "Error parsing user locale C" and fall back to English,
# so pin LANG and drop the others. The da_DK locale need not be installed on
# the machine: only Fyne reads the variable. `make demo LANG=en_GB.UTF-8`
# shows the English UI.
export LANG := da_DK.UTF-8
unexport LANGUAGE LC_ALL LC_MESSAGES

# SOAK=1 turns on the long runs (thousands of simulator seeds, crash loops):
# tests read FELTSAG_SOAK, and go test gets a longer timeout.
SOAK ?=
export FELTSAG_SOAK := $(SOAK)
export FELTSAG_REQUIRE_TOOLS := 1
TEST_TIMEOUT := $(if $(SOAK),120m,20m)

.PHONY: help deps deps-build build client package test fmt vet staticcheck layercheck rules coverage mutants unit smoke bench fuzz demo clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{ printf "  make %-10s %s\n", $$1, $$2 }'

deps: ## install missing system packages (Debian/Ubuntu; prints what to do elsewhere)
	@.ci/deps.sh test

deps-build:
	@.ci/deps.sh build

build: deps-build ## build the programs into ./bin/
	$(GO) build -tags $(TAGS) -ldflags '$(LDFLAGS)' -o $(BIN)/ ./cmd/...

client: deps-build
	$(GO) build -tags $(TAGS) -ldflags '$(LDFLAGS)' -o $(BIN)/feltsag ./cmd/feltsag

package: ## the Linux archive and the Windows .exe of the client into dist/ (fyne package, mingw-w64)
	@.ci/deps.sh package
	@GO=$(GO) .ci/package.sh

test: deps fmt vet staticcheck layercheck rules coverage mutants smoke unit ## everything CI runs; go test's output comes last

fmt: ## fail on files gofmt would change
	@files=$$(find . -name '*.go' -not -path './.git/*' -not -path './$(BIN)/*' -not -path '*/testdata/*' | xargs -r gofmt -l); \
	if [[ -n $$files ]]; then echo "gofmt: these files need gofmt -w:"; echo "$$files"; exit 1; fi; \
	echo "gofmt: ok"

vet: ## go vet, and prove app and ui build without cgo
	$(GO) vet -tags $(TAGS) ./... ./.ci/layercheck
	CGO_ENABLED=0 $(GO) vet -tags $(TAGS) ./app/... ./ui/...

STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

staticcheck: ## staticcheck (pinned; fetched through the Go module proxy on first use)
	$(GO) run $(STATICCHECK) -tags $(TAGS) ./...

layercheck: ## fail on imports across the layers of DESIGN.md §2
	$(GO) run ./.ci/layercheck -tags $(TAGS)

rules: ## run the rule scenarios in assets/rules/scenarios
	@TAGS=$(TAGS) .ci/rules.sh

coverage: ## fail on a sourced DOMAIN.md rule with neither a scenario nor a reasoned exception
	$(GO) run -tags $(TAGS) ./cmd/feltsagd rules coverage -q

# The whole mutation check takes seconds (every numeric and yes/no cell of
# the rule tables ±1, all scenarios against each), so make test runs all of
# it; MUTANTS='parametre.csv:*' runs a subset by id pattern.
MUTANTS ?=
mutants: ## change each numeric and yes/no table cell ±1 and fail when no scenario notices
	$(GO) run -tags $(TAGS) ./cmd/feltsagd rules mutants -q $(if $(MUTANTS),-kun '$(MUTANTS)')

unit: ## go test -race, all packages (and the random-damage test without -race: checkptr)
	$(GO) test -race -tags $(TAGS) -count=1 -timeout $(TEST_TIMEOUT) ./... ./.ci/layercheck
	$(GO) test -tags $(TAGS) -count=1 -run '^TestRandomBitFlips$$' ./store/

smoke: deps-build ## the client signed in on a demo server under Xvfb: screenshots of the list, a case, the plan preview, the companies, a company (bin/smoke-*.png)
	$(GO) build -tags $(TAGS) -ldflags '$(LDFLAGS)' -o $(BIN)/ ./cmd/feltsag ./cmd/feltsagd
	@.ci/smoke.sh $(BIN)

# make bench first prints issue 9's figures (cmd/feltsag-load against its
# own server, with the PouchDB peer in .ci/bench/pouchdb when node and npm
# are present; LOADFLAGS adds driver flags, e.g. LOADFLAGS='-only sync,push'),
# then runs every Go benchmark (GOBENCH=0 skips them). The 10,000 idle
# connections need ~11,000 file descriptors per process.
LOADFLAGS ?=
GOBENCH   ?= 1
bench: ## issue 9's sync figures with the PouchDB ratios (feltsag-load), then the Go benchmarks
	$(GO) build -tags $(TAGS) -ldflags '$(LDFLAGS)' -o $(BIN)/feltsag-load ./cmd/feltsag-load
	ulimit -n "$$(ulimit -Hn)" 2>/dev/null || true; $(BIN)/feltsag-load -peer .ci/bench/pouchdb -profile-out $(BIN)/server-cpu.pprof $(LOADFLAGS)
	@if [[ "$(GOBENCH)" != 0 ]]; then $(GO) test -tags $(TAGS) -run '^$$' -bench . -benchmem ./...; fi

fuzz: ## run every fuzz target for FUZZTIME (default 10s) each
	@TAGS=$(TAGS) .ci/fuzz.sh $(FUZZTIME)

demo: deps build ## check the rules and open the client (Xvfb + bin/demo.png without a display)
	@TAGS=$(TAGS) .ci/demo.sh

clean: ## remove build output and failed golden files
	rm -rf $(BIN)
	find . -path '*/testdata/failed' -type d -prune -exec rm -rf {} +
