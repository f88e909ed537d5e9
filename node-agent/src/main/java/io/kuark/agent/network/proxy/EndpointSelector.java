package io.kuark.agent.network.proxy;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Picks the backends of one service port from the Service's EndpointSlices, with upstream's rules:
 * ready endpoints serve; only when none is ready, endpoints that are serving but terminating do (so
 * connections drain gracefully during a rollout). IPv4 slices only.
 */
final class EndpointSelector {
  private EndpointSelector() {}

  /**
   * @param portName the Service port's name ("" for an unnamed single port)
   * @param protocol TCP, UDP or SCTP
   * @param nodeName this node, to flag local endpoints
   * @return the usable endpoints, sorted and without duplicates (an address may appear in two
   *     slices during a slice rebalance)
   */
  static List<Endpoint> select(
      List<EndpointSlice> slices, String portName, String protocol, String nodeName) {
    TreeSet<Endpoint> ready = new TreeSet<>();
    TreeSet<Endpoint> terminating = new TreeSet<>();
    for (EndpointSlice slice : slices) {
      if (!"IPv4".equals(slice.getAddressType()) || slice.getEndpoints() == null) {
        continue;
      }
      Integer port = portNumber(slice, portName, protocol);
      if (port == null) {
        continue;
      }
      for (var endpoint : slice.getEndpoints()) {
        if (endpoint.getAddresses() == null || endpoint.getAddresses().isEmpty()) {
          continue;
        }
        EndpointConditions c = endpoint.getConditions();
        // Unset conditions mean "ready" / "serving = ready" / "not terminating" (discovery/v1).
        boolean isReady = c == null || c.getReady() == null || c.getReady();
        boolean serving = c == null || c.getServing() == null ? isReady : c.getServing();
        boolean isTerminating = c != null && Boolean.TRUE.equals(c.getTerminating());
        Endpoint e =
            new Endpoint(
                endpoint.getAddresses().get(0), port, nodeName.equals(endpoint.getNodeName()));
        if (isReady && !isTerminating) {
          ready.add(e);
        } else if (serving && isTerminating) {
          terminating.add(e);
        }
      }
    }
    return new ArrayList<>(ready.isEmpty() ? terminating : ready);
  }

  private static Integer portNumber(EndpointSlice slice, String portName, String protocol) {
    if (slice.getPorts() == null) {
      return null;
    }
    for (EndpointPort p : slice.getPorts()) {
      String name = p.getName() == null ? "" : p.getName();
      String proto = p.getProtocol() == null ? "TCP" : p.getProtocol();
      if (name.equals(portName) && proto.equals(protocol) && p.getPort() != null) {
        return p.getPort();
      }
    }
    return null;
  }

  /** Whether {@code slice} belongs to the Service {@code namespace/name}. */
  static boolean belongsTo(EndpointSlice slice, String namespace, String name) {
    return Objects.equals(slice.getMetadata().getNamespace(), namespace)
        && slice.getMetadata().getLabels() != null
        && name.equals(slice.getMetadata().getLabels().get("kubernetes.io/service-name"));
  }
}
