package io.kuark.bench.dns;

import static io.kuark.bench.netns.BridgedPods.exec;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.kuark.agent.linux.NetlinkHostRoutes;
import io.kuark.agent.network.dns.ClusterDns;
import io.kuark.agent.network.proxy.ProxyConfig;
import io.kuark.agent.network.proxy.ProxyTables;
import io.kuark.bench.netns.BridgedPods;
import io.kuark.linux.Linux;
import io.kuark.linux.Netlink;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Cluster DNS queries/s and latency as a pod sees them: the agent's DNS server runs as deployed in
 * a "node" network namespace (the cluster DNS address 10.43.0.10/32 on the {@code kuark-dns} dummy
 * link made by the agent's own {@code DnsLink}, port 53, the service CIDR routed into that link and
 * the cluster CIDR blackholed as the agent does, the service proxy's nft table for the same
 * Services in place), and the client runs in a "pod" namespace attached to the node's bridge by a
 * veth pair, with its default route via the bridge: each query takes pod netns → veth → bridge →
 * local delivery to 10.43.0.10 → the agent's server, and back. Forwarded names go to a tiny
 * upstream responder this harness runs on the node namespace's loopback (never the host's
 * resolvers).
 *
 * <p>Usage (root): {@code DnsFromPodBench [SERVICES] [SECONDS_PER_CASE]} (defaults 1000, 5). The
 * same class is the server ({@code serve SERVICES}, in the node namespace) and the client ({@code
 * query SERVICES SECONDS SERVER_PID}, in the pod namespace). Namespaces are deleted at the end,
 * also on failure or SIGTERM.
 */
