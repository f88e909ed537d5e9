package io.kuark.server.controller.queue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Per-item exponential backoff: base × 2^failures, capped at max. */
public final class ItemExponentialRateLimiter<T> implements RateLimiter<T> {
  private final Duration base;
  private final Duration max;
  private final Map<T, Integer> failures = new HashMap<>();

  public ItemExponentialRateLimiter(Duration base, Duration max) {
    this.base = base;
    this.max = max;
  }

  @Override
  public synchronized Duration when(T item) {
    int exp = failures.getOrDefault(item, 0);
    failures.put(item, exp + 1);
    // Beyond 2^40 the product overflows any sane cap; clamp the exponent first.
    if (exp > 40) {
      return max;
    }
    long nanos = base.toNanos();
    double backoff = nanos * Math.pow(2, exp);
    if (backoff >= max.toNanos()) {
      return max;
    }
    return Duration.ofNanos((long) backoff);
  }

  @Override
  public synchronized void forget(T item) {
    failures.remove(item);
  }

  @Override
  public synchronized int retries(T item) {
    return failures.getOrDefault(item, 0);
  }
}
