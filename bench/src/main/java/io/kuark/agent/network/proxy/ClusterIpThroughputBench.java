package io.kuark.agent.network.proxy;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
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
import java.util.ArrayList;
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
 * <p>Usage (root): {@code ClusterIpThroughputBench [MB_PER_TRANSFER] [ROUNDS]} (defaults 1000, 3).
 * The same class is the receiver ({@code recv PORT}) and sender ({@code send IP PORT MB}) run
 * inside the pod namespaces.
 */
public final class ClusterIpThroughputBench {
  static final String POD_A = "10.215.0.11";
  static final String POD_B = "10.215.0.12";
  static final String GATEWAY = "10.215.0.1";
  static final String CLUSTER_IP = "10.216.0.20";
  static final int TARGET_PORT = 5001;

  /** The transfer's sender while it runs, so a shutdown can stop it. */
  static final Process[] SENDER = new Process[1];

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("recv")) {
      receive(Integer.parseInt(args[1]));
      return;
    }
    if (args.length > 0 && args[0].equals("send")) {
      send(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]));
      return;
    }
    int mb = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    String id = Long.toHexString(ProcessHandle.current().pid());
    String node = "kbn" + id;
    String podA = "kba" + id;
    String podB = "kbb" + id;
    List<String> made = new ArrayList<>();
    Process[] receiver = new Process[1];
    // On SIGTERM/Ctrl-C the finally block does not run: the hook stops the receiver (a process in
    // pod B's namespace would keep it alive) and deletes the namespaces.
    Thread cleanup =
        new Thread(
            () -> {
              stop(SENDER[0]);
              stop(receiver[0]);
              deleteAll(made);
            });
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      System.out.println("loadavg before: " + loadavg());
      for (String ns : List.of(node, podA, podB)) {
        exec("ip", "netns", "add", ns);
        made.add(ns);
        exec("ip", "-n", ns, "link", "set", "lo", "up");
      }
      exec("ip", "-n", node, "link", "add", "kbr0", "type", "bridge");
      exec("ip", "-n", node, "addr", "add", GATEWAY + "/24", "dev", "kbr0");
      exec("ip", "-n", node, "link", "set", "kbr0", "up");
      exec("ip", "netns", "exec", node, "sysctl", "-qw", "net.ipv4.ip_forward=1");
      // Replies from B to A are bridged, not routed: the bridge must hand them to conntrack so
      // the ClusterIP's DNAT is undone (as on a real node with br_netfilter).
      exec("ip", "netns", "exec", node, "sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=1");
      for (String[] pod : new String[][] {{podA, POD_A, "va"}, {podB, POD_B, "vb"}}) {
        exec(
            "ip", "-n", node, "link", "add", pod[2], "type", "veth", "peer", "name", "eth0",
            "netns", pod[0]);
        exec("ip", "-n", node, "link", "set", pod[2], "master", "kbr0", "up");
        exec("ip", "-n", pod[0], "addr", "add", pod[1] + "/24", "dev", "eth0");
        exec("ip", "-n", pod[0], "link", "set", "eth0", "up");
        exec("ip", "-n", pod[0], "route", "add", "default", "via", GATEWAY);
      }
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

      String java = ProcessHandle.current().info().command().orElse("java");
      String cp = System.getProperty("java.class.path");
      String self = ClusterIpThroughputBench.class.getName();
      receiver[0] =
          new ProcessBuilder(
                  "ip", "netns", "exec", podB, java, "-cp", cp, self, "recv", "" + TARGET_PORT)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      BufferedReader results =
          new BufferedReader(
              new InputStreamReader(receiver[0].getInputStream(), StandardCharsets.UTF_8));
      if (!"listening".equals(results.readLine())) {
        throw new IllegalStateException("receiver did not start");
      }
      System.out.printf("%d MB per transfer, %d rounds%n", mb, rounds);
      System.out.println("| round | direct pod IP MB/s | ClusterIP MB/s | ratio |");
      System.out.println("|---:|---:|---:|---:|");
      double[] direct = new double[rounds];
      double[] viaService = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        direct[r] = transfer(java, cp, self, podA, POD_B, TARGET_PORT, mb, results);
        viaService[r] = transfer(java, cp, self, podA, CLUSTER_IP, 80, mb, results);
        System.out.printf(
            "| %d | %.0f | %.0f | %.3f |%n",
            r + 1, direct[r], viaService[r], viaService[r] / direct[r]);
      }
      double[] ratios = new double[rounds];
      double directSeconds = 0;
      double serviceSeconds = 0;
      for (int r = 0; r < rounds; r++) {
        ratios[r] = viaService[r] / direct[r];
        directSeconds += mb / direct[r];
        serviceSeconds += mb / viaService[r];
      }
      double d = median(direct);
      double s = median(viaService);
      System.out.printf(
          "| median | %.0f | %.0f | %.3f (median of rounds) |%n", d, s, median(ratios));
      double dAll = rounds * mb / directSeconds;
      double sAll = rounds * mb / serviceSeconds;
      System.out.printf("| all bytes / all time | %.0f | %.0f | %.3f |%n", dAll, sAll, sAll / dAll);
      System.out.println(
          "ClusterIP DNAT rule programmed (the node namespace has no route for the service range,"
              + " so a ClusterIP transfer only succeeds through it): "
              + exec("ip", "netns", "exec", node, "nft", "list", "table", "ip", config.table())
                  .lines()
                  .filter(l -> l.contains("dnat"))
                  .findFirst()
                  .orElse("(none)")
                  .trim());
      System.out.println("loadavg after: " + loadavg());
    } finally {
      stop(SENDER[0]);
      stop(receiver[0]);
      deleteAll(made);
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException shuttingDown) {
        // the hook is already running and cleans up the same way
      }
    }
  }

  /** One transfer; MB/s as the receiver measured it (first byte accepted to EOF). */
  static double transfer(
      String java,
      String cp,
      String self,
      String podA,
      String ip,
      int port,
      int mb,
      BufferedReader results)
      throws Exception {
    Process sender =
        new ProcessBuilder(
                "ip", "netns", "exec", podA, java, "-cp", cp, self, "send", ip, "" + port, "" + mb)
            .inheritIO()
            .start();
    SENDER[0] = sender;
    if (sender.waitFor() != 0) {
      throw new IllegalStateException("sender to " + ip + " failed");
    }
    SENDER[0] = null;
    String[] line = results.readLine().split(" ");
    long bytes = Long.parseLong(line[0]);
    long nanos = Long.parseLong(line[1]);
    if (bytes != mb * 1_048_576L) {
      throw new IllegalStateException("receiver got " + bytes + " bytes");
    }
    return bytes / 1_048_576.0 / (nanos / 1e9);
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

  static synchronized void stop(Process p) {
    if (p != null) {
      p.destroy();
      try {
        p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static synchronized void deleteAll(List<String> namespaces) {
    for (String ns : namespaces) {
      try {
        new ProcessBuilder("ip", "netns", "del", ns).inheritIO().start().waitFor();
      } catch (Exception e) {
        System.err.println("could not delete netns " + ns + ": " + e);
      }
    }
    namespaces.clear();
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  static String loadavg() throws Exception {
    return Files.readString(Path.of("/proc/loadavg")).trim();
  }

  static String exec(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
    }
    return out;
  }
}
