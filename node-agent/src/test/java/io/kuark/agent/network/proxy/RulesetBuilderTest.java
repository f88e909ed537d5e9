package io.kuark.agent.network.proxy;

import static io.kuark.agent.network.proxy.ProxyObjects.Ep;
import static io.kuark.agent.network.proxy.ProxyObjects.clusterIp;
import static io.kuark.agent.network.proxy.ProxyObjects.service;
import static io.kuark.agent.network.proxy.ProxyObjects.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RulesetBuilderTest {
  static final ProxyConfig CONFIG =
      new ProxyConfig(
          "kuark-proxy-test",
          "node-a",
          List.of("192.168.5.10"),
          "10.42.0.0/16",
          "10.43.0.10",
          false,
          null);
  final RulesetBuilder builder = new RulesetBuilder(CONFIG);

  static String chainStartingWith(Ruleset r, String prefix) {
    List<String> found = new ArrayList<>();
    for (String c : r.chains().keySet()) {
      if (c.startsWith(prefix)) {
        found.add(c);
      }
    }
    assertEquals(1, found.size(), "chains " + prefix + "*: " + r.chains().keySet());
    return found.get(0);
  }

  @Test
  void clusterIpWithThreeEndpointsDispatchesRandomlyToDnatChains() {
    Ruleset r =
        builder.build(
            List.of(clusterIp("web", "10.43.0.20")),
            List.of(
                slice(
                    "default",
                    "web",
                    "TCP",
                    8080,
                    List.of(
                        Ep.ready("10.42.0.5", "node-a"),
                        Ep.ready("10.42.0.6", "node-b"),
                        Ep.ready("10.42.0.7", "node-a")))));
    // A plain ClusterIP Service has no chain of its own: the shared pick chain for three endpoints
    // takes one of the three map elements.
    assertEquals(Map.of("10.43.0.20 . tcp . 80", "goto pick-3"), r.elements(Ruleset.SERVICE_IPS));
    assertEquals(
        Map.of(
            "10.43.0.20 . tcp . 80 . 0", "10.42.0.5 . 8080",
            "10.43.0.20 . tcp . 80 . 1", "10.42.0.6 . 8080",
            "10.43.0.20 . tcp . 80 . 2", "10.42.0.7 . 8080"),
        r.elements(Ruleset.SERVICE_ENDPOINTS));
    assertTrue(r.chains().isEmpty());
    assertEquals(java.util.Set.of("10.42.0.5", "10.42.0.6", "10.42.0.7"), r.hairpinIps());
    assertEquals(java.util.Set.of("10.43.0.20"), r.clusterIps());
    assertTrue(r.elements(Ruleset.NO_ENDPOINT_SERVICES).isEmpty());
    assertTrue(r.sets().isEmpty());

    // With its own chain (an external IP), a cascade picks each endpoint with probability 1/3
    // and DNATs straight from the service chain: no endpoint chains, no anonymous sets.
    Ruleset own =
        builder.build(
            List.of(
                new io.fabric8.kubernetes.api.model.ServiceBuilder(clusterIp("web", "10.43.0.20"))
                    .editSpec()
                    .withExternalIPs("192.0.2.7")
                    .endSpec()
                    .build()),
            List.of(
                slice(
                    "default",
                    "web",
                    "TCP",
                    8080,
                    List.of(
                        Ep.ready("10.42.0.5", "node-a"),
                        Ep.ready("10.42.0.6", "node-b"),
                        Ep.ready("10.42.0.7", "node-a")))));
    String svc = chainStartingWith(own, "svc-");
    assertEquals("goto " + svc, own.elements(Ruleset.SERVICE_IPS).get("10.43.0.20 . tcp . 80"));
    assertEquals(
        List.of(
            "ip saddr != 10.42.0.0/16 meta mark set meta mark | 0x4000",
            "numgen random mod 3 == 0 meta l4proto tcp dnat to 10.42.0.5:8080",
            "numgen random mod 2 == 0 meta l4proto tcp dnat to 10.42.0.6:8080",
            "meta l4proto tcp dnat to 10.42.0.7:8080"),
        own.chains().get(svc));
    assertEquals(2, own.chains().size(), own.chains().keySet().toString());
  }

  @Test
  void noReadyEndpointsRejectsAndTerminatingOnlyServeWhenNothingElse() {
    Service web = clusterIp("web", "10.43.0.20");
    Ruleset none =
        builder.build(
            List.of(web),
            List.of(
                slice(
                    "default",
                    "web",
                    "TCP",
                    8080,
                    List.of(new Ep("10.42.0.5", "node-a", false, false, false)))));
    assertEquals(
        Map.of("10.43.0.20 . tcp . 80", "goto reject-chain"),
        none.elements(Ruleset.NO_ENDPOINT_SERVICES));
    assertTrue(none.elements(Ruleset.SERVICE_IPS).isEmpty());
    assertTrue(none.chains().isEmpty());

    Ruleset terminating =
        builder.build(
            List.of(web),
            List.of(
                slice(
                    "default",
                    "web",
                    "TCP",
                    8080,
                    List.of(
                        new Ep("10.42.0.5", "node-a", false, true, true),
                        new Ep("10.42.0.6", "node-a", false, false, true)))));
    assertEquals(
        Map.of("10.43.0.20 . tcp . 80 . 0", "10.42.0.5 . 8080"),
        terminating.elements(Ruleset.SERVICE_ENDPOINTS));

    Ruleset mixed =
        builder.build(
            List.of(web),
            List.of(
                slice(
                    "default",
                    "web",
                    "TCP",
                    8080,
                    List.of(
                        new Ep("10.42.0.5", "node-a", false, true, true),
                        Ep.ready("10.42.0.7", "node-a")))));
    assertEquals(
        Map.of("10.43.0.20 . tcp . 80 . 0", "10.42.0.7 . 8080"),
        mixed.elements(Ruleset.SERVICE_ENDPOINTS));
  }

  static int countPrefix(Ruleset r, String prefix) {
    int n = 0;
    for (String c : r.chains().keySet()) {
      if (c.startsWith(prefix)) {
        n++;
      }
    }
    return n;
  }

  @Test
  void sessionAffinityUsesOneTimedSetPerEndpoint() {
    Service svc =
        service("default", "sticky", "10.43.0.21", "UDP", 53)
            .editSpec()
            .withSessionAffinity("ClientIP")
            .withNewSessionAffinityConfig()
            .withNewClientIP()
            .withTimeoutSeconds(60)
            .endClientIP()
            .endSessionAffinityConfig()
            .endSpec()
            .build();
    Ruleset r =
        builder.build(
            List.of(svc),
            List.of(
                slice(
                    "default",
                    "sticky",
                    "UDP",
                    5353,
                    List.of(Ep.ready("10.42.0.5", "node-a"), Ep.ready("10.42.0.6", "node-a")))));
    assertEquals(2, r.sets().size());
    for (String def : r.sets().values()) {
      assertEquals("{ type ipv4_addr; flags dynamic,timeout; timeout 60s; }", def);
    }
    List<String> svcRules = r.chains().get(chainStartingWith(r, "svc-"));
    assertTrue(svcRules.get(1).matches("ip saddr @aff-\\w+ goto ep-.*"), svcRules.get(1));
    assertTrue(svcRules.get(3).matches("numgen random mod 2 == 0 goto ep-.*"), svcRules.get(3));
    assertTrue(svcRules.get(4).matches("goto ep-.*"), svcRules.get(4));
    assertEquals(2, countPrefix(r, "ep-"));
    for (var c : r.chains().entrySet()) {
      if (c.getKey().startsWith("ep-")) {
        assertTrue(c.getValue().get(0).matches("update @aff-\\w+ \\{ ip saddr \\}"));
        assertTrue(c.getValue().get(1).startsWith("meta l4proto udp dnat to 10.42.0."));
      }
    }
  }

  @Test
  void nodePortLoadBalancerAndExternalIpsGoThroughTheExternalChain() {
    Service lb =
        service("shop", "front", "10.43.0.30", "TCP", 443)
            .editSpec()
            .withType("LoadBalancer")
            .withExternalIPs("203.0.113.7")
            .editFirstPort()
            .withNodePort(30443)
            .endPort()
            .endSpec()
            .build();
    Ruleset r =
        builder.build(
            List.of(lb),
            List.of(slice("shop", "front", "TCP", 8443, List.of(Ep.ready("10.42.1.5", "node-b")))));
    String ext = chainStartingWith(r, "ext-");
    String svc = chainStartingWith(r, "svc-");
    assertEquals(List.of("meta mark set meta mark | 0x4000", "goto " + svc), r.chains().get(ext));
    assertEquals(
        Map.of(
            "10.43.0.30 . tcp . 443", "goto " + svc,
            "203.0.113.7 . tcp . 443", "goto " + ext,
            "192.168.5.10 . tcp . 443", "goto " + ext),
        r.elements(Ruleset.SERVICE_IPS));
    assertEquals(Map.of("tcp . 30443", "goto " + ext), r.elements(Ruleset.SERVICE_NODEPORTS));

    Service classed =
        new io.fabric8.kubernetes.api.model.ServiceBuilder(lb)
            .editSpec()
            .withLoadBalancerClass("example.com/other")
            .endSpec()
            .build();
    Ruleset other =
        builder.build(
            List.of(classed),
            List.of(slice("shop", "front", "TCP", 8443, List.of(Ep.ready("10.42.1.5", "node-b")))));
    assertFalse(other.elements(Ruleset.SERVICE_IPS).containsKey("192.168.5.10 . tcp . 443"));
  }

  @Test
  void localTrafficPoliciesUseOnlyLocalEndpoints() {
    Service svc =
        service("default", "loc", "10.43.0.40", "TCP", 80)
            .editSpec()
            .withType("NodePort")
            .withExternalTrafficPolicy("Local")
            .withInternalTrafficPolicy("Local")
            .editFirstPort()
            .withNodePort(30080)
            .endPort()
            .endSpec()
            .build();
    Ruleset r =
        builder.build(
            List.of(svc),
            List.of(
                slice(
                    "default",
                    "loc",
                    "TCP",
                    80,
                    List.of(Ep.ready("10.42.0.5", "node-a"), Ep.ready("10.42.1.5", "node-b")))));
    String loc = chainStartingWith(r, "loc-");
    String in = chainStartingWith(r, "int-");
    String svcChain = chainStartingWith(r, "svc-");
    assertEquals(List.of("meta l4proto tcp dnat to 10.42.0.5:80"), r.chains().get(loc));
    assertEquals("goto " + in, r.elements(Ruleset.SERVICE_IPS).get("10.43.0.40 . tcp . 80"));
    assertEquals(
        List.of("ip saddr != 10.42.0.0/16 meta mark set meta mark | 0x4000", "goto " + loc),
        r.chains().get(in));
    List<String> ext = r.chains().get(chainStartingWith(r, "ext-"));
    assertEquals("ip saddr 10.42.0.0/16 goto " + svcChain, ext.get(0));
    assertEquals("goto " + loc, ext.get(ext.size() - 1));

    RulesetBuilder onB =
        new RulesetBuilder(
            new ProxyConfig("t", "node-c", List.of(), "10.42.0.0/16", "10.43.0.10", false, null));
    Ruleset none =
        onB.build(
            List.of(svc),
            List.of(slice("default", "loc", "TCP", 80, List.of(Ep.ready("10.42.1.5", "node-b")))));
    assertEquals(List.of("drop"), none.chains().get(chainStartingWith(none, "loc-")));
  }

  @Test
  void clusterDnsHeadlessAndExternalNameServicesAreNotProxied() {
    Service dns = clusterIp("kube-dns", "10.43.0.10");
    Service headless = clusterIp("headless", "None");
    Service external =
        service("default", "ext", "", "TCP", 80)
            .editSpec()
            .withType("ExternalName")
            .withExternalName("example.com")
            .endSpec()
            .build();
    Ruleset r =
        builder.build(
            List.of(dns, headless, external),
            List.of(
                slice("default", "kube-dns", "TCP", 53, List.of(Ep.ready("10.42.0.5", "node-a")))));
    assertTrue(r.chains().isEmpty());
    for (String map : Ruleset.MAPS) {
      assertTrue(r.elements(map).isEmpty(), map);
    }
  }

  @Test
  void theOlderServiceKeepsAConflictingNodePort() {
    Service older =
        service("default", "b-older", "10.43.0.50", "TCP", 80)
            .editMetadata()
            .withCreationTimestamp("2026-01-01T00:00:00Z")
            .endMetadata()
            .editSpec()
            .withType("NodePort")
            .editFirstPort()
            .withNodePort(30001)
            .endPort()
            .endSpec()
            .build();
    Service newer =
        new io.fabric8.kubernetes.api.model.ServiceBuilder(older)
            .editMetadata()
            .withName("a-newer")
            .withCreationTimestamp("2026-02-01T00:00:00Z")
            .endMetadata()
            .editSpec()
            .withClusterIP("10.43.0.51")
            .endSpec()
            .build();
    Ruleset r = builder.build(List.of(newer, older), List.of());
    assertEquals(
        Map.of("tcp . 30001", "goto reject-chain"), r.elements(Ruleset.NO_ENDPOINT_NODEPORTS));
    assertEquals(2, r.elements(Ruleset.NO_ENDPOINT_SERVICES).size());
  }
}
