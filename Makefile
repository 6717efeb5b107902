# Homeostat's build. Every target works on a fresh machine with Go;
# `make test` is what CI runs (through .ci/run).

GO            ?= go
BIN           := bin
PROTOC_GEN_GO := google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
STATICCHECK   := honnef.co/go/tools/cmd/staticcheck@v0.8.2
GOBIN_DIR     := $(shell $(GO) env GOPATH)/bin
PROTOS        := $(wildcard proto/homeostat/v1/*.proto)
# Packages that run goroutines; tested again under the race detector.
# cmd/simnode runs whole jobs across simnode processes.
RACE_PKGS     := ./actors/... ./clock/... ./cluster/... ./sim/... ./cmd/simnode/...
FUZZTIME      ?= 10s

.PHONY: all build test test-unit test-race fuzz verify proto deps tools bench \
	demo cluster cluster-stop clean

all: build

build:
	$(GO) build -o $(BIN)/ ./cmd/...

## test: everything CI checks: unit and scenario tests, the race
## detector on the concurrent packages, and a short fuzz of the loaders.
test: deps verify test-unit test-race fuzz

test-unit:
	$(GO) test -count=1 ./...

test-race:
	$(GO) test -count=1 -race $(shell $(GO) list $(RACE_PKGS) 2>/dev/null)

fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzDecodeYAML$$' -fuzztime=$(FUZZTIME) ./model
	$(GO) test -run='^$$' -fuzz='^FuzzDecodePB$$' -fuzztime=$(FUZZTIME) ./model

## verify: formatting, vet, staticcheck, tidy modules and fresh generated
## code; fails on any difference.
verify: tools
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || \
		{ gofmt -l $$(git ls-files '*.go'); echo 'gofmt: files above need formatting'; exit 1; }
	$(GO) vet ./...
	$(GOBIN_DIR)/staticcheck ./...
	$(GO) mod tidy
	$(MAKE) proto
	@git diff --exit-code -- go.mod go.sum proto || \
		{ echo 'verify: go.mod, go.sum or generated code are stale'; exit 1; }

proto: tools
	PATH="$(GOBIN_DIR):$$PATH" protoc --go_out=. --go_opt=paths=source_relative $(PROTOS)

## deps: Debian packages the tests need (protoc to check generated code,
## SCRAM as an independent fault-tree engine), then the pinned Go tools.
deps:
	@need=""; command -v protoc >/dev/null || need="$$need protobuf-compiler"; \
	command -v scram >/dev/null || need="$$need scram"; \
	if [ -n "$$need" ]; then \
		if [ "$$(id -u)" != 0 ]; then echo "install as root: apt-get install$$need"; exit 1; fi; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$need; \
	fi
	@$(MAKE) --no-print-directory tools

tools:
	@command -v protoc >/dev/null || { echo 'protoc missing: apt-get install protobuf-compiler'; exit 1; }
	@$(GOBIN_DIR)/protoc-gen-go --version 2>/dev/null | grep -q 'v1.36.12' || $(GO) install $(PROTOC_GEN_GO)
	@$(GOBIN_DIR)/staticcheck --version 2>/dev/null | grep -q "(0.8.2)" || $(GO) install $(STATICCHECK)

## bench: the performance figures of the closing notes.
bench:
	$(GO) test -run='^$$' -bench=. -benchmem -benchtime=1x ./...

## demo: analyse and simulate the bundled webshop example.
demo: build
	$(BIN)/simctl analyze examples/webshop.yaml
	$(BIN)/simctl run examples/webshop.yaml --out out/webshop

## cluster: three simnodes on loopback (deploy/local-cluster.sh); stop
## them with `make cluster-stop`.
cluster: build
	deploy/local-cluster.sh start

cluster-stop:
	deploy/local-cluster.sh stop

clean:
	rm -rf $(BIN) out
