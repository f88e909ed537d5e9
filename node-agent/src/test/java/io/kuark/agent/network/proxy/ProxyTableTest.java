package io.kuark.agent.network.proxy;

import static io.kuark.agent.network.proxy.ProxyObjects.Ep;
import static io.kuark.agent.network.proxy.ProxyObjects.clusterIp;
import static io.kuark.agent.network.proxy.ProxyObjects.service;
import static io.kuark.agent.network.proxy.ProxyObjects.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProxyTableTest {
  final ProxyConfig config = RulesetBuilderTest.CONFIG;
  final RulesetBuilder builder = new RulesetBuilder(config);

  Ruleset web(int endpoints) {
    List<Ep> eps = new ArrayList<>();
    for (int i = 0; i < endpoints; i++) {
      eps.add(Ep.ready("10.42.0." + (5 + i), "node-a"));
    }
    return builder.render(
        clusterIp("web", "10.43.0.20"), List.of(slice("default", "web", "TCP", 8080, eps)));
  }

  Ruleset other() {
    return builder.render(
        clusterIp("other", "10.43.0.21"),
        List.of(slice("default", "other", "TCP", 8080, List.of(Ep.ready("10.42.0.5", "node-a")))));
  }

  static NftTransaction tx() {
    return new NftTransaction("ip kuark-proxy-test");
  }

  ProxyTable table(Ruleset webRules) {
    ProxyTable t = new ProxyTable();
    t.put("default/web", "a default/web", webRules, tx());
    t.put("default/other", "a default/other", other(), tx());
    return t;
  }

  @Test
  void aChangeTouchesOnlyTheChangedService() {
    ProxyTable t = table(web(3));
    NftTransaction change = tx();
    t.put("default/web", "a default/web", web(1), change);
    List<String> l = NftScriptsTest.lines(change.script());
    // Only map elements change: the endpoints that went, their hairpin pairs (10.42.0.5 still
    // backs the other Service and stays), and the pick chain for one endpoint.
    assertEquals(
        List.of(
            "delete element ip kuark-proxy-test hairpin-endpoints { 10.42.0.6 . 10.42.0.6, 10.42.0.7 . 10.42.0.7 }",
            "delete element ip kuark-proxy-test service-endpoints { 10.43.0.20 . tcp . 80 . 1, 10.43.0.20 . tcp . 80 . 2 }",
            "delete element ip kuark-proxy-test service-ips { 10.43.0.20 . tcp . 80 }",
            "add element ip kuark-proxy-test service-ips { 10.43.0.20 . tcp . 80 : goto pick-1 }"),
        l);

    // A Service with its own chains (here: an external IP) has the chain rewritten in place.
    Service ext =
        new ServiceBuilder(clusterIp("ext", "10.43.0.22"))
            .editSpec()
            .withExternalIPs("192.0.2.7")
            .endSpec()
            .build();
    List<Ep> eps = List.of(Ep.ready("10.42.0.8", "node-a"), Ep.ready("10.42.0.9", "node-a"));
    t.put(
        "default/ext",
        "a default/ext",
        builder.render(ext, List.of(slice("default", "ext", "TCP", 8080, eps))),
        tx());
    NftTransaction shrink = tx();
    t.put(
        "default/ext",
        "a default/ext",
        builder.render(ext, List.of(slice("default", "ext", "TCP", 8080, eps.subList(0, 1)))),
        shrink);
    List<String> e = NftScriptsTest.lines(shrink.script());
    assertEquals(
        1,
        e.stream().filter(s -> s.startsWith("flush chain ip kuark-proxy-test svc-")).count(),
        e.toString());
    assertTrue(
        e.contains(
            "delete element ip kuark-proxy-test hairpin-endpoints { 10.42.0.9 . 10.42.0.9 }"),
        e.toString());
    assertFalse(e.stream().anyMatch(s -> s.contains("service-ips")), e.toString());

    NftTransaction same = tx();
    t.put("default/web", "a default/web", web(1), same);
    assertEquals("", same.script());
  }

  @Test
  void losingAllEndpointsSwapsDispatchForRejectInOrder() {
    ProxyTable t = table(web(1));
    NftTransaction toNone = tx();
    t.put("default/web", "a default/web", web(0), toNone);
    List<String> l = NftScriptsTest.lines(toNone.script());
    int delElement =
        NftScriptsTest.indexOfPrefix(
            l, "delete element ip kuark-proxy-test service-ips { 10.43.0.20 . tcp . 80 }");
    int delEndpoint =
        NftScriptsTest.indexOfPrefix(
            l,
            "delete element ip kuark-proxy-test service-endpoints { 10.43.0.20 . tcp . 80 . 0 }");
    int addReject =
        NftScriptsTest.indexOfPrefix(
            l,
            "add element ip kuark-proxy-test no-endpoint-services { 10.43.0.20 . tcp . 80 : goto reject-chain }");
    assertTrue(delElement >= 0 && delEndpoint >= 0 && delElement < addReject, String.join("\n", l));

    NftTransaction gone = tx();
    t.put("default/web", null, null, gone);
    List<String> g = NftScriptsTest.lines(gone.script());
    assertTrue(
        g.contains(
            "delete element ip kuark-proxy-test no-endpoint-services { 10.43.0.20 . tcp . 80 }"),
        g.toString());
    assertTrue(
        g.contains("delete element ip kuark-proxy-test cluster-ips { 10.43.0.20 }"), g.toString());
    assertEquals(1, t.size(), "only the other Service is left");
  }

  Service nodePort(String name, String ip, String created) {
    return service("default", name, ip, "TCP", 80)
        .editMetadata()
        .withCreationTimestamp(created)
        .endMetadata()
        .editSpec()
        .withType("NodePort")
        .editFirstPort()
        .withNodePort(30001)
        .endPort()
        .endSpec()
        .build();
  }

  @Test
  void aYoungerServiceTakesOverANodePortWhenTheOlderLetsGo() {
    Service older = nodePort("older", "10.43.0.50", "2026-01-01T00:00:00Z");
    Service younger = nodePort("younger", "10.43.0.51", "2026-02-01T00:00:00Z");
    var olderSlice = slice("default", "older", "TCP", 80, List.of(Ep.ready("10.42.0.5", "node-a")));
    ProxyTable t = new ProxyTable();
    // The younger arrives first and holds the port until the older shows up.
    t.put(
        "default/younger",
        RulesetBuilder.orderKey(younger),
        builder.render(younger, List.of()),
        tx());
    assertEquals(
        "goto reject-chain",
        t.snapshot().elements(Ruleset.NO_ENDPOINT_NODEPORTS).get("tcp . 30001"));
    NftTransaction olderArrives = tx();
    t.put(
        "default/older",
        RulesetBuilder.orderKey(older),
        builder.render(older, List.of(olderSlice)),
        olderArrives);
    assertTrue(t.snapshot().elements(Ruleset.NO_ENDPOINT_NODEPORTS).isEmpty());
    String ext = t.snapshot().elements(Ruleset.SERVICE_NODEPORTS).get("tcp . 30001");
    assertTrue(ext.startsWith("goto ext-"), ext);
    assertTrue(
        olderArrives
            .script()
            .contains("delete element ip kuark-proxy-test no-endpoint-nodeports { tcp . 30001 }"));

    // Older deleted and younger updated in one sync: the port ends up with the younger, once.
    NftTransaction both = tx();
    t.put("default/older", null, null, both);
    t.put(
        "default/younger",
        RulesetBuilder.orderKey(younger),
        builder.render(younger, List.of()),
        both);
    List<String> l = NftScriptsTest.lines(both.script());
    assertTrue(
        l.contains("delete element ip kuark-proxy-test service-nodeports { tcp . 30001 }"),
        l.toString());
    assertTrue(
        l.contains(
            "add element ip kuark-proxy-test no-endpoint-nodeports { tcp . 30001 : goto reject-chain }"),
        l.toString());
    assertFalse(
        l.contains("delete element ip kuark-proxy-test no-endpoint-nodeports { tcp . 30001 }"),
        l.toString());

    Service unrelated =
        new ServiceBuilder(younger).editMetadata().withName("x").endMetadata().build();
    assertEquals(
        RulesetBuilder.orderKey(younger).replace("younger", "x"),
        RulesetBuilder.orderKey(unrelated));
  }
}
