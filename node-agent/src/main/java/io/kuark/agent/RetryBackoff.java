package io.kuark.agent;

import java.time.Duration;

/**
 * The waits between failed attempts at something the agent cannot start without and that heals once
 * the API server is back: the first wait, doubled after every failure, up to a ceiling. The agent
 * keeps trying rather than giving up while the API server is down or failing, as kubelet does.
 */
public final class RetryBackoff {

  private final Duration max;
  private Duration next;

  public RetryBackoff(Duration initial, Duration max) {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("back-off from " + initial + " to " + max);
    }
    this.next = initial;
    this.max = max;
  }

  /**
   * Kubelet's reflectors after a failed list: 800 ms doubling to 30 s. Until an informer's first
   * list is in the agent cannot tell which of its pods were deleted meanwhile.
   */
  public static RetryBackoff reflectorList() {
    return new RetryBackoff(Duration.ofMillis(800), Duration.ofSeconds(30));
  }

  /** Kubelet's registerWithAPIServer: 100 ms doubling to 7 s. */
  public static RetryBackoff nodeRegistration() {
    return new RetryBackoff(Duration.ofMillis(100), Duration.ofSeconds(7));
  }

  /** The wait before the next attempt; each call doubles the one after it, up to the ceiling. */
  public Duration next() {
    Duration wait = next;
    Duration doubled = next.multipliedBy(2);
    next = doubled.compareTo(max) > 0 ? max : doubled;
    return wait;
  }
}
