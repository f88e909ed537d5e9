package io.kuark.agent.pod;

import java.time.Duration;

/**
 * Kubelet's crash-loop back-off: the first restart is immediate, then 10 s doubling up to 5 min; a
 * container that ran for 10 minutes resets the sequence.
 */
public final class RestartBackoff {

  static final Duration INITIAL = Duration.ofSeconds(10);
  static final Duration MAX = Duration.ofMinutes(5);
  static final Duration RESET_AFTER = Duration.ofMinutes(10);

  private RestartBackoff() {}

  /**
   * The wait before the next restart.
   *
   * @param restartCount restarts done so far
   * @param lastRun how long the container that just ended ran
   */
  public static Duration delay(int restartCount, Duration lastRun) {
    if (restartCount <= 0 || lastRun.compareTo(RESET_AFTER) >= 0) {
      return Duration.ZERO;
    }
    long seconds = INITIAL.getSeconds();
    for (int i = 1; i < restartCount && seconds < MAX.getSeconds(); i++) {
      seconds *= 2;
    }
    return Duration.ofSeconds(Math.min(seconds, MAX.getSeconds()));
  }
}
