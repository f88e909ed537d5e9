package io.kuark.server.scheduler.preemption;

import io.fabric8.kubernetes.api.model.Pod;
import io.kuark.server.controller.runtime.Times;
import io.kuark.server.scheduler.framework.CycleState;
import io.kuark.server.scheduler.framework.NodeInfo;
import io.kuark.server.scheduler.framework.PodInfo;
import io.kuark.server.scheduler.framework.SchedulingFramework;
import io.kuark.server.scheduler.framework.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Upstream's DefaultPreemption PostFilter: for a pod no node fits, find the node where removing
 * pods of lower priority lets it fit, evicting as few and as unimportant pods as possible.
 *
 * <p>Per node (only nodes whose filter failure preemption can resolve): take every lower-priority
 * pod off, check the pod fits (PreFilter and Filter re-run), then give pods back most important
 * first — those whose loss would violate a PodDisruptionBudget before the others — keeping each one
 * whose return still lets the pod fit. The rest are the victims. Among candidate nodes the winner
 * has the fewest PDB violations, then the lowest highest victim priority, the smallest sum of
 * victim priorities, the fewest victims, and the latest start of its most important victims.
 *
 * <p>Runs under the scheduler cache lock: it edits the live {@link NodeInfo}s and restores them
 * before returning.
 */
public final class DefaultPreemption {

  /** Victims are ordered most important first: higher priority, then earlier start. */
  static final Comparator<PodInfo> MORE_IMPORTANT =
      Comparator.comparingInt((PodInfo p) -> p.priority())
          .reversed()
          .thenComparing(
              (PodInfo p) -> startTime(p.pod), Comparator.nullsLast(Comparator.naturalOrder()));

  private final SchedulingFramework framework;

  public DefaultPreemption(SchedulingFramework framework) {
    this.framework = framework;
  }

