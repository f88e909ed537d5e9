package io.kuark.server.scheduler.plugins;

import io.kuark.server.scheduler.framework.CycleState;
import io.kuark.server.scheduler.framework.FilterPlugin;
import io.kuark.server.scheduler.framework.NodeInfo;
import io.kuark.server.scheduler.framework.PodInfo;
import io.kuark.server.scheduler.framework.Status;

/** Rejects nodes where a requested host port (protocol, IP, port) is already taken. */
public final class NodePorts implements FilterPlugin {
  static final String REASON = "node(s) didn't have free ports for the requested pod ports";

  @Override
  public String name() {
    return "NodePorts";
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
    for (PodInfo.HostPort p : pod.hostPorts) {
      if (node.portInUse(p)) {
        return Status.unschedulable(name(), REASON);
      }
    }
    return Status.success();
  }
}
