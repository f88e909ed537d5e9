package io.kuark.server.scheduler.plugins;

import io.kuark.server.scheduler.framework.CycleState;
import io.kuark.server.scheduler.framework.FilterPlugin;
import io.kuark.server.scheduler.framework.NodeInfo;
import io.kuark.server.scheduler.framework.PodInfo;
import io.kuark.server.scheduler.framework.Resources;
import io.kuark.server.scheduler.framework.ScorePlugin;
import io.kuark.server.scheduler.framework.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Filters nodes whose free allocatable cannot hold the pod's requests (and pod count); scores with
 * the LeastAllocated strategy over CPU and memory (weight 1 each), using non-zero requests.
 */
public final class NodeResourcesFit implements FilterPlugin, ScorePlugin {

  @Override
  public String name() {
    return "NodeResourcesFit";
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
    List<String> reasons = new ArrayList<>();
    if (node.podCount() + 1 > node.allowedPods()) {
      reasons.add("Too many pods");
    }
    Resources req = pod.requests;
    Resources alloc = node.allocatable();
    Resources used = node.requested();
    if (req.milliCpu > 0 && req.milliCpu > alloc.milliCpu - used.milliCpu) {
      reasons.add("Insufficient cpu");
    }
    if (req.memory > 0 && req.memory > alloc.memory - used.memory) {
      reasons.add("Insufficient memory");
    }
    if (req.ephemeralStorage > 0
        && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) {
      reasons.add("Insufficient ephemeral-storage");
    }
    for (Map.Entry<String, Long> e : req.scalars.entrySet()) {
      if (e.getValue() > 0
          && e.getValue()
              > alloc.scalars.getOrDefault(e.getKey(), 0L)
                  - used.scalars.getOrDefault(e.getKey(), 0L)) {
        reasons.add("Insufficient " + e.getKey());
      }
    }
    if (reasons.isEmpty()) {
      return Status.success();
    }
    return Status.unschedulable(name(), reasons.toArray(new String[0]));
  }

  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo node) {
    long cpu =
        leastAllocated(node.nonZeroMilliCpu() + pod.nonZeroMilliCpu, node.allocatable().milliCpu);
    long mem = leastAllocated(node.nonZeroMemory() + pod.nonZeroMemory, node.allocatable().memory);
    return (cpu + mem) / 2;
  }

  static long leastAllocated(long requested, long capacity) {
    if (capacity == 0 || requested > capacity) {
      return 0;
    }
    return (capacity - requested) * MAX_SCORE / capacity;
  }

  @Override
  public int weight() {
    return 1;
  }
}
