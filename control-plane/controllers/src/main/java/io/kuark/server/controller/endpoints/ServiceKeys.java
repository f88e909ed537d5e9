package io.kuark.server.controller.endpoints;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.kuark.server.controller.runtime.Controller;
import io.kuark.server.controller.runtime.Handlers;
import io.kuark.server.controller.runtime.Keys;
import io.kuark.server.controller.runtime.Selectors;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Finds the Services whose selector picks a pod (before or after a change). */
final class ServiceKeys {
  private ServiceKeys() {}

  /**
   * Pod events for controllers keyed by Service: enqueue every Service selecting the pod, before
   * and after an update that changes what endpoints depend on.
   */
  static ResourceEventHandler<Pod> podHandler(Lister<Service> services, Controller controller) {
    return Handlers.of(
        p -> selecting(services, p).forEach(controller::enqueue),
        (o, p) -> {
          if (endpointRelevant(o, p)) {
            selecting(services, o).forEach(controller::enqueue);
            selecting(services, p).forEach(controller::enqueue);
          }
        },
        p -> selecting(services, p).forEach(controller::enqueue));
  }

  static Set<String> selecting(Lister<Service> services, Pod pod) {
    Set<String> keys = new LinkedHashSet<>();
    Map<String, String> labels = pod.getMetadata().getLabels();
    for (Service s : services.namespace(pod.getMetadata().getNamespace()).list()) {
      if (s.getSpec() != null && Selectors.matchesMap(s.getSpec().getSelector(), labels)) {
        keys.add(Keys.of(s));
      }
    }
    return keys;
  }

  /** True when an update changes anything endpoints depend on. */
  static boolean endpointRelevant(Pod old, Pod pod) {
    return !Objects.equals(old.getMetadata().getLabels(), pod.getMetadata().getLabels())
        || !Objects.equals(
            old.getMetadata().getDeletionTimestamp(), pod.getMetadata().getDeletionTimestamp())
        || !Objects.equals(podIp(old), podIp(pod))
        || !Objects.equals(old.getSpec().getNodeName(), pod.getSpec().getNodeName())
        || io.kuark.server.controller.runtime.Pods.isReady(old)
            != io.kuark.server.controller.runtime.Pods.isReady(pod)
        || io.kuark.server.controller.runtime.Pods.isTerminal(old)
            != io.kuark.server.controller.runtime.Pods.isTerminal(pod);
  }

  private static String podIp(Pod p) {
    return p.getStatus() == null ? null : p.getStatus().getPodIP();
  }
}
