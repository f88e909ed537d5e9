package io.kuark.agent.eviction;

import java.util.List;

/** What the eviction manager needs from the pod side. */
public interface PodEvictor {

  /** Pods that may be evicted now, with their usage (critical and static pods excluded). */
  List<Candidate> candidates();

  /** Evicts the pod: kill its containers, phase Failed, reason Evicted, {@code message}. */
  void evict(Candidate candidate, String message);
}
