# eportal — build, run and test. `make help` lists the targets.
#
# Pinned tool versions. Tools are installed into ./bin (git-ignored) with the
# Go toolchain; nothing is downloaded from anywhere but the Go module proxy
# and the npm registry (DynamoDB Local, fetched by the Go code itself).
RIE_VERSION         := v0.0.0-20261030222936-bef5c4ba774d
STATICCHECK_VERSION := v0.8.2

GO       ?= go
BIN      := $(CURDIR)/bin
RIE      := $(BIN)/aws-lambda-rie
STATICCHECK := $(BIN)/staticcheck
GOFLAGS_LAMBDA := -tags lambda.norpc -trimpath -ldflags="-s -w"
FUNCTIONS := $(notdir $(patsubst %/,%,$(dir $(wildcard functions/*/main.go))))

# Fuzz targets, as package:Target: every `func Fuzz…` in a test file, found
# here so that a new one is run without being listed. `make fuzz` runs each
# for FUZZTIME, one after another; `make test` runs each for FUZZTIME_SHORT.
# -fuzzminimizetime bounds the minimising of each new input (60 s by
# default), which otherwise stalls a short run. A failing input is written to
# the package's testdata/fuzz/<Target>/: commit it with the fix, as a
# regression seed (plain `go test` then runs it).
#
# make test's budget is a count of executions, not a duration: Go 1.26's
# fuzzing coordinator can report a bare "context deadline exceeded" failure,
# with no failing input, when a duration -fuzztime ends while a worker is
# busy (golang/go#75804, fixed in Go 1.27); on a loaded machine it does. A
# count has no deadline to race. make fuzz, run by hand, keeps a duration.
FUZZTIME         ?= 30s
FUZZTIME_SHORT   ?= 20000x
FUZZMINIMIZETIME ?= 5s
FUZZ_TARGETS := $(shell grep -r --include='*_test.go' -o '^func Fuzz[A-Za-z0-9_]*' internal infra functions \
	| sed -E 's|^(.*)/[^/]*:func (Fuzz.*)$$|\1:\2|' | sort)

.PHONY: help build run token admin-user reindex test lint fuzz fuzz-short bench load screenshots tools chromium clean

help: ## list the targets
	@grep -E '^[a-zA-Z_%-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-22s %s\n", $$1, $$2}'

# `sam build` runs `make build-<LogicalId>` with ARTIFACTS_DIR set: ReadFunction
# is built from functions/read, ViewsFunction from functions/views, and so on.
build-%Function: ## (sam build) build one function's bootstrap for Lambda, linux/arm64
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build $(GOFLAGS_LAMBDA) \
		-o $(ARTIFACTS_DIR)/bootstrap ./functions/$(shell echo $* | tr '[:upper:]' '[:lower:]')

build: ## build every function's bootstrap into bin/<function>/ and show the sizes
	@for f in $(FUNCTIONS); do \
		CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build $(GOFLAGS_LAMBDA) -o $(BIN)/$$f/bootstrap ./functions/$$f || exit 1; \
		printf '  functions/%-8s %s bytes\n' $$f $$(stat -c %s $(BIN)/$$f/bootstrap); \
	done

run: ## serve the reader site and the whole API with demo content on http://127.0.0.1:3000
	$(GO) run ./infra/run

token: ## print a local JWT for ROLE=editor|publisher|admin
	@$(GO) run ./infra/token -role='$(ROLE)'

# On a deployed stack (AWS CLI and credentials): `make admin-user
# EMAIL=truc-ban@quangnam.gov.vn GROUP=admin` creates the user (Cognito
# e-mails a temporary password) and adds it to GROUP; DRY_RUN=1 prints the
# commands. More (add, remove, groups): go run ./infra/users -h.
STACK ?= eportal
admin-user: ## create user EMAIL on the deployed STACK (default eportal) and add it to GROUP (DRY_RUN=1: print only)
	@test -n '$(EMAIL)' || { echo "usage: make admin-user EMAIL=you@example.vn GROUP=admin [STACK=eportal] [DRY_RUN=1]"; exit 2; }
	$(GO) run ./infra/users -stack '$(STACK)' $(if $(DRY_RUN),-dry-run) create '$(EMAIL)' $(GROUP)

# `make reindex`: the search index's backfill on a deployed STACK's table
# (AWS credentials; TABLE defaults to the stack's TableName output), or on
# another table with TABLE=, or on DynamoDB Local with ENDPOINT= (make run
# backfills at every start already). When to run it: docs/operations.md.
reindex: ## index every published article of STACK's table (or TABLE=, ENDPOINT= for DynamoDB Local)
	@table='$(TABLE)'; \
	if [ -z "$$table" ]; then \
		table=$$(aws cloudformation describe-stacks --stack-name '$(STACK)' \
			--query "Stacks[0].Outputs[?OutputKey=='TableName'].OutputValue" --output text) || exit 1; \
	fi; \
	$(GO) run ./infra/reindex -table "$$table" $(if $(ENDPOINT),-endpoint '$(ENDPOINT)')

test: tools lint fuzz-short ## everything CI runs: lint, short fuzzing, unit, DynamoDB Local, template, emulator and browser tests
	$(GO) test -count=1 ./...

lint: $(STATICCHECK) ## gofmt, go vet, staticcheck, cfn-lint (SAM and translated)
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
		if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...
	cfn-lint template.yaml
	python3 infra/template/lint-translated.py template.yaml
	cfn-lint --regions us-east-1 -- infra/edge/waf.yaml

fuzz: ## run every fuzz target for FUZZTIME (default 30s), one after another
	@for t in $(FUZZ_TARGETS); do \
		echo "fuzz: $${t#*:} (./$${t%:*}) for $(FUZZTIME)"; \
		$(GO) test -vet=off -run '^$$' -fuzz "^$${t#*:}\$$" -fuzztime $(FUZZTIME) \
			-fuzzminimizetime $(FUZZMINIMIZETIME) ./$${t%:*} || exit 1; \
	done

fuzz-short: ## run every fuzz target for FUZZTIME_SHORT (default 20,000 executions); part of make test
	@$(MAKE) --no-print-directory fuzz FUZZTIME=$(FUZZTIME_SHORT) FUZZMINIMIZETIME=200x

bench: tools ## benchmarks: round trips, local throughput vs raw SDK GetItem
	$(GO) test -count=1 -run '^$$' -bench . -benchtime 3s ./...

# `make load`: readers, beacons, voters and an editor against the whole API on
# loopback (in-memory DynamoDB Local) for LOAD_TIME; LOAD_FAULTS fails that
# share of DynamoDB requests (throttling, 500s, conflicts). Not part of
# `make test`: it measures, and takes a minute.
LOAD_TIME    ?= 45s
LOAD_FAULTS  ?= 0
LOAD_WORKERS ?= 16

load: ## mixed load for LOAD_TIME (45s), LOAD_WORKERS (16), LOAD_FAULTS (0-0.5): req/s, p50/p99 per route, exact-count checks
	$(GO) run ./infra/load -time $(LOAD_TIME) -faults $(LOAD_FAULTS) -c $(LOAD_WORKERS)

# `make screenshots`: the home, article, poll, search and Văn bản pages at
# 1280 and 360 px in headless Chromium, on a fresh local stack with the demo
# content, written to docs/screenshots/ (the README shows them), and the
# editors' console's desk and article editor at 1280 and 768 px, and its
# document editor, admins' pages and media library at 1280 px
# (infra/consoletest). Commit them when the site's look changes.
screenshots: chromium ## take the reader site's and the console's screenshots into docs/screenshots/
	EPORTAL_SCREENSHOTS=docs/screenshots $(GO) test -count=1 -run '^Test(Editor|Admin)?Screenshots$$' ./infra/sitetest ./infra/consoletest

tools: $(RIE) $(STATICCHECK) chromium ## install the pinned test tools into ./bin, and Chromium

# The browser tests (infra/browser) drive Debian's chromium, the one browser
# this machine's package mirror serves (a test tool's own browser download is
# refused). Present: nothing runs, not even apt. Missing: CI runs as root, so
# install it, refreshing the package lists first because a stale list names
# .debs the mirror no longer has; anyone else gets one line saying what to
# install. apt's progress is silenced, its errors are not, and it waits up to
# five minutes for another apt to finish rather than fail on its lock.
# $CHROMIUM, if set, names the executable instead, as for the tests.
chromium:
	@command -v "$${CHROMIUM:-chromium}" >/dev/null 2>&1 || { \
		if [ "$$(id -u)" != 0 ]; then \
			echo "chromium is missing: install Debian's chromium package (sudo apt-get install chromium)" >&2; exit 1; \
		fi; \
		echo "installing Debian's chromium for the browser tests"; \
		apt-get update -qq -o DPkg::Lock::Timeout=300 >/dev/null && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			-o DPkg::Lock::Timeout=300 chromium >/dev/null; \
	}

$(RIE):
	GOBIN=$(BIN) $(GO) install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@$(RIE_VERSION)

$(STATICCHECK):
	GOBIN=$(BIN) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

clean: ## remove build output (keeps .local/ data and the DynamoDB Local cache)
	rm -rf $(BIN) .aws-sam
