package io.kuark.server.controller.runtime;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts creations a controller issued but has not yet seen in its informer cache, and tracks the
 * keys of pods it asked to delete, so a sync that runs before the cache catches up does not act
 * twice. Deletions are tracked by pod key because a pod is seen "deleted" twice (deletionTimestamp
 * set, then gone). Expectations expire after five minutes, like upstream, in case an event was
 * missed.
 */
public final class Expectations {
  static final Duration TTL = Duration.ofMinutes(5);

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  private static final class Entry {
    final AtomicInteger adds;
    final Set<String> deletes = ConcurrentHashMap.newKeySet();
    final long timestamp = System.nanoTime();

    Entry(int adds, Collection<String> deletes) {
      this.adds = new AtomicInteger(adds);
      this.deletes.addAll(deletes);
    }
  }

  /** True when every expected create/delete for {@code key} was observed, or they expired. */
  public boolean satisfied(String key) {
    Entry e = entries.get(key);
    if (e == null) {
      return true;
    }
    if (e.adds.get() <= 0 && e.deletes.isEmpty()) {
      return true;
    }
    return System.nanoTime() - e.timestamp > TTL.toNanos();
  }

  /** Records that the controller is about to issue {@code adds} creates. */
  public void expectCreations(String key, int adds) {
    entries.put(key, new Entry(adds, Set.of()));
  }

  /** Records that the controller is about to delete the pods with {@code podKeys}. */
  public void expectDeletions(String key, Collection<String> podKeys) {
    entries.put(key, new Entry(0, podKeys));
  }

  /** An expected creation was seen in the cache, or its request failed (so no event will come). */
  public void creationObserved(String key) {
    Entry e = entries.get(key);
    if (e != null) {
      e.adds.decrementAndGet();
    }
  }

  /** A deletion of {@code podKey} was seen, or its request failed. */
  public void deletionObserved(String key, String podKey) {
    Entry e = entries.get(key);
    if (e != null) {
      e.deletes.remove(podKey);
    }
  }

  public void delete(String key) {
    entries.remove(key);
  }
}
