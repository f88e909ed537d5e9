package io.kuark.agent.network.dns;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.List;

/**
 * The cluster objects DNS answers come from (informer caches in the agent, plain maps in tests).
 * Every method reads the current state; nothing is cached by callers.
 */
public interface ClusterView {

  /**
   * True once the first list of every watched kind has arrived (before that, misses are SERVFAIL).
   */
  boolean synced();

  boolean namespaceExists(String namespace);

  /** The Service or null. */
  Service service(String namespace, String name);

  /** EndpointSlices labelled {@code kubernetes.io/service-name=<service>} in the namespace. */
  List<EndpointSlice> endpointSlices(String namespace, String service);

  /** Services whose {@code spec.clusterIPs} contain {@code ip} (textual, canonical form). */
  List<Service> servicesWithClusterIp(String ip);

  /** EndpointSlices with an endpoint address equal to {@code ip} (canonical form). */
  List<EndpointSlice> endpointSlicesWithAddress(String ip);
}
