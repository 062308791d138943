#!/usr/bin/env bash
# Builds the node image's binaries from the Go module proxy (and Debian's gcc for pause),
# each into its own cache folder keyed by component, version and a hash of the recipe below,
# so a rebuild with the same inputs is a lookup. Prints "NAME=DIR" lines on stdout, one per
# component; progress goes to stderr.
#
#   images/node/build-binaries.sh            (versions from the environment, see below)
#
# FORK=1 builds the Kubernetes binaries from the source with the kubelet fork's patches
# (fork/patches/v1.MINOR) instead; they are printed as kubernetes=DIR all the same.
#
# Versions: KUBE_VERSION (1.35.4), CONTAINERD_VERSION (v2.2.0), CRICTL_VERSION (by minor);
# etcd, CoreDNS and pause follow what kubeadm of KUBE_VERSION asks for (its constants.go).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KUBE_VERSION=${KUBE_VERSION:-1.35.4}
KUBE_VERSION=${KUBE_VERSION#v}
KUBE_MINOR=$(cut -d. -f2 <<<"$KUBE_VERSION")
CONTAINERD_VERSION=${CONTAINERD_VERSION:-v2.2.0}
# cri-tools is released per Kubernetes minor, but the proxy does not serve every tag
# (v1.35.0 is missing): the newest served one not newer than the Kubernetes minor.
default_crictl() {
  case $KUBE_MINOR in
    35|36) echo v1.34.0 ;;
    *) echo v1.37.0 ;;
  esac
}
CRICTL_VERSION=${CRICTL_VERSION:-$(default_crictl)}

need_tool go "Go toolchain, https://go.dev/dl/"
need_tool jq "apt-get install jq"
need_tool gcc "apt-get install gcc libc6-dev (for the static pause binary)"
export GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0 GOFLAGS="-buildvcs=false"

GO_VERSION=$(go env GOVERSION)