  /**
   * Whether {@code pod} may preempt now: not with {@code preemptionPolicy: Never}, and not while
   * lower-priority pods on the node it is already nominated to are still terminating (it waits for
   * the victims of its earlier preemption instead of choosing more).
   */
  public static boolean eligible(PodInfo pod, NodeInfo nominated) {
    if ("Never".equals(pod.pod.getSpec().getPreemptionPolicy())) {
      return false;
    }
    if (nominated != null) {
      for (PodInfo p : nominated.pods()) {
        if (p.pod.getMetadata().getDeletionTimestamp() != null && p.priority() < pod.priority()) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * The best node to preempt on, or empty.
   *
   * @param statuses why each node was rejected by the filters
   * @param budgetSource PodDisruptionBudgets with their allowed disruptions, asked for only when
   *     some node has pods to preempt
   */
  public Optional<Candidate> findCandidate(
      PodInfo pod,
      List<NodeInfo> nodes,
      Map<String, Status> statuses,
      java.util.function.Supplier<List<DisruptionAllowance.Budget>> budgetSource) {
    Candidate best = null;
    List<DisruptionAllowance.Budget> budgets = null;
    for (NodeInfo node : nodes) {
      Status s = statuses.get(node.name());
      if (s == null || s.code() != Status.Code.UNSCHEDULABLE) {
        continue; // feasible nodes do not exist here; unresolvable ones preemption cannot fix
      }
      if (!hasLowerPriorityPod(pod, node)) {
        continue;
      }
      if (budgets == null) {
        budgets = budgetSource.get();
      }
      Candidate c = selectVictims(pod, node, nodes, budgets);
      if (c != null && (best == null || better(c, best))) {
        best = c;
      }
    }
    return Optional.ofNullable(best);
  }

  private static boolean hasLowerPriorityPod(PodInfo pod, NodeInfo node) {
    for (PodInfo p : node.pods()) {
      if (p.priority() < pod.priority()) {
        return true;
      }
    }
    return false;
  }

  /** The victims on {@code node}, or null when evicting every lower-priority pod does not help. */
  Candidate selectVictims(
      PodInfo pod, NodeInfo node, List<NodeInfo> nodes, List<DisruptionAllowance.Budget> budgets) {
    List<PodInfo> potential = new ArrayList<>();
    for (PodInfo p : node.pods()) {
      if (p.priority() < pod.priority()) {
        potential.add(p);
      }
    }
    if (potential.isEmpty()) {
      return null;
    }
    // Every potential victim leaves the node; whatever is still off at the end goes back.
    Map<String, PodInfo> off = new java.util.LinkedHashMap<>();
    for (PodInfo p : potential) {
      node.removePod(p.id());
      off.put(p.id(), p);
    }
    try {
      if (!fits(pod, node, nodes)) {
        return null;
      }
      potential.sort(MORE_IMPORTANT);
      List<PodInfo> violating = new ArrayList<>();
      List<PodInfo> nonViolating = new ArrayList<>();
      splitByBudget(potential, budgets, violating, nonViolating);
      List<PodInfo> victims = new ArrayList<>();
      int violations = 0;
      for (PodInfo p : violating) {
        if (reprieve(pod, node, nodes, p)) {
          off.remove(p.id());
        } else {
          victims.add(p);
          violations++;
        }
      }
      for (PodInfo p : nonViolating) {
        if (reprieve(pod, node, nodes, p)) {
          off.remove(p.id());
        } else {
          victims.add(p);
        }
      }
      victims.sort(MORE_IMPORTANT);
      List<Pod> out = new ArrayList<>(victims.size());
      for (PodInfo v : victims) {
        out.add(v.pod);
      }
      return new Candidate(node.name(), out, violations);
    } finally {
      for (Map.Entry<String, PodInfo> e : off.entrySet()) {
        node.addPod(e.getKey(), e.getValue());
      }
    }
  }

  /** Puts {@code p} back on the node; keeps it there (true) when the pod still fits. */
  private boolean reprieve(PodInfo pod, NodeInfo node, List<NodeInfo> nodes, PodInfo p) {
    node.addPod(p.id(), p);
    if (fits(pod, node, nodes)) {
      return true;
    }
    node.removePod(p.id());
    return false;
  }

  private boolean fits(PodInfo pod, NodeInfo node, List<NodeInfo> nodes) {
    CycleState state = new CycleState();
    return framework.preFilter(state, pod, nodes).isSuccess()
        && framework.filter(state, pod, node).isSuccess();
  }

  /**
   * Upstream's filterPodsWithPDBViolation: a pod violates when some budget selecting it has no
   * disruptions left, counting the pods considered before it (in importance order).
   */
  static void splitByBudget(
      List<PodInfo> pods,
      List<DisruptionAllowance.Budget> budgets,
      List<PodInfo> violating,
      List<PodInfo> nonViolating) {
    int[] left = new int[budgets.size()];
    for (int i = 0; i < left.length; i++) {
      left[i] = budgets.get(i).allowed;
    }
    for (PodInfo p : pods) {
      boolean violates = false;
      for (int i = 0; i < left.length; i++) {
        if (budgets.get(i).selects(p.pod)) {
          left[i]--;
          if (left[i] < 0) {
            violates = true;
          }
        }
      }
      (violates ? violating : nonViolating).add(p);
    }
  }

  /** Upstream's pickOneNodeForPreemption order: true when {@code a} beats {@code b}. */
  static boolean better(Candidate a, Candidate b) {
    if (a.pdbViolations() != b.pdbViolations()) {
      return a.pdbViolations() < b.pdbViolations();
    }
    int ha = highest(a);
    int hb = highest(b);
    if (ha != hb) {
      return ha < hb;
    }
    long sa = prioritySum(a);
    long sb = prioritySum(b);
    if (sa != sb) {
      return sa < sb;
    }
    if (a.victims().size() != b.victims().size()) {
      return a.victims().size() < b.victims().size();
    }
    Instant ta = earliestStartOfHighest(a);
    Instant tb = earliestStartOfHighest(b);
    if (ta != null && tb != null && !ta.equals(tb)) {
      return ta.isAfter(tb);
    }
    return false; // keep the first node found
  }

  private static int highest(Candidate c) {
    return c.victims().isEmpty() ? Integer.MIN_VALUE : PodInfo.priority(c.victims().get(0));
  }

  /** Sum of priorities shifted to be non-negative, as upstream adds MaxInt32+1 to each. */
  private static long prioritySum(Candidate c) {
    long sum = 0;
    for (Pod p : c.victims()) {
      sum += (long) PodInfo.priority(p) + Integer.MAX_VALUE + 1L;
    }
    return sum;
  }

  private static Instant earliestStartOfHighest(Candidate c) {
    int top = highest(c);
    Instant earliest = null;
    for (Pod p : c.victims()) {
      if (PodInfo.priority(p) != top) {
        continue;
      }
      Instant t = startTime(p);
      if (t != null && (earliest == null || t.isBefore(earliest))) {
        earliest = t;
      }
    }
    return earliest;
  }

  private static Instant startTime(Pod p) {
    if (p.getStatus() != null && p.getStatus().getStartTime() != null) {
      return Times.parse(p.getStatus().getStartTime());
    }
    return Times.parse(p.getMetadata().getCreationTimestamp());
  }
}
