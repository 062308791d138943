# pullcheck — see README.md. `make setup` then `make test`.
SHELL := /bin/bash
TOOLS := $(CURDIR)/.tools/bin
REGISTRY_VERSION := v3.1.2
TOXIPROXY_VERSION := v2.12.0
KIND_VERSION := v0.33.0
export PATH := $(TOOLS):$(PATH)

.PHONY: soak interrupts clean-temp setup setup-kind conformance-kind kind-smoke tools test typecheck lint format conformance report docs bench bench-tools clean oracle test-oracle fidelity node-image node-image-clean fork-test fork-smoke

setup: node_modules/.package-lock.json tools dist/.built

# The CLI runs the compiled harness (bin/pullcheck.mjs), so it starts without transpiling; it
# falls back to the TypeScript sources whenever one is newer than this stamp.
HARNESS_SOURCES := $(shell find harness -name '*.ts')
dist/.built: node_modules/.package-lock.json tsconfig.json tsconfig.build.json $(HARNESS_SOURCES)
	npx tsc -p tsconfig.build.json
	@touch $@

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

# The kind backend's CLI, pinned (only for `--backend kind`; needs Docker). See docs/kind.md.
setup-kind: setup $(TOOLS)/kind

$(TOOLS)/kind:
	@command -v go >/dev/null || { echo "make setup-kind: Go is needed to install the pinned kind CLI (https://go.dev/dl/)"; exit 1; }
	GOBIN=$(TOOLS) go install sigs.k8s.io/kind@$(KIND_VERSION)

# A kind node image built offline, from the Go module proxy and Debian's packages only (no image
# pull): pullcheck/node:v$(KUBE_VERSION). Cached outside the tree, so a second run takes seconds.
# Needs Go, gcc, mmdebstrap, jq and a Docker engine (images/node/start-dockerd.sh). See
# images/node/README.md and docs/kind.md.
KUBE_VERSION ?= 1.35.4
# FORK=1: the kubelet fork (fork/patches/, docs/fork.md), tagged pullcheck/node:v$(KUBE_VERSION)-fork.
FORK ?=
NODE_IMAGE_TAG ?= pullcheck/node:v$(KUBE_VERSION)$(if $(FORK),-fork)
# The kind backend's node image: the one make node-image builds; an upstream kindest/node image or
# a kubelet fork's image works the same way.
NODE_IMAGE ?= $(NODE_IMAGE_TAG)
# Build the node image first only when the run uses the one make node-image makes.
NODE_IMAGE_PREREQ := $(if $(filter $(NODE_IMAGE_TAG),$(NODE_IMAGE)),node-image)
NODE_IMAGE_CACHE ?= $(or $(PULLCHECK_NODE_CACHE),$(or $(XDG_CACHE_HOME),$(HOME)/.cache)/pullcheck/node-image)
node-image:
	@KUBE_VERSION=$(KUBE_VERSION) NODE_IMAGE_TAG=$(NODE_IMAGE_TAG) FORK=$(if $(FORK),1) PULLCHECK_NODE_CACHE=$(NODE_IMAGE_CACHE) bash images/node/build.sh

# The kubelet fork's Go tests: the patch series applied onto a copy of the Kubernetes source
# (the node image's cache copy), then go vet and go test of pkg/kubelet/images/... there.
fork-test:
	@KUBE_VERSION=$(KUBE_VERSION) PULLCHECK_NODE_CACHE=$(NODE_IMAGE_CACHE) bash fork/test.sh

# Removes the built node image, its root-filesystem images and the cache (not Go's module cache).
node-image-clean:
	-docker rmi $(NODE_IMAGE_TAG) 2>/dev/null
	-docker images -q --filter label=dev.pullcheck.node-rootfs=true | sort -u | xargs -r docker rmi 2>/dev/null
	rm -rf $(NODE_IMAGE_CACHE)

# The two catalogues run on their own, after the other tests: they are the heaviest files, and
# the simulation judges hanging connections by real time (docs/simulation.md, "Time"). The
# simulated one logs its kubelet's calls, which the oracle of every release then answers too.
CATALOGUES := tests/conformance/catalogue.test.ts tests/conformance/catalogue-containers.test.ts
CATALOGUE_AGREEMENT := tests/fidelity/catalogue-agreement.test.ts
KUBELET_CALLS := reports/kubelet-calls
test: typecheck lint test-oracle
	npx vitest run $(addprefix --exclude ,$(CATALOGUES) $(CATALOGUE_AGREEMENT))
	rm -rf $(KUBELET_CALLS)
	PULLCHECK_RUN='{"kubeletCallsDir":"$(CURDIR)/$(KUBELET_CALLS)"}' npx vitest run tests/conformance/catalogue.test.ts
	KUBELET_CALLS=$(KUBELET_CALLS) npx vitest run $(CATALOGUE_AGREEMENT)
	npx vitest run tests/conformance/catalogue-containers.test.ts

