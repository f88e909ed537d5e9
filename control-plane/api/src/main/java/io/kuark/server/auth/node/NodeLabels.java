package io.kuark.server.auth.node;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which labels a node may set on its own Node (upstream's NodeRestriction label policy): nothing
 * under {@code node-restriction.kubernetes.io/}, and under the {@code kubernetes.io} and {@code
 * k8s.io} namespaces only the labels kubelets own (hostname, os, arch, instance type, topology and
 * failure-domain region/zone, and the {@code kubelet.kubernetes.io} and {@code node.kubernetes.io}
 * namespaces). Other labels are free: they cannot steer privileged workloads by convention.
 */
final class NodeLabels {

  private static final Set<String> KUBELET_LABELS =
      Set.of(
          "kubernetes.io/hostname",
          "topology.kubernetes.io/zone",
          "topology.kubernetes.io/region",
          "failure-domain.beta.kubernetes.io/zone",
          "failure-domain.beta.kubernetes.io/region",
          "beta.kubernetes.io/instance-type",
          "node.kubernetes.io/instance-type",
          "kubernetes.io/os",
          "kubernetes.io/arch",
          "beta.kubernetes.io/os",
          "beta.kubernetes.io/arch");

  private static final Set<String> KUBELET_NAMESPACES =
      Set.of("kubelet.kubernetes.io", "node.kubernetes.io");

  private NodeLabels() {}

  /** Labels added, removed or changed between {@code before} (empty on create) and {@code now}. */
  static Set<String> modified(Map<String, String> now, Map<String, String> before) {
    Set<String> out = new TreeSet<>();
    for (Map.Entry<String, String> e : now.entrySet()) {
      if (!Objects.equals(e.getValue(), before.get(e.getKey()))) {
        out.add(e.getKey());
      }
    }
    for (String key : before.keySet()) {
      if (!now.containsKey(key)) {
        out.add(key);
      }
    }
    return out;
  }

  /** The labels of {@code modified} a node may not set, sorted. */
  static Set<String> forbidden(Set<String> modified) {
    Set<String> out = new TreeSet<>();
    for (String label : modified) {
      String ns = namespace(label);
      if (inNamespace(ns, "node-restriction.kubernetes.io")) {
        out.add(label);
      } else if ((inNamespace(ns, "kubernetes.io") || inNamespace(ns, "k8s.io"))
          && !kubeletLabel(label, ns)) {
        out.add(label);
      }
    }
    return out;
  }

  private static boolean kubeletLabel(String label, String ns) {
    if (KUBELET_LABELS.contains(label)) {
      return true;
    }
    for (String allowed : KUBELET_NAMESPACES) {
      if (inNamespace(ns, allowed)) {
        return true;
      }
    }
    return false;
  }

  /** {@code ns} is {@code domain} or a subdomain of it. */
  private static boolean inNamespace(String ns, String domain) {
    return ns.equals(domain) || ns.endsWith("." + domain);
  }

  private static String namespace(String label) {
    int slash = label.indexOf('/');
    return slash < 0 ? "" : label.substring(0, slash);
  }
}
