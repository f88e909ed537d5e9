package io.kuark.server.scheduler.plugins;

import io.fabric8.kubernetes.api.model.Taint;
import io.kuark.server.scheduler.framework.CycleState;
import io.kuark.server.scheduler.framework.FilterPlugin;
import io.kuark.server.scheduler.framework.NodeInfo;
import io.kuark.server.scheduler.framework.PodInfo;
import io.kuark.server.scheduler.framework.Status;

/**
 * Rejects cordoned nodes ({@code spec.unschedulable}) unless the pod tolerates the unschedulable
 * taint.
 */
public final class NodeUnschedulable implements FilterPlugin {
  static final String REASON = "node(s) were unschedulable";
  private static final Taint UNSCHEDULABLE =
      new Taint("NoSchedule", "node.kubernetes.io/unschedulable", null, null);

  @Override
  public String name() {
    return "NodeUnschedulable";
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
    if (!Boolean.TRUE.equals(
        io.kuark.server.controller.runtime.Nodes.spec(node.node()).getUnschedulable())) {
      return Status.success();
    }
    if (Tolerations.tolerates(pod.pod.getSpec().getTolerations(), UNSCHEDULABLE)) {
      return Status.success();
    }
    return Status.unresolvable(name(), REASON);
  }
}