# cached NAME VERSION [INPUTS] -> builds with build_NAME VERSION OUTDIR unless a folder for the
# same recipe (and INPUTS: more text the build depends on) exists; prints the folder.
cached() {
  local name=$1 ver=$2 key dir start
  key=$( { declare -f "build_$name"; echo "$GO_VERSION $ver${3:+ $3}"; } | short_hash)
  dir=$CACHE_ROOT/bin/${name//_/-}-$ver-$key
  if [[ -f $dir/.done ]]; then
    say "building $name $ver (cached: yes)"
  else
    say "building $name $ver (cached: no) -> $dir"
    start=$SECONDS
    rm -rf "$dir.tmp"
    mkdir -p "$dir.tmp"
    local rc=0
    set +e
    ( set -e; "build_$name" "$ver" "$dir.tmp" ) >&2
    rc=$?
    set -e
    if [[ $rc != 0 ]]; then
      [[ $rc == "$EX_MODULE" ]] || rc=$EX_BUILD
      die "$rc" "building $name $ver failed (see the output above)"
    fi
    touch "$dir.tmp/.done"
    rm -rf "$dir"
    mv "$dir.tmp" "$dir"
    say "built $name $ver in $((SECONDS - start))s"
  fi
  echo "$name=$dir"
}

# kubeadm's own idea of the etcd/CoreDNS/pause versions, read from the module source.
kubeadm_constant() { # NAME
  grep -E "^\s+$1 = \"" "$KUBE_DIR/cmd/kubeadm/app/constants/constants.go" | head -1 | sed -E 's/.*"(.*)".*/\1/'
}

# Kubernetes: a writable copy of the module (lib.sh kube_source), then one go build for all
# seven binaries.
build_kubernetes() {
  local ver=$1 out=$2 src
  src=$(kube_source "$ver")
  go_build_kubernetes "$src" "$ver" "$out"
}

# The kubelet fork: the same copy with fork/patches/v1.MINOR applied (fork/apply.sh), the same
# build. Its cache key also covers the patch files.
build_kubernetes_fork() {
  local ver=$1 out=$2 src fork
  src=$(kube_source "$ver")
  fork=$src-fork
  rm -rf "$fork"
  cp -r "$src" "$fork"
  bash "$NODE_SRC/../../fork/apply.sh" "$fork" "$KUBE_MINOR"
  go_build_kubernetes "$fork" "$ver" "$out"
}

go_build_kubernetes() { # SRC VERSION OUTDIR
  local src=$1 ver=$2 out=$3 ld
  ld=$(kube_ldflags "$ver")
  (cd "$src" && go build -mod=mod -trimpath -ldflags "$ld" -o "$out/" \
    ./cmd/kubelet ./cmd/kubeadm ./cmd/kubectl ./cmd/kube-apiserver \
    ./cmd/kube-controller-manager ./cmd/kube-scheduler ./cmd/kube-proxy)
  "$out/kubelet" --version
}

# pause: the C source that ships in the kubernetes module, linked statically.
build_pause() {
  local ver=$1 out=$2
  gcc -Os -Wall -Werror -static -DVERSION="v$ver-pullcheck" -o "$out/pause" "$KUBE_DIR/build/pause/linux/pause.c"
  "$out/pause" -v
}

# A small wrapper module where "go get" resolves MODULE@VERSION and its published
# dependencies: etcd's server module has relative replaces and containerd's go.mod has
# exclude directives, both of which make "go install pkg@version" refuse them.
# wrapper_build MODULE VERSION OUTDIR "GOFLAGS-ish args" PKG...
wrapper_build() {
  local mod=$1 ver=$2 out=$3 w
  shift 3
  w=$CACHE_ROOT/src/wrapper-$(tr '/' '_' <<<"$mod")-$ver
  rm -rf "$w"
  mkdir -p "$w"
  cd "$w"
  go mod init pullcheck.local/build-wrapper 2>/dev/null
  go get "$mod@$ver" || exit "$EX_MODULE"
  local -a args=()
  while [[ $1 != -- ]]; do args+=("$1"); shift; done
  shift
  go build -mod=mod -trimpath "${args[@]}" -o "$out/" "$@"
}

build_etcd() {
  local ver=$1 out=$2
  wrapper_build go.etcd.io/etcd/server/v3 "v$ver" "$out" -ldflags "-s -w" -- go.etcd.io/etcd/server/v3
  mv "$out/v3" "$out/etcd" 2>/dev/null || mv "$out/server" "$out/etcd" 2>/dev/null || true
  "$out/etcd" --version | head -1
}

build_coredns() {
  local ver=$1 out=$2
  wrapper_build github.com/coredns/coredns "$ver" "$out" -ldflags "-s -w" -- github.com/coredns/coredns
  "$out/coredns" -version | head -1
}

build_crictl() {
  local ver=$1 out=$2
  wrapper_build sigs.k8s.io/cri-tools "$ver" "$out" \
    -ldflags "-s -w -X sigs.k8s.io/cri-tools/pkg/version.Version=$ver" -- sigs.k8s.io/cri-tools/cmd/crictl
  "$out/crictl" --version
}

build_containerd() {
  local ver=$1 out=$2 ld m=github.com/containerd/containerd/v2
  ld="-s -w -X $m/version.Version=$ver -X $m/version.Package=$m"
  wrapper_build "$m" "$ver" "$out" -tags "no_btrfs no_devmapper no_zfs no_aufs" -ldflags "$ld" -- \
    "$m/cmd/containerd" "$m/cmd/ctr" "$m/cmd/containerd-shim-runc-v2"
  "$out/containerd" --version
}

KUBE_DIR=$(module_dir k8s.io/kubernetes "v$KUBE_VERSION")
ETCD_TAG=$(kubeadm_constant DefaultEtcdVersion)   # e.g. 3.6.6-0
COREDNS_TAG=$(kubeadm_constant CoreDNSVersion)    # e.g. v1.13.1
PAUSE_TAG=$(kubeadm_constant PauseVersion)        # e.g. 3.10.1
[[ -n $ETCD_TAG && -n $COREDNS_TAG && -n $PAUSE_TAG ]] || die "$EX_BUILD" "could not read etcd/CoreDNS/pause versions from kubeadm v$KUBE_VERSION"
# Fail early, naming the piece, when a module version is not served.
module_dir go.etcd.io/etcd/server/v3 "v${ETCD_TAG%-*}" >/dev/null
module_dir github.com/coredns/coredns "$COREDNS_TAG" >/dev/null
module_dir sigs.k8s.io/cri-tools "$CRICTL_VERSION" >/dev/null
module_dir github.com/containerd/containerd/v2 "$CONTAINERD_VERSION" >/dev/null

echo "tags=ETCD_TAG=$ETCD_TAG COREDNS_TAG=$COREDNS_TAG PAUSE_TAG=$PAUSE_TAG"
# Quick ones first, so a missing piece shows before the long kubernetes build.
cached containerd "$CONTAINERD_VERSION"
cached crictl "$CRICTL_VERSION"
cached pause "$PAUSE_TAG"
cached coredns "$COREDNS_TAG"
cached etcd "${ETCD_TAG%-*}"
# The helpers the Kubernetes builds share are part of their recipe.
kube_recipe=$(declare -f kube_source kube_ldflags go_build_kubernetes | short_hash)
if [[ ${FORK:-} == 1 ]]; then
  patches=$NODE_SRC/../../fork/patches/v1.$KUBE_MINOR
  [[ -d $patches ]] || die "$EX_PATCH" "no kubelet fork patch series for Kubernetes 1.$KUBE_MINOR ($patches)"
  fork_inputs=$( { cat "$patches"/*.patch "$NODE_SRC/../../fork/apply.sh"; } | short_hash)
  cached kubernetes_fork "$KUBE_VERSION" "$kube_recipe $fork_inputs" | sed 's/^kubernetes_fork=/kubernetes=/'
else
  cached kubernetes "$KUBE_VERSION" "$kube_recipe"
fi
