package io.kuark.agent.eviction;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Orders pods for eviction as upstream kubelet does. Memory: pods using more than their memory
 * requests first (so BestEffort, then Burstable over requests), then lower priority, then larger
 * usage above requests. Disk: the same over ephemeral-storage requests and disk usage. PIDs: lower
 * priority first, then more processes.
 */
final class EvictionRanking {

  private EvictionRanking() {}

  static List<Candidate> rank(String signal, List<Candidate> candidates) {
    List<Candidate> sorted = new ArrayList<>(candidates);
    Comparator<Candidate> byPriority = Comparator.comparingInt(c -> priority(c.pod()));
    Comparator<Candidate> order;
    if (signal.startsWith("memory.")) {
      order =
          Comparator.<Candidate, Boolean>comparing(
                  c -> c.memoryBytes() > requests(c.pod(), "memory"), Comparator.reverseOrder())
              .thenComparing(byPriority)
              .thenComparing(
                  Comparator.<Candidate>comparingLong(
                          c -> c.memoryBytes() - requests(c.pod(), "memory"))
                      .reversed());
    } else if (signal.startsWith("pid.")) {
      order =
          byPriority.thenComparing(
              Comparator.<Candidate>comparingLong(Candidate::processes).reversed());
    } else {
      order =
          Comparator.<Candidate, Boolean>comparing(
                  c -> c.diskBytes() > requests(c.pod(), "ephemeral-storage"),
                  Comparator.reverseOrder())
              .thenComparing(byPriority)
              .thenComparing(
                  Comparator.<Candidate>comparingLong(
                          c -> c.diskBytes() - requests(c.pod(), "ephemeral-storage"))
                      .reversed());
    }
    sorted.sort(order);
    return sorted;
  }

  static int priority(Pod pod) {
    Integer priority = pod.getSpec().getPriority();
    return priority == null ? 0 : priority;
  }

  /** Sum of the containers' requests of {@code resource} (limits stand in for missing requests). */
  static long requests(Pod pod, String resource) {
    long total = 0;
    for (Container container : pod.getSpec().getContainers()) {
      if (container.getResources() == null) {
        continue;
      }
      Quantity q =
          container.getResources().getRequests() == null
              ? null
              : container.getResources().getRequests().get(resource);
      if (q == null && container.getResources().getLimits() != null) {
        q = container.getResources().getLimits().get(resource);
      }
      if (q != null) {
        total += Quantity.getAmountInBytes(q).longValue();
      }
    }
    return total;
  }
}
