package io.kuark.server.api.watch;

import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.store.ObjectStore;
import io.kuark.server.api.store.StorageKeys;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.storage.Storage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One {@link WatchCache} per stored resource (group + plural), created on first use. Each window
 * holds at most {@code capacity} events and drops those older than the freshness period down to a
 * minimum, also while no writes come (a sweep every {@link #SWEEP_PERIOD}).
 */
public final class WatchCaches implements AutoCloseable {

  /** Events kept per resource type. */
  public static final int DEFAULT_CAPACITY = 4096;

  /** How long an event stays resumable at least, as upstream's watch cache's freshness period. */
  public static final Duration FRESHNESS = Duration.ofSeconds(75);

  /** Events kept per type however old they are (upstream's lower bound of a window). */
  public static final int MINIMUM = 100;

  /** How often idle windows are trimmed by age. */
  static final Duration SWEEP_PERIOD = Duration.ofSeconds(15);

  private final Storage storage;
  private final int capacity;
  private final Duration freshness;
  private final int minimum;
  private final LongSupplier nanoClock;
  private final ConcurrentHashMap<String, WatchCache> caches = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ObjectMirror> mirrors = new ConcurrentHashMap<>();
  private final ScheduledExecutorService sweeper;
  private volatile boolean closed;

  /** Windows of {@code capacity} events, trimmed after {@link #FRESHNESS} to {@link #MINIMUM}. */
  public WatchCaches(Storage storage, int capacity) {
    this(storage, capacity, FRESHNESS, Math.min(MINIMUM, capacity), System::nanoTime);
  }

  WatchCaches(
      Storage storage, int capacity, Duration freshness, int minimum, LongSupplier nanoClock) {
    this.storage = storage;
    this.capacity = capacity;
    this.freshness = freshness;
    this.minimum = minimum;
    this.nanoClock = nanoClock;
    this.sweeper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "watch-cache-trim");
              t.setDaemon(true);
              return t;
            });
    long period = SWEEP_PERIOD.toMillis();
    sweeper.scheduleWithFixedDelay(this::trimAll, period, period, TimeUnit.MILLISECONDS);
  }

  /**
   * The cache of {@code type}, started on first use.
   *
   * @throws io.kuark.server.api.http.ApiException 503 once closed: a cache started then would hold
   *     a storage watch nobody closes
   */
  public WatchCache forType(ResourceType type) {
    if (closed) {
      throw Statuses.unavailable("watch caches are closed");
    }
    String prefix = StorageKeys.typePrefix(type);
    return caches.computeIfAbsent(
        prefix, p -> new WatchCache(storage, p, capacity, freshness, minimum, nanoClock).start());
  }

  /**
   * The process's one {@link ObjectMirror} of {@code type} (readers of the same type share it: one
   * copy of the objects, one subscription), made on first use.
   */
  public ObjectMirror mirror(ObjectStore store, ResourceType type) {
    return mirrors.computeIfAbsent(
        StorageKeys.typePrefix(type), p -> new ObjectMirror(store, this, type));
  }

  /** Number of storage watches held (one per resource type in use). */
  public int size() {
    return caches.size();
  }

  /** Drops every window's events older than the freshness period (down to the minimum). */
  void trimAll() {
    for (WatchCache cache : caches.values()) {
      cache.trim();
    }
  }

  @Override
  public void close() {
    closed = true;
    sweeper.shutdownNow();
    List<WatchCache> all = new ArrayList<>(caches.values());
    caches.clear();
    for (WatchCache cache : all) {
      cache.close();
    }
  }
}
