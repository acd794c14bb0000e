# The README's two commands are `make dev` and `make test`.
#
# Go on these machines defaults to GOTOOLCHAIN=local, which refuses go.mod's
# `go 1.26.10` line; auto lets the go command fetch that toolchain from the
# module proxy once. See README, "Why the versions are pinned".
export GOTOOLCHAIN := auto
GO ?= go

.PHONY: dev test vet vulncheck bench build build-production

## dev: run everything (PostgreSQL, Temporal, mail catcher, worker, API, pages, demo data)
dev:
	$(GO) run ./cmd/scrutiny dev

AXE := .cache/axe/node_modules/axe-core/axe.min.js

## test: run every test against real PostgreSQL, Temporal, SMTP and (for the
## browser journeys) headless Chromium with axe-core
test: $(AXE)
	$(GO) test -count=1 -timeout 45m ./...

# axe-core, the accessibility checker the browser journeys run, from the npm
# registry. Without npm the journeys skip (they fail under CI instead).
$(AXE):
	@command -v npm >/dev/null && npm install --no-save --no-audit --no-fund --prefix .cache/axe axe-core@4.11.1 || echo "npm not found: browser journeys will be skipped"

## vet: static checks
vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt would change:"; gofmt -l $$(git ls-files '*.go'); exit 1; }

## vulncheck: govulncheck over every package. These machines cannot reach
## vuln.go.dev, so the database is built from the pinned golang.org/x/vulndb
## module the Go module proxy serves; move VULNDB_VERSION on to pick up new
## advisories.
VULNDB_VERSION := v0.0.0-20261105234957-e22db6528018
vulncheck:
	@dir=$$(cd "$$(mktemp -d)" && $(GO) mod download -json golang.org/x/vulndb@$(VULNDB_VERSION) | sed -n 's/^\t"Dir": "\(.*\)",$$/\1/p'); \
	rm -rf .cache/vulndb && \
	$(GO) run golang.org/x/vulndb/cmd/indexdb@$(VULNDB_VERSION) -vulns "$$dir/data/osv" -out .cache/vulndb && \
	$(GO) run golang.org/x/vuln/cmd/govulncheck@v1.9.0 -db file://$(CURDIR)/.cache/vulndb ./...

## bench: benchmarks (timing targets live here, never in tests)
bench:
	$(GO) test -run '^$$' -bench . -benchtime 1x ./...

## build: the single binary, in bin/
build:
	$(GO) build -o bin/scrutiny ./cmd/scrutiny

## build-production: the binary the Dockerfile builds, in bin/, checked not to
## link the Temporal server (`-tags production` leaves out dev, load, bench)
# PRODUCTION_TAGS must match the Dockerfile's `go build -tags`
# (cmd/scrutiny/commands_production_test.go checks that they do). The
# image's other flags (CGO off, -trimpath) are left out here: they change
# nothing of what is linked, and would rebuild every package cold in CI.
PRODUCTION_TAGS := production
build-production:
	$(GO) build -tags $(PRODUCTION_TAGS) -o bin/scrutiny-production ./cmd/scrutiny
	@if $(GO) version -m bin/scrutiny-production | grep -q 'go.temporal.io/server'; then \
		echo "bin/scrutiny-production links go.temporal.io/server; a production build must not"; exit 1; fi
	@echo "bin/scrutiny-production: production build, without go.temporal.io/server"
