package io.kuark.agent.network.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns {@link Ruleset}s into {@code nft -f} scripts. Every script is applied as one transaction,
 * so the table is never seen half-programmed. The layout follows upstream kube-proxy's nftables
 * mode: verdict maps keyed by address . protocol . port dispatch to one chain per service port, a
 * service chain picks an endpoint chain with {@code numgen random}, an endpoint chain DNATs.
 * Packets that need masquerading carry mark 0x4000 until postrouting.
 */
final class NftScripts {
  static final String MASQ_MARK = "0x4000";

  private NftScripts() {}

  /**
   * A script that replaces whatever table named {@code table} exists with the skeleton and {@code
   * rules} (add-then-delete makes the delete safe when the table is missing).
   */
  static String full(ProxyConfig config, Ruleset rules) {
    String t = "ip " + config.table();
    StringBuilder s = new StringBuilder(256 + rules.chains().size() * 128);
    s.append("add table ").append(t).append('\n');
    s.append("delete table ").append(t).append('\n');
    s.append(skeleton(config));
    for (var set : rules.sets().entrySet()) {
      s.append("add set ").append(t).append(' ').append(set.getKey()).append(' ');
      s.append(set.getValue()).append('\n');
    }
    for (String chain : rules.chains().keySet()) {
      s.append("add chain ").append(t).append(' ').append(chain).append('\n');
    }
    for (var chain : rules.chains().entrySet()) {
      appendRules(s, t, chain.getKey(), chain.getValue());
    }
    for (String map : Ruleset.MAPS) {
      appendElements(s, "add", t, map, new ArrayList<>(rules.elements(map).entrySet()), true);
    }
    return s.toString();
  }

  /** Deletes the table (for uninstall); tolerant of a missing table through add-then-delete. */
  static String deleteTable(String table) {
    return "add table ip " + table + "\ndelete table ip " + table + "\n";
  }

  /**
   * A script that turns the programmed {@code old} into {@code next}, touching only elements,
   * chains and sets that differ; empty when nothing changed. Order matters inside the transaction:
   * references are removed before what they point to, and targets exist before references.
   */
  static String diff(ProxyConfig config, Ruleset old, Ruleset next) {
    String t = "ip " + config.table();
    StringBuilder s = new StringBuilder();
    // 1. Map elements that go away or change their verdict.
    for (String map : Ruleset.MAPS) {
      List<Map.Entry<String, String>> gone = new ArrayList<>();
      Map<String, String> nextElements = next.elements(map);
      for (var e : old.elements(map).entrySet()) {
        if (!Objects.equals(nextElements.get(e.getKey()), e.getValue())) {
          gone.add(e);
        }
      }
      appendElements(s, "delete", t, map, gone, false);
    }
    // 2. New sets and chains, empty for now, so rules below may reference them.
    for (var set : next.sets().entrySet()) {
      if (!old.sets().containsKey(set.getKey())) {
        s.append("add set ").append(t).append(' ').append(set.getKey()).append(' ');
        s.append(set.getValue()).append('\n');
      }
    }
    for (String chain : next.chains().keySet()) {
      if (!old.chains().containsKey(chain)) {
        s.append("add chain ").append(t).append(' ').append(chain).append('\n');
      }
    }
    // 3. Rules of new chains and of chains whose rules changed.
    for (var chain : next.chains().entrySet()) {
      List<String> before = old.chains().get(chain.getKey());
      if (before == null) {
        appendRules(s, t, chain.getKey(), chain.getValue());
      } else if (!before.equals(chain.getValue())) {
        s.append("flush chain ").append(t).append(' ').append(chain.getKey()).append('\n');
        appendRules(s, t, chain.getKey(), chain.getValue());
      }
    }
    // 4. Chains and sets nothing references any more: empty them all, then delete.
    List<String> goneChains = new ArrayList<>();
    for (String chain : old.chains().keySet()) {
      if (!next.chains().containsKey(chain)) {
        goneChains.add(chain);
        s.append("flush chain ").append(t).append(' ').append(chain).append('\n');
      }
    }
    for (String chain : goneChains) {
      s.append("delete chain ").append(t).append(' ').append(chain).append('\n');
    }
    for (String set : old.sets().keySet()) {
      if (!next.sets().containsKey(set)) {
        s.append("delete set ").append(t).append(' ').append(set).append('\n');
      }
    }
    // 5. Map elements that are new or changed.
    for (String map : Ruleset.MAPS) {
      List<Map.Entry<String, String>> added = new ArrayList<>();
      Map<String, String> oldElements = old.elements(map);
      for (var e : next.elements(map).entrySet()) {
        if (!Objects.equals(oldElements.get(e.getKey()), e.getValue())) {
          added.add(e);
        }
      }
      appendElements(s, "add", t, map, added, true);
    }
    return s.toString();
  }

