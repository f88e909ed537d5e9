package io.kuark.bench.cni;

import io.kuark.cni.CniOutcome;
import io.kuark.cni.CniRequest;
import io.kuark.cni.Json;
import io.kuark.cni.KuarkBridge;
import io.kuark.cni.ipam.HostLocalConf;
import io.kuark.cni.ipam.HostLocalIpam;
import io.kuark.cni.result.CniResult;
import io.kuark.linux.Linux;
import io.kuark.linux.Netlink;
import io.kuark.linux.VethSpec;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU time and wall time per in-process ADD and DEL (the agent's path: the JVM's own network
 * namespace is the host) and per phase of an ADD, each phase measured on its own in a loop: netns
 * entry, a netlink round trip, socket open, veth pair creation, a sysctl write, IPAM, JSON.
 *
 * <p>CPU time is the whole process's (user+sys, every thread, including the kernel work done in
 * this process's system calls), summed over a batch of calls so that its 10 ms tick resolution does
 * not matter. Pod namespaces are created before and removed after each timed batch.
 *
 * <p>Run as root inside a namespace made for it, never the machine's own: {@code ip netns add kb;
 * ip netns exec kb java -cp … io.kuark.bench.cni.CniPhaseBench [iterations [warm-up batches of
 * 50]]; ip netns del kb}.
 */
public final class CniPhaseBench {
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private static final java.lang.management.ThreadMXBean THREADS =
      ManagementFactory.getThreadMXBean();

  private final Linux linux = Linux.get();
  private final Path dir;
  private final List<String> rows = new ArrayList<>();

  private CniPhaseBench(Path dir) {
    this.dir = dir;
  }

  /** A measured action over {@code n} iterations. */
  private interface Body {
    void run(int i) throws Exception;
  }

