package io.kuark.server.scheduler;

import io.fabric8.kubernetes.api.model.Pod;
import io.kuark.server.scheduler.framework.CycleState;
import io.kuark.server.scheduler.framework.FitErrorMessage;
import io.kuark.server.scheduler.framework.NodeInfo;
import io.kuark.server.scheduler.framework.PodInfo;
import io.kuark.server.scheduler.framework.ScheduleResult;
import io.kuark.server.scheduler.framework.SchedulingFramework;
import io.kuark.server.scheduler.framework.Status;
import io.kuark.server.scheduler.preemption.Candidate;
import io.kuark.server.scheduler.preemption.DefaultPreemption;
import io.kuark.server.scheduler.preemption.DisruptionAllowance;
import io.kuark.server.scheduler.preemption.Preemptor;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One pass of the scheduling loop for one popped pod: re-read it, run the framework over the cache
 * under the cache lock, assume the result, then bind asynchronously (the binding cycle) so the next
 * pod can be scheduled meanwhile.
 */
public final class SchedulingCycle {
  private final SchedulerCache cache;
  private final SchedulingQueue queue;
  private final SchedulingFramework framework;
  private final Binder binder;
  private final Executor bindExecutor;
  private final SchedulingOutcomes outcomes;
  private final Function<String, Pod> latest;
  private final DefaultPreemption preemption;
  private final Preemptor preemptor;
  private final Supplier<List<DisruptionAllowance.Budget>> budgets;

  /**
   * @param latest returns the current object of a pod by {@code namespace/name} (the informer
   *     cache), or null when it is gone
   */
  public SchedulingCycle(
      SchedulerCache cache,
      SchedulingQueue queue,
      SchedulingFramework framework,
      Binder binder,
      Executor bindExecutor,
      SchedulingOutcomes outcomes,
      Function<String, Pod> latest) {
    this(cache, queue, framework, binder, bindExecutor, outcomes, latest, null, List::of);
  }

  /**
   * As above with preemption: pods no node fits may evict lower-priority pods through {@code
   * preemptor} (null: no preemption), honouring the PodDisruptionBudgets {@code budgets} computes.
   */
  public SchedulingCycle(
      SchedulerCache cache,
      SchedulingQueue queue,
      SchedulingFramework framework,
      Binder binder,
      Executor bindExecutor,
      SchedulingOutcomes outcomes,
      Function<String, Pod> latest,
      Preemptor preemptor,
      Supplier<List<DisruptionAllowance.Budget>> budgets) {
    this.preemption = preemptor == null ? null : new DefaultPreemption(framework);
    this.preemptor = preemptor;
    this.budgets = budgets;
    this.cache = cache;
    this.queue = queue;
    this.framework = framework;
    this.binder = binder;
    this.bindExecutor = bindExecutor;
    this.outcomes = outcomes;
    this.latest = latest;
  }

  /** Schedules the pod of {@code q}; never throws for expected outcomes. */
  public void run(QueuedPod q) {
    long start = System.nanoTime();
    Pod pod = latest.apply(q.key());
    if (pod == null
        || pod.getMetadata().getDeletionTimestamp() != null
        || (pod.getSpec().getNodeName() != null && !pod.getSpec().getNodeName().isEmpty())) {
      queue.done(q);
      return;
    }
    q.pod = pod;
    PodInfo info = new PodInfo(pod);
    ScheduleResult result;
    CycleState state = new CycleState();
    Optional<Candidate> preempted = Optional.empty();
    boolean clearNomination = false;
    List<Pod> displaced = new java.util.ArrayList<>();
    boolean waitingForVictims = false;
    synchronized (cache) {
      if (cache.isAssumedOrBound(pod)) {
        queue.done(q);
        return;
      }
      List<NodeInfo> nodes = cache.nodes();
      Runnable undo = cache.addNominatedPods(info);
      try {
        result = framework.schedule(state, info, nodes);
        if (result instanceof ScheduleResult.Unschedulable u && preemption != null) {
          String nominated = cache.nominatedNode(pod);
          boolean never = "Never".equals(pod.getSpec().getPreemptionPolicy());
          if (!never
              && !DefaultPreemption.eligible(
                  info, nominated == null ? null : find(nodes, nominated))) {
            waitingForVictims = true;
          } else if (!never) {
            preempted = preemption.findCandidate(info, nodes, u.nodeStatuses(), budgets);
            if (preempted.isPresent()) {
              String node = preempted.get().node();
              for (PodInfo other : cache.nominatedOn(node)) {
                if (other.priority() < info.priority()) {
                  displaced.add(other.pod);
                  cache.nominate(other.pod, null);
                }
              }
              cache.nominate(pod, node);
            } else if (nominated != null) {
              cache.nominate(pod, null);
              clearNomination = true;
            }
          }
        }
      } finally {
        undo.run();
      }
      if (result instanceof ScheduleResult.Scheduled s) {
        cache.assume(info, s.node());
      }
    }
    if (preempted.isPresent()) {
      preemptor.preempt(pod, preempted.get(), displaced);
    } else if (clearNomination) {
      preemptor.clearNomination(pod);
    }
    if (result instanceof ScheduleResult.Scheduled s) {
      bindExecutor.execute(() -> bind(q, state, info, s.node(), start));
    } else if (result instanceof ScheduleResult.Unschedulable u) {
      // A pod waiting for preemption victims waits for their deletion, whatever rejected it.
      q.rejectedBy =
          preempted.isPresent() || waitingForVictims ? java.util.Set.of() : rejectingPlugins(u);
      queue.addUnschedulable(q);
      String message = u.message();
      if (preempted.isPresent()) {
        // Upstream reports a successful preemption by the nomination, not in the message.
        message = FitErrorMessage.withPreemption(message, null);
      } else if (waitingForVictims) {
        message =
            FitErrorMessage.withPreemption(
                message, "not eligible due to a terminating pod on the nominated node.");
      }
      outcomes.unschedulable(pod, message);
    } else if (result instanceof ScheduleResult.Failed f) {
      queue.addBackoff(q);
      outcomes.failed(pod, f.message());
    }
  }

  /** The plugins that rejected some node; empty when a PreFilter rejected the pod. */
  private static java.util.Set<String> rejectingPlugins(ScheduleResult.Unschedulable u) {
    java.util.Set<String> plugins = new java.util.HashSet<>();
    for (Status s : u.nodeStatuses().values()) {
      if (s.plugin() == null || s.plugin().isEmpty()) {
        return java.util.Set.of();
      }
      plugins.add(s.plugin());
    }
    return plugins;
  }

  private static NodeInfo find(List<NodeInfo> nodes, String name) {
    for (NodeInfo n : nodes) {
      if (n.name().equals(name)) {
        return n;
      }
    }
    return null;
  }

  private void bind(QueuedPod q, CycleState state, PodInfo info, String node, long start) {
    try {
      Status pre = framework.preBind(state, info, node);
      if (!pre.isSuccess()) {
        throw new IllegalStateException(String.join(", ", pre.reasons()));
      }
      binder.bind(info.pod, node);
      queue.done(q);
      outcomes.scheduled(info.pod, node, System.nanoTime() - start);
    } catch (Exception e) {
      synchronized (cache) {
        cache.forget(info.pod);
      }
      queue.addBackoff(q);
      outcomes.failed(info.pod, "Binding rejected: " + e.getMessage());
    }
  }
}
