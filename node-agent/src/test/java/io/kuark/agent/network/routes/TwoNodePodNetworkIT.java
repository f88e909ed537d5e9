package io.kuark.agent.network.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.kuark.cni.config.IpNet;
import io.kuark.linux.Linux;
import io.kuark.linux.Neighbour;
import io.kuark.linux.Netlink;
import io.kuark.linux.Route;
import io.kuark.linux.VethSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes simulated as network namespaces joined by a veth "wire" (10.213.0.1 and .2), each with
 * a pod bridge {@code cbr0} and one pod namespace holding an address of the node's pod CIDR. The
 * route managers program each node namespace through netlink handles bound to it, fed with Node
 * objects by a tiny in-test "API" that also takes the VTEP MAC annotation back. Pod A fetches a
 * page from busybox httpd in pod B by pod IP. Nothing is done in the host namespace.
 */
class TwoNodePodNetworkIT {

  private static final String WIRE_A = "kta-wire";
  private static final String WIRE_B = "ktb-wire";

  private final Linux linux = Linux.get();
  private final List<Path> netns = new ArrayList<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final Map<String, Node> cluster = new ConcurrentHashMap<>();
  private final List<NodeRouteManager> managers = new ArrayList<>();
  private final AtomicInteger publishes = new AtomicInteger();
  private Path dir;
  private SimNode a;
  private SimNode b;
  private Process httpd;

