package io.kuark.server.scheduler.plugins;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kuark.server.controller.runtime.Selectors;
import io.kuark.server.scheduler.framework.NodeInfo;
import io.kuark.server.scheduler.framework.PodInfo;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** Counting pods per topology domain (the value of a node label), shared by spread and affinity. */
final class TopologyDomains {
  private TopologyDomains() {}

  static String value(Node node, String key) {
    Map<String, String> labels = node.getMetadata().getLabels();
    return labels == null ? null : labels.get(key);
  }

  /** True when {@code pod} is in one of {@code namespaces} and matches {@code selector}. */
  static boolean matches(Pod pod, Collection<String> namespaces, LabelSelector selector) {
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      return false;
    }
    if (namespaces != null && !namespaces.contains(pod.getMetadata().getNamespace())) {
      return false;
    }
    return Selectors.matches(selector, pod.getMetadata().getLabels());
  }

  /** Matching pods per value of {@code key} over {@code nodes} (nodes without the key skipped). */
  static Map<String, Integer> count(
      Iterable<NodeInfo> nodes, String key, Collection<String> namespaces, LabelSelector selector) {
    Map<String, Integer> counts = new HashMap<>();
    for (NodeInfo n : nodes) {
      String v = value(n.node(), key);
      if (v == null) {
        continue;
      }
      int c = 0;
      for (PodInfo p : n.pods()) {
        if (matches(p.pod, namespaces, selector)) {
          c++;
        }
      }
      counts.merge(v, c, Integer::sum);
    }
    return counts;
  }
}
