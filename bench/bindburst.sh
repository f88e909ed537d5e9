#!/bin/bash
# Scheduling throughput through the real API (docs/benchmarks.md, "Scheduler"): a fresh kuark
# server alone on a free loopback port (no agent, nothing host-global, no lock needed), then
# BindBurstBench: N pods created at once against one fake node, created -> bound per pod.
#   mvn -B -q -o -pl control-plane/server,bench -am package -DskipTests
#   bench/bindburst.sh [--pods 30] [--rounds 5]
# KUARK_JAVA_OPTS passes JVM options to the server (e.g. -XX:StartFlightRecording=filename=x.jfr).
# Everything it starts is stopped at exit and its data directory removed.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/kuark-bindburst.XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
api_port=$(free_port)
server_pid=""
cleanup() {
  [[ -n $server_pid ]] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export KUARK_SKIP_BUILD=1
"$repo/kuark" server --data-dir "$work/data" --bind-address 127.0.0.1 --secure-port "$api_port" \
  --write-kubeconfig "$work/kc.yaml" --cluster-cidr 10.213.0.0/16 --service-cidr 10.214.0.0/16 \
  >"$work/server.log" 2>&1 &
server_pid=$!
until grep -q "kuark-server ready" "$work/server.log"; do sleep 0.5; kill -0 $server_pid; done
java -cp "$repo/bench/target/classes:$(cat "$repo/bench/target/classpath.txt")" \
  io.kuark.bench.scheduler.BindBurstBench "$work/kc.yaml" --server-pid "$server_pid" "$@"
