#!/usr/bin/env bash
# The kubelet fork's Go tests: applies fork/patches/v1.MINOR onto a fresh copy of the
# Kubernetes source (the node image's cache copy, made as build-binaries.sh makes it when
# absent), then runs go vet and go test -mod=mod ./pkg/kubelet/images/... there, with
# harness/policies/*.yaml as the shipped definitions the loader must accept. `make fork-test`.
#
# Environment: KUBE_VERSION (1.35.4), PULLCHECK_NODE_CACHE. Exit codes: images/node/lib.sh
# (16 a patch does not apply, 17 a test or go vet failed).
set -euo pipefail
LOG_PREFIX=fork-test
# shellcheck source=../images/node/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../images/node/lib.sh"

KUBE_VERSION=${KUBE_VERSION:-1.35.4}
KUBE_VERSION=${KUBE_VERSION#v}
KUBE_MINOR=$(cut -d. -f2 <<<"$KUBE_VERSION")
need_tool go "Go toolchain, https://go.dev/dl/"
need_tool jq "apt-get install jq"
# The node image's build settings, so Go's build cache is shared with it.
export GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0 GOFLAGS="-buildvcs=false -trimpath"
started=$SECONDS

src=$(kube_source "$KUBE_VERSION")
work=$src-forktest
say "copying $src to $work"
rm -rf "$work"
cp -r "$src" "$work"
bash "$NODE_SRC/../../fork/apply.sh" "$work" "$KUBE_MINOR"
policies=$work/.pullcheck-harness-policies.yaml
candidate_policies_yaml >"$policies"

cd "$work"
say "go vet ./pkg/kubelet/images/candidatepolicy/ ./pkg/kubelet/images/ ./pkg/apis/core/validation/ ./cmd/kubelet/app/"
go vet -mod=mod ./pkg/kubelet/images/candidatepolicy/ ./pkg/kubelet/images/ ./pkg/apis/core/validation/ ./cmd/kubelet/app/ ||
  die "$EX_FORKTEST" "go vet found problems (see above)"
say "go test -mod=mod ./pkg/kubelet/images/..."
PULLCHECK_HARNESS_POLICIES=$policies go test -mod=mod -count=1 ./pkg/kubelet/images/... ||
  die "$EX_FORKTEST" "the fork's Go tests failed (see above); the patched tree is $work"
cd /
rm -rf "$work"
say "passed in $((SECONDS - started))s"
