package io.kuark.agent.network.dns;

import static io.kuark.agent.network.dns.KubernetesZoneTest.clusterIp;
import static io.kuark.agent.network.dns.KubernetesZoneTest.endpoint;
import static io.kuark.agent.network.dns.KubernetesZoneTest.headless;
import static io.kuark.agent.network.dns.KubernetesZoneTest.port;
import static io.kuark.agent.network.dns.KubernetesZoneTest.slice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.netty.handler.codec.dns.DnsRecordType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server on a free loopback port, a real client over UDP and TCP, a loopback upstream. */
class ClusterDnsIT {
  private final MapClusterView view = new MapClusterView();
  private FakeUpstream upstream;
  private ClusterDns dns;
  private TestDnsClient client;

  @BeforeEach
  void setUp() throws Exception {
    view.namespaces.add("demo");
    view.services.add(clusterIp("web", "10.43.0.20", port("http", 80, "TCP")));
    view.services.add(headless("big"));
    Endpoint[] many = new Endpoint[40];
    for (int i = 0; i < many.length; i++) {
      many[i] = endpoint("10.42.1." + (i + 1), null, true);
    }
    view.slices.add(slice("big", "IPv4", many));
    view.services.add(
        new ServiceBuilder()
            .withNewMetadata()
            .withName("ext")
            .withNamespace("demo")
            .endMetadata()
            .withNewSpec()
            .withType("ExternalName")
            .withExternalName("example.org")
            .endSpec()
            .build());
    upstream = new FakeUpstream();
    dns =
        ClusterDns.start(
            view,
            new ClusterDns.Settings(
                "cluster.local", InetAddress.getLoopbackAddress(), 0, List.of(upstream.address())));
    client =
        new TestDnsClient(new InetSocketAddress(InetAddress.getLoopbackAddress(), dns.udpPort()));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (dns != null) {
      dns.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  @Test
  void answersTheClusterZoneOverUdpAndTcp() throws Exception {
    assertThat(dns.udpPort()).isEqualTo(dns.tcpPort());
    TestDnsClient.Response udp = client.udp("web.demo.svc.cluster.local", DnsRecordType.A);
    assertThat(udp.id()).isEqualTo(4242);
    assertThat(udp.authoritative()).isTrue();
    assertThat(udp.answers()).containsExactly("web.demo.svc.cluster.local. 5 A 10.43.0.20");
    TestDnsClient.Response tcp = client.tcp("web.demo.svc.cluster.local", DnsRecordType.A);
    assertThat(tcp.id()).isEqualTo(4343);
    assertThat(tcp.answers()).containsExactly("web.demo.svc.cluster.local. 5 A 10.43.0.20");
    TestDnsClient.Response nx = client.udp("nope.demo.svc.cluster.local", DnsRecordType.A);
    assertThat(nx.rcode()).isEqualTo(3);
    assertThat(nx.authority()).hasSize(1);
    TestDnsClient.Response nodata = client.udp("web.demo.svc.cluster.local", DnsRecordType.AAAA);
    assertThat(nodata.rcode()).isZero();
    assertThat(nodata.answers()).isEmpty();
    assertThat(nodata.authority()).hasSize(1);
    // cluster names are never forwarded, even when missing
    assertThat(upstream.queries.get()).isZero();
  }

  @Test
  void largeAnswersAreTruncatedOverUdpWithoutEdnsAndCompleteOverTcp() throws Exception {
    TestDnsClient.Response udp = client.udp("big.demo.svc.cluster.local", DnsRecordType.A);
    assertThat(udp.truncated()).isTrue();
    assertThat(udp.answers()).isEmpty();
    TestDnsClient.Response tcp = client.tcp("big.demo.svc.cluster.local", DnsRecordType.A);
    assertThat(tcp.truncated()).isFalse();
    assertThat(tcp.answers()).hasSize(40);
    TestDnsClient.Response edns = client.udp("big.demo.svc.cluster.local", DnsRecordType.A, 4096);
    assertThat(edns.truncated()).isFalse();
    assertThat(edns.answers()).hasSize(40);
  }

  @Test
  void otherNamesAreForwardedAndCachedPositiveAndNegative() throws Exception {
    TestDnsClient.Response first = client.udp("example.org", DnsRecordType.A);
    assertThat(first.id()).isEqualTo(4242);
    assertThat(first.answers()).containsExactly("example.org. 60 A 192.0.2.1");
    assertThat(upstream.queries.get()).isEqualTo(1);
    TestDnsClient.Response cached = client.udp("EXAMPLE.org", DnsRecordType.A);
    assertThat(cached.answers()).hasSize(1);
    assertThat(upstream.queries.get()).isEqualTo(1);
    TestDnsClient.Response overTcp = client.tcp("example.org", DnsRecordType.A);
    assertThat(overTcp.answers()).containsExactly("example.org. 60 A 192.0.2.1");

    TestDnsClient.Response nx = client.udp("missing.example.org", DnsRecordType.A);
    assertThat(nx.rcode()).isEqualTo(3);
    int afterNx = upstream.queries.get();
    assertThat(client.udp("missing.example.org", DnsRecordType.A).rcode()).isEqualTo(3);
    assertThat(upstream.queries.get()).isEqualTo(afterNx);

    // an ExternalName Service resolves its target through the upstream
    TestDnsClient.Response ext = client.udp("ext.demo.svc.cluster.local", DnsRecordType.A);
    assertThat(ext.answers())
        .containsExactly(
            "ext.demo.svc.cluster.local. 5 CNAME example.org.", "example.org. 60 A 192.0.2.1");
  }

  @Test
  void aTakenPortIsABindErrorAndTheFirstServerKeepsServing() throws Exception {
    ClusterDns.Settings same =
        new ClusterDns.Settings(
            "cluster.local", InetAddress.getLoopbackAddress(), dns.udpPort(), List.of());
    assertThatThrownBy(() -> ClusterDns.start(view, same))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("Address already in use");
    assertThat(dns.epoll()).isTrue(); // the native transport is the one in use on Linux
    assertThat(client.udp("web.demo.svc.cluster.local", DnsRecordType.A).answers()).hasSize(1);
  }

  @Test
  void noUpstreamMeansServfailForForeignNames() throws Exception {
    dns.close();
    upstream.close();
    dns =
        ClusterDns.start(
            view,
            new ClusterDns.Settings(
                "cluster.local", InetAddress.getLoopbackAddress(), 0, List.of()));
    client =
        new TestDnsClient(new InetSocketAddress(InetAddress.getLoopbackAddress(), dns.udpPort()));
    assertThat(client.udp("example.org", DnsRecordType.A).rcode()).isEqualTo(2);
    assertThat(client.udp("web.demo.svc.cluster.local", DnsRecordType.A).answers()).hasSize(1);
    upstream = null;
  }
}
