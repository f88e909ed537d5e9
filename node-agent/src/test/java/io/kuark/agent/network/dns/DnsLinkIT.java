package io.kuark.agent.network.dns;

import static io.kuark.agent.network.dns.KubernetesZoneTest.clusterIp;
import static io.kuark.agent.network.dns.KubernetesZoneTest.port;
import static org.assertj.core.api.Assertions.assertThat;

import io.kuark.linux.IfAddress;
import io.kuark.linux.Linux;
import io.kuark.linux.Netlink;
import io.kuark.linux.Route;
import io.kuark.linux.VethSpec;
import io.netty.handler.codec.dns.DnsRecordType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reachability as on a node, inside namespaces the test makes: a "node" namespace gets the DNS link
 * with 10.43.0.10/32 and the service CIDR blackhole route; a "pod" namespace has a veth to it and
 * its default route via the node. A query from the pod to 10.43.0.10:53 reaches the server.
 */
class DnsLinkIT {
  private final Linux linux = Linux.get();
  private final MapClusterView view = new MapClusterView();
  private Path dir;
  private Path node;
  private Path pod;
  private Netlink nodeNl;

  @BeforeEach
  void setUp() throws Exception {
    dir = Files.createTempDirectory("kuark-dns-netns");
    node = dir.resolve("node");
    pod = dir.resolve("pod");
    linux.namespaces().createNetns(node);
    linux.namespaces().createNetns(pod);
    nodeNl = linux.netlink(node);
    view.namespaces.add("demo");
    view.services.add(clusterIp("web", "10.43.0.20", port("http", 80, "TCP")));

    nodeNl.setUp("lo", true);
    nodeNl.addRoute(Route.blackhole(InetAddress.getByName("10.43.0.0"), 16));
    nodeNl.createVeth(new VethSpec("ktnode", "ktpod", 0, null, pod));
    nodeNl.addAddress("ktnode", InetAddress.getByName("10.99.53.1"), 24);
    nodeNl.setUp("ktnode", true);
    try (Netlink podNl = linux.netlink(pod)) {
      podNl.setUp("lo", true);
      podNl.addAddress("ktpod", InetAddress.getByName("10.99.53.2"), 24);
      podNl.setUp("ktpod", true);
      podNl.addRoute(
          Route.via(
              null, 0, InetAddress.getByName("10.99.53.1"), podNl.requireLink("ktpod").index()));
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    nodeNl.close();
    linux.namespaces().deleteNetns(pod);
    linux.namespaces().deleteNetns(node);
    Files.deleteIfExists(dir);
  }

  private ClusterDns startInNode(boolean removeLink) throws Exception {
    ClusterDns.Settings settings =
        new ClusterDns.Settings(
            "cluster.local", InetAddress.getByName("10.43.0.10"), 53, List.of());
    return linux
        .namespaces()
        .runInNetns(node, () -> ClusterDns.start(view, settings, nodeNl, "ktdns", removeLink));
  }

  private TestDnsClient.Response queryFromPod(String name) throws Exception {
    TestDnsClient client = new TestDnsClient(new InetSocketAddress("10.43.0.10", 53));
    return linux.namespaces().runInNetns(pod, () -> client.udp(name, DnsRecordType.A));
  }

  @Test
  void podsReachTheClusterDnsAddressThroughTheirGateway() throws Exception {
    try (ClusterDns dns = startInNode(true)) {
      assertThat(nodeNl.addresses("ktdns")).extracting(IfAddress::cidr).contains("10.43.0.10/32");
      assertThat(queryFromPod("web.demo.svc.cluster.local").answers())
          .containsExactly("web.demo.svc.cluster.local. 5 A 10.43.0.20");
      TestDnsClient.Response tcp =
          linux
              .namespaces()
              .runInNetns(
                  pod,
                  () ->
                      new TestDnsClient(new InetSocketAddress("10.43.0.10", 53))
                          .tcp("web.demo.svc.cluster.local", DnsRecordType.A));
      assertThat(tcp.answers()).hasSize(1);
    }
    assertThat(nodeNl.link("ktdns")).isEmpty();
  }

  @Test
  void theLinkStaysAcrossRestartsUnlessAskedToGo() throws Exception {
    startInNode(false).close();
    assertThat(nodeNl.link("ktdns")).isPresent();
    // a restarted server reuses the link and its address
    try (ClusterDns dns = startInNode(true)) {
      assertThat(nodeNl.addresses("ktdns"))
          .extracting(IfAddress::cidr)
          .containsOnlyOnce("10.43.0.10/32");
      assertThat(queryFromPod("web.demo.svc.cluster.local").rcode()).isZero();
    }
    assertThat(nodeNl.link("ktdns")).isEmpty();
  }
}
