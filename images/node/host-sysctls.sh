#!/usr/bin/env bash
# A kind node shares the host's kernel, and what runs in it writes global sysctls: the kubelet
# sets vm.overcommit_memory=1, vm.panic_on_oom=0, kernel.panic=10, kernel.panic_on_oops=1 and
# kernel.keys.root_maxkeys/root_maxbytes; systemd as the node's PID 1 raises fs.file-max to
# its maximum; Docker turns on IPv6 forwarding for kind's IPv6-enabled network. This saves
# the host's values before a cluster and puts back every one that changed after it.
#
#   images/node/host-sysctls.sh save    [FILE]   # before the first `kind create cluster`
#   images/node/host-sysctls.sh restore [FILE]   # after each `kind delete cluster`
#   images/node/host-sysctls.sh diff    [FILE]   # what differs now, changes nothing
#
# FILE defaults to /run/pullcheck/host-sysctls.txt. Counters and other values the kernel
# changes by itself are not saved. Keys that no longer exist (a deleted interface's) are skipped.
set -euo pipefail
cmd=${1:-}
file=${2:-/run/pullcheck/host-sysctls.txt}
volatile='^(kernel\.random\.|kernel\.ns_last_pid|kernel\.tainted|kernel\.pty\.nr|fs\.(dentry-state|file-nr|inode-nr|inode-state|quota\.)|vm\.drop_caches|net\.netfilter\.nf_conntrack_count|dev\.cdrom\.info)'

# Keys the kernel lists more than once (kernel.core_modes) are left out too.
current() {
  sysctl -a 2>/dev/null | grep -Ev "$volatile" |
    awk -F ' = ' '{ n[$1]++; line[$1] = $0 } END { for (k in n) if (n[k] == 1) print line[k] }' | sort
}

differences() { # prints "key^Asaved^Anow" (^A = \x01) for every saved key whose value differs
  [[ -f $file ]] || { echo "host-sysctls: nothing saved in $file (run: $0 save)" >&2; exit 1; }
  join -t $'\x01' -j1 \
    <(sed 's/ = /\x01/' "$file" | sort -t $'\x01' -k1,1) \
    <(current | sed 's/ = /\x01/' | sort -t $'\x01' -k1,1) |
    awk -F '\x01' '$2 != $3'
}

case $cmd in
  save)
    mkdir -p "$(dirname "$file")"
    current >"$file"
    echo "host-sysctls: saved $(wc -l <"$file") values to $file" >&2
    for key in vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys kernel.keys.root_maxbytes; do
      echo "  $key = $(sysctl -n "$key")" >&2
    done
    ;;
  diff)
    differences | awk -F '\x01' '{ print "  " $1 ": saved " $2 ", now " $3 }'
    ;;
  restore)
    changed=0 failed=0
    while IFS=$'\x01' read -r key saved now; do
      # multi-value keys (kernel.printk) are saved with tabs; sysctl -w takes them as they are
      if sysctl -q -w "$key=$saved" >/dev/null 2>&1; then
        echo "host-sysctls: restored $key: $now -> $saved" >&2
        changed=$((changed + 1))
      else
        echo "host-sysctls: could not restore $key (saved $saved, now $now)" >&2
        failed=$((failed + 1))
      fi
    done < <(differences)
    echo "host-sysctls: $changed restored, $failed could not be restored" >&2
    ;;
  *)
    echo "usage: $0 save|restore|diff [FILE]" >&2
    exit 2
    ;;
esac
