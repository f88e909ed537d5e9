package io.kuark.server.scheduler;

import io.fabric8.kubernetes.api.model.Pod;

/** Where a scheduling cycle reports its outcomes (events, pod conditions, metrics). */
public interface SchedulingOutcomes {

  /** The pod is bound to {@code node}; {@code latencyNanos} from queue pop to bound. */
  void scheduled(Pod pod, String node, long latencyNanos);

  /** No node fits; {@code message} is the upstream FailedScheduling text. */
  void unschedulable(Pod pod, String message);

  /** An error (plugin or binding); the pod is retried with backoff. */
  void failed(Pod pod, String message);
}
