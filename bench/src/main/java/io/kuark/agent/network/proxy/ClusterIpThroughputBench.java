package io.kuark.agent.network.proxy;

import static io.kuark.bench.netns.BridgedPods.exec;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.kuark.bench.netns.BridgedPods;
import io.kuark.linux.NftRunner;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Bulk TCP throughput from pod A to pod B, directly to B's IP and through a ClusterIP programmed by
 * the real service proxy code ({@link RulesetBuilder} + {@link NftScripts} + {@link NftRunner}),
 * alternating in one run. Everything lives in network namespaces this harness makes: a "node"
 * namespace with a bridge (and its own nft table), two "pod" namespaces attached by veth pairs; all
 * are deleted at the end, also on failure. Lives in the proxy's package because the pieces it
 * programs with are package-private.
 *
 * <p>Each round makes one direct and one ClusterIP transfer, the order alternating between rounds;
 * the figure is the median of the per-round ratios (adjacent transfers see nearly the same machine
 * load), with its spread, plus the CPU time (user+sys) the two Java ends spent per GiB, which a
 * busy machine disturbs less than wall-clock time.
 *
 * <p>Usage (root): {@code ClusterIpThroughputBench [MB_PER_TRANSFER] [ROUNDS]} (defaults 1000, 3).
 * The same class is the receiver ({@code recv PORT}) and the sender ({@code send}, reading "IP PORT
 * MB" commands on stdin) run inside the pod namespaces.
 */
public final class ClusterIpThroughputBench {
  static final String POD_A = "10.215.0.11";
  static final String POD_B = "10.215.0.12";
  static final String GATEWAY = "10.215.0.1";
  static final String CLUSTER_IP = "10.216.0.20";
  static final int TARGET_PORT = 5001;
  static final String MINIMAL_DNAT_IP = "10.216.0.21";

  /** The three ways to pod B compared in every round. */
  enum Path3 {
    DIRECT("direct", POD_B, TARGET_PORT),
    CLUSTER_IP_PROXY("ClusterIP", CLUSTER_IP, 80),
    ONE_RULE_DNAT("one-rule DNAT", MINIMAL_DNAT_IP, 80);

    final String label;
    final String ip;
    final int port;

    Path3(String label, String ip, int port) {
      this.label = label;
      this.ip = ip;
      this.port = port;
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("recv")) {
      receive(Integer.parseInt(args[1]));
      return;
    }
    if (args.length > 0 && args[0].equals("send")) {
      sendLoop();
      return;
    }
    int mb = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    String id = Long.toHexString(ProcessHandle.current().pid());
    String node = "kbn" + id;
    String podA = "kba" + id;
    String podB = "kbb" + id;
    System.out.println("loadavg before: " + loadavg());
    try (BridgedPods pods = new BridgedPods(node, GATEWAY)) {
      // Replies from B to A are bridged, not routed: the bridge must hand them to conntrack so
      // the ClusterIP's DNAT is undone (as on a real node with br_netfilter).
      pods.nodeSysctl("net.bridge.bridge-nf-call-iptables=1");
      pods.addPod(podA, POD_A, "va");
      pods.addPod(podB, POD_B, "vb");
      ProxyConfig config =
          new ProxyConfig(
              "kuark-proxy-tput",
              "node-a",
              List.of(GATEWAY),
              "10.215.0.0/16",
              "10.216.0.10",
              false,
              Path.of("/run/netns", node));
      Ruleset rules = new RulesetBuilder(config).build(List.of(service()), List.of(slice()));
      new NftRunner(config.netns()).apply(NftScripts.full(config, rules));
      // The control: a second address DNATed to the same endpoint by one hand-written rule in a
      // table of its own. ClusterIP ≈ one-rule means the proxy's ruleset adds nothing per packet
      // beyond the DNAT itself.
      new NftRunner(config.netns())
          .apply(
              "add table ip kuark-tput-min\n"
                  + "add chain ip kuark-tput-min pre { type nat hook prerouting priority dstnat;"
                  + " policy accept; }\n"
                  + "add rule ip kuark-tput-min pre ip daddr "
                  + MINIMAL_DNAT_IP
                  + " tcp dport 80 dnat to "
                  + POD_B
                  + ":"
                  + TARGET_PORT
                  + "\n");

      Process receiver =
          pods.startJava(podB, ClusterIpThroughputBench.class, false, "recv", "" + TARGET_PORT);
      BufferedReader results =
          new BufferedReader(
              new InputStreamReader(receiver.getInputStream(), StandardCharsets.UTF_8));
      if (!"listening".equals(results.readLine())) {
        throw new IllegalStateException("receiver did not start");
      }
      Sender sender =
          new Sender(pods.startJava(podA, ClusterIpThroughputBench.class, false, "send"));
      Peers peers = new Peers(sender.process.pid(), receiver.pid());
      // Unreported warm-up, one transfer per path: JIT-compiles both Java ends before any figure.
      for (Path3 path : Path3.values()) {
        transfer(sender, path.ip, path.port, mb, results, peers);
      }
      System.out.printf("%d MB per transfer, %d rounds, order rotating%n", mb, rounds);
      System.out.println(
          "| round | first | direct MB/s | ClusterIP MB/s | one-rule DNAT MB/s | ClusterIP/direct |"
              + " one-rule/direct | CPU ms/GiB direct, ClusterIP, one-rule |");
      System.out.println("|---:|---|---:|---:|---:|---:|---:|---|");
      int n = Path3.values().length;
      double[][] mbps = new double[n][rounds];
      double[][] cpu = new double[n][rounds];
      double[] seconds = new double[n];
      for (int r = 0; r < rounds; r++) {
        // Rotating which path goes first cancels a drift of the load within a round.
        for (int k = 0; k < n; k++) {
          Path3 path = Path3.values()[(r + k) % n];
          Transfer t = transfer(sender, path.ip, path.port, mb, results, peers);
          mbps[path.ordinal()][r] = t.mbPerSecond();
          cpu[path.ordinal()][r] = t.cpuMsPerGib();
          seconds[path.ordinal()] += mb / t.mbPerSecond();
        }
        System.out.printf(
            "| %d | %s | %.0f | %.0f | %.0f | %.3f | %.3f | %.0f, %.0f, %.0f |%n",
            r + 1,
            Path3.values()[r % n].label,
            mbps[0][r],
            mbps[1][r],
            mbps[2][r],
            mbps[1][r] / mbps[0][r],
            mbps[2][r] / mbps[0][r],
            cpu[0][r],
            cpu[1][r],
            cpu[2][r]);
      }
      for (int v = 1; v < n; v++) {
        double[] ratios = new double[rounds];
        double[] cpuRatios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          ratios[r] = mbps[v][r] / mbps[0][r];
          cpuRatios[r] = cpu[v][r] / cpu[0][r];
        }
        Arrays.sort(ratios);
        System.out.printf(
            "%s/direct MB/s: median %.3f, quartiles %.3f–%.3f, range %.3f–%.3f; all bytes / all"
                + " time %.3f; median CPU-per-GiB ratio %.3f%n",
            Path3.values()[v].label,
            quantile(ratios, 0.5),
            quantile(ratios, 0.25),
            quantile(ratios, 0.75),
            ratios[0],
            ratios[rounds - 1],
            seconds[0] / seconds[v],
            median(cpuRatios));
      }
      System.out.println(
          "ClusterIP DNAT rule programmed (the node namespace has no route for the service range,"
              + " so a ClusterIP transfer only succeeds through it): "
              + exec("ip", "netns", "exec", node, "nft", "list", "table", "ip", config.table())
                  .lines()
                  .filter(l -> l.contains("dnat"))
                  .findFirst()
                  .orElse("(none)")
                  .trim());
      // The last ClusterIP connection's conntrack entry: the reply tuple shows whether it was
      // SNATed (masqueraded) on top of the DNAT.
      System.out.println(
          "conntrack entry of a ClusterIP connection: "
              + exec("ip", "netns", "exec", node, "cat", "/proc/net/nf_conntrack")
                  .lines()
                  .filter(l -> l.contains("dst=" + CLUSTER_IP))
                  .findFirst()
                  .orElse("(none)")
                  .replaceAll("\\s+", " ")
                  .trim());
      System.out.println("loadavg after: " + loadavg());
    }
  }

  /** One transfer's throughput and the CPU time both Java ends spent on it. */
  record Transfer(double mbPerSecond, double cpuMsPerGib) {}

  /** The long-lived sender in pod A: one command line per transfer, "ok" when it is done. */
  record Sender(Process process, java.io.PrintWriter commands, BufferedReader replies) {
    Sender(Process process) {
      this(
          process,
          new java.io.PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8),
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)));
    }
  }

  /** The sender's and receiver's pids, whose user+sys CPU time is read around each transfer. */
  record Peers(long sender, long receiver) {
    long cpuMillis() throws Exception {
      return ClusterIpThroughputBench.cpuMillis(sender)
          + ClusterIpThroughputBench.cpuMillis(receiver);
    }
  }

  /** One transfer; MB/s as the receiver measured it (first byte accepted to EOF). */
  static Transfer transfer(
      Sender sender, String ip, int port, int mb, BufferedReader results, Peers peers)
      throws Exception {
    long cpu0 = peers.cpuMillis();
    sender.commands().println(ip + " " + port + " " + mb);
    String reply = sender.replies().readLine();
    if (!"ok".equals(reply)) {
      throw new IllegalStateException("sender to " + ip + " failed: " + reply);
    }
    String[] line = results.readLine().split(" ");
    long cpu1 = peers.cpuMillis();
    long bytes = Long.parseLong(line[0]);
    long nanos = Long.parseLong(line[1]);
    if (bytes != mb * 1_048_576L) {
      throw new IllegalStateException("receiver got " + bytes + " bytes");
    }
    return new Transfer(bytes / 1_048_576.0 / (nanos / 1e9), (cpu1 - cpu0) * 1024.0 / mb);
  }

  /** user+sys CPU time of a process in ms (clock ticks of 10 ms). */
  static long cpuMillis(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
  }

  static void receive(int port) throws Exception {
    try (ServerSocket server = new ServerSocket()) {
      server.bind(new InetSocketAddress(port));
      System.out.println("listening");
      System.out.flush();
      byte[] buf = new byte[1 << 20];
      while (true) {
        try (Socket s = server.accept();
            InputStream in = s.getInputStream()) {
          long t0 = System.nanoTime();
          long total = 0;
          for (int n; (n = in.read(buf)) >= 0; ) {
            total += n;
          }
          System.out.println(total + " " + (System.nanoTime() - t0));
          System.out.flush();
        }
      }
    }
  }

  /** Reads "IP PORT MB" lines; sends MB MiB to each, answers "ok" (or the error) per line. */
  static void sendLoop() throws Exception {
    BufferedReader commands =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = commands.readLine()) != null; ) {
      String[] c = line.split(" ");
      try {
        send(c[0], Integer.parseInt(c[1]), Integer.parseInt(c[2]));
        System.out.println("ok");
      } catch (Exception e) {
        System.out.println("error " + e);
      }
      System.out.flush();
    }
  }

  static void send(String ip, int port, int mb) throws Exception {
    byte[] chunk = new byte[1 << 20];
    try (Socket s = new Socket(ip, port);
        OutputStream out = s.getOutputStream()) {
      for (int i = 0; i < mb; i++) {
        out.write(chunk);
      }
    }
  }

  static Service service() {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace("bench")
        .withName("sink")
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withClusterIP(CLUSTER_IP)
        .withClusterIPs(CLUSTER_IP)
        .addNewPort()
        .withName("data")
        .withProtocol("TCP")
        .withPort(80)
        .endPort()
        .endSpec()
        .build();
  }

  static EndpointSlice slice() {
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withNamespace("bench")
        .withName("sink-x")
        .withLabels(Map.of("kubernetes.io/service-name", "sink"))
        .endMetadata()
        .withAddressType("IPv4")
        .addNewPort()
        .withName("data")
        .withProtocol("TCP")
        .withPort(TARGET_PORT)
        .endPort()
        .addNewEndpoint()
        .withAddresses(POD_B)
        .withNodeName("node-a")
        .withNewConditions()
        .withReady(true)
        .endConditions()
        .endEndpoint()
        .build();
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return quantile(s, 0.5);
  }

  /** The q-quantile of sorted values, interpolating linearly between neighbours. */
  static double quantile(double[] sorted, double q) {
    double pos = (sorted.length - 1) * q;
    int lo = (int) Math.floor(pos);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }

  static String loadavg() throws Exception {
    return Files.readString(Path.of("/proc/loadavg")).trim();
  }
}
