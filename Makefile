# pullcheck — see README.md. `make setup` then `make test`.
SHELL := /bin/bash
TOOLS := $(CURDIR)/.tools/bin
REGISTRY_VERSION := v3.1.2
TOXIPROXY_VERSION := v2.12.0
export PATH := $(TOOLS):$(PATH)

.PHONY: setup tools test typecheck conformance report docs bench bench-tools clean

setup: node_modules/.package-lock.json tools

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund

tools: $(TOOLS)/registry $(TOOLS)/toxiproxy-server

$(TOOLS)/registry:
	@command -v go >/dev/null || { echo "make setup: Go is needed to install the pinned registry and Toxiproxy (https://go.dev/dl/)"; exit 1; }
	GOBIN=$(TOOLS) go install github.com/distribution/distribution/v3/cmd/registry@$(REGISTRY_VERSION)

$(TOOLS)/toxiproxy-server:
	@command -v go >/dev/null || { echo "make setup: Go is needed to install the pinned registry and Toxiproxy (https://go.dev/dl/)"; exit 1; }
	@tmp=$$(mktemp -d) && GOBIN=$$tmp go install github.com/Shopify/toxiproxy/v2/cmd/server@$(TOXIPROXY_VERSION) \
	  && mv $$tmp/server $(TOOLS)/toxiproxy-server && rmdir $$tmp

test: typecheck
	npx vitest run

typecheck:
	npx tsc -p .

# The main job: the whole catalogue under every policy, then the HTML report and the matrix.
conformance:
	rm -rf allure-results reports/results
	node bin/pullcheck.mjs run scenarios; status=$$?; node bin/pullcheck.mjs report && exit $$status

report:
	node bin/pullcheck.mjs report

# Benchmarks (not tests): catalogue time, pull throughput against skopeo and curl, fleets.
# Writes reports/bench.json, reports/bench.md and reports/bench.svg. BENCH_ARGS=--quick for a smoke run.
bench: setup bench-tools
	node bin/pullcheck.mjs bench $(BENCH_ARGS)

bench-tools:
	@for tool in skopeo curl; do \
	  command -v $$tool >/dev/null && continue; \
	  echo "make bench: installing $$tool from Debian"; \
	  if ! { command -v apt-get >/dev/null && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$tool) >/dev/null 2>&1; }; then \
	    echo "make bench: could not install $$tool (needs Debian's apt-get and root); its rows will say it is missing"; \
	  fi; \
	done

docs:
	node bin/pullcheck.mjs docs

# Also stops registry/Toxiproxy processes left by a run that was SIGKILLed (or kept with --retain).
clean:
	-pkill -f '$(TOOLS)/(registry|toxiproxy-server) ' || true
	rm -rf allure-results reports/allure-report reports/results reports/matrix.* reports/bench.*
