package io.kuark.cni.result;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.cni.CniVersions;
import io.kuark.cni.config.IpNet;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The ADD result (spec 0.3.0 … 1.1.0): interfaces, IPs, routes and DNS, encoded per version (before
 * 1.0.0 every IP carries "version").
 */
public record CniResult(
    String cniVersion,
    List<Iface> interfaces,
    List<IpConfig> ips,
    List<RouteEntry> routes,
    Dns dns) {

  /** An interface the plugin created; {@code sandbox} is null for host interfaces. */
  public record Iface(String name, String mac, String sandbox) {}

  /** An address; {@code interfaceIndex} indexes {@link #interfaces()}, -1 when unset (IPAM). */
  public record IpConfig(IpNet address, InetAddress gateway, int interfaceIndex) {
    public boolean isV4() {
      return address.isV4();
    }
  }

  /** A route; {@code gw} may be null. */
  public record RouteEntry(IpNet dst, InetAddress gw) {}

  /** DNS settings; empty lists when unset. */
  public record Dns(
      List<String> nameservers, String domain, List<String> search, List<String> options) {
    public static final Dns EMPTY = new Dns(List.of(), null, List.of(), List.of());

    /** Parses a DNS object; null or non-objects give {@link #EMPTY}. */
    public static Dns fromJson(JsonNode node) {
      if (node == null || node.isNull() || !node.isObject()) {
        return EMPTY;
      }
      return new Dns(
          strings(node.get("nameservers")),
          node.hasNonNull("domain") ? node.get("domain").asText() : null,
          strings(node.get("search")),
          strings(node.get("options")));
    }
  }

  public ObjectNode toJson() {
    boolean withVersion = !CniVersions.atLeast(cniVersion, "1.0.0");
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("cniVersion", cniVersion);
    if (!interfaces.isEmpty()) {
      ArrayNode arr = root.putArray("interfaces");
      for (Iface i : interfaces) {
        ObjectNode o = arr.addObject().put("name", i.name());
        if (i.mac() != null && !i.mac().isEmpty()) {
          o.put("mac", i.mac());
        }
        if (i.sandbox() != null && !i.sandbox().isEmpty()) {
          o.put("sandbox", i.sandbox());
        }
      }
    }
    if (!ips.isEmpty()) {
      ArrayNode arr = root.putArray("ips");
      for (IpConfig ip : ips) {
        ObjectNode o = arr.addObject();
        if (withVersion) {
          o.put("version", ip.isV4() ? "4" : "6");
        }
        if (ip.interfaceIndex() >= 0) {
          o.put("interface", ip.interfaceIndex());
        }
        o.put("address", ip.address().toString());
        if (ip.gateway() != null) {
          o.put("gateway", IpNet.format(ip.gateway()));
        }
      }
    }
    if (!routes.isEmpty()) {
      ArrayNode arr = root.putArray("routes");
      for (RouteEntry r : routes) {
        ObjectNode o = arr.addObject().put("dst", r.dst().toString());
        if (r.gw() != null) {
          o.put("gw", IpNet.format(r.gw()));
        }
      }
    }
    ObjectNode d = root.putObject("dns");
    if (!dns.nameservers().isEmpty()) {
      dns.nameservers().forEach(d.putArray("nameservers")::add);
    }
    if (dns.domain() != null) {
      d.put("domain", dns.domain());
    }
    if (!dns.search().isEmpty()) {
      dns.search().forEach(d.putArray("search")::add);
    }
    if (!dns.options().isEmpty()) {
      dns.options().forEach(d.putArray("options")::add);
    }
    return root;
  }

  /** Parses a result (any supported version), e.g. a prevResult or a delegated IPAM's output. */
  public static CniResult fromJson(JsonNode node, String cniVersion) {
    List<Iface> ifaces = new ArrayList<>();
    for (JsonNode i : iter(node.get("interfaces"))) {
      ifaces.add(new Iface(i.path("name").asText(), text(i, "mac"), text(i, "sandbox")));
    }
    List<IpConfig> ips = new ArrayList<>();
    for (JsonNode ip : iter(node.get("ips"))) {
      ips.add(
          new IpConfig(
              IpNet.parse(ip.path("address").asText()),
              ip.hasNonNull("gateway") ? IpNet.parseIp(ip.get("gateway").asText()) : null,
              ip.has("interface") ? ip.get("interface").asInt() : -1));
    }
    List<RouteEntry> routes = new ArrayList<>();
    for (JsonNode r : iter(node.get("routes"))) {
      routes.add(
          new RouteEntry(
              IpNet.parse(r.path("dst").asText()),
              r.hasNonNull("gw") ? IpNet.parseIp(r.get("gw").asText()) : null));
    }
    return new CniResult(cniVersion, ifaces, ips, routes, Dns.fromJson(node.get("dns")));
  }

  private static String text(JsonNode n, String field) {
    return n.hasNonNull(field) ? n.get(field).asText() : null;
  }

  private static Iterable<JsonNode> iter(JsonNode n) {
    return n == null || !n.isArray() ? List.of() : n;
  }

  static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    for (JsonNode s : iter(n)) {
      out.add(s.asText());
    }
    return out;
  }
}
