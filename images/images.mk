# Local stand-ins for the container images pullcheck uses, for machines that cannot
# pull images: `make images`. Everything is built FROM scratch with static Go
# binaries, and tagged under the upstream names. See images/README.md.
#
# Included by the main Makefile, which defines REGISTRY_VERSION and TOXIPROXY_VERSION.

REGISTRY_IMAGE ?= registry:3
TOXIPROXY_IMAGE ?= ghcr.io/shopify/toxiproxy:2.12.0
GATE_IMAGE ?= pullcheck-gate:local

# Where this fragment (and its Dockerfiles) live; taken before anything else is included.
IMAGES_SRC := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
# Static (CGO_ENABLED=0) binaries for the images; .tools/bin holds the dynamically
# linked process-mode binaries and is left alone.
IMAGES_TOOLS := $(CURDIR)/.tools/images
IMAGES_REGISTRY_BIN := $(IMAGES_TOOLS)/registry/registry
IMAGES_TOXIPROXY_BIN := $(IMAGES_TOOLS)/toxiproxy/toxiproxy
IMAGES_STAND_IN_LABEL := dev.pullcheck.stand-in=true

.PHONY: images image-registry image-toxiproxy image-gate images-docker-check

# A rebuild leaves the previous stand-in untagged: removed here, so runs do not pile them up.
images: image-registry image-toxiproxy image-gate
	@docker image prune --force --filter "label=$(IMAGES_STAND_IN_LABEL)" >/dev/null

images-docker-check:
	@docker info >/dev/null 2>&1 || { echo "make images: no Docker engine answers; start dockerd (on Debian: apt-get install docker.io && dockerd &)" >&2; exit 1; }

image-registry: images-docker-check $(IMAGES_REGISTRY_BIN)
	@set -e; ctx=$$(mktemp -d); trap 'rm -rf "$$ctx"' EXIT; \
	  cp $(IMAGES_REGISTRY_BIN) "$$ctx/registry"; \
	  cp $(IMAGES_SRC)/registry-config.yml "$$ctx/config.yml"; \
	  echo "docker build -t $(REGISTRY_IMAGE) -f $(IMAGES_SRC)/registry.Dockerfile $$ctx"; \
	  docker build -q -t $(REGISTRY_IMAGE) -f $(IMAGES_SRC)/registry.Dockerfile \
	    --label "$(IMAGES_STAND_IN_LABEL)" \
	    --label "org.opencontainers.image.version=$(REGISTRY_VERSION)" \
	    --label "org.opencontainers.image.description=Local stand-in for $(REGISTRY_IMAGE) (CNCF Distribution registry $(REGISTRY_VERSION)), built FROM scratch by make images (pullcheck); not the upstream image" \
	    "$$ctx"

image-toxiproxy: images-docker-check $(IMAGES_TOXIPROXY_BIN)
	@set -e; ctx=$$(mktemp -d); trap 'rm -rf "$$ctx"' EXIT; \
	  cp $(IMAGES_TOXIPROXY_BIN) "$$ctx/toxiproxy"; \
	  echo "docker build -t $(TOXIPROXY_IMAGE) -f $(IMAGES_SRC)/toxiproxy.Dockerfile $$ctx"; \
	  docker build -q -t $(TOXIPROXY_IMAGE) -f $(IMAGES_SRC)/toxiproxy.Dockerfile \
	    --label "$(IMAGES_STAND_IN_LABEL)" \
	    --label "org.opencontainers.image.version=$(patsubst v%,%,$(TOXIPROXY_VERSION))" \
	    --label "org.opencontainers.image.description=Local stand-in for $(TOXIPROXY_IMAGE) (Toxiproxy server $(TOXIPROXY_VERSION)), built FROM scratch by make images (pullcheck); not the upstream image" \
	    "$$ctx"

# The gate: this machine's node binary and the libraries it links, and the gate bundled by esbuild.
image-gate: images-docker-check node_modules/.package-lock.json
	@set -e; ctx=$$(mktemp -d); trap 'rm -rf "$$ctx"' EXIT; \
	  node_bin=$$(readlink -f $$(command -v node)); \
	  mkdir -p "$$ctx/rootfs/usr/local/bin" "$$ctx/rootfs/gate" "$$ctx/rootfs/tmp"; \
	  cp "$$node_bin" "$$ctx/rootfs/usr/local/bin/node"; \
	  for lib in $$(ldd "$$node_bin" | grep -o '/[^ ]*'); do \
	    mkdir -p "$$ctx/rootfs$$(dirname $$lib)"; cp -L "$$lib" "$$ctx/rootfs$$lib"; \
	  done; \
	  node_modules/.bin/esbuild harness/environment/gate/gate-server.ts --bundle --platform=node --format=esm \
	    --log-level=warning --outfile="$$ctx/rootfs/gate/gate-server.mjs"; \
	  echo "docker build -t $(GATE_IMAGE) -f $(IMAGES_SRC)/gate.Dockerfile $$ctx"; \
	  docker build -q -t $(GATE_IMAGE) -f $(IMAGES_SRC)/gate.Dockerfile \
	    --label "$(IMAGES_STAND_IN_LABEL)" \
	    --label "org.opencontainers.image.description=pullcheck HTTP fault gate (Node $$(node --version)), built FROM scratch by make images" \
	    "$$ctx"

# go install into a temp GOBIN, then move into place, so an interrupted build never
# leaves a half-written binary that would make the next run skip the install.
$(IMAGES_REGISTRY_BIN):
	@command -v go >/dev/null || { echo "make images: Go is needed to build the static registry (https://go.dev/dl/)" >&2; exit 1; }
	@set -e; mkdir -p $(@D); tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	  echo "CGO_ENABLED=0 go install github.com/distribution/distribution/v3/cmd/registry@$(REGISTRY_VERSION) -> $@"; \
	  CGO_ENABLED=0 GOBIN="$$tmp" go install -trimpath \
	    -ldflags='-s -w -X github.com/distribution/distribution/v3/version.version=$(REGISTRY_VERSION)' \
	    github.com/distribution/distribution/v3/cmd/registry@$(REGISTRY_VERSION); \
	  mv "$$tmp/registry" $@

$(IMAGES_TOXIPROXY_BIN):
	@command -v go >/dev/null || { echo "make images: Go is needed to build the static Toxiproxy server (https://go.dev/dl/)" >&2; exit 1; }
	@set -e; mkdir -p $(@D); tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	  echo "CGO_ENABLED=0 go install github.com/Shopify/toxiproxy/v2/cmd/server@$(TOXIPROXY_VERSION) -> $@"; \
	  CGO_ENABLED=0 GOBIN="$$tmp" go install -trimpath \
	    -ldflags='-s -w -X github.com/Shopify/toxiproxy/v2.Version=$(patsubst v%,%,$(TOXIPROXY_VERSION))' \
	    github.com/Shopify/toxiproxy/v2/cmd/server@$(TOXIPROXY_VERSION); \
	  mv "$$tmp/server" $@
