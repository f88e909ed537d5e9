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
      if (l.get(i).startsWith("add chain ip kuark-proxy-test svc-")
          || l.get(i).startsWith("add chain ip kuark-proxy-test ep-")) {
        lastChain = i;
      }
      if (l.get(i).startsWith("add rule ip kuark-proxy-test svc-")) {
        firstRule = Math.min(firstRule, i);
      }
    }
    assertTrue(lastChain < firstRule);
    String elements = l.get(l.size() - 1);
    assertTrue(
        elements.startsWith(
                "add element ip kuark-proxy-test service-ips { 10.43.0.20 . tcp . 80 : goto svc-")
            || elements.startsWith("add element ip kuark-proxy-test service-ips { 10.43.0.21"),
        elements);
  }

  @Test
  void diffTouchesOnlyTheChangedService() {
    Ruleset three = web(3);
    Ruleset one = web(1);
    List<String> l = lines(NftScripts.diff(config, three, one));
    // The service chain is rewritten, two endpoint chains go, the other service is untouched.
    long flushed =
        l.stream().filter(s -> s.startsWith("flush chain ip kuark-proxy-test svc-")).count();
    assertEquals(1, flushed);
    assertEquals(
        2, l.stream().filter(s -> s.startsWith("delete chain ip kuark-proxy-test ep-")).count());
    assertFalse(l.stream().anyMatch(s -> s.contains("10_42_0_99")), String.join("\n", l));
    assertFalse(l.stream().anyMatch(s -> s.contains("element")), "map elements unchanged");
    int flush = indexOfPrefix(l, "flush chain ip kuark-proxy-test svc-");
    int delete = indexOfPrefix(l, "delete chain");
    assertTrue(flush < delete, "references go before their targets");

    assertEquals("", NftScripts.diff(config, one, web(1)));

    List<String> toNone = lines(NftScripts.diff(config, one, web(0)));
    int delElement =
        indexOfPrefix(
            toNone, "delete element ip kuark-proxy-test service-ips { 10.43.0.20 . tcp . 80 }");
    int delChain = indexOfPrefix(toNone, "delete chain ip kuark-proxy-test svc-");
    int addReject =
        indexOfPrefix(
            toNone,
            "add element ip kuark-proxy-test no-endpoint-services { 10.43.0.20 . tcp . 80 : goto reject-chain }");
    assertTrue(
        delElement >= 0 && delElement < delChain && delChain < addReject,
        String.join("\n", toNone));
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
