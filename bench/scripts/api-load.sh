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
# shellcheck source=fresh-server.sh
source "$(dirname "$0")/fresh-server.sh"
start_fresh_server "$tree" kuark-apiload
echo "# $(date -u +%FT%TZ) tree=$tree rev=$(git -C "$tree" rev-parse --short HEAD) load: $(cut -d' ' -f1-3 /proc/loadavg)"
java -cp "$tree/bench/target/classes:$(cat "$tree/bench/target/classpath.txt")" \
  io.kuark.bench.api.ApiLoadBench "$work/kubeconfig.yaml" --server-pid "$java_pid" "${args[@]}"
echo "# done $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg)"
