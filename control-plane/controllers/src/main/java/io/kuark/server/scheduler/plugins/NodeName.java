package io.kuark.server.scheduler.plugins;

import io.kuark.server.scheduler.framework.CycleState;
import io.kuark.server.scheduler.framework.FilterPlugin;
import io.kuark.server.scheduler.framework.NodeInfo;
import io.kuark.server.scheduler.framework.PodInfo;
import io.kuark.server.scheduler.framework.Status;

/** Honours {@code spec.nodeName} when a pod names its node but still reaches the scheduler. */
public final class NodeName implements FilterPlugin {
  static final String REASON = "node(s) didn't match the requested node name";

  @Override
  public String name() {
    return "NodeName";
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
    String want = pod.pod.getSpec().getNodeName();
    if (want == null || want.isEmpty() || want.equals(node.name())) {
      return Status.success();
    }
    return Status.unresolvable(name(), REASON);
  }
}
