package io.kuark.server.controller.endpoints;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.kuark.server.controller.runtime.Pods;
import io.kuark.server.controller.runtime.Selectors;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Which pods back a Service and how, shared by the EndpointSlice and Endpoints controllers. */
final class EndpointSelection {
  private EndpointSelection() {}

  /** Pods selected by {@code svc} that have an IP and are not finished, sorted by IP. */
  static List<PodEndpoint> select(Service svc, List<Pod> namespacePods) {
    boolean publishNotReady = Boolean.TRUE.equals(svc.getSpec().getPublishNotReadyAddresses());
    List<PodEndpoint> out = new ArrayList<>();
    for (Pod pod : namespacePods) {
      if (!Selectors.matchesMap(svc.getSpec().getSelector(), pod.getMetadata().getLabels())) {
        continue;
      }
      String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
      if (ip == null || ip.isEmpty() || Pods.isTerminal(pod)) {
        continue;
      }
      boolean terminating = pod.getMetadata().getDeletionTimestamp() != null;
      boolean podReady = Pods.isReady(pod);
      boolean serving = publishNotReady || podReady;
      boolean ready = publishNotReady || (podReady && !terminating);
      out.add(new PodEndpoint(pod, ip, ready, serving, terminating, resolvePorts(svc, pod)));
    }
    out.sort(
        Comparator.comparing(PodEndpoint::ip).thenComparing(e -> e.pod().getMetadata().getName()));
    return out;
  }

  static List<PodEndpoint.ResolvedPort> resolvePorts(Service svc, Pod pod) {
    List<PodEndpoint.ResolvedPort> ports = new ArrayList<>();
    if (svc.getSpec().getPorts() == null) {
      return ports;
    }
    for (ServicePort sp : svc.getSpec().getPorts()) {
      String protocol = sp.getProtocol() == null ? "TCP" : sp.getProtocol();
      Integer number = targetPort(sp, pod, protocol);
      if (number != null) {
        ports.add(
            new PodEndpoint.ResolvedPort(
                sp.getName() == null ? "" : sp.getName(), protocol, number, sp.getAppProtocol()));
      }
    }
    return ports;
  }

  /**
   * The pod's port for {@code sp}: a number as is, a name looked up in the containers, none → the
   * Service port.
   */
  private static Integer targetPort(ServicePort sp, Pod pod, String protocol) {
    IntOrString target = sp.getTargetPort();
    if (target == null) {
      return sp.getPort();
    }
    if (target.getIntVal() != null) {
      return target.getIntVal();
    }
    String name = target.getStrVal();
    if (name == null || name.isEmpty()) {
      return sp.getPort();
    }
    if (name.chars().allMatch(Character::isDigit)) {
      return Integer.parseInt(name);
    }
    for (Container c : pod.getSpec().getContainers()) {
      if (c.getPorts() == null) {
        continue;
      }
      for (ContainerPort cp : c.getPorts()) {
        String cpProto = cp.getProtocol() == null ? "TCP" : cp.getProtocol();
        if (name.equals(cp.getName()) && protocol.equals(cpProto)) {
          return cp.getContainerPort();
        }
      }
    }
    return null;
  }

  /** With no pods, ports cannot be resolved per pod; upstream then publishes an empty port list. */
  static List<PodEndpoint.ResolvedPort> resolvePortsForEmpty(Service svc) {
    return List.of();
  }
}
