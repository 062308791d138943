#!/usr/bin/env bash
# Builds a kind node image offline: from the Go module proxy, Debian's package mirrors and
# this folder's files, with no container image pulled. `make node-image` runs it.
#
#   KUBE_VERSION=1.35.4 images/node/build.sh
#
# Environment: KUBE_VERSION (1.35.4), NODE_IMAGE_TAG (pullcheck/node:vKUBE_VERSION),
# FORK=1 (the kubelet fork: Kubernetes built with fork/patches/, harness/policies/*.yaml baked
# in at /etc/kubernetes/pullcheck/policies.yaml and named in the dev.pullcheck.policies label),
# CONTAINERD_VERSION, CRICTL_VERSION (build-binaries.sh), DEBIAN_SUITE, DEBIAN_MIRROR
# (build-rootfs.sh), PULLCHECK_NODE_CACHE (the cache folder, default
# ${XDG_CACHE_HOME:-~/.cache}/pullcheck/node-image). Exit codes: lib.sh.
#
# Steps, each cached by a hash of its inputs: binaries -> root filesystems -> docker import
# -> FROM scratch control-plane images (docker save) -> the node's Dockerfile -> a build
# container whose containerd imports the control-plane images -> docker commit.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KUBE_VERSION=${KUBE_VERSION:-1.35.4}
KUBE_VERSION=${KUBE_VERSION#v}
export KUBE_VERSION
IMAGE=${NODE_IMAGE_TAG:-pullcheck/node:v$KUBE_VERSION}
DEBIAN_SUITE_LABEL=${DEBIAN_SUITE:-bookworm}
started=$SECONDS

need_tool docker "apt-get install docker.io"
docker info >/dev/null 2>&1 || die "$EX_NODOCKER" "no Docker engine answers (start one: images/node/start-dockerd.sh)"

# --- binaries and root filesystems (their own caches) ---------------------------------
declare -A BIN ROOTFS
while IFS='=' read -r name value; do
  case $name in
    tags) eval "$value" ;; # ETCD_TAG=... COREDNS_TAG=... PAUSE_TAG=...
    *) BIN[$name]=$value ;;
  esac
done < <("$NODE_SRC/build-binaries.sh" || echo "failed=$?")
[[ -z ${BIN[failed]:-} ]] || exit "${BIN[failed]}"
while IFS='=' read -r name value; do ROOTFS[$name]=$value; done < <("$NODE_SRC/build-rootfs.sh" || echo "failed=$?")
[[ -z ${ROOTFS[failed]:-} ]] || exit "${ROOTFS[failed]}"

CONTAINERD_VERSION=$("${BIN[containerd]}/containerd" --version | awk '{print $3}')
K8S=${BIN[kubernetes]}

# The fork's candidate policies (lib.sh): harness/policies/*.yaml as one file, and their names.
POLICY_NAMES="" POLICIES_YAML=""
if [[ ${FORK:-} == 1 ]]; then
  POLICIES_YAML=$(candidate_policies_yaml)
  POLICY_NAMES=$(candidate_policy_names)
  [[ -n $POLICY_NAMES ]] || die "$EX_BUILD" "no policy names found in $CANDIDATE_POLICIES_DIR/*.yaml"
fi

# kubeadm must ask for exactly the images built here.
expected=$(printf '%s\n' "registry.k8s.io/kube-apiserver:v$KUBE_VERSION" "registry.k8s.io/kube-controller-manager:v$KUBE_VERSION" \
  "registry.k8s.io/kube-scheduler:v$KUBE_VERSION" "registry.k8s.io/kube-proxy:v$KUBE_VERSION" \
  "registry.k8s.io/coredns/coredns:$COREDNS_TAG" "registry.k8s.io/pause:$PAUSE_TAG" "registry.k8s.io/etcd:$ETCD_TAG" | sort)
asked=$("$K8S/kubeadm" config images list --kubernetes-version "v$KUBE_VERSION" 2>/dev/null | sort)
[[ $asked == "$expected" ]] || die "$EX_BUILD" "kubeadm v$KUBE_VERSION asks for other images than built here:"$'\n'"$asked"

# --- the whole image: skip everything when an image from the same inputs exists -----------
files_hash=$(cd "$NODE_SRC" && find files Dockerfile build.sh -type f -print0 | sort -z | xargs -0 sha256sum | short_hash)
inputs_of=("${BIN[@]}" "${ROOTFS[@]}" "$files_hash" "$IMAGE")
[[ -n $POLICIES_YAML ]] && inputs_of+=("policies $(short_hash <<<"$POLICIES_YAML")")
inputs=$(printf '%s\n' "${inputs_of[@]}" | sort | short_hash)
if [[ $(docker image inspect -f '{{index .Config.Labels "dev.pullcheck.inputs"}}' "$IMAGE" 2>/dev/null || true) == "$inputs" ]]; then
  say "image $IMAGE is up to date (cached: yes, inputs $inputs) in $((SECONDS - started))s"
  exit 0
