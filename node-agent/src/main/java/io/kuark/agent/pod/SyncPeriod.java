package io.kuark.agent.pod;

import java.time.Clock;
import java.time.Duration;

/**
 * Tells a pod worker when its periodic sync of volume content is due: once every {@code period}
 * (kubelet's {@code --sync-frequency}), counted from the worker's first sync, whose container
 * starts have just written the volumes.
 */
final class SyncPeriod {

  private final Duration period;
  private final Clock clock;
  private boolean started;
  private long lastMillis;

  SyncPeriod(Duration period, Clock clock) {
    this.period = period;
    this.clock = clock;
  }

  /** Whether a periodic sync is due now; when it is, the next one is a period from now. */
  boolean due() {
    long now = clock.millis();
    if (!started) {
      started = true;
      lastMillis = now;
      return false;
    }
    if (now - lastMillis < period.toMillis()) {
      return false;
    }
    lastMillis = now;
    return true;
  }

  Duration period() {
    return period;
  }
}
