# Shared helpers for images/node/*.sh (sourced, not run).
# Exit codes (distinct, so a caller can tell what was missing):
#   2  usage error
#   10 a host tool is missing (go, gcc, docker, mmdebstrap, jq, ...)
#   11 a Go module version is not served by the Go module proxy
#   12 a Go or C build failed
#   13 the Debian root filesystem could not be built
#   14 docker could not build, import or commit the image
#   15 the Docker engine does not answer
#   16 a patch of the kubelet fork (fork/patches/) does not apply
#   17 the kubelet fork's Go tests or go vet failed
EX_USAGE=2 EX_TOOL=10 EX_MODULE=11 EX_BUILD=12 EX_ROOTFS=13 EX_DOCKER=14 EX_NODOCKER=15 EX_PATCH=16 EX_FORKTEST=17

NODE_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE_ROOT=${PULLCHECK_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pullcheck/node-image}

LOG_PREFIX=${LOG_PREFIX:-node-image}
say() { echo "$LOG_PREFIX: $*" >&2; }
die() { local code=$1; shift; echo "$LOG_PREFIX: ERROR: $*" >&2; exit "$code"; }

need_tool() { # need_tool CMD "how to get it"
  command -v "$1" >/dev/null 2>&1 || die "$EX_TOOL" "missing tool '$1' ($2)"
}

# Hash of the text on stdin, short.
short_hash() { sha256sum | cut -c1-12; }

# A module version's directory in the module cache, downloading it if needed; dies with
# EX_MODULE (naming the module) when the proxy does not serve that version.
module_dir() { # module_dir MODULE VERSION
  local json
  if ! json=$(cd / && GOFLAGS=-mod=mod GOWORK=off go mod download -json "$1@$2" 2>&1); then
    die "$EX_MODULE" "Go module $1@$2 is not available from the Go module proxy: $(tr '\n' ' ' <<<"$json" | cut -c1-300)"
  fi
  local dir
  dir=$(jq -r '.Dir // empty' <<<"$json")
  local err
  err=$(jq -r '.Error // empty' <<<"$json")
  [[ -n $dir && -z $err ]] || die "$EX_MODULE" "Go module $1@$2 is not available from the Go module proxy: $err"
  echo "$dir"
}

module_info() { # module_info MODULE VERSION -> the .info JSON (Version, Time, Origin)
  (cd / && GOWORK=off go mod download -json "$1@$2" | jq -r '.Info' | xargs cat)
}

# kube_source VERSION -> a writable copy of the k8s.io/kubernetes module in the cache, with the
# staging replaces turned into the published k8s.io/* v0.MINOR.PATCH modules (made once).
kube_source() {
  local ver=$1 minor module src
  minor=$(cut -d. -f2 <<<"$ver")
  src=$CACHE_ROOT/src/kubernetes-v$ver
  if [[ ! -f $src/.ready ]]; then
    module=$(module_dir k8s.io/kubernetes "v$ver")
    rm -rf "$src"
    mkdir -p "$(dirname "$src")"
    cp -r "$module" "$src"
    chmod -R u+w "$src"
    rm -f "$src/go.work" "$src/go.work.sum"
    # Only the exact "k8s.io/NAME v0.0.0" lines: kube-openapi and utils carry real
    # pseudo-versions that must stay as they are.
    sed -i -E -e '/^replace \(/,/^\)/d' \
      -e "s#^(\s+k8s\.io/[a-z0-9-]+) v0\.0\.0(\s*//.*)?\$#\1 v0.$minor.${ver##*.}\2#" "$src/go.mod"
    if grep -qE '^\s+k8s\.io/[a-z0-9-]+ v0\.0\.0(\s|$)' "$src/go.mod"; then
      die "$EX_BUILD" "kubernetes go.mod still has v0.0.0 requirements after the rewrite"
    fi
    say "kubernetes v$ver: downloading the published k8s.io/* v0.$minor.${ver##*.} modules"
    (cd "$src" && go mod download >&2) || die "$EX_MODULE" "the k8s.io/* v0.$minor.${ver##*.} modules (or a dependency) are not served"
    touch "$src/.ready"
  fi
  echo "$src"
}

# kube_ldflags VERSION -> the -ldflags that make the binaries report vVERSION, as a release does.
kube_ldflags() {
  local ver=$1 minor info date commit ld p
  minor=$(cut -d. -f2 <<<"$ver")
  info=$(module_info k8s.io/kubernetes "v$ver")
  date=$(jq -r '.Time' <<<"$info" | cut -c1-19)Z
  commit=$(jq -r '.Origin.Hash // empty' <<<"$info")
  ld="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $p.gitVersion=v$ver -X $p.gitMajor=1 -X $p.gitMinor=$minor"
    ld+=" -X $p.gitTreeState=clean -X $p.buildDate=$date"
    [[ -n $commit ]] && ld+=" -X $p.gitCommit=$commit"
  done
  echo "$ld"
}

# The candidate policies the fork's node image bakes in: every harness/policies/*.yaml, each its
# own YAML document, as one file (the format of /etc/kubernetes/pullcheck/policies.yaml).
CANDIDATE_POLICIES_DIR=$NODE_SRC/../../harness/policies
candidate_policies_yaml() {
  local f
  for f in "$CANDIDATE_POLICIES_DIR"/*.yaml; do
    printf -- '---\n# harness/policies/%s\n' "$(basename "$f")"
    cat "$f"
  done
}

# Their names, comma-separated (the node image's dev.pullcheck.policies label).
candidate_policy_names() {
  sed -n -E 's/^name:[[:space:]]*["'\'']?([A-Za-z0-9]+)["'\'']?[[:space:]]*$/\1/p' "$CANDIDATE_POLICIES_DIR"/*.yaml | paste -sd, -
}
