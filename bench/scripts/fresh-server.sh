# Sourced by the bench scripts: start_fresh_server TREE PREFIX starts a single kuark-server from the
# built tree TREE with its launcher (KUARK_SKIP_BUILD=1: no build; the launcher's JVM options plus
# KUARK_JAVA_OPTS) on a free loopback port, in a new directory /tmp/PREFIX.XXXXXX, and returns once
# its controllers run. It sets work (the directory; kubeconfig.yaml and log are in it), pid (the
# launcher) and java_pid (the server JVM), and stops the server and removes the directory on exit.
start_fresh_server() {
  local tree=$1 prefix=$2 port
  work=$(mktemp -d "/tmp/$prefix.XXXXXX")
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  trap stop_fresh_server EXIT
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
}

stop_fresh_server() {
  [[ -n ${pid:-} ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
