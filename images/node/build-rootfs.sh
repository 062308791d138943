#!/usr/bin/env bash
# Builds the node's Debian root filesystems with mmdebstrap, from Debian's package mirrors
# only, as tarballs in the cache (keyed by a hash of the recipe below). Prints "NAME=TARBALL"
# lines on stdout; progress on stderr.
#   node        the node itself: systemd, iptables/nftables, conntrack, iproute2, mount, kmod,
#               ethtool, socat, runc and the CNI plugins (Debian's containernetworking-plugins),
#               as kind's base image has them (kind images/base/Dockerfile, v0.33.0)
#   kube-proxy  a small one for the kube-proxy image, which runs iptables/nft and conntrack
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DEBIAN_SUITE=${DEBIAN_SUITE:-bookworm}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
DEBIAN_SECURITY_MIRROR=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}

need_tool mmdebstrap "apt-get install mmdebstrap"

sources() {
  echo "deb $DEBIAN_MIRROR $DEBIAN_SUITE main"
  echo "deb $DEBIAN_MIRROR $DEBIAN_SUITE-updates main"
  echo "deb $DEBIAN_SECURITY_MIRROR $DEBIAN_SUITE-security main"
}

NODE_PACKAGES="systemd conntrack iptables nftables iproute2 ethtool util-linux mount kmod
  libseccomp2 pigz e2fsprogs bash ca-certificates curl jq procps socat
  containernetworking-plugins runc"
KUBE_PROXY_PACKAGES="iptables nftables conntrack kmod"

# Commands run in the finished tree ($1 is its root) before it is packed.
node_customize() {
  local root=$1
  # systemd starts only what the node needs: no getty, udev, timers or Debian's defaults.
  find "$root/lib/systemd/system/sysinit.target.wants/" -name systemd-tmpfiles-setup.service -delete
  rm -f "$root"/lib/systemd/system/multi-user.target.wants/* "$root"/etc/systemd/system/*.wants/*
  rm -f "$root"/lib/systemd/system/local-fs.target.wants/* "$root"/lib/systemd/system/basic.target.wants/*
  rm -f "$root"/lib/systemd/system/sockets.target.wants/*udev* "$root"/lib/systemd/system/sockets.target.wants/*initctl*
  echo ReadKMsg=no >>"$root/etc/systemd/journald.conf"
  ln -sf /usr/lib/systemd/systemd "$root/sbin/init"
  # These set kernel-wide values (kernel.pid_max, kernel.sysrq, fs.protected_*...), which in a
  # container are the host's. The node's own sysctl.d file sets per-namespace net.* values only.
  rm -f "$root"/usr/lib/sysctl.d/{50-default,50-pid-max,99-protect-links}.conf
  # kind's containerd config names /opt/cni/bin; Debian installs the plugins in /usr/lib/cni.
  mkdir -p "$root/opt/cni"
  ln -sfn /usr/lib/cni "$root/opt/cni/bin"
  rm -rf "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/locale/* "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*
}

kube_proxy_customize() {
  local root=$1
  rm -rf "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/locale/* "$root"/var/cache/*
}

build_rootfs() { # NAME VARIANT PACKAGES CUSTOMIZE-FUNCTION
  local name=$1 variant=$2 packages=$3 customize=$4 key out start
  key=$( { echo "$name $variant $DEBIAN_SUITE $DEBIAN_MIRROR $DEBIAN_SECURITY_MIRROR $packages"; declare -f "$customize" build_rootfs; } | short_hash)
  out=$CACHE_ROOT/rootfs/$name-$DEBIAN_SUITE-$key.tar
  if [[ -f $out ]]; then
    say "building rootfs $name ($DEBIAN_SUITE) (cached: yes)"
  else
    say "building rootfs $name ($DEBIAN_SUITE) (cached: no) -> $out"
    start=$SECONDS
    mkdir -p "$(dirname "$out")"
    local hookfile
    hookfile=$(mktemp)
    { declare -f "$customize"; echo "$customize \"\$1\""; } >"$hookfile"
    local -a mirrors
    mapfile -t mirrors < <(sources)
    if ! mmdebstrap --quiet --variant="$variant" --mode=root \
      --aptopt='APT::Install-Recommends "false"' \
      --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
      --include="$(tr -s ' \n' ',' <<<"$packages" | sed 's/^,//; s/,$//')" \
      --customize-hook="bash $hookfile \"\$1\"" \
      "$DEBIAN_SUITE" "$out.partial.tar" "${mirrors[@]}" >&2; then
      rm -f "$hookfile" "$out.partial.tar"
      die "$EX_ROOTFS" "mmdebstrap could not build the $name root filesystem from $DEBIAN_MIRROR ($DEBIAN_SUITE)"
    fi
    rm -f "$hookfile"
    mv "$out.partial.tar" "$out"
    say "built rootfs $name in $((SECONDS - start))s ($(du -h "$out" | cut -f1))"
  fi
  echo "$name=$out"
}

build_rootfs node minbase "$NODE_PACKAGES" node_customize
build_rootfs kube-proxy essential "$KUBE_PROXY_PACKAGES" kube_proxy_customize
