package io.kuark.agent.network.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KubernetesZoneTest {
  private final MapClusterView view = new MapClusterView();
  private final List<String> upstreamQueries = new ArrayList<>();
  private KubernetesZone zone;

  @BeforeEach
  void setUp() throws Exception {
    view.namespaces.add("demo");
    view.services.add(
        clusterIp("web", "10.43.0.20", port("http", 80, "TCP"), port("dns", 53, "UDP")));
    view.services.add(headless("db"));
    view.slices.add(
        slice(
            "db",
            "IPv4",
            endpoint("10.42.0.5", "db-0", true),
            endpoint("10.42.0.6", "db-1", true),
            endpoint("10.42.0.7", "db-2", false)));
    view.services.add(headless("empty"));
    Service ext =
        new ServiceBuilder()
            .withNewMetadata()
            .withName("ext")
            .withNamespace("demo")
            .endMetadata()
            .withNewSpec()
            .withType("ExternalName")
            .withExternalName("example.org")
            .endSpec()
            .build();
    view.services.add(ext);
    Service alias =
        new ServiceBuilder(ext)
            .editMetadata()
            .withName("alias")
            .endMetadata()
            .editSpec()
            .withExternalName("web.demo.svc.cluster.local")
            .endSpec()
            .build();
    view.services.add(alias);
    zone =
        new KubernetesZone(
            "cluster.local",
            view,
            InetAddress.getByName("10.43.0.10"),
            (name, type) -> {
              upstreamQueries.add(name + " " + type.name());
              return List.of(DnsRecords.address(name, InetAddress.getByName("192.0.2.7"), 60));
            },
            1);
  }

  private List<String> answers(String name, DnsRecordType type) {
    DnsAnswer a = zone.answer(name, type);
    assertThat(a.rcode()).isEqualTo(DnsResponseCode.NOERROR);
    return DnsText.of(a.answers());
  }

  private void assertNegative(String name, DnsRecordType type, DnsResponseCode rcode) {
    DnsAnswer a = zone.answer(name, type);
    assertThat(a.rcode()).as(name + " " + type).isEqualTo(rcode);
    assertThat(a.answers()).isEmpty();
    assertThat(DnsText.of(a.authority()))
        .containsExactly("cluster.local. 5 SOA ns.dns.cluster.local. hostmaster.cluster.local.");
  }

  @Test
  void clusterIpServiceHasOneAddressRecordWithTtl5() {
    assertThat(answers("web.demo.svc.cluster.local.", DnsRecordType.A))
        .containsExactly("web.demo.svc.cluster.local. 5 A 10.43.0.20");
    assertThat(answers("WEB.Demo.svc.cluster.local", DnsRecordType.A))
        .containsExactly("web.demo.svc.cluster.local. 5 A 10.43.0.20");
  }

  @Test
  void missingNamesAreNxdomainExistingNamesWithoutRecordsAreNodata() {
    assertNegative("nope.demo.svc.cluster.local.", DnsRecordType.A, DnsResponseCode.NXDOMAIN);
    assertNegative("web.nons.svc.cluster.local.", DnsRecordType.A, DnsResponseCode.NXDOMAIN);
    assertNegative("nons.svc.cluster.local.", DnsRecordType.A, DnsResponseCode.NXDOMAIN);
    assertNegative("a.b.c.d.e.f.svc.cluster.local.", DnsRecordType.A, DnsResponseCode.NXDOMAIN);
    assertNegative("web.demo.foo.cluster.local.", DnsRecordType.A, DnsResponseCode.NXDOMAIN);
    // IPv4-only service asked for AAAA, a namespace name, the apex: NODATA
    assertNegative("web.demo.svc.cluster.local.", DnsRecordType.AAAA, DnsResponseCode.NOERROR);
    assertNegative("demo.svc.cluster.local.", DnsRecordType.A, DnsResponseCode.NOERROR);
    assertNegative("svc.cluster.local.", DnsRecordType.A, DnsResponseCode.NOERROR);
    assertNegative("cluster.local.", DnsRecordType.A, DnsResponseCode.NOERROR);
    // other types follow the name: TXT on a service is NODATA, on a missing one NXDOMAIN
    assertNegative("web.demo.svc.cluster.local.", DnsRecordType.TXT, DnsResponseCode.NOERROR);
    assertNegative("nope.demo.svc.cluster.local.", DnsRecordType.MX, DnsResponseCode.NXDOMAIN);
  }

  @Test
  void searchPathExpansionsAreNxdomainAndNeverForwarded() {
    assertNegative(
        "web.demo.svc.cluster.local.demo.svc.cluster.local.",
        DnsRecordType.A,
        DnsResponseCode.NXDOMAIN);
    assertNegative(
        "www.example.org.demo.svc.cluster.local.", DnsRecordType.A, DnsResponseCode.NXDOMAIN);
    assertNegative("example.org.svc.cluster.local.", DnsRecordType.A, DnsResponseCode.NXDOMAIN);
    assertThat(zone.answer("example.org.", DnsRecordType.A)).isNull();
    assertThat(zone.inZone("x.cluster.local.")).isTrue();
    assertThat(zone.inZone("cluster.localx.")).isFalse();
    assertThat(upstreamQueries).isEmpty();
  }

  @Test
  void headlessServiceHasOneRecordPerReadyEndpointAndHostnames() {
    assertThat(answers("db.demo.svc.cluster.local.", DnsRecordType.A))
        .containsExactly(
            "db.demo.svc.cluster.local. 5 A 10.42.0.5", "db.demo.svc.cluster.local. 5 A 10.42.0.6");
    assertThat(answers("db-1.db.demo.svc.cluster.local.", DnsRecordType.A))
        .containsExactly("db-1.db.demo.svc.cluster.local. 5 A 10.42.0.6");
    // a not-ready endpoint has no name; a headless Service without ready endpoints neither
    assertNegative("db-2.db.demo.svc.cluster.local.", DnsRecordType.A, DnsResponseCode.NXDOMAIN);
    assertNegative("empty.demo.svc.cluster.local.", DnsRecordType.A, DnsResponseCode.NXDOMAIN);
  }

  @Test
  void endpointChangesAreVisibleImmediately() {
    view.slices.get(0).getEndpoints().get(2).getConditions().setReady(true);
    assertThat(answers("db.demo.svc.cluster.local.", DnsRecordType.A)).hasSize(3);
  }

  @Test
  void srvForNamedPortsWithAddressesInAdditional() {
    DnsAnswer a = zone.answer("_http._tcp.web.demo.svc.cluster.local.", DnsRecordType.SRV);
    assertThat(DnsText.of(a.answers()))
        .containsExactly(
            "_http._tcp.web.demo.svc.cluster.local. 5 SRV 0 100 80 web.demo.svc.cluster.local.");
    assertThat(DnsText.of(a.additional()))
        .containsExactly("web.demo.svc.cluster.local. 5 A 10.43.0.20");
    // all ports of the service without a port label, weights shared
    assertThat(answers("web.demo.svc.cluster.local.", DnsRecordType.SRV))
        .containsExactly(
            "web.demo.svc.cluster.local. 5 SRV 0 50 80 web.demo.svc.cluster.local.",
            "web.demo.svc.cluster.local. 5 SRV 0 50 53 web.demo.svc.cluster.local.");
    assertNegative(
        "_http._udp.web.demo.svc.cluster.local.", DnsRecordType.SRV, DnsResponseCode.NXDOMAIN);
    DnsAnswer headless =
        zone.answer("_tcp-port._tcp.db.demo.svc.cluster.local.", DnsRecordType.SRV);
    assertThat(DnsText.of(headless.answers()))
        .containsExactly(
            "_tcp-port._tcp.db.demo.svc.cluster.local. 5 SRV 0 50 5432 db-0.db.demo.svc.cluster.local.",
            "_tcp-port._tcp.db.demo.svc.cluster.local. 5 SRV 0 50 5432 db-1.db.demo.svc.cluster.local.");
    assertThat(DnsText.of(headless.additional()))
        .containsExactly(
            "db-0.db.demo.svc.cluster.local. 5 A 10.42.0.5",
            "db-1.db.demo.svc.cluster.local. 5 A 10.42.0.6");
  }

  @Test
  void externalNameIsACnameResolvedThroughTheUpstreamOrTheZone() {
    assertThat(answers("ext.demo.svc.cluster.local.", DnsRecordType.A))
        .containsExactly(
            "ext.demo.svc.cluster.local. 5 CNAME example.org.", "example.org. 60 A 192.0.2.7");
    assertThat(upstreamQueries).containsExactly("example.org. A");
    assertThat(answers("ext.demo.svc.cluster.local.", DnsRecordType.CNAME))
        .containsExactly("ext.demo.svc.cluster.local. 5 CNAME example.org.");
    assertThat(answers("alias.demo.svc.cluster.local.", DnsRecordType.A))
        .containsExactly(
            "alias.demo.svc.cluster.local. 5 CNAME web.demo.svc.cluster.local.",
            "web.demo.svc.cluster.local. 5 A 10.43.0.20");
    assertThat(upstreamQueries).hasSize(1);
  }

  @Test
  void onlyAddressQuestionsLeadingToAnExternalHostNeedTheUpstreams() {
    // an in-zone alias of an ExternalName Service also ends outside the zone
    view.services.add(
        new ServiceBuilder()
            .withNewMetadata()
            .withName("alias2")
            .withNamespace("demo")
            .endMetadata()
            .withNewSpec()
            .withType("ExternalName")
            .withExternalName("ext.demo.svc.cluster.local")
            .endSpec()
            .build());
    assertThat(zone.needsUpstream("ext.demo.svc.cluster.local.", DnsRecordType.A)).isTrue();
    assertThat(zone.needsUpstream("EXT.demo.svc.cluster.local", DnsRecordType.AAAA)).isTrue();
    assertThat(zone.needsUpstream("alias2.demo.svc.cluster.local.", DnsRecordType.A)).isTrue();
    assertThat(zone.needsUpstream("alias.demo.svc.cluster.local.", DnsRecordType.A)).isFalse();
    assertThat(zone.needsUpstream("web.demo.svc.cluster.local.", DnsRecordType.A)).isFalse();
    assertThat(zone.needsUpstream("nope.demo.svc.cluster.local.", DnsRecordType.A)).isFalse();
    assertThat(zone.needsUpstream("ext.demo.svc.cluster.local.", DnsRecordType.CNAME)).isFalse();
    assertThat(zone.needsUpstream("ext.demo.svc.cluster.local.", DnsRecordType.SRV)).isFalse();
    assertThat(zone.needsUpstream("ext.demo.svc.cluster.local.", DnsRecordType.TXT)).isFalse();
    // and indeed: other types on an ExternalName name are NODATA without asking the upstreams
    assertNegative("ext.demo.svc.cluster.local.", DnsRecordType.TXT, DnsResponseCode.NOERROR);
    assertThat(upstreamQueries).isEmpty();
  }

  @Test
  void aaaaIsNodataForIpv4OnlyServicesAndAnsweredFromIpv6ClusterIps() {
    // IPv4-only (ipFamilies [IPv4]): AAAA is NODATA with the SOA, as CoreDNS answers
    assertNegative("web.demo.svc.cluster.local.", DnsRecordType.AAAA, DnsResponseCode.NOERROR);
    assertNegative("db.demo.svc.cluster.local.", DnsRecordType.AAAA, DnsResponseCode.NOERROR);
    // IPv6 single-stack: AAAA answered, A is NODATA
    Service v6 = clusterIp("six", "fd00:43::6", port("http", 80, "TCP"));
    v6.getSpec().setIpFamilies(List.of("IPv6"));
    view.services.add(v6);
    assertThat(answers("six.demo.svc.cluster.local.", DnsRecordType.AAAA))
        .containsExactly("six.demo.svc.cluster.local. 5 AAAA fd00:43:0:0:0:0:0:6");
    assertNegative("six.demo.svc.cluster.local.", DnsRecordType.A, DnsResponseCode.NOERROR);
    // dual-stack: each family answers its own address only
    Service dual = clusterIp("both", "10.43.0.31", port("http", 80, "TCP"));
    dual.getSpec().setIpFamilies(List.of("IPv4", "IPv6"));
    dual.getSpec().setClusterIPs(List.of("10.43.0.31", "fd00:43::31"));
    view.services.add(dual);
    assertThat(answers("both.demo.svc.cluster.local.", DnsRecordType.A))
        .containsExactly("both.demo.svc.cluster.local. 5 A 10.43.0.31");
    assertThat(answers("both.demo.svc.cluster.local.", DnsRecordType.AAAA))
        .containsExactly("both.demo.svc.cluster.local. 5 AAAA fd00:43:0:0:0:0:0:31");
    // headless with an IPv6 EndpointSlice: one AAAA per ready endpoint
    view.services.add(headless("db6"));
    view.slices.add(
        slice(
            "db6",
            "IPv6",
            endpoint("fd00:42::5", "db6-0", true),
            endpoint("fd00:42::6", null, true)));
    assertThat(answers("db6.demo.svc.cluster.local.", DnsRecordType.AAAA))
        .containsExactlyInAnyOrder(
            "db6.demo.svc.cluster.local. 5 AAAA fd00:42:0:0:0:0:0:5",
            "db6.demo.svc.cluster.local. 5 AAAA fd00:42:0:0:0:0:0:6");
    assertNegative("db6.demo.svc.cluster.local.", DnsRecordType.A, DnsResponseCode.NOERROR);
  }

  @Test
  void ptrForClusterIpsAndEndpointsOthersFallThrough() {
    assertThat(answers("20.0.43.10.in-addr.arpa.", DnsRecordType.PTR))
        .containsExactly("20.0.43.10.in-addr.arpa. 5 PTR web.demo.svc.cluster.local.");
    assertThat(answers("6.0.42.10.in-addr.arpa.", DnsRecordType.PTR))
        .containsExactly("6.0.42.10.in-addr.arpa. 5 PTR db-1.db.demo.svc.cluster.local.");
    assertThat(zone.answer("9.9.9.9.in-addr.arpa.", DnsRecordType.PTR)).isNull();
    assertThat(zone.answer("42.10.in-addr.arpa.", DnsRecordType.PTR)).isNull();
    assertThat(ReverseNames.of("10.43.0.20")).isEqualTo("20.0.43.10.in-addr.arpa.");
    assertThat(ReverseNames.address(ReverseNames.of("fd00::1"))).isEqualTo("fd00::1");
  }

  @Test
  void dualStackAndPodRecords() {
    Service dual = clusterIp("v6", "10.43.0.30", port("http", 80, "TCP"));
    dual.getSpec().setClusterIPs(List.of("10.43.0.30", "fd00:43::30"));
    view.services.add(dual);
    assertThat(answers("v6.demo.svc.cluster.local.", DnsRecordType.AAAA))
        .containsExactly("v6.demo.svc.cluster.local. 5 AAAA fd00:43:0:0:0:0:0:30");
    assertThat(answers("10-42-0-9.demo.pod.cluster.local.", DnsRecordType.A))
        .containsExactly("10-42-0-9.demo.pod.cluster.local. 5 A 10.42.0.9");
    assertNegative("notanip.demo.pod.cluster.local.", DnsRecordType.A, DnsResponseCode.NXDOMAIN);
  }

  @Test
  void apexSoaNsAndUnsyncedMissesAreServfail() {
    assertThat(answers("cluster.local.", DnsRecordType.SOA))
        .containsExactly("cluster.local. 5 SOA ns.dns.cluster.local. hostmaster.cluster.local.");
    assertThat(answers("cluster.local.", DnsRecordType.NS))
        .containsExactly("cluster.local. 5 NS ns.dns.cluster.local.");
    assertThat(answers("ns.dns.cluster.local.", DnsRecordType.A))
        .containsExactly("ns.dns.cluster.local. 5 A 10.43.0.10");
    view.synced = false;
    assertThat(zone.answer("nope.demo.svc.cluster.local.", DnsRecordType.A).rcode())
        .isEqualTo(DnsResponseCode.SERVFAIL);
  }

  // ---- fixtures

  static io.fabric8.kubernetes.api.model.ServicePort port(String name, int port, String proto) {
    return new io.fabric8.kubernetes.api.model.ServicePortBuilder()
        .withName(name)
        .withPort(port)
        .withProtocol(proto)
        .build();
  }

  static Service clusterIp(
      String name, String ip, io.fabric8.kubernetes.api.model.ServicePort... ports) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("demo")
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withClusterIP(ip)
        .withClusterIPs(ip)
        .withPorts(ports)
        .endSpec()
        .build();
  }

  static Service headless(String name) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("demo")
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withClusterIP("None")
        .withClusterIPs("None")
        .addNewPort()
        .withName("tcp-port")
        .withPort(5432)
        .endPort()
        .endSpec()
        .build();
  }

  static io.fabric8.kubernetes.api.model.discovery.v1.Endpoint endpoint(
      String ip, String hostname, boolean ready) {
    return new EndpointBuilder()
        .withAddresses(ip)
        .withHostname(hostname)
        .withNewConditions()
        .withReady(ready)
        .endConditions()
        .build();
  }

  static EndpointSlice slice(
      String service, String family, io.fabric8.kubernetes.api.model.discovery.v1.Endpoint... eps) {
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withName(service + "-abc")
        .withNamespace("demo")
        .addToLabels("kubernetes.io/service-name", service)
        .endMetadata()
        .withAddressType(family)
        .withEndpoints(eps)
        .addNewPort()
        .withName("tcp-port")
        .withPort(5432)
        .withProtocol("TCP")
        .endPort()
        .build();
  }

  static List<String> text(List<DnsRecord> records) {
    return DnsText.of(records);
  }
}
