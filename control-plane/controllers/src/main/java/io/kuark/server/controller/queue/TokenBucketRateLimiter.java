package io.kuark.server.controller.queue;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * An overall token bucket shared by all items: {@code qps} tokens per second, at most {@code burst}
 * saved. Each call reserves one token and returns how long to wait for it.
 */
public final class TokenBucketRateLimiter<T> implements RateLimiter<T> {
  private final double nanosPerToken;
  private final int burst;
  private final LongSupplier clock;
  private double tokens;
  private long last;

  public TokenBucketRateLimiter(double qps, int burst, LongSupplier nanoClock) {
    this.nanosPerToken = 1_000_000_000.0 / qps;
    this.burst = burst;
    this.clock = nanoClock;
    this.tokens = burst;
    this.last = nanoClock.getAsLong();
  }

  @Override
  public synchronized Duration when(T item) {
    long now = clock.getAsLong();
    tokens = Math.min(burst, tokens + (now - last) / nanosPerToken);
    last = now;
    tokens -= 1;
    if (tokens >= 0) {
      return Duration.ZERO;
    }
    return Duration.ofNanos((long) (-tokens * nanosPerToken));
  }

  @Override
  public void forget(T item) {}

  @Override
  public int retries(T item) {
    return 0;
  }
}
