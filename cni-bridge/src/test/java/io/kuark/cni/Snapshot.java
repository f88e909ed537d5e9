package io.kuark.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a plugin left behind, seen through iproute2 (the independent oracle) and /proc/sys, with
 * random names and MACs replaced by stable placeholders so two runs can be compared.
 */
final class Snapshot {
  static final ObjectMapper JSON =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  private static final Pattern MAC = Pattern.compile("\\b([0-9a-f]{2}:){5}[0-9a-f]{2}\\b");
  private static final Pattern HOST_VETH = Pattern.compile("\\bveth[0-9a-f]{8}\\b");
  private static final List<String> LINK_KEYS =
      List.of(
          "ifname",
          "flags",
          "mtu",
          "qdisc",
          "linkmode",
          "group",
          "txqlen",
          "link_type",
          "address",
          "master",
          "promiscuity",
          "allmulti",
          "num_tx_queues",
          "num_rx_queues");
  private static final List<String> SLAVE_KEYS =
      List.of(
          "state", "hairpin", "guard", "root_block", "fastleave", "learning", "flood", "isolated");
  private static final List<String> BRIDGE_KEYS =
      List.of("stp_state", "vlan_filtering", "mcast_snooping");
  private static final List<String> ADDR_KEYS =
      List.of(
          "family", "local", "prefixlen", "broadcast", "scope", "noprefixroute", "nodad", "label");
  private static final List<String> ROUTE_KEYS =
      List.of(
          "type",
          "dst",
          "gateway",
          "dev",
          "protocol",
          "scope",
          "metric",
          "flags",
          "prefsrc",
          "table",
          "pref");

  private Snapshot() {}

  /** Links, addresses, routes and sysctls of one namespace, still with real names. */
  static ObjectNode namespace(Path ns, List<String> sysctls) throws Exception {
    ObjectNode out = JSON.createObjectNode();
    ArrayNode links = out.putArray("links");
    for (JsonNode l : JSON.readTree(TestHost.in(ns, "ip", "-d", "-j", "link", "show"))) {
      ObjectNode o = pick(l, LINK_KEYS);
      // Carrier and operstate settle asynchronously in the kernel (linkwatch): not comparable.
      ArrayNode flags = o.putArray("flags");
      for (JsonNode f : l.path("flags")) {
        if (!List.of("LOWER_UP", "NO-CARRIER", "M-DOWN").contains(f.asText())) {
          flags.add(f);
        }
      }
      JsonNode info = l.path("linkinfo");
      o.put("kind", info.path("info_kind").asText(""));
      o.put("slave_kind", info.path("info_slave_kind").asText(""));
      if (info.has("info_slave_data")) {
        o.set("slave", pick(info.get("info_slave_data"), SLAVE_KEYS));
      }
      if ("bridge".equals(info.path("info_kind").asText())) {
        o.set("bridge", pick(info.path("info_data"), BRIDGE_KEYS));
      }
      links.add(o);
    }
    ArrayNode addrs = out.putArray("addresses");
    for (JsonNode l : JSON.readTree(TestHost.in(ns, "ip", "-j", "addr", "show"))) {
      for (JsonNode a : l.path("addr_info")) {
        if ("link".equals(a.path("scope").asText())) {
          continue; // IPv6 link-local addresses derive from the random MACs
        }
        ObjectNode o = pick(a, ADDR_KEYS);
        o.put("dev", l.path("ifname").asText());
        addrs.add(o);
      }
    }
    List<String> routes = new ArrayList<>();
    for (String family : List.of("-4", "-6")) {
      for (JsonNode r :
          JSON.readTree(TestHost.in(ns, "ip", "-j", family, "route", "show", "table", "all"))) {
        if (r.path("dst").asText().startsWith("fe80")
            || "local".equals(r.path("type").asText())
            || "multicast".equals(r.path("type").asText())) {
          continue;
        }
        if ("local".equals(r.path("table").asText())) {
          continue; // kernel-maintained, follows carrier
        }
        ObjectNode o = pick(r, ROUTE_KEYS);
        ArrayNode rflags = o.putArray("flags");
        for (JsonNode f : r.path("flags")) {
          if (!"linkdown".equals(f.asText())) {
            rflags.add(f);
          }
        }
        routes.add(JSON.writeValueAsString(o));
      }
    }
    routes.sort(null);
    ArrayNode routeArr = out.putArray("routes");
    for (String r : routes) {
      routeArr.add(JSON.readTree(r));
    }
    ObjectNode sys = out.putObject("sysctls");
    for (String key : sysctls) {
      String value;
      try {
        value = Linux().sysctl().getInNetns(ns, key);
      } catch (RuntimeException e) {
        value = "<missing>";
      }
      sys.put(key, value);
    }
    return out;
  }

  private static io.kuark.linux.Linux Linux() {
    return io.kuark.linux.Linux.get();
  }

  /** The IPAM files of a network: name → content. */
  static Map<String, String> ipamFiles(Path dataDir, String network) throws Exception {
    Map<String, String> out = new TreeMap<>();
    Path dir = dataDir.resolve(network);
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        out.put(f.getFileName().toString(), Files.readString(f));
      }
    }
    return out;
  }

  /**
   * Replaces the bridge name, host veth names and MACs (in order of first appearance) with
   * placeholders and returns canonical JSON text.
   */
  static String normalize(
      JsonNode node, String bridge, String network, Path dir, boolean anonymousMacs)
      throws Exception {
    String text =
        JSON.writerWithDefaultPrettyPrinter()
            .writeValueAsString(JSON.treeToValue(node, Object.class));
    text =
        text.replace(dir.toString(), "TESTDIR")
            .replace(bridge, "BRIDGE")
            .replace(network, "NETWORK");
    text = replaceInOrder(HOST_VETH, text, "VETH");
    if (anonymousMacs) {
      // Which port's MAC an unpinned bridge adopts depends on the random MACs: not comparable.
      return MAC.matcher(text)
          .replaceAll(
              m ->
                  m.group().equals("ff:ff:ff:ff:ff:ff") || m.group().equals("00:00:00:00:00:00")
                      ? m.group()
                      : "MAC");
    }
    text = replaceInOrder(MAC, text, "MAC");
    return text;
  }

  private static String replaceInOrder(Pattern p, String text, String prefix) {
    Map<String, String> seen = new LinkedHashMap<>();
    Matcher m = p.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String found = m.group();
      if (found.equals("ff:ff:ff:ff:ff:ff") || found.equals("00:00:00:00:00:00")) {
        m.appendReplacement(sb, found);
        continue;
      }
      String token = seen.computeIfAbsent(found, k -> prefix + seen.size());
      m.appendReplacement(sb, token);
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private static ObjectNode pick(JsonNode from, List<String> keys) {
    ObjectNode o = JSON.createObjectNode();
    for (String k : keys) {
      if (from.has(k)) {
        o.set(k, from.get(k));
      }
    }
    return o;
  }
}
