#!/bin/bash
# cgroup v2: enable every available controller for the kubelet's cgroups (run by the kubelet
# unit before the kubelet starts). The root's cgroup.procs must be empty for that, which
# holds in a node container with its own cgroup namespace once systemd runs as PID 1.
set -o errexit -o nounset -o pipefail
if [[ ! -f /sys/fs/cgroup/cgroup.controllers ]]; then
  echo 'ERROR: create-kubelet-cgroup-v2.sh is for cgroup v2 hosts only' >&2
  exit 1
fi
if grep -qv '^0$' /sys/fs/cgroup/cgroup.procs; then
  echo 'ERROR: /sys/fs/cgroup/cgroup.procs is not empty: cannot write the top-level cgroup.subtree_control' >&2
  exit 1
fi
delegate_all() { # turn "cpu io memory" into "+cpu +io +memory"
  sed -e 's/ / +/g' -e 's/^/+/' <"/sys/fs/cgroup/$1/cgroup.controllers" >"/sys/fs/cgroup/$1/cgroup.subtree_control"
}
delegate_all /
for group in kubelet kubelet.slice; do
  mkdir -p "/sys/fs/cgroup/$group"
  delegate_all "/$group"
done