  /** Base chains, helper chains and map declarations: the part that never changes. */
  static String skeleton(ProxyConfig config) {
    String t = "ip " + config.table();
    String ipProtoPort = "{ type ipv4_addr . inet_proto . inet_service : verdict; }";
    String protoPort = "{ type inet_proto . inet_service : verdict; }";
    // NodePorts answer on every local address; 127.0.0.0/8 only when asked (route_localnet).
    String nodeAddress =
        config.localhostNodePorts()
            ? "fib daddr type local"
            : "fib daddr type local ip daddr != 127.0.0.0/8";
    StringBuilder s = new StringBuilder();
    s.append("add table ").append(t).append(" { comment \"kuark service proxy\"; }\n");
    s.append("add map ").append(t).append(' ').append(Ruleset.SERVICE_IPS).append(' ');
    s.append(ipProtoPort).append('\n');
    s.append("add map ").append(t).append(' ').append(Ruleset.NO_ENDPOINT_SERVICES).append(' ');
    s.append(ipProtoPort).append('\n');
    s.append("add map ").append(t).append(' ').append(Ruleset.SERVICE_NODEPORTS).append(' ');
    s.append(protoPort).append('\n');
    s.append("add map ").append(t).append(' ').append(Ruleset.NO_ENDPOINT_NODEPORTS).append(' ');
    s.append(protoPort).append('\n');
    chain(s, t, "mark-for-masquerade", null, "meta mark set meta mark | " + MASQ_MARK);
    chain(
        s,
        t,
        "masquerading",
        null,
        "meta mark & " + MASQ_MARK + " == 0 return",
        "meta mark set meta mark ^ " + MASQ_MARK,
        "masquerade fully-random");
    chain(s, t, "reject-chain", null, "reject");
    chain(
        s,
        t,
        "services",
        null,
        "ip daddr . meta l4proto . th dport vmap @" + Ruleset.SERVICE_IPS,
        nodeAddress + " meta l4proto . th dport vmap @" + Ruleset.SERVICE_NODEPORTS);
    chain(
        s,
        t,
        "service-endpoints-check",
        null,
        "ip daddr . meta l4proto . th dport vmap @" + Ruleset.NO_ENDPOINT_SERVICES);
    chain(
        s,
        t,
        "nodeport-endpoints-check",
        null,
        nodeAddress + " meta l4proto . th dport vmap @" + Ruleset.NO_ENDPOINT_NODEPORTS);
    chain(s, t, "nat-prerouting", "type nat hook prerouting priority dstnat", "jump services");
    chain(s, t, "nat-output", "type nat hook output priority -100", "jump services");
    chain(
        s, t, "nat-postrouting", "type nat hook postrouting priority srcnat", "jump masquerading");
    // Filter chains run after DNAT: what still has a service address had no endpoint.
    List<String> input = new ArrayList<>();
    if (config.localhostNodePorts()) {
      // route_localnet lets 127.0.0.0/8 be routed; like upstream (CVE-2020-8558) only the
      // node's own loopback traffic and our DNATed connections may use it.
      input.add("iifname != \"lo\" ip daddr 127.0.0.0/8 ct status & dnat == 0 drop");
    }
    input.add("ct state new jump nodeport-endpoints-check");
    input.add("ct state new jump service-endpoints-check");
    chain(
        s, t, "filter-input", "type filter hook input priority -10", input.toArray(String[]::new));
    chain(
        s,
        t,
        "filter-forward",
        "type filter hook forward priority -10",
        "ct state new jump service-endpoints-check");
    chain(
        s,
        t,
        "filter-output",
        "type filter hook output priority -10",
        "ct state new jump service-endpoints-check");
    return s.toString();
  }

  private static void chain(StringBuilder s, String t, String name, String hook, String... rules) {
    s.append("add chain ").append(t).append(' ').append(name);
    if (hook != null) {
      s.append(" { ").append(hook).append("; policy accept; }");
    }
    s.append('\n');
    appendRules(s, t, name, List.of(rules));
  }

  private static void appendRules(StringBuilder s, String t, String chain, List<String> rules) {
    for (String rule : rules) {
      s.append("add rule ").append(t).append(' ').append(chain).append(' ').append(rule);
      s.append('\n');
    }
  }

  private static void appendElements(
      StringBuilder s,
      String verb,
      String t,
      String map,
      List<Map.Entry<String, String>> elements,
      boolean withValue) {
    // Batches keep single lines short without costing extra transactions.
    for (int i = 0; i < elements.size(); i += 500) {
      s.append(verb).append(" element ").append(t).append(' ').append(map).append(" { ");
      List<Map.Entry<String, String>> batch =
          elements.subList(i, Math.min(i + 500, elements.size()));
      for (int j = 0; j < batch.size(); j++) {
        if (j > 0) {
          s.append(", ");
        }
        s.append(batch.get(j).getKey());
        if (withValue) {
          s.append(" : ").append(batch.get(j).getValue());
        }
      }
      s.append(" }\n");
    }
  }
}