typecheck:
	npx tsc -p .

# Formatting (Prettier) and lint rules (ESLint, type-aware: a switch over a kind must name every case).
lint:
	npx prettier --check --log-level warn .
	npx eslint --max-warnings 0 .

format:
	npx prettier --write --log-level warn .
	npx eslint --fix .

# The CLI, and its exit codes: 0 as expected, 1 an outcome differed, 2 bad input, 3 environment
# problem. A target that runs more than the run exits with the run's code when that is not 0, else
# with the first later command's that is not (make shows it as "Error N" and itself exits 2).
PULLCHECK ?= node bin/pullcheck.mjs
# $(call after_run,COMMAND): COMMAND, whose failure sets status only when the run's was 0.
after_run = { $(1) || { code=$$?; [ $$status -ne 0 ] || status=$$code; }; }

# The main job: the whole catalogue under every policy, then the HTML report and the matrix. The
# run empties allure-results and reports/results first.
conformance:
	$(PULLCHECK) run scenarios; status=$$?; $(call after_run,$(PULLCHECK) report); exit $$status

# The catalogue on the simulation and on a real kubelet in kind in one run: one matrix with a
# column per backend, then every cell where they differ, each checked against
# kind-config/known-differences.yaml (exit 1 on one that is not documented). Proposed policies
# are skipped on kind unless the node image declares them; scenarios that wait longer than
# 15 minutes of real time are skipped there too. KIND_ARGS adds flags (e.g. --kind-workers 2).
conformance-kind: setup-kind images $(NODE_IMAGE_PREREQ)
	$(PULLCHECK) run scenarios --backend sim --backend kind --node-image $(NODE_IMAGE) $(KIND_ARGS); status=$$?; \
	  $(call after_run,$(PULLCHECK) report); $(call after_run,$(PULLCHECK) differences); exit $$status

# The CI's kind smoke run: scenarios across outage, registry, auth, credentials and node settings,
# under the three upstream policies, on the simulation and on kind, then the differences check.
KIND_SMOKE_SCENARIOS := outage/not-cached outage/cached-tag registry/deleted-tag-cached registry/rollback \
  registry/server-error-cached registry/digest-unchanged-head-only auth/no-credentials-private \
  auth/revoked-credentials-cached credentials/other-tenant-never-verify node/serialized-pulls
KIND_SMOKE_OUTPUT ?= reports/kind-smoke
kind-smoke: setup-kind images $(NODE_IMAGE_PREREQ)
	rm -rf $(KIND_SMOKE_OUTPUT)
	$(PULLCHECK) run scenarios --backend sim --backend kind --node-image $(NODE_IMAGE) \
	  --policy Always --policy IfNotPresent --policy Never $(addprefix --scenario ,$(KIND_SMOKE_SCENARIOS)) \
	  --output $(KIND_SMOKE_OUTPUT) $(KIND_ARGS); status=$$?; \
	  $(call after_run,$(PULLCHECK) differences --results $(KIND_SMOKE_OUTPUT)/results); exit $$status

# The CI's fork smoke run: four scenarios under three candidate policies, on the simulation and on
# the kubelet fork in kind (make node-image FORK=1), then the differences check.
FORK_SMOKE_SCENARIOS := outage/cached-tag registry/rollback registry/deleted-tag-cached auth/revoked-credentials-cached
FORK_SMOKE_POLICIES := IfNewerNotPresent SafeFallback PullWithFallback
FORK_SMOKE_OUTPUT ?= reports/fork-smoke
fork-smoke: setup-kind images
	@$(MAKE) --no-print-directory node-image FORK=1
	rm -rf $(FORK_SMOKE_OUTPUT)
	$(PULLCHECK) run scenarios --backend sim --backend kind --node-image pullcheck/node:v$(KUBE_VERSION)-fork \
	  $(addprefix --policy ,$(FORK_SMOKE_POLICIES)) $(addprefix --scenario ,$(FORK_SMOKE_SCENARIOS)) \
	  --output $(FORK_SMOKE_OUTPUT) $(KIND_ARGS); status=$$?; \
	  $(call after_run,$(PULLCHECK) differences --results $(FORK_SMOKE_OUTPUT)/results); exit $$status

report:
	$(PULLCHECK) report

# Benchmarks (not tests): catalogue time, pull throughput against skopeo and curl, fleets.
# Writes reports/bench.json, reports/bench.md and reports/bench.svg. BENCH_ARGS=--quick for a smoke run.
bench: setup bench-tools
	$(PULLCHECK) bench $(BENCH_ARGS)

