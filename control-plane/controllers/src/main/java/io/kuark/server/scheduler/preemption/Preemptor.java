package io.kuark.server.scheduler.preemption;

import io.fabric8.kubernetes.api.model.Pod;

/** Carries out what a scheduling cycle's preemption decided (API writes, events); asynchronous. */
public interface Preemptor {

  /**
   * Sets {@code pod}'s {@code status.nominatedNodeName} to the candidate's node, gracefully deletes
   * the victims with {@code Preempted} events, and clears the nomination of {@code displaced}, the
   * lower-priority pods that were nominated to that node.
   */
  void preempt(Pod pod, Candidate candidate, java.util.List<Pod> displaced);

  /** Clears {@code pod}'s {@code status.nominatedNodeName}: preemption found no node any more. */
  void clearNomination(Pod pod);
}
