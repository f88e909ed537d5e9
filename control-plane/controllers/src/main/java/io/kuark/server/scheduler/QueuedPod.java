package io.kuark.server.scheduler;

import io.fabric8.kubernetes.api.model.Pod;

/** A pod waiting in the scheduling queue with its attempt bookkeeping. */
public final class QueuedPod {
  Pod pod;
  final long enqueuedNanos;
  int attempts;
  long backoffUntilNanos;

  /** The queue's move counter when this pod's current scheduling attempt started. */
  long cycleMoveCount;

  /** Plugins that rejected the pod in its last attempt; empty when unknown. */
  java.util.Set<String> rejectedBy = java.util.Set.of();

  QueuedPod(Pod pod, long now) {
    this.pod = pod;
    this.enqueuedNanos = now;
  }

  public String key() {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  int priority() {
    Integer p = pod.getSpec().getPriority();
    return p == null ? 0 : p;
  }
}
