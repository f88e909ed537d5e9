package io.kuark.agent.network.proxy;

import io.kuark.linux.ConntrackFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which UDP conntrack entries a Service change leaves pointing the wrong way, as upstream's
 * conntrack cleanup judges it. UDP has no connection end: a client that keeps sending keeps its
 * entry alive, so without a flush it would go on sending to a removed endpoint, or (after its first
 * packets were rejected while the Service had no endpoints) keep the rejected flow.
 */
final class StaleUdpFlows {
  private StaleUdpFlows() {}

  /**
   * @param before the Service's programmed rules, or null
   * @param after its new rules, or null when it is gone
   * @return filters for the entries to delete once the new rules are programmed
   */
  static List<ConntrackFilter> between(Ruleset before, Ruleset after) {
    Map<Ruleset.UdpDestination, Set<String>> was =
        before == null ? Map.of() : before.udpDestinations();
    Map<Ruleset.UdpDestination, Set<String>> now =
        after == null ? Map.of() : after.udpDestinations();
    List<ConntrackFilter> out = new ArrayList<>();
    for (var d : was.entrySet()) {
      Set<String> remaining = now.getOrDefault(d.getKey(), Set.of());
      for (String endpoint : d.getValue()) {
        if (!remaining.contains(endpoint)) {
          // Flows DNATed to an endpoint that no longer serves this destination.
          out.add(filter(d.getKey(), endpoint));
        }
      }
    }
    for (var d : now.entrySet()) {
      Set<String> previous = was.get(d.getKey());
      if (!d.getValue().isEmpty() && (previous == null || previous.isEmpty())) {
        // From none to some endpoints: flows recorded while nothing served it.
        out.add(filter(d.getKey(), null));
      }
    }
    return out;
  }

  private static ConntrackFilter filter(Ruleset.UdpDestination d, String endpoint) {
    return new ConntrackFilter(ConntrackFilter.UDP, d.address(), d.port(), endpoint);
  }
}
