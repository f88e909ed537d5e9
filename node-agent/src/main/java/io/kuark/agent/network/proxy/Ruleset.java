package io.kuark.agent.network.proxy;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The per-service part of the proxy table as data: regular chains with their rules, affinity sets,
 * the elements of the dispatch maps and the endpoint addresses that need hairpin masquerading. One
 * Service renders into one Ruleset ({@link RulesetBuilder#render}); {@link ProxyTable} keeps them
 * per Service and merges them. The fixed skeleton (base chains, map declarations) is in {@link
 * NftScripts}.
 */
final class Ruleset {
  /** Map of ClusterIP / external IP / LoadBalancer IP . proto . port to a service chain. */
  static final String SERVICE_IPS = "service-ips";

  /** Map of proto . NodePort to a service's external chain. */
  static final String SERVICE_NODEPORTS = "service-nodeports";

  /** Map of IP . proto . port of services without endpoints to the reject chain. */
  static final String NO_ENDPOINT_SERVICES = "no-endpoint-services";

  /** Map of proto . NodePort of services without endpoints to the reject chain. */
  static final String NO_ENDPOINT_NODEPORTS = "no-endpoint-nodeports";

  /**
   * Set of {@code ip . ip} pairs, one per endpoint address: a connection DNATed from a pod back to
   * itself matches {@code ip saddr . ip daddr} there and is masqueraded (hairpin).
   */
  static final String HAIRPIN = "hairpin-endpoints";

  /** Set of the ClusterIPs this proxy serves: other ports there are rejected. */
  static final String CLUSTER_IPS = "cluster-ips";

  /**
   * Map of ClusterIP . proto . port . endpoint index to endpoint address . port, for the Services
   * dispatched through a shared pick chain (one ClusterIP owns its keys).
   */
  static final String SERVICE_ENDPOINTS = "service-endpoints";

  static final List<String> MAPS =
      List.of(
          SERVICE_IPS,
          SERVICE_NODEPORTS,
          NO_ENDPOINT_SERVICES,
          NO_ENDPOINT_NODEPORTS,
          SERVICE_ENDPOINTS);

  private final Map<String, List<String>> chains = new TreeMap<>();
  private final Map<String, String> sets = new TreeMap<>();
  private final Map<String, Map<String, String>> maps = new TreeMap<>();
  private final Set<String> hairpin = new TreeSet<>();
  private final Set<String> clusterIps = new TreeSet<>();
  private final Map<UdpDestination, Set<String>> udp = new TreeMap<>();

  /**
   * A UDP address clients send to: a service address and port, or (address null) a node port on
   * every node address.
   */
  record UdpDestination(String address, int port) implements Comparable<UdpDestination> {
    @Override
    public int compareTo(UdpDestination o) {
      return toString().compareTo(o.toString());
    }
  }

  Ruleset() {
    for (String map : MAPS) {
      maps.put(map, new TreeMap<>());
    }
  }

  void chain(String name, List<String> rules) {
    chains.put(name, List.copyOf(rules));
  }

  void set(String name, String definition) {
    sets.put(name, definition);
  }

  /** Adds {@code key : verdict} to {@code map} unless the key is taken; returns whether added. */
  boolean element(String map, String key, String verdict) {
    return maps.get(map).putIfAbsent(key, verdict) == null;
  }

  /** Records an endpoint address that must be masqueraded when it reaches itself. */
  void hairpin(String ip) {
    hairpin.add(ip);
  }

  /** Records a ClusterIP this proxy serves (some port of it). */
  void clusterIp(String ip) {
    clusterIps.add(ip);
  }

  /** Records the endpoint addresses behind a UDP destination (empty: rejected for now). */
  void udpDestination(String address, int port, Set<String> endpointIps) {
    udp.put(new UdpDestination(address, port), Set.copyOf(endpointIps));
  }

  /** UDP destinations with their endpoint addresses: what stale conntrack entries are judged by. */
  Map<UdpDestination, Set<String>> udpDestinations() {
    return Collections.unmodifiableMap(udp);
  }

  Set<String> hairpinIps() {
    return Collections.unmodifiableSet(hairpin);
  }

  Set<String> clusterIps() {
    return Collections.unmodifiableSet(clusterIps);
  }

  Map<String, List<String>> chains() {
    return Collections.unmodifiableMap(chains);
  }

  Map<String, String> sets() {
    return Collections.unmodifiableMap(sets);
  }

  Map<String, String> elements(String map) {
    return Collections.unmodifiableMap(maps.get(map));
  }
}