fi
say "building image $IMAGE (cached: no, inputs $inputs)"

ctx=$(mktemp -d "${TMPDIR:-/tmp}/pullcheck-node-image.XXXXXX")
build_container=""
cleanup() {
  [[ -n $build_container ]] && docker rm -f "$build_container" >/dev/null 2>&1
  rm -rf "$ctx"
}
trap cleanup EXIT

# docker_import TARBALL TAG: the root filesystem as an image (kept: the tag names its hash).
docker_import() {
  if docker image inspect "$2" >/dev/null 2>&1; then
    say "importing $(basename "$1") as $2 (cached: yes)"
  else
    say "importing $(basename "$1") as $2 (cached: no)"
    docker import --change 'ENV container=docker' \
      --change 'LABEL dev.pullcheck.node-rootfs=true' "$1" "$2" >/dev/null ||
      die "$EX_DOCKER" "docker import of $1 failed"
  fi
}
node_base=pullcheck/node-rootfs:$(basename "${ROOTFS[node]}" .tar)
proxy_base=pullcheck/node-rootfs:$(basename "${ROOTFS[kube-proxy]}" .tar)
docker_import "${ROOTFS[node]}" "$node_base"
docker_import "${ROOTFS[kube-proxy]}" "$proxy_base"

# --- control-plane images, as `docker save` tarballs in the cache ---------------------------
# cp_image TAG BASE BINARY[:DEST]... [-- ENTRYPOINT-JSON [USER]]
cp_image() {
  local tag=$1 base=$2 dir entry="" user=""
  shift 2
  dir=$ctx/img-$(tr '/:' '__' <<<"$tag")
  mkdir -p "$dir"
  {
    echo "FROM $base"
    while (($#)) && [[ $1 != -- ]]; do # SRC or SRC:DEST (default DEST: /usr/local/bin/NAME)
      local src=${1%%:*} dest=/usr/local/bin/$(basename "${1%%:*}")
      [[ $1 == *:* ]] && dest=${1#*:}
      cp "$src" "$dir/"
      echo "COPY $(basename "$src") $dest"
      shift
    done
    echo 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin'
    if [[ ${1:-} == -- ]]; then
      entry=$2 user=${3:-}
      echo "ENTRYPOINT $entry"
      [[ -n $user ]] && echo "USER $user"
    fi
    echo "LABEL dev.pullcheck.node-image-part=true org.opencontainers.image.description=\"Local build of $tag for pullcheck's node image (built from source, not the upstream image)\""
  } >"$dir/Dockerfile"
  docker build -q -t "$tag" "$dir" >/dev/null || die "$EX_DOCKER" "docker build of $tag failed"
  docker save -o "$images_dir.partial/$(tr '/:' '__' <<<"$tag").tar" "$tag" || die "$EX_DOCKER" "docker save of $tag failed"
  docker rmi "$tag" >/dev/null
}

images_key=$(printf '%s\n' "${BIN[@]}" "$proxy_base" "$(declare -f cp_image)" | short_hash)
images_dir=$CACHE_ROOT/images/v$KUBE_VERSION-$images_key

if [[ -f $images_dir/.done ]]; then
  say "building control-plane images (cached: yes)"
else
  say "building control-plane images (cached: no) -> $images_dir"
  rm -rf "$images_dir.partial"
  mkdir -p "$images_dir.partial"
  for c in kube-apiserver kube-controller-manager kube-scheduler; do
    cp_image "registry.k8s.io/$c:v$KUBE_VERSION" scratch "$K8S/$c"
  done
  # kube-proxy runs iptables/nft and conntrack: Debian's, from the small root filesystem.
  cp_image "registry.k8s.io/kube-proxy:v$KUBE_VERSION" "$proxy_base" "$K8S/kube-proxy"
  cp_image "registry.k8s.io/etcd:$ETCD_TAG" scratch "${BIN[etcd]}/etcd"
  cp_image "registry.k8s.io/coredns/coredns:$COREDNS_TAG" scratch "${BIN[coredns]}/coredns" -- '["/usr/local/bin/coredns"]'
  cp_image "registry.k8s.io/pause:$PAUSE_TAG" scratch "${BIN[pause]}/pause:/pause" -- '["/pause"]' 65535:65535
  touch "$images_dir.partial/.done"
  rm -rf "$images_dir"
  mv "$images_dir.partial" "$images_dir"
fi

# --- the node's filesystem --------------------------------------------------------------
say "building the node filesystem on $node_base"
mkdir -p "$ctx/node/bin"
cp -a "$NODE_SRC/files" "$ctx/node/files"
cp "$NODE_SRC/Dockerfile" "$ctx/node/Dockerfile"
if [[ -n $POLICIES_YAML ]]; then
  mkdir -p "$ctx/node/files/etc/kubernetes/pullcheck"
  printf '%s\n' "$POLICIES_YAML" >"$ctx/node/files/etc/kubernetes/pullcheck/policies.yaml"
fi
cp "$K8S/kubelet" "$K8S/kubeadm" "$K8S/kubectl" "${BIN[containerd]}"/{containerd,ctr,containerd-shim-runc-v2} "${BIN[crictl]}/crictl" "$ctx/node/bin/"
stage=pullcheck/node-stage:$inputs
docker build -q -t "$stage" --build-arg "BASE=$node_base" --build-arg "KUBE_VERSION=$KUBE_VERSION" \
  --build-arg "PAUSE_TAG=$PAUSE_TAG" "$ctx/node" >/dev/null || die "$EX_DOCKER" "docker build of the node filesystem failed"

# --- import the control-plane images into the node's containerd, then commit ---------------
# As kind's own node-image build: a non-privileged build container runs containerd just for
# `ctr images import --no-unpack` (the CRI unpacks on first use), then it is committed.
say "importing the control-plane images into the node's containerd (k8s.io namespace)"
build_container=pullcheck-node-build-$inputs
docker rm -f "$build_container" >/dev/null 2>&1 || true
docker run -d --name "$build_container" --entrypoint sleep "$stage" infinity >/dev/null || die "$EX_DOCKER" "could not start the build container"
docker exec "$build_container" mkdir -p /kind/images-import
docker cp "$images_dir/." "$build_container:/kind/images-import/" || die "$EX_DOCKER" "docker cp of the images failed"
docker exec "$build_container" bash -euc '
  nohup containerd >/tmp/containerd.log 2>&1 &
  for i in $(seq 1 30); do [[ -S /run/containerd/containerd.sock ]] && ctr version >/dev/null 2>&1 && break; sleep 1; done
  for f in /kind/images-import/*.tar; do
    if ! out=$(ctr --namespace=k8s.io images import --label=io.cri-containerd.pinned=pinned --all-platforms --no-unpack --digests "$f" 2>&1); then
      echo "$out" >&2; exit 1
    fi
  done
  ctr --namespace=k8s.io images list -q | grep -v -e "@sha256:" -e "^sha256:" | sed "s/^/  imported /" | sort
  pkill -x containerd
  for i in $(seq 1 30); do pgrep -x containerd >/dev/null || break; sleep 1; done
  rm -rf /kind/images-import /tmp/containerd.log
' >&2 || die "$EX_DOCKER" "importing the control-plane images into the node's containerd failed"

previous=$(docker image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null || true)
docker commit \
  --change 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]' \
  --change 'CMD []' \
  --change "LABEL dev.pullcheck.kubernetes=v$KUBE_VERSION" \
  --change "LABEL dev.pullcheck.containerd=$CONTAINERD_VERSION" \
  --change "LABEL dev.pullcheck.policies=$POLICY_NAMES" \
  --change "LABEL dev.pullcheck.policy-file=${FORK:+/etc/kubernetes/pullcheck/policies.yaml}" \
  --change "LABEL dev.pullcheck.node-rootfs=false" \
  --change "LABEL dev.pullcheck.inputs=$inputs" \
  --change "LABEL org.opencontainers.image.description=\"pullcheck kind node image: Kubernetes v$KUBE_VERSION, containerd $CONTAINERD_VERSION, Debian $DEBIAN_SUITE_LABEL, built offline by make node-image${FORK:+, kubelet fork with candidate pull policies}\"" \
  "$build_container" "$IMAGE" >/dev/null || die "$EX_DOCKER" "docker commit failed"
docker rm -f "$build_container" >/dev/null 2>&1 || true
build_container=""
docker rmi "$stage" >/dev/null 2>&1 || true
# The image this one replaces under the same tag would stay behind untagged.
[[ -n $previous && $previous != "$(docker image inspect -f '{{.Id}}' "$IMAGE")" ]] && docker rmi "$previous" >/dev/null 2>&1 || true
size=$(docker image inspect -f '{{.Size}}' "$IMAGE")
say "built $IMAGE ($((size / 1000000)) MB) in $((SECONDS - started))s"
