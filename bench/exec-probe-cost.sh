#!/bin/sh
# CPU and wall cost of one exec probe as the agent runs it (`runc exec <id> <cmd>` started from the
# JVM with ProcessBuilder), against the same `runc exec` started from a shell, `runc state` and
# /bin/true. A busybox container runs `sleep` in its own runc root under a temp dir; everything is
# removed at the end. Needs root, runc, busybox (static), python3 and a JDK.
# Usage: bench/exec-probe-cost.sh [N]   (N execs per variant, default 60)
set -eu
N=${1:-60}
B=$(mktemp -d /tmp/kuark-exec-probe-XXXXXX)
ID=kuark-exec-probe-$$
cleanup() {
  runc --root "$B/root" delete -f "$ID" >/dev/null 2>&1 || true
  rm -rf "$B"
}
trap cleanup EXIT
mkdir -p "$B/b/rootfs/bin" "$B/root"
cp "$(command -v busybox)" "$B/b/rootfs/bin/busybox"
for x in sh true sleep; do ln -sf busybox "$B/b/rootfs/bin/$x"; done
mkdir -p "$B/b/rootfs/proc" "$B/b/rootfs/sys" "$B/b/rootfs/dev" "$B/b/rootfs/tmp"
(cd "$B/b" && runc spec)
python3 - "$B/b/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["terminal"] = False
c["process"]["args"] = ["sleep", "3600"]
json.dump(c, open(sys.argv[1], "w"))
PY
(cd "$B/b" && runc --root "$B/root" run -d "$ID" </dev/null >/dev/null 2>&1)
echo "load before: $(cat /proc/loadavg)"
python3 - "$B/root" "$ID" "$N" <<'PY'
import resource, statistics, subprocess, sys, time
root, cid, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
def run(argv):
    walls = []
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    for _ in range(n):
        t = time.monotonic()
        subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=True)
        walls.append((time.monotonic() - t) * 1000)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = ((r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)) * 1000 / n
    return statistics.median(walls), cpu
for name, argv in [("runc exec true (shell)", ["runc", "--root", root, "exec", cid, "true"]),
                   ("runc state", ["runc", "--root", root, "state", cid]),
                   ("/bin/true", ["/bin/true"])]:
    print("%-26s wall p50 %5.0f ms  cpu %5.1f ms" % ((name,) + run(argv)))
PY
cat > "$B/ExecBench.java" <<JAVA
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
public class ExecBench {
  public static void main(String[] a) throws Exception {
    int n = Integer.parseInt(a[0]);
    List<String> argv = List.of("runc", "--root", "$B/root", "exec", "$ID", "true");
    for (int i = 0; i < n; i++) {
      Process p = new ProcessBuilder(argv)
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException();
    }
  }
}
JAVA
javac -d "$B" "$B/ExecBench.java"
# JVM CPU with N execs less the JVM's CPU with none: what the execs cost the agent's process tree.
for mech in POSIX_SPAWN VFORK; do
  c0=$( { /usr/bin/time -f "%U %S" java -XX:+UseSerialGC -Djdk.lang.Process.launchMechanism=$mech -cp "$B" ExecBench 0; } 2>&1 | tail -1)
  cn=$( { /usr/bin/time -f "%U %S" java -XX:+UseSerialGC -Djdk.lang.Process.launchMechanism=$mech -cp "$B" ExecBench "$N"; } 2>&1 | tail -1)
  echo "$c0 $cn" | awk -v m="$mech" -v n="$N" '{printf "%-26s cpu %5.1f ms per exec (JVM + spawn helper + runc)\n", "from the JVM, " m, (($3+$4)-($1+$2))*1000/n}'
done
echo "load after: $(cat /proc/loadavg)"
