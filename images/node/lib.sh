# Shared helpers for images/node/*.sh (sourced, not run).
# Exit codes (distinct, so a caller can tell what was missing):
#   2  usage error
#   10 a host tool is missing (go, gcc, docker, mmdebstrap, jq, ...)
#   11 a Go module version is not served by the Go module proxy
#   12 a Go or C build failed
#   13 the Debian root filesystem could not be built
#   14 docker could not build, import or commit the image
#   15 the Docker engine does not answer
EX_USAGE=2 EX_TOOL=10 EX_MODULE=11 EX_BUILD=12 EX_ROOTFS=13 EX_DOCKER=14 EX_NODOCKER=15

NODE_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE_ROOT=${PULLCHECK_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pullcheck/node-image}

say() { echo "node-image: $*" >&2; }
die() { local code=$1; shift; echo "node-image: ERROR: $*" >&2; exit "$code"; }

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
