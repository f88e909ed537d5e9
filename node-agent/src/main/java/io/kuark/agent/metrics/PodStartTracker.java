package io.kuark.agent.metrics;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.kuark.agent.pod.PodObserver;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns pod status writes into pod start durations: the first status the agent writes for a pod
 * marks when it saw the pod, the first write with phase Running ends the start. Each pod counts
 * once. Also records pod sync durations.
 */
public final class PodStartTracker implements PodObserver {

  private static final int MAX_TRACKED = 10_000;

  private final AgentMetrics metrics;
  private final Clock clock;

  /** uid to the instant first seen; {@link Instant#MAX} once counted as started. */
  private final Map<String, Instant> pods = new ConcurrentHashMap<>();

  public PodStartTracker(AgentMetrics metrics, Clock clock) {
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public void synced(double seconds, boolean failed) {
    metrics.podSynced(seconds, failed);
  }

  @Override
  public void seen(Pod pod) {
    if (pods.size() >= MAX_TRACKED) {
      pods.values().removeIf(Instant.MAX::equals);
    }
    pods.putIfAbsent(pod.getMetadata().getUid(), clock.instant());
  }

  @Override
  public void statusWritten(Pod pod, PodStatus status) {
    String uid = pod.getMetadata().getUid();
    Instant now = clock.instant();
    Instant seen = pods.putIfAbsent(uid, now);
    if (seen == null) {
      seen = now;
    }
    if (seen.equals(Instant.MAX) || !"Running".equals(status.getPhase())) {
      return;
    }
    if (!pods.replace(uid, seen, Instant.MAX)) {
      return;
    }
    double sinceSeen = seconds(seen, now);
    double sinceCreated = sinceSeen;
    String created = pod.getMetadata().getCreationTimestamp();
    if (created != null) {
      try {
        sinceCreated = seconds(Instant.parse(created), now);
      } catch (DateTimeParseException e) {
        // keep the agent's own measure
      }
    }
    metrics.podStarted(sinceSeen, sinceCreated);
  }

  @Override
  public void forgotten(String uid) {
    pods.remove(uid);
  }

  private static double seconds(Instant from, Instant to) {
    return Math.max(0, (to.toEpochMilli() - from.toEpochMilli()) / 1000.0);
  }
}
