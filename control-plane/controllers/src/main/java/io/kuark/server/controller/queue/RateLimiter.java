package io.kuark.server.controller.queue;

import java.time.Duration;

/** Decides how long an item must wait before it is processed again after a failure. */
public interface RateLimiter<T> {

  /** Returns the delay before {@code item} may be retried; counts this as one more failure. */
  Duration when(T item);

  /** Clears the failure history of {@code item} (called after a successful sync). */
  void forget(T item);

  /** How many failures of {@code item} are on record. */
  int retries(T item);

  /**
   * Upstream's default controller limiter: max of per-item 5 ms → 1000 s and a 10 qps / 100 burst
   * bucket.
   */
  static <T> RateLimiter<T> controllerDefault() {
    return new MaxOfRateLimiter<>(
        new ItemExponentialRateLimiter<>(Duration.ofMillis(5), Duration.ofSeconds(1000)),
        new TokenBucketRateLimiter<>(10.0, 100, System::nanoTime));
  }
}
