package io.kuark.agent.network.proxy;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The per-service part of the proxy table as data: regular chains with their rules, affinity sets,
 * and the elements of the dispatch maps. The fixed skeleton (base chains, map declarations) is in
 * {@link NftScripts}. Two rulesets are compared by {@link NftScripts#diff} to program only what
 * changed.
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

  static final List<String> MAPS =
      List.of(SERVICE_IPS, SERVICE_NODEPORTS, NO_ENDPOINT_SERVICES, NO_ENDPOINT_NODEPORTS);

  private final Map<String, List<String>> chains = new TreeMap<>();
  private final Map<String, String> sets = new TreeMap<>();
  private final Map<String, Map<String, String>> maps = new TreeMap<>();

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
