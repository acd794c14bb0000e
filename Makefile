# The README's two commands are `make dev` and `make test`.
#
# Go on these machines defaults to GOTOOLCHAIN=local, which refuses go.mod's
# `go 1.26.10` line; auto lets the go command fetch that toolchain from the
# module proxy once. See README, "Why the versions are pinned".
export GOTOOLCHAIN := auto
GO ?= go

.PHONY: dev test vet bench build

## dev: run everything (PostgreSQL, Temporal, mail catcher, worker, API, pages, demo data)
dev:
	$(GO) run ./cmd/scrutiny dev

## test: run every test against real PostgreSQL, Temporal and SMTP
test:
	$(GO) test -count=1 -timeout 45m ./...

## vet: static checks
vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt would change:"; gofmt -l $$(git ls-files '*.go'); exit 1; }

## bench: benchmarks (timing targets live here, never in tests)
bench:
	$(GO) test -run '^$$' -bench . -benchtime 1x ./...

## build: the single binary, in bin/
build:
	$(GO) build -o bin/scrutiny ./cmd/scrutiny