# The catalogue SOAK_RUNS times on the simulation while one process per core spins: every cell
# must pass in every run (outcomes do not depend on machine load). Writes reports/bench.*; a run
# with a cell that did not pass keeps its results in reports/soak-failures/run-N.
SOAK_RUNS ?= 20
soak: setup
	$(PULLCHECK) bench --only soak --runs $(SOAK_RUNS)

# The catalogue stopped by SIGINT and SIGTERM at 1, 3, 8 and 15 s, by SIGKILL, and through a shell
# above the CLI; what each run left (processes, listening ports, temp entries). Writes reports/bench.*.
interrupts: setup
	$(PULLCHECK) bench --only interrupts

bench-tools:
	@for tool in skopeo curl; do \
	  command -v $$tool >/dev/null && continue; \
	  echo "make bench: installing $$tool from Debian"; \
	  if ! { command -v apt-get >/dev/null && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$tool) >/dev/null 2>&1; }; then \
	    echo "make bench: could not install $$tool (needs Debian's apt-get and root); its rows will say it is missing"; \
	  fi; \
	done

docs:
	$(PULLCHECK) docs

# Also stops registry/Toxiproxy processes and containers left by a run that was SIGKILLed (or kept with --retain),
# writes back the host sysctls such a run's kind cluster changed, and removes its temp folders.
clean:
	-pkill -f '$(TOOLS)/(registry|toxiproxy-server) ' || true
	-docker ps -aq --filter label=dev.pullcheck=true 2>/dev/null | xargs -r docker rm -f >/dev/null
	-docker network ls -q --filter label=dev.pullcheck=true 2>/dev/null | xargs -r docker network rm >/dev/null
	-[ -x $(TOOLS)/kind ] && $(TOOLS)/kind get clusters 2>/dev/null | grep '^pullcheck-' | xargs -r -n1 $(TOOLS)/kind delete cluster --name >/dev/null
	-[ -d node_modules/tsx ] && node --import tsx harness/node/kind/restore-abandoned-sysctls.ts
	$(MAKE) -s clean-temp
	rm -rf allure-results reports/allure-report reports/results reports/matrix.* reports/bench.* reports/kind-smoke reports/fork-smoke reports/soak-failures reports/fidelity reports/kubelet-calls

# What runs stopped by SIGKILL leave in the temp folder, and fleets in /dev/shm (their own handlers remove it otherwise).
clean-temp:
	rm -rf $${TMPDIR:-/tmp}/pullcheck-{env,nodes,fleet,kind,fidelity,bench,vitest}-* /dev/shm/pullcheck-fleet-*

# make images: local stand-ins for the container images, built FROM scratch (images/README.md).
include images/images.mk

# The oracle: the kubelet's own image-path code, one build per release, answering the same
# questions as the simulation (docs/oracle.md). `make oracle ORACLE_ACTION=test` also runs its
# Go tests against each release. Binaries go to ~/.cache/pullcheck/oracle/<version>/ (or under XDG_CACHE_HOME).
ORACLE_VERSIONS ?= 1.35.4 1.36.3 1.37.2
ORACLE_ACTION ?= build
oracle:
	@for v in $(ORACLE_VERSIONS); do bash oracle/build.sh $$v $(ORACLE_ACTION) || exit 1; done

# The simulation against the oracle on 10,000 generated sequences per release (make test runs
# 2,000), on the named sequences, and on the catalogue's kubelet calls as each release's
# simulation made them (upstream policies); writes reports/fidelity/summary.md and a JSON per
# release and source.
FIDELITY_RUNS ?= 10000
FIDELITY_KUBELETS ?= 1.35 1.36 1.37
fidelity: setup oracle
	rm -rf reports/fidelity && mkdir -p reports/fidelity
	@for v in $(FIDELITY_KUBELETS); do \
	  node bin/pullcheck.mjs run scenarios --kubelet-version $$v --policy Always --policy IfNotPresent --policy Never \
	    --kubelet-calls reports/fidelity/kubelet-calls/$$v --output reports/fidelity/catalogue-run-$$v >reports/fidelity/catalogue-run-$$v.log 2>&1 \
	    || { tail -n 30 reports/fidelity/catalogue-run-$$v.log; exit 1; }; \
	done
	KUBELET_CALLS=reports/fidelity/kubelet-calls FIDELITY_RUNS=$(FIDELITY_RUNS) FIDELITY_REPORT=reports/fidelity npx vitest run tests/fidelity

# The oracle's Go tests against every release (part of make test; a cold build takes minutes).
test-oracle:
	@$(MAKE) --no-print-directory oracle ORACLE_ACTION=test
