#!/usr/bin/env bash
# Applies the kubelet fork's patch series onto a writable copy of the Kubernetes source
# (the module root, e.g. the cache copy images/node/build-binaries.sh makes).
#
#   fork/apply.sh SRC_DIR KUBE_MINOR        e.g. fork/apply.sh ~/src/kubernetes-v1.35.4 35
#
# Uses fork/patches/v1.KUBE_MINOR/NNNN-*.patch in order. Every patch is tried (--dry-run)
# before any is applied, so a series that does not fit leaves the source untouched.
# Applying the same series twice is a no-op (SRC_DIR/.pullcheck-fork records it).
# Exit codes (images/node/lib.sh): 2 usage, 10 a missing tool, 16 a patch does not apply.
set -euo pipefail
LOG_PREFIX=fork-apply
# shellcheck source=../images/node/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../images/node/lib.sh"

[[ $# == 2 ]] || die "$EX_USAGE" "usage: fork/apply.sh SRC_DIR KUBE_MINOR (e.g. 35)"
src=$1 minor=$2
[[ $minor =~ ^[0-9]+$ ]] || die "$EX_USAGE" "KUBE_MINOR must be a number like 35, not '$minor'"
[[ -f $src/go.mod ]] && grep -q '^module k8s.io/kubernetes$' "$src/go.mod" ||
  die "$EX_USAGE" "$src is not the root of a k8s.io/kubernetes source tree (no go.mod naming the module)"
[[ -w $src/pkg/kubelet/images ]] || die "$EX_USAGE" "$src is not writable (copy the module first: the module cache is read-only)"
need_tool patch "apt-get install patch"

series=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/patches/v1.$minor
if [[ ! -d $series ]]; then
  die "$EX_PATCH" "no patch series for Kubernetes 1.$minor: $series does not exist (series here: $(cd "$(dirname "$series")" && ls -d v1.* 2>/dev/null | tr '\n' ' '))"
fi
mapfile -t patches < <(find "$series" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' | sort)
((${#patches[@]} > 0)) || die "$EX_PATCH" "$series holds no NNNN-*.patch files"
series_hash=$(cat "${patches[@]}" | short_hash)

marker=$src/.pullcheck-fork
if [[ -f $marker ]]; then
  [[ $(cat "$marker") == "$series_hash" ]] && { say "series v1.$minor ($series_hash) is already applied to $src"; exit 0; }
  die "$EX_PATCH" "$src already carries another fork series ($(cat "$marker")); apply onto a fresh copy"
fi

# Dry runs against a scratch copy of the files the series touches, patch after patch, so a
# patch that depends on an earlier one is checked on top of it.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/pullcheck-fork-apply.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
while read -r file; do
  [[ -e $src/$file ]] || continue
  mkdir -p "$scratch/$(dirname "$file")"
  cp "$src/$file" "$scratch/$file"
done < <(sed -n -E 's#^\+\+\+ b/(.*)$#\1#p' "${patches[@]}" | sort -u)
for p in "${patches[@]}"; do
  if ! out=$(patch -d "$scratch" -p1 --fuzz=0 --forward --batch --no-backup-if-mismatch -s <"$p" 2>&1); then
    die "$EX_PATCH" "patch $(basename "$p") does not apply to $src (Kubernetes 1.$minor):"$'\n'"$out"
  fi
done
for p in "${patches[@]}"; do
  patch -d "$src" -p1 --fuzz=0 --forward --batch --no-backup-if-mismatch -s <"$p" >&2 ||
    die "$EX_PATCH" "patch $(basename "$p") failed on $src after its dry run passed"
  say "applied $(basename "$p")"
done
echo "$series_hash" >"$marker"
say "series v1.$minor ($series_hash, ${#patches[@]} patches) applied to $src"
