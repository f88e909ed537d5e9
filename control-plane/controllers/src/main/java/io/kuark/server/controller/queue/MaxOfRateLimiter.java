package io.kuark.server.controller.queue;

import java.time.Duration;
import java.util.List;

/** Waits as long as the strictest of its limiters demands. */
public final class MaxOfRateLimiter<T> implements RateLimiter<T> {
  private final List<RateLimiter<T>> limiters;

  @SafeVarargs
  public MaxOfRateLimiter(RateLimiter<T>... limiters) {
    this.limiters = List.of(limiters);
  }

  @Override
  public Duration when(T item) {
    Duration longest = Duration.ZERO;
    for (RateLimiter<T> limiter : limiters) {
      Duration d = limiter.when(item);
      if (d.compareTo(longest) > 0) {
        longest = d;
      }
    }
    return longest;
  }

  @Override
  public void forget(T item) {
    for (RateLimiter<T> limiter : limiters) {
      limiter.forget(item);
    }
  }

  @Override
  public int retries(T item) {
    int most = 0;
    for (RateLimiter<T> limiter : limiters) {
      most = Math.max(most, limiter.retries(item));
    }
    return most;
  }
}
