package io.kuark.agent.network;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of a CNI ADD result the agent uses: the pod's IP addresses (without prefix length), IPv4
 * first as Kubernetes lists them. Accepts the 0.3+ {@code ips} list and the 0.2 {@code ip4/ip6}
 * objects.
 *
 * @param ips pod IP addresses
 * @param raw the full result (kept as {@code prevResult} for DEL)
 */
public record CniResult(List<String> ips, JsonNode raw) {

  /** Parses a result document; a result without addresses gives an empty list. */
  public static CniResult parse(JsonNode result) {
    List<String> v4 = new ArrayList<>();
    List<String> v6 = new ArrayList<>();
    for (JsonNode ip : result.path("ips")) {
      add(ip.path("address").asText(""), v4, v6);
    }
    add(result.path("ip4").path("ip").asText(""), v4, v6);
    add(result.path("ip6").path("ip").asText(""), v4, v6);
    List<String> all = new ArrayList<>(v4);
    all.addAll(v6);
    return new CniResult(List.copyOf(all), result);
  }

  private static void add(String cidr, List<String> v4, List<String> v6) {
    if (cidr.isEmpty()) {
      return;
    }
    int slash = cidr.indexOf('/');
    String address = slash < 0 ? cidr : cidr.substring(0, slash);
    List<String> target = address.contains(":") ? v6 : v4;
    if (!target.contains(address)) {
      target.add(address);
    }
  }

  /** The primary pod IP, or null. */
  public String primaryIp() {
    return ips.isEmpty() ? null : ips.get(0);
  }
}
