package io.kuark.server.scheduler;

import io.kuark.server.scheduler.framework.FilterPlugin;
import io.kuark.server.scheduler.framework.SchedulingFramework;
import io.kuark.server.scheduler.framework.ScorePlugin;
import io.kuark.server.scheduler.plugins.BalancedAllocation;
import io.kuark.server.scheduler.plugins.NodeAffinityPlugin;
import io.kuark.server.scheduler.plugins.NodeName;
import io.kuark.server.scheduler.plugins.NodePorts;
import io.kuark.server.scheduler.plugins.NodeReady;
import io.kuark.server.scheduler.plugins.NodeResourcesFit;
import io.kuark.server.scheduler.plugins.NodeUnschedulable;
import io.kuark.server.scheduler.plugins.TaintToleration;
import java.util.List;
import java.util.Random;

/** The {@code default-scheduler} profile: upstream's default plugin order and score weights. */
public final class DefaultProfile {
  public static final String SCHEDULER_NAME = "default-scheduler";

  private DefaultProfile() {}

  public static SchedulingFramework create(Random random) {
    TaintToleration taints = new TaintToleration();
    NodeAffinityPlugin affinity = new NodeAffinityPlugin();
    NodeResourcesFit fit = new NodeResourcesFit();
    List<FilterPlugin> filters =
        List.of(
            new NodeUnschedulable(),
            new NodeName(),
            taints,
            new NodeReady(),
            affinity,
            new NodePorts(),
            fit);
    List<ScorePlugin> scorers = List.of(taints, affinity, fit, new BalancedAllocation());
    return new SchedulingFramework(List.of(), filters, scorers, random);
  }
}