public final class DnsFromPodBench {
  static final String CLUSTER_DNS = "10.43.0.10";
  static final String GATEWAY = "10.42.0.1";
  static final String POD_IP = "10.42.0.5";

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("serve")) {
      serve(Integer.parseInt(args[1]));
      return;
    }
    if (args.length > 0 && args[0].equals("query")) {
      query(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]));
      return;
    }
    int services = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    String id = Long.toHexString(ProcessHandle.current().pid());
    String node = "kdn" + id;
    String pod = "kdp" + id;
    try (BridgedPods pods = new BridgedPods(node, GATEWAY)) {
      pods.addPod(pod, POD_IP, "vp");
      Process dnsServer =
          pods.startJava(node, DnsFromPodBench.class, false, "serve", "" + services);
      BufferedReader server =
          new BufferedReader(
              new InputStreamReader(dnsServer.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = server.readLine()) != null && !line.equals("ready")) {
        System.out.println("server: " + line);
      }
      if (line == null) {
        throw new IllegalStateException("DNS server did not start");
      }
      System.out.println(
          "path from the pod: " + exec("ip", "-n", pod, "route", "get", CLUSTER_DNS).trim());
      System.out.println(
          "in the node: " + exec("ip", "-n", node, "route", "get", CLUSTER_DNS).trim());
      Process client =
          pods.startJava(
              pod,
              DnsFromPodBench.class,
              true,
              "query",
              "" + services,
              "" + seconds,
              "" + dnsServer.pid());
      if (client.waitFor() != 0) {
        throw new IllegalStateException("client failed");
      }
      dnsServer.getOutputStream().close(); // EOF: the server reports and exits
      while ((line = server.readLine()) != null) {
        System.out.println("server: " + line);
      }
      dnsServer.waitFor();
    }
  }

  /** The node side: what the agent sets up for DNS, then serves until stdin closes. */
  static void serve(int services) throws Exception {
    DnsBench.IndexedView view = new DnsBench.IndexedView(services);
    InetAddress dnsIp = InetAddress.getByName(CLUSTER_DNS);
    NetlinkHostRoutes routes = new NetlinkHostRoutes(() -> Linux.get().netlink());
    routes.ensureBlackhole("10.42.0.0/16");
    routes.ensureBlackhole("10.43.0.0/16");
    try (DnsBench.LoopbackUpstream upstream =
            new DnsBench.LoopbackUpstream(InetAddress.getByName("127.0.0.1"));
        Netlink netlink = Linux.get().netlink();
        ClusterDns dns =
            ClusterDns.start(
                view,
                new ClusterDns.Settings("cluster.local", dnsIp, 53, List.of(upstream.address())),
                netlink,
                "kuark-dns",
                true)) {
      routes.ensureLocalRoute("10.43.0.0/16", "kuark-dns");
      List<Service> all = new ArrayList<>(view.services.values());
      all.add(kubeDns());
      List<EndpointSlice> slices = new ArrayList<>();
      for (List<EndpointSlice> s : view.slices.values()) {
        slices.addAll(s);
      }
      ProxyTables.program(
          new ProxyConfig(
              "kuark-proxy",
              "node-a",
              List.of(GATEWAY),
              "10.42.0.0/16",
              CLUSTER_DNS,
              false,
              null,
              "10.43.0.0/16"),
          all,
          slices);
      System.out.println(
          "cluster DNS on " + CLUSTER_DNS + ":" + dns.udpPort() + " epoll=" + dns.epoll());
      System.out.println("ready");
      System.out.flush();
      while (System.in.read() >= 0) {
        // wait for the orchestrator to close stdin
      }
      System.out.println("upstream queries answered: " + upstream.answered.get());
    }
  }

  /** The pod side: every case at concurrency 1 and 16 against the cluster DNS address. */
  static void query(int services, int seconds, long serverPid) throws Exception {
    InetSocketAddress server = new InetSocketAddress(InetAddress.getByName(CLUSTER_DNS), 53);
    AtomicLong unique = new AtomicLong();
    System.out.println("loadavg before: " + DnsBench.loadavg());
    // JIT warm-up over every path (not reported), as DnsBench does.
    for (Case c : cases(services, unique)) {
      DnsBench.run(server, c.label, 16, 2, c.rcode, false, c.names);
    }
    System.out.println(
        "| names | concurrency | queries/s | p50 ms | p99 ms | errors | server CPU µs/query |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|");
    for (int concurrency : new int[] {1, 16}) {
      for (Case c : cases(services, unique)) {
        long cpu0 = cpuMillis(serverPid);
        DnsBench.Result r =
            DnsBench.run(server, c.label, concurrency, seconds, c.rcode, false, c.names);
        long cpu1 = cpuMillis(serverPid);
        double perQuery = (cpu1 - cpu0) * 1000.0 / Math.max(1, r.perSecond() * (seconds + 1));
        System.out.printf(
            "| %s | %d | %.0f | %.3f | %.3f | %d | %.0f |%n",
            c.label, concurrency, r.perSecond(), r.p50(), r.p99(), r.errors(), perQuery);
      }
    }
    System.out.println("loadavg after: " + DnsBench.loadavg());
  }

  record Case(String label, int rcode, IntFunction<String> names) {}

  static List<Case> cases(int services, AtomicLong unique) {
    return List.of(
        new Case(
            "cluster Service (A)", 0, i -> "svc-" + (i % services) + ".bench.svc.cluster.local"),
        new Case(
            "missing Service (NXDOMAIN)",
            3,
            i -> "nosuch-" + (i % services) + ".bench.svc.cluster.local"),
        new Case(
            "forwarded, 100 repeated names (cache)", 0, i -> "r" + (i % 100) + ".example.test"),
        new Case(
            "forwarded, unique name (upstream)",
            0,
            i -> "q" + unique.incrementAndGet() + ".example.test"));
  }

  /** user+sys CPU time of a process in ms (clock ticks of 10 ms). */
  static long cpuMillis(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
  }

  static Service kubeDns() {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace("kube-system")
        .withName("kube-dns")
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withClusterIP(CLUSTER_DNS)
        .withClusterIPs(CLUSTER_DNS)
        .addNewPort()
        .withName("dns")
        .withProtocol("UDP")
        .withPort(53)
        .endPort()
        .endSpec()
        .build();
  }
}
