package io.kuark.bench.cni;

import io.kuark.cni.CniOutcome;
import io.kuark.cni.CniRequest;
import io.kuark.cni.KuarkBridge;
import io.kuark.linux.Linux;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * ADD+DEL latency of kuark-bridge in-process, the kuark-bridge binary and Debian's reference
 * bridge+host-local, interleaved in one run on throwaway namespaces (a "host" netns per variant, a
 * fresh pod netns per iteration, created outside the timed region). Prints a markdown table.
 *
 * <p>Run as root: {@code java -cp … io.kuark.bench.cni.CniBench [iterations] [binaryPath]}; run
 * under {@code ip netns exec <throwaway netns>} to add the agent's own path (the JVM's netns as the
 * host).
 */
public final class CniBench {
  private static final String REFERENCE = "/usr/lib/cni/bridge";

  private final Linux linux = Linux.get();
  private final Path dir;

  private CniBench(Path dir) {
    this.dir = dir;
  }

  /** One variant: its own host netns, bridge, network and IPAM dir. */
  private final class Variant {
    final String label;
    final String binary; // null = in-process
    final Path hostNs;
    final String conf;
    final KuarkBridge inProcess;
    final List<Long> add = new ArrayList<>();
    final List<Long> del = new ArrayList<>();

    Variant(String label, String binary, int n) throws IOException {
      this(label, binary, n, false);
    }

    /**
     * @param ownNetns in-process with the JVM's own network namespace as "the host", as the agent
     *     runs it (no pinned host netns: no namespace switch for host-side work)
     */
    Variant(String label, String binary, int n, boolean ownNetns) throws IOException {
      this.label = label;
      this.binary = binary;
      this.hostNs = ownNetns ? null : dir.resolve("host-" + n);
      if (hostNs != null) {
        linux.namespaces().createNetns(hostNs);
      }
      Path ipam = Files.createDirectories(dir.resolve("ipam-" + n));
      this.conf =
          ("{\"cniVersion\":\"1.0.0\",\"name\":\"kbench%d\",\"type\":\"bridge\",\"bridge\":\"kbbr%d\","
                  + "\"isGateway\":true,\"isDefaultGateway\":true,\"hairpinMode\":true,"
                  + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"%s\","
                  + "\"ranges\":[[{\"subnet\":\"10.99.%d.0/24\"}]]}}")
              .formatted(n, n, ipam, 150 + n);
      this.inProcess = binary == null ? new KuarkBridge(linux, hostNs) : null;
    }

    void close() {
      if (hostNs != null) {
        linux.namespaces().deleteNetns(hostNs);
      }
    }

    void once(int i, boolean record) throws Exception {
      Path pod = dir.resolve("pod-" + label.hashCode() + "-" + i);
      linux.namespaces().createNetns(pod);
      try {
        long t0 = System.nanoTime();
        call("ADD", pod, "bench-" + i);
        long t1 = System.nanoTime();
        call("DEL", pod, "bench-" + i);
        long t2 = System.nanoTime();
        if (record) {
          add.add(t1 - t0);
          del.add(t2 - t1);
        }
      } finally {
        linux.namespaces().deleteNetns(pod);
      }
    }

    private void call(String command, Path pod, String id) throws Exception {
      CniRequest req =
          new CniRequest(
              command,
              id,
              pod.toString(),
              "eth0",
              "",
              "/usr/lib/cni",
              conf.getBytes(StandardCharsets.UTF_8));
      CniOutcome out;
      if (inProcess != null) {
        out = inProcess.execute(req);
      } else {
        // A child forked from a thread inside hostNs starts in hostNs: no nsenter in the path.
        out = linux.namespaces().runInNetns(hostNs, () -> exec(binary, req));
      }
      if (out.exitCode() != 0) {
        throw new IllegalStateException(label + " " + command + " failed: " + out.stdout());
      }
    }
  }

  private static CniOutcome exec(String binary, CniRequest req) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(binary);
    Map<String, String> env = pb.environment();
    env.putAll(req.environment());
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(req.config());
    }
    String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new CniOutcome(p.waitFor(), stdout);
  }

  private static double median(List<Long> nanos) {
    List<Long> s = new ArrayList<>(nanos);
    Collections.sort(s);
    int n = s.size();
    double mid = n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2.0;
    return mid / 1e6;
  }

  private static double p90(List<Long> nanos) {
    List<Long> s = new ArrayList<>(nanos);
    Collections.sort(s);
    return s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * 0.9) - 1)) / 1e6;
  }

  public static void main(String[] args) throws Exception {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    String binary = args.length > 1 ? args[1] : "cni-bridge/kuark-bridge";
    int inProcessIterations = iterations * 10;
    Path dir = Files.createTempDirectory("kuark-cni-bench");
    CniBench bench = new CniBench(dir);
    List<Variant> variants = new ArrayList<>();
    try {
      Variant ref = bench.new Variant("reference bridge+host-local (exec)", REFERENCE, 1);
      Variant bin =
          bench
          .new Variant(
              "kuark-bridge binary (JVM, start-up cache, C1)",
              Path.of(binary).toAbsolutePath().toString(),
              2);
      Variant inp = bench.new Variant("kuark-bridge in-process (pinned host netns)", null, 3);
      variants.addAll(List.of(ref, bin, inp));
      // The agent's own path: the JVM's network namespace is the host. Only when the JVM runs in
      // a namespace made for the benchmark (`ip netns exec`: nothing but loopback in it), never
      // in the machine's own.
      Variant agent = null;
      boolean onlyLoopback =
          java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
              .allMatch(
                  i -> {
                    try {
                      return i.isLoopback();
                    } catch (java.net.SocketException e) {
                      return false;
                    }
                  });
      if (onlyLoopback) {
        agent = bench.new Variant("kuark-bridge in-process (agent path: own netns)", null, 4, true);
        variants.add(agent);
      }
      for (int i = 0; i < 2; i++) { // warm-up: page cache, JIT of the in-process path
        ref.once(-1 - i, false);
        bin.once(-1 - i, false);
      }
      for (int i = 0; i < 50; i++) {
        inp.once(-100 - i, false);
        if (agent != null) {
          agent.once(-100 - i, false);
        }
      }
      for (int i = 0; i < iterations; i++) {
        ref.once(i, true);
        bin.once(i, true);
        for (int j = 0; j < 10; j++) {
          inp.once(i * 10 + j, true);
          if (agent != null) {
            agent.once(i * 10 + j, true);
          }
        }
      }
      System.out.printf("iterations: %d exec, %d in-process%n%n", iterations, inProcessIterations);
      System.out.println(
          "| path | ADD median ms | ADD p90 ms | DEL median ms | DEL p90 ms | ADD vs reference |");
      System.out.println("|---|---|---|---|---|---|");
      double refAdd = median(ref.add);
      for (Variant v : variants) {
        System.out.printf(
            "| %s | %.2f | %.2f | %.2f | %.2f | %.2f× |%n",
            v.label, median(v.add), p90(v.add), median(v.del), p90(v.del), median(v.add) / refAdd);
      }
    } finally {
      for (Variant v : variants) {
        v.close();
      }
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
