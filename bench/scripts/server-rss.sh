#!/usr/bin/env bash
# Resident memory of an idle single kuark-server started by the launcher, once its controllers run.
# Usage: bench/scripts/server-rss.sh CHECKOUT [SETTLE_SECONDS]
#   CHECKOUT: a built source tree (control-plane/server/target/quarkus-app exists); its ./kuark
#   launcher starts the server with the launcher's JVM options (KUARK_SKIP_BUILD=1: no build).
# Prints one line: VmRSS and VmHWM (kB) and threads once the controllers run and SETTLE seconds
# passed, then the heap in use after a full GC (jcmd GC.heap_info, SerialGC generations).
set -euo pipefail
tree=$(cd "$1" && pwd)
settle=${2:-60}
# shellcheck source=fresh-server.sh
source "$(dirname "$0")/fresh-server.sh"
start_fresh_server "$tree" kuark-rss
sleep "$settle"
rss=$(awk '/VmRSS/{print $2}' /proc/"$java_pid"/status)
hwm=$(awk '/VmHWM/{print $2}' /proc/"$java_pid"/status)
threads=$(awk '/Threads/{print $2}' /proc/"$java_pid"/status)
# Heap in use after a full collection: the young and old generations' "used" figures (SerialGC).
jcmd "$java_pid" GC.run >/dev/null 2>&1 || true
heap_kb=$(jcmd "$java_pid" GC.heap_info 2>/dev/null |
  awk '/generation/{for(i=1;i<=NF;i++) if($i=="used"){v=$(i+1); sub(/K,?/,"",v); s+=v}} END{print s+0}')
echo "rss_kb=$rss hwm_kb=$hwm threads=$threads heap_used_after_gc_kb=$heap_kb load: $(cut -d' ' -f1-3 /proc/loadavg)"
