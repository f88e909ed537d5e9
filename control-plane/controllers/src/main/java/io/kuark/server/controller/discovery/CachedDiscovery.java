package io.kuark.server.controller.discovery;

import java.time.Duration;
import java.util.List;

/** Remembers another discovery's answer for a while; discovery is several round trips. */
public final class CachedDiscovery implements ApiDiscovery {
  private final ApiDiscovery delegate;
  private final long ttlNanos;
  private List<ApiResource> cached;
  private long fetchedAt;

  public CachedDiscovery(ApiDiscovery delegate, Duration ttl) {
    this.delegate = delegate;
    this.ttlNanos = ttl.toNanos();
  }

  @Override
  public synchronized List<ApiResource> resources() {
    long now = System.nanoTime();
    if (cached == null || now - fetchedAt > ttlNanos) {
      cached = List.copyOf(delegate.resources());
      fetchedAt = now;
    }
    return cached;
  }
}
