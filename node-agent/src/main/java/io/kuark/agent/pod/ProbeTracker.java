package io.kuark.agent.pod;

import io.fabric8.kubernetes.api.model.Probe;

/**
 * The state of one probe of one container run: when it may run next and the consecutive
 * success/failure counts that flip its result (successThreshold / failureThreshold).
 */
final class ProbeTracker {

  private final Probe probe;
  private final long startedMillis;
  private long nextMillis;
  private int successes;
  private int failures;
  private boolean result;

  /**
   * @param initial the result before the first verdict (readiness: false; liveness: true)
   */
  ProbeTracker(Probe probe, long startedMillis, boolean initial) {
    this.probe = probe;
    this.startedMillis = startedMillis;
    this.nextMillis = startedMillis + seconds(probe.getInitialDelaySeconds(), 0) * 1000L;
    this.result = initial;
  }

  boolean due(long now) {
    return now >= nextMillis;
  }

  /** Records one attempt and returns the (possibly flipped) result. */
  boolean record(boolean success, long now) {
    nextMillis = now + seconds(probe.getPeriodSeconds(), 10) * 1000L;
    if (success) {
      failures = 0;
      successes++;
      if (successes >= seconds(probe.getSuccessThreshold(), 1)) {
        result = true;
      }
    } else {
      successes = 0;
      failures++;
      if (failures >= seconds(probe.getFailureThreshold(), 3)) {
        result = false;
      }
    }
    return result;
  }

  boolean result() {
    return result;
  }

  long startedMillis() {
    return startedMillis;
  }

  private static int seconds(Integer value, int fallback) {
    return value == null || value <= 0 ? fallback : value;
  }
}
