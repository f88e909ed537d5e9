package io.kuark.agent.network.proxy;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.List;
import java.util.Map;

/** Fabric8 Service and EndpointSlice objects as the API server would deliver them (tests). */
final class ProxyObjects {
  private ProxyObjects() {}

  static ServiceBuilder service(String ns, String name, String clusterIp, String proto, int port) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .withCreationTimestamp("2026-11-27T07:00:00Z")
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withClusterIP(clusterIp)
        .addNewPort()
        .withName("http")
        .withProtocol(proto)
        .withPort(port)
        .endPort()
        .endSpec();
  }

  /** An endpoint: address, node, ready, serving, terminating. */
  record Ep(String ip, String node, boolean ready, boolean serving, boolean terminating) {
    static Ep ready(String ip, String node) {
      return new Ep(ip, node, true, true, false);
    }
  }

  static EndpointSlice slice(String ns, String service, String proto, int port, List<Ep> eps) {
    EndpointSliceBuilder b =
        new EndpointSliceBuilder()
            .withNewMetadata()
            .withNamespace(ns)
            .withName(service + "-abcde")
            .withLabels(Map.of("kubernetes.io/service-name", service))
            .endMetadata()
            .withAddressType("IPv4")
            .addNewPort()
            .withName("http")
            .withProtocol(proto)
            .withPort(port)
            .endPort();
    for (Ep e : eps) {
      b.addNewEndpoint()
          .withAddresses(e.ip())
          .withNodeName(e.node())
          .withNewConditions()
          .withReady(e.ready())
          .withServing(e.serving())
          .withTerminating(e.terminating())
          .endConditions()
          .endEndpoint();
    }
    return b.build();
  }

  static Service clusterIp(String name, String ip) {
    return service("default", name, ip, "TCP", 80).build();
  }
}
