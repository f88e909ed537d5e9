package io.kuark.agent.network.proxy;

import static io.kuark.agent.network.proxy.ProxyObjects.Ep;
import static io.kuark.agent.network.proxy.ProxyObjects.clusterIp;
import static io.kuark.agent.network.proxy.ProxyObjects.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NftScriptsTest {
  final ProxyConfig config = RulesetBuilderTest.CONFIG;
  final RulesetBuilder builder = new RulesetBuilder(config);

  static List<String> lines(String script) {
    List<String> out = new ArrayList<>();
    for (String l : script.split("\n")) {
      if (!l.isBlank()) {
        out.add(l.trim().replaceAll("\\s+", " "));
      }
    }
    return out;
  }

  Ruleset web(int endpoints) {
    List<Ep> eps = new ArrayList<>();
    for (int i = 0; i < endpoints; i++) {
      eps.add(Ep.ready("10.42.0." + (5 + i), "node-a"));
    }
    return builder.build(
        List.of(clusterIp("web", "10.43.0.20"), clusterIp("other", "10.43.0.21")),
        List.of(
            slice("default", "web", "TCP", 8080, eps),
            slice("default", "other", "TCP", 8080, List.of(Ep.ready("10.42.0.99", "node-a")))));
  }

  @Test
  void fullScriptReplacesTheTableInOneTransaction() {
    List<String> l = lines(NftScripts.full(config, web(2)));
    assertEquals("add table ip kuark-proxy-test", l.get(0));
    assertEquals("delete table ip kuark-proxy-test", l.get(1));
    assertTrue(
        l.contains(
            "add chain ip kuark-proxy-test nat-prerouting { type nat hook prerouting priority dstnat; policy accept; }"));
    assertTrue(
        l.contains(
            "add rule ip kuark-proxy-test services ip daddr . meta l4proto . th dport vmap @service-ips"));
    assertTrue(
        l.contains(
            "add rule ip kuark-proxy-test services fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports"));
    assertTrue(l.contains("add rule ip kuark-proxy-test masquerading masquerade fully-random"));
    // Chains exist before any rule or element points at them.
    int lastChain = -1;
    int firstRule = Integer.MAX_VALUE;
    for (int i = 0; i < l.size(); i++) {
      if (l.get(i).startsWith("add chain ip kuark-proxy-test svc-")) {
        lastChain = i;
      }
      if (l.get(i).startsWith("add rule ip kuark-proxy-test svc-")) {
        firstRule = Math.min(firstRule, i);
      }
    }
    assertTrue(lastChain < firstRule);
    assertTrue(
        l.contains(
            "add rule ip kuark-proxy-test nat-postrouting ct status dnat ip saddr . ip daddr @hairpin-endpoints meta mark set meta mark | 0x4000"));
    assertTrue(
        l.contains(
            "add element ip kuark-proxy-test hairpin-endpoints { 10.42.0.5 . 10.42.0.5, 10.42.0.6 . 10.42.0.6, 10.42.0.99 . 10.42.0.99 }"),
        String.join("\n", l));
    assertTrue(
        l.contains("add element ip kuark-proxy-test cluster-ips { 10.43.0.20, 10.43.0.21 }"));
    // Without a service range, unallocated addresses are left alone.
    assertFalse(l.stream().anyMatch(s -> s.contains("10.43.0.0/16")));
    // Both Services dispatch through the shared pick chains; their endpoints are map elements.
    assertTrue(
        l.contains(
            "add element ip kuark-proxy-test service-ips { 10.43.0.20 . tcp . 80 : goto pick-2, 10.43.0.21 . tcp . 80 : goto pick-1 }"),
        String.join("\n", l));
    assertTrue(
        l.contains(
            "add element ip kuark-proxy-test service-endpoints { 10.43.0.20 . tcp . 80 . 0 : 10.42.0.5 . 8080, 10.43.0.20 . tcp . 80 . 1 : 10.42.0.6 . 8080, 10.43.0.21 . tcp . 80 . 0 : 10.42.0.99 . 8080 }"));
    assertTrue(
        l.contains(
            "add rule ip kuark-proxy-test pick-2 dnat ip to ip daddr . meta l4proto . th dport . numgen random mod 2 map @service-endpoints"));
    // Elements come after every chain they point at.
    assertTrue(
        indexOfPrefix(l, "add element ip kuark-proxy-test service-ips")
            > indexOfPrefix(l, "add chain ip kuark-proxy-test pick-64"));
  }

  @Test
  void unallocatedServiceAddressesAndUnknownPortsAreRejected() {
    ProxyConfig withRange =
        new ProxyConfig(
            "kuark-proxy-test",
            "node-a",
            List.of(),
            "10.42.0.0/16",
            "10.43.0.10",
            false,
            null,
            "10.43.0.0/16");
    List<String> l = lines(NftScripts.full(withRange, web(1)));
    assertTrue(
        l.contains(
            "add rule ip kuark-proxy-test service-endpoints-check ip daddr @cluster-ips reject"));
    // The cluster DNS address is served by the agent itself, never rejected.
    assertTrue(
        l.contains(
            "add rule ip kuark-proxy-test service-endpoints-check ip daddr 10.43.0.0/16 ip daddr != 10.43.0.10 reject"),
        String.join("\n", l));
  }

  static int indexOfPrefix(List<String> l, String prefix) {
    for (int i = 0; i < l.size(); i++) {
      if (l.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }
}
