#!/usr/bin/env bash
# Builds the oracle against one Kubernetes release:
#   oracle/build.sh 1.35.4        -> ${XDG_CACHE_HOME:-$HOME/.cache}/pullcheck/oracle/1.35.4/pullcheck-oracle
#   oracle/build.sh 1.37.2 test   -> also runs the Go tests against that release
# The module of each release is oracle/go.mod (1.35.4) or oracle/versions/<version>/go.mod;
# the adapter file for its API differences is picked by the build tag k8s_1_<minor>.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version="${1:-}"
action="${2:-build}"
if [[ -z "$version" ]]; then
  echo "usage: oracle/build.sh VERSION [build|test]   (VERSION: 1.35.4, 1.36.3 or 1.37.2)" >&2
  exit 2
fi
command -v go >/dev/null || { echo "oracle: Go is needed (https://go.dev/dl/)" >&2; exit 1; }

minor="${version#1.}"; minor="${minor%%.*}"
tag="k8s_1_${minor}"
if [[ "$version" == "1.35.4" ]]; then
  modfile="$here/go.mod"
else
  modfile="$here/versions/$version/go.mod"
fi
if [[ ! -f "$modfile" ]]; then
  echo "oracle: no module for Kubernetes $version (expected $modfile)" >&2
  exit 1
fi
if [[ "$version" != "1.35.4" ]] && ! ls "$here"/adapter_k1"$minor".go >/dev/null 2>&1; then
  echo "oracle: no adapter for Kubernetes 1.$minor (expected oracle/adapter_k1$minor.go)" >&2
  exit 1
fi

# The node image's Kubernetes build (images/node/build-binaries.sh) compiles with these settings
# too, so Go's build cache shares every package of the published k8s.io/* modules between them.
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-trimpath -buildvcs=false"

out="${XDG_CACHE_HOME:-$HOME/.cache}/pullcheck/oracle/$version"
mkdir -p "$out"
cd "$here"

# The modules (k8s.io/kubernetes and its staging modules) come from the Go module proxy.
echo "oracle $version: fetching modules (go mod download)"
if ! go mod download -modfile="$modfile" >"$out/download.log" 2>&1; then
  echo "oracle $version: could not download the modules of k8s.io/kubernetes v$version:" >&2
  tail -n 20 "$out/download.log" >&2
  exit 1
fi

start=$(date +%s)
echo "oracle $version: building (a cold build takes minutes; a rebuild seconds)"
if ! go build -modfile="$modfile" -tags "$tag" -o "$out/pullcheck-oracle.new" . 2>"$out/build.log"; then
  echo "oracle $version: the build failed:" >&2
  tail -n 40 "$out/build.log" >&2
  exit 1
fi
mv "$out/pullcheck-oracle.new" "$out/pullcheck-oracle"
echo "oracle $version: built $out/pullcheck-oracle in $(( $(date +%s) - start )) s ($(du -m "$out/pullcheck-oracle" | cut -f1) MB), linking $("$out/pullcheck-oracle" -version)"

if [[ "$action" == "test" ]]; then
  echo "oracle $version: go test"
  go test -modfile="$modfile" -tags "$tag" -count=1 .
fi
