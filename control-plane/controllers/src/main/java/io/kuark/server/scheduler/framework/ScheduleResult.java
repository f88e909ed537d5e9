package io.kuark.server.scheduler.framework;

/** What one scheduling cycle decided for a pod. */
public sealed interface ScheduleResult {

  /** The pod fits on {@code node}; {@code feasible} of {@code evaluated} nodes passed filtering. */
  record Scheduled(String node, int evaluated, int feasible) implements ScheduleResult {}

  /** No node fits; {@code message} is upstream's FailedScheduling text. */
  record Unschedulable(String message) implements ScheduleResult {}

  /** An internal error (a plugin failed); the pod is retried with backoff. */
  record Failed(String message) implements ScheduleResult {}
}
