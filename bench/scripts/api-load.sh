#!/usr/bin/env bash
# ApiLoadBench (issue 3) against a fresh single kuark-server started by the launcher (SQLite store).
# Usage: bench/scripts/api-load.sh CHECKOUT [ApiLoadBench options...]   (default: --ops 2000)
#   CHECKOUT: a built source tree (control-plane/server/target/quarkus-app and bench/target/classes
#   exist); its ./kuark launcher starts the server with the launcher's JVM options
#   (KUARK_SKIP_BUILD=1: no build; KUARK_JAVA_OPTS adds options). The bench client gets
#   --server-pid, so each row shows the server's RSS and full collections.
set -euo pipefail
tree=$(cd "$1" && pwd)
shift
args=("$@")
[[ ${#args[@]} -gt 0 ]] || args=(--ops 2000)
work=$(mktemp -d /tmp/kuark-apiload.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() {
  [[ -n ${pid:-} ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
KUARK_SKIP_BUILD=1 "$tree/kuark" server --data-dir "$work/data" --secure-port "$port" \
  --bind-address 127.0.0.1 --write-kubeconfig "$work/kubeconfig.yaml" >"$work/log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  grep -q "kuark-server ready" "$work/log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/log" >&2; exit 1; }
  sleep 0.5
done
for _ in $(seq 1 240); do
  grep -q "controllers started" "$work/log" && break
  sleep 0.5
done
java_pid=$(pgrep -P "$pid" java || echo "$pid")
echo "# $(date -u +%FT%TZ) tree=$tree rev=$(git -C "$tree" rev-parse --short HEAD) load: $(cut -d' ' -f1-3 /proc/loadavg)"
java -cp "$tree/bench/target/classes:$(cat "$tree/bench/target/classpath.txt")" \
  io.kuark.bench.api.ApiLoadBench "$work/kubeconfig.yaml" --server-pid "$java_pid" "${args[@]}"
echo "# done $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg)"