  /** One simulated node: its namespace, a netlink bound to it, and its pod's namespace. */
  private record SimNode(
      String name, Path ns, Netlink netlink, Path pod, String nodeIp, String podCidr) {
    String podIp() {
      return podCidr.replace(".0/24", ".2");
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    dir = Files.createTempDirectory("kuark-two-nodes");
    a = node("node-a", "10.213.0.1", "10.244.1.0/24");
    b = node("node-b", "10.213.0.2", "10.244.2.0/24");
    // The wire between the two nodes (one L2 segment).
    a.netlink().createVeth(new VethSpec(WIRE_A, WIRE_B, 0, null, b.ns()));
    for (SimNode n : List.of(a, b)) {
      String wire = n == a ? WIRE_A : WIRE_B;
      n.netlink().addAddress(wire, IpNet.parseIp(n.nodeIp()), 24);
      n.netlink().setUp(wire, true);
      attachPod(n);
    }
    Path www = Files.createDirectories(dir.resolve("www"));
    Files.writeString(www.resolve("index.html"), "hello from pod b\n");
    httpd =
        new ProcessBuilder(
                "nsenter",
                "--net=" + b.pod(),
                "busybox",
                "httpd",
                "-f",
                "-p",
                "8080",
                "-h",
                www.toString())
            .redirectErrorStream(true)
            .start();
    awaitListening(b.pod(), b.podIp() + ":8080", httpd);
  }

  private SimNode node(String name, String nodeIp, String podCidr) throws Exception {
    Path ns = dir.resolve(name);
    linux.namespaces().createNetns(ns);
    netns.add(ns);
    Path pod = dir.resolve(name + "-pod");
    linux.namespaces().createNetns(pod);
    netns.add(pod);
    Netlink nl = linux.netlink(ns);
    closeables.add(nl);
    nl.setUp("lo", true);
    linux.sysctl().setInNetns(ns, "net.ipv4.ip_forward", "1");
    SimNode n = new SimNode(name, ns, nl, pod, nodeIp, podCidr);
    cluster.put(name, nodeObject(n, null));
    return n;
  }

  /** cbr0 with the pod CIDR's .1, a veth into the pod namespace with .2 and a default route. */
  private void attachPod(SimNode n) throws Exception {
    Netlink nl = n.netlink();
    nl.createBridge("cbr0", 0, false);
    nl.addAddress("cbr0", IpNet.parseIp(n.podCidr().replace(".0/24", ".1")), 24);
    nl.setUp("cbr0", true);
    nl.createVeth(new VethSpec("vpod", "eth0", 0, null, n.pod()));
    nl.setMaster("vpod", "cbr0");
    nl.setUp("vpod", true);
    try (Netlink pod = linux.netlink(n.pod())) {
      pod.setUp("lo", true);
      pod.addAddress("eth0", IpNet.parseIp(n.podIp()), 24);
      pod.setUp("eth0", true);
      pod.addRoute(Route.via(null, 0, IpNet.parseIp(n.podCidr().replace(".0/24", ".1")), 0));
    }
  }

  private static Node nodeObject(SimNode n, String vtepMac) {
    Node node = PeerRoutesDiffTest.node(n.name(), n.nodeIp(), n.podCidr(), vtepMac);
    return new NodeBuilder(node).build();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (httpd != null) {
      httpd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    for (NodeRouteManager m : managers) {
      m.close();
    }
    for (AutoCloseable c : closeables) {
      c.close();
    }
    for (Path p : netns) {
      linux.namespaces().deleteNetns(p);
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  // ------------------------------------------------------------------ tests

  @Test
  void hostGwRoutesCarryPodTrafficAndFollowNodeRemoval() throws Exception {
    assertFalse(fetch(a.pod(), b.podIp()).ok(), "no route yet");
    NodeRouteManager ma = manager(PodNetworkMode.HOST_GW, a);
    NodeRouteManager mb = manager(PodNetworkMode.HOST_GW, b);
    listAll();

    Route toB = ownRoute(a, "10.244.2.0/24").orElseThrow();
    assertEquals(IpNet.parseIp("10.213.0.2"), toB.gateway());
    assertFalse(toB.onlink());
    assertTrue(ownRoute(b, "10.244.1.0/24").isPresent());
    Fetch fetched = fetch(a.pod(), b.podIp());
    assertTrue(fetched.ok(), fetched.output());
    assertEquals("hello from pod b\n", fetched.output());

    // A foreign route in node A must survive everything the agent does.
    Route foreign = Route.via(IpNet.parseIp("10.250.0.0"), 16, IpNet.parseIp("10.213.0.2"), 0);
    a.netlink().addRoute(foreign);

    ma.nodeDeleted("node-b");
    settle();
    assertTrue(ownRoute(a, "10.244.2.0/24").isEmpty());
    assertFalse(fetch(a.pod(), b.podIp()).ok(), "node B's route is gone");
    assertTrue(hasRoute(a, "10.250.0.0/16"));

    // Node B comes back; then node A's agent "restarts" and finds only itself listed: the
    // stale route from the earlier run is reconciled away, the foreign one stays.
    ma.nodeUpdated(cluster.get("node-b"));
    settle();
    assertTrue(fetch(a.pod(), b.podIp()).ok());
    ma.close();
    managers.remove(ma);
    NodeRouteManager restarted = manager(PodNetworkMode.HOST_GW, a);
    // Before the first complete list, single events never remove anything.
    restarted.nodeUpdated(cluster.get("node-a"));
    settle();
    assertTrue(ownRoute(a, "10.244.2.0/24").isPresent());
    restarted.nodesListed(List.of(cluster.get("node-a")));
    settle();
    assertTrue(ownRoute(a, "10.244.2.0/24").isEmpty());
    assertTrue(hasRoute(a, "10.250.0.0/16"));
    assertTrue(mb.awaitIdle().isEmpty());
  }

  @Test
  void vxlanOverlayCarriesPodTrafficAndFollowsNodeRemoval() throws Exception {
    NodeRouteManager ma = manager(PodNetworkMode.VXLAN, a);
    manager(PodNetworkMode.VXLAN, b);
    listAll();

    String macA =
        cluster.get("node-a").getMetadata().getAnnotations().get(PeerNode.VTEP_MAC_ANNOTATION);
    String macB =
        cluster.get("node-b").getMetadata().getAnnotations().get(PeerNode.VTEP_MAC_ANNOTATION);
    assertEquals(a.netlink().requireLink(VxlanRoutes.DEVICE).mac(), macA);
    assertEquals(b.netlink().requireLink(VxlanRoutes.DEVICE).mac(), macB);
    int vx = a.netlink().requireLink(VxlanRoutes.DEVICE).index();
    Route toB = ownRoute(a, "10.244.2.0/24").orElseThrow();
    assertEquals(IpNet.parseIp("10.244.2.0"), toB.gateway());
    assertEquals(vx, toB.linkIndex());
    assertTrue(toB.onlink());
    assertTrue(hasNeighbour(a, Neighbour.AF_INET, vx, "10.244.2.0", macB));
    assertTrue(hasNeighbour(a, Neighbour.AF_BRIDGE, vx, "10.213.0.2", macB));
    String details = ip(a.ns(), "-d", "link", "show", VxlanRoutes.DEVICE);
    assertTrue(details.contains("vxlan id 1 "), details);
    assertTrue(details.contains("local 10.213.0.1"), details);
    assertTrue(details.contains("dstport 8472"), details);
    assertTrue(details.contains("nolearning"), details);
    assertTrue(ip(a.ns(), "addr", "show", "dev", VxlanRoutes.DEVICE).contains("10.244.1.0/32"));

    Fetch fetched = fetch(a.pod(), b.podIp());
    assertTrue(fetched.ok(), fetched.output());
    assertEquals("hello from pod b\n", fetched.output());

    ma.nodeDeleted("node-b");
    settle();
    assertTrue(ownRoute(a, "10.244.2.0/24").isEmpty());
    assertFalse(hasNeighbour(a, Neighbour.AF_INET, vx, "10.244.2.0", macB));
    assertFalse(hasNeighbour(a, Neighbour.AF_BRIDGE, vx, "10.213.0.2", macB));
    assertFalse(fetch(a.pod(), b.podIp()).ok(), "node B is unreachable once removed");
  }

  @Test
  void switchingModesLeavesOnlyTheCurrentModesState() throws Exception {
    NodeRouteManager vx = manager(PodNetworkMode.VXLAN, a);
    manager(PodNetworkMode.VXLAN, b);
    listAll();
    assertTrue(a.netlink().link(VxlanRoutes.DEVICE).isPresent());
    vx.close();
    managers.remove(vx);

    NodeRouteManager gw = manager(PodNetworkMode.HOST_GW, a);
    gw.nodesListed(cluster.values());
    settle();
    assertTrue(a.netlink().link(VxlanRoutes.DEVICE).isEmpty());
    assertEquals(IpNet.parseIp("10.213.0.2"), ownRoute(a, "10.244.2.0/24").orElseThrow().gateway());
    gw.close();
    managers.remove(gw);

    NodeRouteManager none = manager(PodNetworkMode.NONE, a);
    none.nodesListed(cluster.values());
    settle();
    assertTrue(OwnRoutes.list(a.netlink()).isEmpty());
  }

  // ------------------------------------------------------------------ helpers

  /** A manager for {@code n}; VTEP MACs it publishes go into the in-test cluster and out again. */
  private NodeRouteManager manager(PodNetworkMode mode, SimNode n) {
    NodeRouteManager m =
        new NodeRouteManager(
            mode,
            n.name(),
            IpNet.parseIp(n.nodeIp()),
            n.netlink(),
            (name, mac) -> {
              Node updated =
                  new NodeBuilder(cluster.get(name))
                      .editMetadata()
                      .addToAnnotations(PeerNode.VTEP_MAC_ANNOTATION, mac)
                      .endMetadata()
                      .build();
              cluster.put(name, updated);
              publishes.incrementAndGet();
              for (NodeRouteManager other : List.copyOf(managers)) {
                other.nodeUpdated(updated);
              }
            });
    managers.add(m);
    return m;
  }

  private void listAll() throws InterruptedException {
    for (NodeRouteManager m : managers) {
      m.nodesListed(cluster.values());
    }
    settle();
  }

  /** Waits until a full round of syncs published nothing new, and asserts none failed. */
  private void settle() throws InterruptedException {
    int before;
    do {
      before = publishes.get();
      for (NodeRouteManager m : List.copyOf(managers)) {
        Optional<RuntimeException> error = m.awaitIdle();
        if (error.isPresent()) {
          throw new AssertionError("sync failed", error.get());
        }
      }
    } while (publishes.get() != before);
  }

  private static Optional<Route> ownRoute(SimNode n, String cidr) {
    return Optional.ofNullable(OwnRoutes.list(n.netlink()).get(cidr));
  }

  private static boolean hasRoute(SimNode n, String cidr) {
    return n.netlink().routes(2).stream().anyMatch(r -> r.destinationCidr().equals(cidr));
  }

  private static boolean hasNeighbour(SimNode n, int family, int link, String ip, String mac) {
    InetAddress address = IpNet.parseIp(ip);
    return n.netlink().neighbours(family).stream()
        .anyMatch(
            e ->
                e.linkIndex() == link
                    && address.equals(e.destination())
                    && mac.equalsIgnoreCase(e.mac()));
  }

  private record Fetch(boolean ok, String output) {}

  /** curl from inside {@code pod}. */
  private static Fetch fetch(Path pod, String ip) throws Exception {
    Process p =
        new ProcessBuilder(
                "nsenter",
                "--net=" + pod,
                "curl",
                "-sS",
                "--max-time",
                "3",
                "http://" + ip + ":8080/index.html")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Fetch(p.waitFor() == 0, out);
  }

  /** Polls (inside the server's own namespace) until httpd accepts connections. */
  private static void awaitListening(Path ns, String target, Process server) throws Exception {
    String last = "";
    for (int i = 0; i < 100 && server.isAlive(); i++) {
      Process p =
          new ProcessBuilder(
                  "nsenter",
                  "--net=" + ns,
                  "curl",
                  "-sS",
                  "--max-time",
                  "1",
                  "-o",
                  "/dev/null",
                  "http://" + target + "/index.html")
              .redirectErrorStream(true)
              .start();
      last = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int rc = p.waitFor();
      last = "curl exit " + rc + ": " + last;
      if (rc == 0) {
        return;
      }
      Thread.sleep(50);
    }
    String serverOut =
        server.isAlive() ? "running" : new String(server.getInputStream().readAllBytes());
    throw new IOException(
        "httpd did not start listening on "
            + target
            + ": "
            + last
            + " / httpd: "
            + serverOut
            + " / "
            + ip(ns, "addr"));
  }

  private static String ip(Path ns, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + ns, "ip"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }
}
