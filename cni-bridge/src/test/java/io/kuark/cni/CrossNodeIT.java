package io.kuark.cni;

import static org.assertj.core.api.Assertions.assertThat;

import io.kuark.cni.config.IpNet;
import io.kuark.cni.result.CniResult;
import io.kuark.linux.Link;
import io.kuark.linux.Neighbour;
import io.kuark.linux.Netlink;
import io.kuark.linux.Route;
import io.kuark.linux.VethSpec;
import io.kuark.linux.VxlanSpec;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes simulated as network namespaces joined by a veth "underlay" (10.99.100.0/24, only
 * inside the test's namespaces). Each node runs kuark-bridge for its pod CIDR; pods on node A reach
 * pods on node B by pod IP, once through host-gw routes and once through VXLAN. The TCP sockets are
 * opened inside the pod namespaces (a socket belongs to the netns of the thread creating it).
 */
class CrossNodeIT {
  private TestHost h;
  private Path nodeA;
  private Path nodeB;
  private Path podA;
  private Path podB;
  private CniResult resA;
  private CniResult resB;

  @BeforeEach
  void setUp() throws Exception {
    h = new TestHost();
    nodeA = h.newNetns("nodeA");
    nodeB = h.newNetns("nodeB");
    podA = h.newNetns("podA");
    podB = h.newNetns("podB");
    try (Netlink a = h.linux.netlink(nodeA)) {
      a.createVeth(new VethSpec("under0", "under0", 0, null, nodeB));
      a.addAddress("under0", ip("10.99.100.1"), 24);
      a.setUp("under0", true);
    }
    try (Netlink b = h.linux.netlink(nodeB)) {
      b.addAddress("under0", ip("10.99.100.2"), 24);
      b.setUp("under0", true);
    }
    resA = addPod(nodeA, podA, "10.99.110.0/24", "a");
    resB = addPod(nodeB, podB, "10.99.111.0/24", "b");
  }

  @AfterEach
  void tearDown() throws Exception {
    h.close();
  }

  private static InetAddress ip(String s) {
    return IpNet.parseIp(s);
  }

  private CniResult addPod(Path node, Path pod, String podCidr, String suffix) {
    String conf =
        ("{\"cniVersion\":\"1.0.0\",\"name\":\"%s%s\",\"type\":\"kuark-bridge\",\"bridge\":\"%s%s\","
                + "\"isGateway\":true,\"isDefaultGateway\":true,"
                + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"%s\",\"ranges\":[[{\"subnet\":\"%s\"}]]}}")
            .formatted(h.network(), suffix, h.bridge(), suffix, h.dataDir, podCidr);
    return new KuarkBridge(h.linux, node)
        .add(
            new CniRequest(
                "ADD",
                "pod-" + suffix,
                pod.toString(),
                "eth0",
                "",
                Plugins.CNI_PATH,
                conf.getBytes(StandardCharsets.UTF_8)));
  }

  /** Opens a server in podB, connects from podA to podB's IP, and returns what came back. */
  private String roundTrip() throws Exception {
    InetAddress bIp = resB.ips().get(0).address().address();
    ServerSocket server =
        h.linux
            .namespaces()
            .runInNetns(
                podB,
                () -> {
                  ServerSocket s = new ServerSocket();
                  s.bind(new InetSocketAddress(bIp, 0));
                  return s;
                });
    try (server) {
      CompletableFuture<String> served =
          CompletableFuture.supplyAsync(
              () -> {
                try (Socket c = server.accept()) {
                  String msg = new DataInputStream(c.getInputStream()).readUTF();
                  new DataOutputStream(c.getOutputStream())
                      .writeUTF(
                          "pong from "
                              + c.getLocalAddress().getHostAddress()
                              + " to "
                              + c.getInetAddress().getHostAddress()
                              + " for "
                              + msg);
                  return msg;
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      int port = server.getLocalPort();
      String reply =
          h.linux
              .namespaces()
              .runInNetns(
                  podA,
                  () -> {
                    try (Socket s = new Socket()) {
                      s.connect(new InetSocketAddress(bIp, port), 5000);
                      s.setSoTimeout(5000);
                      new DataOutputStream(s.getOutputStream()).writeUTF("ping");
                      return new DataInputStream(s.getInputStream()).readUTF();
                    }
                  });
      assertThat(served.get()).isEqualTo("ping");
      return reply;
    }
  }

  @Test
  void hostGatewayRoutes() throws Exception {
    try (Netlink a = h.linux.netlink(nodeA);
        Netlink b = h.linux.netlink(nodeB)) {
      a.addRoute(
          Route.via(ip("10.99.111.0"), 24, ip("10.99.100.2"), a.requireLink("under0").index()));
      b.addRoute(
          Route.via(ip("10.99.110.0"), 24, ip("10.99.100.1"), b.requireLink("under0").index()));
    }
    String reply = roundTrip();
    // No NAT on the way: B sees A's pod IP as the source.
    assertThat(reply).isEqualTo("pong from 10.99.111.2 to 10.99.110.2 for ping");
  }

  @Test
  void vxlanOverlay() throws Exception {
    String macA = vxlan(nodeA, "10.99.100.1", "10.99.110.0");
    String macB = vxlan(nodeB, "10.99.100.2", "10.99.111.0");
    peer(nodeA, "10.99.111.0", 24, macB, "10.99.100.2");
    peer(nodeB, "10.99.110.0", 24, macA, "10.99.100.1");
    String reply = roundTrip();
    assertThat(reply).isEqualTo("pong from 10.99.111.2 to 10.99.110.2 for ping");
    // The packets really took the overlay: the underlay has no route to the remote pod CIDR.
    assertThat(TestHost.in(nodeA, "ip", "route", "get", "10.99.111.2")).contains("dev ktvx");
  }

  @Test
  void ipMasqRewritesPodTrafficLeavingTheNode() throws Exception {
    // A third pod on node A with ipMasq: its traffic to node B's underlay address leaves as node A.
    Path podM = h.newNetns("podM");
    String conf =
        ("{\"cniVersion\":\"1.0.0\",\"name\":\"%sm\",\"type\":\"kuark-bridge\",\"bridge\":\"%sm\","
                + "\"isGateway\":true,\"isDefaultGateway\":true,\"ipMasq\":true,"
                + "\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"%s\","
                + "\"ranges\":[[{\"subnet\":\"10.99.120.0/24\"}]]}}")
            .formatted(h.network(), h.bridge(), h.dataDir);
    new KuarkBridge(h.linux, nodeA)
        .add(
            new CniRequest(
                "ADD",
                "pod-m",
                podM.toString(),
                "eth0",
                "",
                Plugins.CNI_PATH,
                conf.getBytes(StandardCharsets.UTF_8)));
    InetAddress target = ip("10.99.100.2");
    ServerSocket server =
        h.linux
            .namespaces()
            .runInNetns(
                nodeB,
                () -> {
                  ServerSocket srv = new ServerSocket();
                  srv.bind(new InetSocketAddress(target, 0));
                  return srv;
                });
    try (server) {
      CompletableFuture<String> seen =
          CompletableFuture.supplyAsync(
              () -> {
                try (Socket c = server.accept()) {
                  return c.getInetAddress().getHostAddress();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      h.linux
          .namespaces()
          .runInNetns(
              podM,
              () -> {
                try (Socket c = new Socket()) {
                  c.connect(new InetSocketAddress(target, server.getLocalPort()), 5000);
                }
                return null;
              });
      // Node B has no route back to 10.99.120.0/24: the connection only works because of the SNAT.
      assertThat(seen.get()).isEqualTo("10.99.100.1");
    }
  }

  /**
   * Creates the node's VXLAN device (flannel-style: the pod CIDR's .0 as a /32) and returns its
   * MAC.
   */
  private String vxlan(Path node, String underlayIp, String vtepIp) {
    try (Netlink nl = h.linux.netlink(node)) {
      int under = nl.requireLink("under0").index();
      nl.createVxlan(new VxlanSpec("ktvx", 4242, ip(underlayIp), 4789, under, false, 1450));
      nl.addAddress("ktvx", ip(vtepIp), 32);
      nl.setUp("ktvx", true);
      return nl.requireLink("ktvx").mac();
    }
  }

  /**
   * Route to a remote pod CIDR via its VTEP, with the ARP and fdb entries a controller would
   * program.
   */
  private void peer(
      Path node, String remoteNet, int prefix, String remoteMac, String remoteUnderlay) {
    try (Netlink nl = h.linux.netlink(node)) {
      Link vx = nl.requireLink("ktvx");
      nl.replaceNeighbour(
          new Neighbour(
              vx.index(), Neighbour.AF_INET, ip(remoteNet), remoteMac, Neighbour.NUD_PERMANENT, 0));
      nl.replaceNeighbour(
          new Neighbour(
              vx.index(),
              Neighbour.AF_BRIDGE,
              ip(remoteUnderlay),
              remoteMac,
              Neighbour.NUD_PERMANENT,
              Neighbour.NTF_SELF));
      nl.addRoute(Route.via(ip(remoteNet), prefix, ip(remoteNet), vx.index()).withOnlink(true));
    }
  }
}
