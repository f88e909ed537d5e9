package io.kuark.agent.api.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small map whose entries expire after a per-entry time to live, for review results (upstream's
 * kubelet caches TokenReviews and SubjectAccessReviews the same way). Expired entries are dropped
 * when the map grows past {@code maxEntries}.
 */
final class ExpiringCache<K, V> {

  private record Entry<V>(V value, Instant expires) {}

  private final Clock clock;
  private final int maxEntries;
  private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();

  ExpiringCache(Clock clock, int maxEntries) {
    this.clock = clock;
    this.maxEntries = maxEntries;
  }

  /** The live value for {@code key}, or null. */
  V get(K key) {
    Entry<V> entry = entries.get(key);
    if (entry == null) {
      return null;
    }
    if (!clock.instant().isBefore(entry.expires())) {
      entries.remove(key, entry);
      return null;
    }
    return entry.value();
  }

  void put(K key, V value, Duration ttl) {
    if (entries.size() >= maxEntries) {
      evictExpired();
      if (entries.size() >= maxEntries) {
        // Still full of live entries: start over rather than grow without bound.
        entries.clear();
      }
    }
    entries.put(key, new Entry<>(value, clock.instant().plus(ttl)));
  }

  private void evictExpired() {
    Instant now = clock.instant();
    for (Iterator<Entry<V>> it = entries.values().iterator(); it.hasNext(); ) {
      if (!now.isBefore(it.next().expires())) {
        it.remove();
      }
    }
  }
}
