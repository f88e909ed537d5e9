package io.kuark.server.scheduler;

import io.fabric8.kubernetes.api.model.Pod;
import io.kuark.server.scheduler.framework.CycleState;
import io.kuark.server.scheduler.framework.PodInfo;
import io.kuark.server.scheduler.framework.ScheduleResult;
import io.kuark.server.scheduler.framework.SchedulingFramework;
import io.kuark.server.scheduler.framework.Status;
import java.util.concurrent.Executor;
import java.util.function.Function;

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
    synchronized (cache) {
      if (cache.isAssumedOrBound(pod)) {
        queue.done(q);
        return;
      }
      result = framework.schedule(state, info, cache.nodes());
      if (result instanceof ScheduleResult.Scheduled s) {
        cache.assume(info, s.node());
      }
    }
    if (result instanceof ScheduleResult.Scheduled s) {
      bindExecutor.execute(() -> bind(q, state, info, s.node(), start));
    } else if (result instanceof ScheduleResult.Unschedulable u) {
      queue.addUnschedulable(q);
      outcomes.unschedulable(pod, u.message());
    } else if (result instanceof ScheduleResult.Failed f) {
      queue.addBackoff(q);
      outcomes.failed(pod, f.message());
    }
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
