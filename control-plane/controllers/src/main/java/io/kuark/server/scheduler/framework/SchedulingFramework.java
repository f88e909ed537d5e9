package io.kuark.server.scheduler.framework;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Runs the PreFilter, Filter and Score plugins of one profile over a snapshot of nodes and picks a
 * node. Pure: no I/O, no locking; the caller owns the snapshot for the duration of the call.
 */
public final class SchedulingFramework {
  private final List<PreFilterPlugin> preFilters;
  private final List<FilterPlugin> filters;
  private final List<ScorePlugin> scorers;
  private final List<PreBindPlugin> preBinds;
  private final Random random;

  public SchedulingFramework(
      List<PreFilterPlugin> preFilters,
      List<FilterPlugin> filters,
      List<ScorePlugin> scorers,
      Random random) {
    this(preFilters, filters, scorers, List.of(), random);
  }

  public SchedulingFramework(
      List<PreFilterPlugin> preFilters,
      List<FilterPlugin> filters,
      List<ScorePlugin> scorers,
      List<PreBindPlugin> preBinds,
      Random random) {
    this.preFilters = preFilters;
    this.filters = filters;
    this.scorers = scorers;
    this.preBinds = preBinds;
    this.random = random;
  }

  /**
   * Runs the PreBind plugins for a pod about to be bound to {@code node} with the state of its
   * scheduling cycle; the first failure is returned.
   */
  public Status preBind(CycleState state, PodInfo pod, String node) {
    for (PreBindPlugin p : preBinds) {
      Status s = p.preBind(state, pod, node);
      if (!s.isSuccess()) {
        return s;
      }
    }
    return Status.success();
  }

  /**
   * Runs the PreFilter plugins into {@code state} over {@code nodes}; preemption re-runs them after
   * taking victims off a node. Returns the first non-success.
   */
  public Status preFilter(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
    state.setAllNodes(nodes);
    for (PreFilterPlugin p : preFilters) {
      Status s = p.preFilter(state, pod);
      if (!s.isSuccess()) {
        return s;
      }
    }
    return Status.success();
  }

  /** Runs the Filter plugins for one node with the state of {@link #preFilter}. */
  public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
    for (FilterPlugin f : filters) {
      Status s = f.filter(state, pod, node);
      if (!s.isSuccess()) {
        return s;
      }
    }
    return Status.success();
  }

  public ScheduleResult schedule(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
    boolean never = "Never".equals(pod.pod.getSpec().getPreemptionPolicy());
    if (nodes.isEmpty()) {
      return new ScheduleResult.Unschedulable(
          "0/0 nodes are available: no nodes available to schedule pods.");
    }
    state.setAllNodes(nodes);
    for (PreFilterPlugin p : preFilters) {
      Status s = p.preFilter(state, pod);
      if (s.code() == Status.Code.ERROR) {
        return new ScheduleResult.Failed(String.join(", ", s.reasons()));
      }
      if (!s.isSuccess()) {
        return new ScheduleResult.Unschedulable(
            FitErrorMessage.build(nodes.size(), String.join(", ", s.reasons()), Map.of(), never));
      }
    }
    NodeInfo[] feasible = new NodeInfo[nodes.size()];
    int count = 0;
    Map<String, Status> rejected = new LinkedHashMap<>();
    for (NodeInfo node : nodes) {
      Status failed = null;
      for (FilterPlugin f : filters) {
        Status s = f.filter(state, pod, node);
        if (!s.isSuccess()) {
          failed = s;
          break;
        }
      }
      if (failed == null) {
        feasible[count++] = node;
      } else if (failed.code() == Status.Code.ERROR) {
        return new ScheduleResult.Failed(String.join(", ", failed.reasons()));
      } else {
        rejected.put(node.name(), failed);
      }
    }
    if (count == 0) {
      return new ScheduleResult.Unschedulable(
          FitErrorMessage.build(nodes.size(), null, rejected, never), rejected);
    }
    if (count == 1) {
      return new ScheduleResult.Scheduled(feasible[0].name(), nodes.size(), 1);
    }
    long[] total = new long[count];
    long[] scores = new long[count];
    for (ScorePlugin p : scorers) {
      for (int i = 0; i < count; i++) {
        scores[i] = p.score(state, pod, feasible[i]);
      }
      p.normalize(state, pod, scores);
      for (int i = 0; i < count; i++) {
        total[i] += scores[i] * p.weight();
      }
    }
    // Highest total wins; ties are broken uniformly at random (reservoir sampling).
    int best = 0;
    int ties = 1;
    for (int i = 1; i < count; i++) {
      if (total[i] > total[best]) {
        best = i;
        ties = 1;
      } else if (total[i] == total[best]) {
        ties++;
        if (random.nextInt(ties) == 0) {
          best = i;
        }
      }
    }
    return new ScheduleResult.Scheduled(feasible[best].name(), nodes.size(), count);
  }
}
