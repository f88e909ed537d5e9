#!/bin/bash
# Pod start latency benchmark (docs/benchmarks.md, "Pod start latency"): a fresh kuark server and
# agent on this host (node IP 127.0.0.1, CIDRs 10.211/16 and 10.212/16 of this script only), the
# demo image imported at agent start (pre-pulled), then PodStartBench. Run it under the host lock:
#   mvn -B -q -o -pl control-plane/server,node-agent,cni-bridge,bench -am package -DskipTests
#   flock /tmp/kuark-host.lock bench/podstart.sh [--pods 30] [--rounds 3]
# Everything it starts or adds on the host is removed at exit.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/kuark-podstart.XXXXXX)
cluster=10.211.0.0/16 services=10.212.0.0/16
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
api_port=$(free_port) agent_port=$(free_port)
server_pid="" agent_pid=""
cleanup() {
  [[ -n $agent_pid ]] && kill -TERM "$agent_pid" 2>/dev/null && wait "$agent_pid" 2>/dev/null || true
  [[ -n $server_pid ]] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  # The agent keeps its bridge and safety routes on purpose; these ranges are this script's.
  for link in $(ip -o -4 addr show | awk '$4 ~ /^10\.211\./ {print $2}'); do ip link del "$link" || true; done
  for cidr in $cluster $services; do
    ip route show root "$cidr" | while read -r route; do ip route del $route || true; done
  done
  # Pods still being torn down when the agent stopped leave their netns bind mounts (and rootfs
  # mounts) below $work: unmount them, deepest first, or rm cannot remove them.
  awk -v w="$work/" 'index($2, w) == 1 {print $2}' /proc/self/mounts | sort -r |
    while read -r m; do umount -l "$m" || true; done
  for c in /sys/fs/cgroup/*/kuark-bench-podstart; do [[ -d $c ]] && find "$c" -depth -type d -exec rmdir {} + 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/data/agent/images"
"$repo/packaging/images/build-demo-image.sh" "$work/data/agent/images/demo.tar" >/dev/null
# A bridge of this script's own (the default kuark0 may belong to another run on this host); the
# only node gets the first /24 of the cluster CIDR.
mkdir -p "$work/cni"
cat >"$work/cni/10-kuark.conflist" <<CONF
{"cniVersion":"1.0.0","name":"kuark","plugins":[{"type":"kuark-bridge","bridge":"kpodstart0",
"isGateway":true,"ipMasq":false,"hairpinMode":true,"ipam":{"type":"host-local",
"ranges":[[{"subnet":"10.211.0.0/24"}]],"routes":[{"dst":"0.0.0.0/0"}],"dataDir":"$work/ipam"}},
{"type":"portmap","capabilities":{"portMappings":true}}]}
CONF
export KUARK_SKIP_BUILD=1
"$repo/kuark" server --data-dir "$work/data" --bind-address 127.0.0.1 --secure-port "$api_port" \
  --write-kubeconfig "$work/kc.yaml" --cluster-cidr $cluster --service-cidr $services \
  >"$work/server.log" 2>&1 &
server_pid=$!
until grep -qs "kuark-server ready" "$work/server.log"; do sleep 0.5; kill -0 $server_pid; done
"$repo/kuark" agent --kubeconfig "$work/kc.yaml" --data-dir "$work/data" --node-name bench-node \
  --node-ip 127.0.0.1 --run-dir "$work/run" --pod-log-dir "$work/pods" --cni-conf-dir "$work/cni" \
  --port "$agent_port" --cluster-cidr $cluster --service-cidr $services \
  --cgroup-parent kuark-bench-podstart --proxy-table kuark-proxy-podstart --proxy-cleanup \
  --cluster-dns 10.212.0.10 --dns-link kd-podstart --dns-remove-link >"$work/agent.log" 2>&1 &
agent_pid=$!
until grep -qs "kuark-agent ready" "$work/agent.log"; do sleep 0.5; kill -0 $agent_pid; done
# The launcher execs java, so the launcher's pid is the agent JVM's. The bench client shares the
# two cores with what it measures: by default it runs C1-only with the serial collector, which
# costs it less CPU per pod than a tiered JVM that compiles its own fabric8 code paths in the
# burst (docs/benchmarks.md, "Pod start latency"); BENCH_JAVA_OPTS replaces these options.
# shellcheck disable=SC2086
java ${BENCH_JAVA_OPTS--XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto} -cp "$repo/bench/target/classes:$(cat "$repo/bench/target/classpath.txt")" \
  io.kuark.bench.podstart.PodStartBench "$work/kc.yaml" --agent-pid "$agent_pid" \
  --server-pid "$server_pid" --agent-log "$work/agent.log" "$@"
