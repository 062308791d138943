#!/usr/bin/env bash
# Starts a Docker engine that can run kind nodes on this kind of machine, and waits for it.
#
#   images/node/start-dockerd.sh            # start (or check the running one), wait up to 60 s
#   DOCKERD_LOG=/path/log images/node/start-dockerd.sh
#
# What it does, and why (see images/node/README.md):
#   - copies runc-drop-missing-caps to /run/pullcheck/ and registers it as dockerd's default
#     runtime: privileged containers (kind nodes) then start on a host whose bounding set
#     lacks a capability (CAP_SYS_RESOURCE on pullcheck's CI VMs); elsewhere it changes nothing;
#   - creates /lib/modules if the host has none (kind bind-mounts it into every node).
# A dockerd that already answers is left alone; the script only says whether it has the
# runtime. When it starts one, it prints that dockerd's PID on stdout (and nothing else), so
# a caller can stop it later: pid=$(images/node/start-dockerd.sh).
# Exit codes: 0 ready, 10 a tool is missing, 15 dockerd did not answer in time.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
log=${DOCKERD_LOG:-/tmp/pullcheck-dockerd.log}
runtime_dir=/run/pullcheck
wrapper=$runtime_dir/runc-drop-missing-caps

for tool in dockerd docker jq runc; do
  command -v "$tool" >/dev/null || { echo "start-dockerd: missing '$tool' (apt-get install docker.io jq)" >&2; exit 10; }
done

if [[ ! -d /lib/modules ]]; then
  echo "start-dockerd: creating an empty /lib/modules (kind mounts it into its nodes)" >&2
  mkdir -p /lib/modules
fi

if docker info >/dev/null 2>&1; then
  if docker info --format '{{json .Runtimes}}' | jq -e 'has("pullcheck-runc")' >/dev/null; then
    echo "start-dockerd: dockerd is running with the pullcheck-runc runtime (default: $(docker info --format '{{.DefaultRuntime}}'))" >&2
  else
    echo "start-dockerd: dockerd is already running WITHOUT the pullcheck-runc runtime; kind nodes fail there if the host lacks capabilities" >&2
  fi
  exit 0
fi

mkdir -p "$runtime_dir"
install -m 0755 "$here/runc-drop-missing-caps" "$wrapper"
echo "start-dockerd: dockerd --add-runtime pullcheck-runc=$wrapper --default-runtime pullcheck-runc (log: $log)" >&2
nohup dockerd --add-runtime "pullcheck-runc=$wrapper" --default-runtime pullcheck-runc >"$log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    echo "start-dockerd: dockerd answers (pid $pid)" >&2
    echo "$pid"
    exit 0
  fi
  sleep 1
done
echo "start-dockerd: dockerd did not answer within 60 s; last lines of $log:" >&2
tail -20 "$log" >&2
exit 15
