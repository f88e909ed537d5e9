package io.kuark.server.controller.daemonset;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.kuark.server.scheduler.plugins.Tolerations;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Which nodes a DaemonSet's pods belong on, and how its pods are pinned there. */
final class DaemonPlacement {
  private DaemonPlacement() {}

  /** Tolerations the DaemonSet controller adds to every daemon pod, as upstream does. */
  static List<Toleration> withDaemonTolerations(List<Toleration> own, boolean hostNetwork) {
    List<Toleration> out = own == null ? new ArrayList<>() : new ArrayList<>(own);
    add(out, "node.kubernetes.io/not-ready", "NoExecute");
    add(out, "node.kubernetes.io/unreachable", "NoExecute");
    add(out, "node.kubernetes.io/disk-pressure", "NoSchedule");
    add(out, "node.kubernetes.io/memory-pressure", "NoSchedule");
    add(out, "node.kubernetes.io/pid-pressure", "NoSchedule");
    add(out, "node.kubernetes.io/unschedulable", "NoSchedule");
    if (hostNetwork) {
      add(out, "node.kubernetes.io/network-unavailable", "NoSchedule");
    }
    return out;
  }

  private static void add(List<Toleration> list, String key, String effect) {
    for (Toleration t : list) {
      if (key.equals(t.getKey())
          && effect.equals(t.getEffect())
          && "Exists".equals(t.getOperator())) {
        return;
      }
    }
    list.add(
        new TolerationBuilder().withKey(key).withOperator("Exists").withEffect(effect).build());
  }

  /**
   * True when a daemon pod with {@code spec} should run on {@code node}: nodeSelector matches and
   * every NoSchedule/NoExecute taint is tolerated (with the daemon tolerations added).
   */
  static boolean shouldRun(PodSpec spec, Node node) {
    Map<String, String> labels =
        node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
    if (spec.getNodeSelector() != null) {
      for (Map.Entry<String, String> e : spec.getNodeSelector().entrySet()) {
        if (!e.getValue().equals(labels.get(e.getKey()))) {
          return false;
        }
      }
    }
    List<Toleration> tolerations =
        withDaemonTolerations(spec.getTolerations(), Boolean.TRUE.equals(spec.getHostNetwork()));
    if (node.getSpec() != null && node.getSpec().getTaints() != null) {
      for (Taint t : node.getSpec().getTaints()) {
        if (("NoSchedule".equals(t.getEffect()) || "NoExecute".equals(t.getEffect()))
            && !Tolerations.tolerates(tolerations, t)) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Pins a pod spec to one node through required node affinity on metadata.name (upstream's way).
   */
  static void pinTo(PodSpec spec, String nodeName) {
    NodeAffinity affinity = new NodeAffinity();
    affinity.setRequiredDuringSchedulingIgnoredDuringExecution(
        new io.fabric8.kubernetes.api.model.NodeSelectorBuilder()
            .withNodeSelectorTerms(
                new NodeSelectorTermBuilder()
                    .withMatchFields(
                        new NodeSelectorRequirementBuilder()
                            .withKey("metadata.name")
                            .withOperator("In")
                            .withValues(nodeName)
                            .build())
                    .build())
            .build());
    if (spec.getAffinity() == null) {
      spec.setAffinity(new io.fabric8.kubernetes.api.model.Affinity());
    }
    if (spec.getAffinity().getNodeAffinity() != null) {
      affinity.setPreferredDuringSchedulingIgnoredDuringExecution(
          spec.getAffinity()
              .getNodeAffinity()
              .getPreferredDuringSchedulingIgnoredDuringExecution());
    }
    spec.getAffinity().setNodeAffinity(affinity);
    spec.setTolerations(
        withDaemonTolerations(spec.getTolerations(), Boolean.TRUE.equals(spec.getHostNetwork())));
  }

  /** The node a daemon pod is for: its nodeName, or the metadata.name its affinity pins. */
  static String nodeOf(io.fabric8.kubernetes.api.model.Pod pod) {
    if (pod.getSpec().getNodeName() != null && !pod.getSpec().getNodeName().isEmpty()) {
      return pod.getSpec().getNodeName();
    }
    var a = pod.getSpec().getAffinity();
    if (a == null
        || a.getNodeAffinity() == null
        || a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
      return null;
    }
    for (var term :
        a.getNodeAffinity()
            .getRequiredDuringSchedulingIgnoredDuringExecution()
            .getNodeSelectorTerms()) {
      if (term.getMatchFields() == null) {
        continue;
      }
      for (var r : term.getMatchFields()) {
        if ("metadata.name".equals(r.getKey())
            && "In".equals(r.getOperator())
            && r.getValues() != null
            && r.getValues().size() == 1) {
          return r.getValues().get(0);
        }
      }
    }
    return null;
  }
}
