package io.kuark.server.scheduler.plugins;

import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Taint;
import io.kuark.server.scheduler.framework.CycleState;
import io.kuark.server.scheduler.framework.FilterPlugin;
import io.kuark.server.scheduler.framework.NodeInfo;
import io.kuark.server.scheduler.framework.PodInfo;
import io.kuark.server.scheduler.framework.Status;

/**
 * Treats a node whose Ready condition is not True as if it already carried the NoSchedule taint the
 * node lifecycle controller will add ({@code node.kubernetes.io/not-ready} or {@code unreachable}),
 * so no pod lands on it in the window before the taint is written. Pods tolerating that taint (e.g.
 * DaemonSet pods) pass.
 */
public final class NodeReady implements FilterPlugin {

  @Override
  public String name() {
    return "NodeReady";
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
    String ready = readyStatus(node);
    if ("True".equals(ready)) {
      return Status.success();
    }
    String key =
        "False".equals(ready) ? "node.kubernetes.io/not-ready" : "node.kubernetes.io/unreachable";
    Taint implied = new Taint("NoSchedule", key, null, null);
    if (Tolerations.tolerates(pod.pod.getSpec().getTolerations(), implied)) {
      return Status.success();
    }
    return Status.unresolvable(
        name(), "node(s) had untolerated taint " + Tolerations.describe(implied));
  }

  static String readyStatus(NodeInfo node) {
    if (node.node().getStatus() == null || node.node().getStatus().getConditions() == null) {
      return "Unknown";
    }
    for (NodeCondition c : node.node().getStatus().getConditions()) {
      if ("Ready".equals(c.getType())) {
        return c.getStatus();
      }
    }
    return "Unknown";
  }
}
