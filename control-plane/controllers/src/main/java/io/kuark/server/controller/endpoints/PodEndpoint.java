package io.kuark.server.controller.endpoints;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * A pod as an endpoint of one Service: its IP, upstream's ready/serving/terminating conditions and
 * the Service ports resolved against its containers (named target ports differ per pod).
 */
record PodEndpoint(
    Pod pod,
    String ip,
    boolean ready,
    boolean serving,
    boolean terminating,
    List<ResolvedPort> ports) {

  /** A Service port resolved to a container port number. */
  record ResolvedPort(String name, String protocol, int port, String appProtocol) {}
}
