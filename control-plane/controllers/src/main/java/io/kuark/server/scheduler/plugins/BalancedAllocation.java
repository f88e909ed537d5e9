package io.kuark.server.scheduler.plugins;

import io.kuark.server.scheduler.framework.CycleState;
import io.kuark.server.scheduler.framework.NodeInfo;
import io.kuark.server.scheduler.framework.PodInfo;
import io.kuark.server.scheduler.framework.ScorePlugin;

/**
 * Prefers nodes whose CPU and memory utilisation stay close to each other after placing the pod:
 * score = (1 − standard deviation of the two fractions) × 100, fractions capped at 1.
 */
public final class BalancedAllocation implements ScorePlugin {

  @Override
  public String name() {
    return "NodeResourcesBalancedAllocation";
  }

  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo node) {
    double cpu =
        fraction(node.nonZeroMilliCpu() + pod.nonZeroMilliCpu, node.allocatable().milliCpu);
    double mem = fraction(node.nonZeroMemory() + pod.nonZeroMemory, node.allocatable().memory);
    // For two values the standard deviation is half their distance.
    double std = Math.abs(cpu - mem) / 2;
    return (long) ((1 - std) * MAX_SCORE);
  }

  private static double fraction(long requested, long capacity) {
    if (capacity == 0) {
      return 1;
    }
    return Math.min(1.0, (double) requested / capacity);
  }

  @Override
  public int weight() {
    return 1;
  }
}
