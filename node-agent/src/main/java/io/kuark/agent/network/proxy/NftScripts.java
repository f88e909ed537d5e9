package io.kuark.agent.network.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns {@link Ruleset}s into {@code nft -f} scripts. Every script is applied as one transaction,
 * so the table is never seen half-programmed. The layout follows upstream kube-proxy's nftables
 * mode: verdict maps keyed by address . protocol . port dispatch to one chain per service port, a
 * service chain picks an endpoint with a {@code numgen random} cascade and DNATs. Packets that need
 * masquerading carry mark 0x4000 until postrouting.
 */
final class NftScripts {
  static final String MASQ_MARK = "0x4000";

  /** Services with up to this many endpoints (and no special policy) use a shared pick chain. */
  static final int MAX_SHARED_PICK = 64;

  /** The shared chain that picks one of {@code n} endpoints from the service-endpoints map. */
  static String pickChain(int n) {
    return "pick-" + n;
  }

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
    appendElements(s, "add", t, Ruleset.HAIRPIN, present(rules.hairpinIps(), true), false);
    appendElements(s, "add", t, Ruleset.CLUSTER_IPS, present(rules.clusterIps(), false), false);
    return s.toString();
  }

  private static List<Map.Entry<String, String>> present(Iterable<String> ips, boolean pair) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    for (String ip : ips) {
      out.add(Map.entry(pair ? ip + " . " + ip : ip, NftTransaction.PRESENT));
    }
    return out;
  }

  /** Deletes the table (for uninstall); tolerant of a missing table through add-then-delete. */
  static String deleteTable(String table) {
    return "add table ip " + table + "\ndelete table ip " + table + "\n";
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
    s.append("add set ").append(t).append(' ').append(Ruleset.HAIRPIN);
    s.append(" { type ipv4_addr . ipv4_addr; }\n");
    s.append("add set ").append(t).append(' ').append(Ruleset.CLUSTER_IPS);
    s.append(" { type ipv4_addr; }\n");
    chain(
        s,
        t,
        "masquerading",
        null,
        "meta mark & " + MASQ_MARK + " == 0 return",
        "meta mark set meta mark ^ " + MASQ_MARK,
        "masquerade fully-random");
    chain(s, t, "reject-chain", null, "reject");
    s.append("add map ").append(t).append(' ').append(Ruleset.SERVICE_ENDPOINTS);
    s.append(
        " { typeof ip daddr . meta l4proto . th dport . numgen random mod 1 : ip daddr . th dport;"
            + " }\n");
    for (int n = 1; n <= MAX_SHARED_PICK; n++) {
      chain(
          s,
          t,
          pickChain(n),
          null,
          "ip saddr != " + config.clusterCidr() + " " + RulesetBuilder.MARK_MASQ,
          "dnat ip to ip daddr . meta l4proto . th dport . numgen random mod "
              + n
              + " map @"
              + Ruleset.SERVICE_ENDPOINTS);
    }
    chain(
        s,
        t,
        "services",
        null,
        "ip daddr . meta l4proto . th dport vmap @" + Ruleset.SERVICE_IPS,
        nodeAddress + " meta l4proto . th dport vmap @" + Ruleset.SERVICE_NODEPORTS);
    List<String> check = new ArrayList<>();
    check.add("ip daddr . meta l4proto . th dport vmap @" + Ruleset.NO_ENDPOINT_SERVICES);
    // Still a ClusterIP after DNAT: a port the Service does not have. Reject (as upstream) rather
    // than let the client wait for a time-out.
    check.add("ip daddr @" + Ruleset.CLUSTER_IPS + " reject");
    if (config.serviceCidr() != null) {
      // An unallocated address of the service range: nothing will ever answer there.
      check.add(
          "ip daddr " + config.serviceCidr() + " ip daddr != " + config.clusterDns() + " reject");
    }
    chain(s, t, "service-endpoints-check", null, check.toArray(String[]::new));
    chain(
        s,
        t,
        "nodeport-endpoints-check",
        null,
        nodeAddress + " meta l4proto . th dport vmap @" + Ruleset.NO_ENDPOINT_NODEPORTS);
    chain(s, t, "nat-prerouting", "type nat hook prerouting priority dstnat", "jump services");
    chain(s, t, "nat-output", "type nat hook output priority -100", "jump services");
    chain(
        s,
        t,
        "nat-postrouting",
        "type nat hook postrouting priority srcnat",
        // Hairpin: a pod DNATed to itself must see the reply come from elsewhere, so masquerade.
        "ct status dnat ip saddr . ip daddr @" + Ruleset.HAIRPIN + " " + RulesetBuilder.MARK_MASQ,
        "jump masquerading");
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
    NftTransaction.appendRules(s, t, chain, rules);
  }

  private static void appendElements(
      StringBuilder s,
      String verb,
      String t,
      String map,
      List<Map.Entry<String, String>> elements,
      boolean withValue) {
    NftTransaction.appendElements(s, verb, t, map, elements, withValue);
  }
}
