package io.kuark.server.api.watch;

import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.store.StorageKeys;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.storage.Storage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** One {@link WatchCache} per stored resource (group + plural), created on first use. */
public final class WatchCaches implements AutoCloseable {

  /** Events kept per resource type. */
  public static final int DEFAULT_CAPACITY = 4096;

  private final Storage storage;
  private final int capacity;
  private final ConcurrentHashMap<String, WatchCache> caches = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public WatchCaches(Storage storage, int capacity) {
    this.storage = storage;
    this.capacity = capacity;
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
    return caches.computeIfAbsent(prefix, p -> new WatchCache(storage, p, capacity).start());
  }

  /** Number of storage watches held (one per resource type in use). */
  public int size() {
    return caches.size();
  }

  @Override
  public void close() {
    closed = true;
    List<WatchCache> all = new ArrayList<>(caches.values());
    caches.clear();
    for (WatchCache cache : all) {
      cache.close();
    }
  }
}
