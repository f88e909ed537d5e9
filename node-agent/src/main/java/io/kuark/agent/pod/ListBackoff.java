package io.kuark.agent.pod;

import java.time.Duration;

/**
 * The waits between failed attempts at an informer's first list, as kubelet's reflectors back off
 * after a failed list: 800 ms, doubled after every failure, at most 30 s. Until the first list is
 * in the agent cannot tell which of its pods were deleted meanwhile, so it keeps trying rather than
 * giving up while the API server is down or failing.
 */
final class ListBackoff {

  static final Duration INITIAL = Duration.ofMillis(800);
  static final Duration MAX = Duration.ofSeconds(30);

  private Duration next = INITIAL;

  /** The wait before the next attempt; each call doubles the one after it, up to {@link #MAX}. */
  Duration next() {
    Duration wait = next;
    Duration doubled = next.multipliedBy(2);
    next = doubled.compareTo(MAX) > 0 ? MAX : doubled;
    return wait;
  }
}
