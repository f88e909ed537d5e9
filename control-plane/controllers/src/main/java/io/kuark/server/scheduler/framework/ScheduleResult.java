package io.kuark.server.scheduler.framework;

/** What one scheduling cycle decided for a pod. */
public sealed interface ScheduleResult {

  /** The pod fits on {@code node}; {@code feasible} of {@code evaluated} nodes passed filtering. */
  record Scheduled(String node, int evaluated, int feasible) implements ScheduleResult {}

  /**
   * No node fits; {@code message} is upstream's FailedScheduling text, {@code nodeStatuses} the
   * failing status of each node the filters rejected (empty when a PreFilter rejected the pod),
   * which preemption reads to find nodes where evicting pods could help.
   */
  record Unschedulable(String message, java.util.Map<String, Status> nodeStatuses)
      implements ScheduleResult {
    public Unschedulable(String message) {
      this(message, java.util.Map.of());
    }
  }

  /** An internal error (a plugin failed); the pod is retried with backoff. */
  record Failed(String message) implements ScheduleResult {}
}