  private void measure(String label, int n, Body body) throws Exception {
    for (int i = 0; i < Math.min(n, 50); i++) {
      body.run(-1 - i); // warm-up
    }
    long cpu0 = OS.getProcessCpuTime();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      body.run(i);
    }
    long wall = System.nanoTime() - t0;
    long cpu = OS.getProcessCpuTime() - cpu0;
    rows.add(String.format("| %s | %d | %.3f | %.3f |", label, n, cpu / 1e6 / n, wall / 1e6 / n));
  }

  /**
   * CPU time of the threads an ADD runs on (this one and the namespace threads): the process total
   * without the JIT compiler and GC threads, which keep compiling in a short run.
   */
  private static long ownThreadsCpu() {
    long sum = THREADS.getCurrentThreadCpuTime();
    for (java.lang.management.ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (t != null && t.getThreadName().startsWith("kuark-netns-")) {
        sum += Math.max(0, THREADS.getThreadCpuTime(t.getThreadId()));
      }
    }
    return sum;
  }

  private String conf(int n) throws Exception {
    Path ipam = Files.createDirectories(dir.resolve("ipam-" + n));
    return ("{\"cniVersion\":\"1.0.0\",\"name\":\"kphase%d\",\"type\":\"bridge\",\"bridge\":\"kpbr%d\","
            + "\"isGateway\":true,\"isDefaultGateway\":true,\"hairpinMode\":true,"
            + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"%s\","
            + "\"ranges\":[[{\"subnet\":\"10.98.%d.0/24\"}]]}}")
        .formatted(n, n, ipam, n);
  }

  private static CniRequest request(String command, Path pod, String conf) {
    return new CniRequest(
        command,
        "phase-" + pod.getFileName(),
        pod.toString(),
        "eth0",
        "",
        "/usr/lib/cni",
        conf.getBytes(StandardCharsets.UTF_8));
  }

  private static void ok(CniOutcome out) {
    if (out.exitCode() != 0) {
      throw new IllegalStateException(out.stdout());
    }
  }

  private List<Path> pods(String prefix, int n) {
    List<Path> pods = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Path p = dir.resolve(prefix + i);
      linux.namespaces().createNetns(p);
      pods.add(p);
    }
    return pods;
  }

  private void removePods(List<Path> pods) {
    for (Path p : pods) {
      linux.namespaces().deleteNetns(p);
    }
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int warmUpRounds = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    Path dir = Files.createTempDirectory("kuark-cni-phase");
    CniPhaseBench b = new CniPhaseBench(dir);
    try {
      b.run(n, warmUpRounds);
    } finally {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
    System.out.println("| phase | calls | CPU ms per call | wall ms per call |");
    System.out.println("|---|---|---|---|");
    b.rows.forEach(System.out::println);
  }

  /**
   * @param warmUpRounds batches of 50 ADD+DEL before the measured ones (the JIT compiles the path)
   */
  private void run(int n, int warmUpRounds) throws Exception {
    KuarkBridge bridge = new KuarkBridge();
    String conf = conf(1);
    // Whole ADD and DEL on the agent's path, in batches of 50 pods.
    long addCpu = 0;
    long addWall = 0;
    long addThreadCpu = 0;
    long delCpu = 0;
    long delWall = 0;
    int done = 0;
    for (int round = -warmUpRounds; done < n; round++) {
      if (round == 0) {
        System.err.println("measuring whole ADD/DEL");
      }
      List<Path> pods = pods("pod-" + round + "-", 50);
      try {
        long c0 = OS.getProcessCpuTime();
        long t0 = System.nanoTime();
        long th0 = ownThreadsCpu();
        for (Path p : pods) {
          ok(bridge.execute(request("ADD", p, conf)));
        }
        long th1 = ownThreadsCpu();
        long c1 = OS.getProcessCpuTime();
        long t1 = System.nanoTime();
        for (Path p : pods) {
          ok(bridge.execute(request("DEL", p, conf)));
        }
        long c2 = OS.getProcessCpuTime();
        long t2 = System.nanoTime();
        if (round >= 0) {
          addCpu += c1 - c0;
          addThreadCpu += th1 - th0;
          addWall += t1 - t0;
          delCpu += c2 - c1;
          delWall += t2 - t1;
          done += pods.size();
        }
      } finally {
        removePods(pods);
      }
    }
    rows.add(
        String.format(
            "| whole ADD (agent path) | %d | %.3f | %.3f |",
            done, addCpu / 1e6 / done, addWall / 1e6 / done));
    rows.add(
        String.format(
            "| whole ADD, its own threads only (caller + namespace threads) | %d | %.3f | |",
            done, addThreadCpu / 1e6 / done));
    rows.add(
        String.format(
            "| whole DEL (agent path) | %d | %.3f | %.3f |",
            done, delCpu / 1e6 / done, delWall / 1e6 / done));

    System.err.println("measuring phases");
    List<Path> pods = pods("phase-", 1);
    Path pod = pods.get(0);
    try {
      measure(
          "netns entry (runInNetns, empty task)",
          n,
          i -> linux.namespaces().runInNetns(pod, () -> null));
      measure("netlink socket open+close (own netns)", n, i -> linux.netlink().close());
      measure(
          "netlink socket open+close in pod netns (with entry)",
          n,
          i -> linux.netlink(pod).close());
      try (Netlink nl = linux.netlink()) {
        measure("netlink round trip (get link lo)", n, i -> nl.requireLink("lo"));
        measure("netlink dump (addresses, all)", n, i -> nl.addresses(0));
        measure(
            "veth pair create (peer into pod netns) + delete",
            n,
            i -> {
              nl.createVeth(new VethSpec("kpv" + (i & 0xffff), "kpp0", 0, null, pod, 0));
              nl.deleteLink("kpv" + (i & 0xffff));
            });
      }
      measure(
          "sysctl write (own netns, net/ipv4/conf/lo/arp_notify)",
          n,
          i -> linux.sysctl().set("net/ipv4/conf/lo/arp_notify", "0"));
      HostLocalIpam ipam = new HostLocalIpam();
      HostLocalConf hl =
          HostLocalConf.parse(
              Json.read(
                  ("{\"type\":\"host-local\",\"dataDir\":\""
                          + dir.resolve("ipam-phase")
                          + "\",\"ranges\":[[{\"subnet\":\"10.97.0.0/24\"}]]}")
                      .getBytes(StandardCharsets.UTF_8)));
      measure(
          "IPAM allocate + release (host-local files, locks)",
          n,
          i -> {
            ipam.allocate(hl, "phase", "c" + i, "eth0", List.of());
            ipam.release(hl, "phase", "c" + i, "eth0");
          });
      byte[] confBytes = conf.getBytes(StandardCharsets.UTF_8);
      measure("JSON parse of the conf", n, i -> Json.read(confBytes));
      CniResult result = bridge.add(request("ADD", pod, conf));
      measure("JSON render of the ADD result", n, i -> KuarkBridge.toJson(result));
      bridge.del(request("DEL", pod, conf));
    } finally {
      removePods(pods);
    }
  }
}
