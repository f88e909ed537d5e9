package io.kuark.server.api.watch;

import io.kuark.server.api.http.Statuses;
import io.kuark.server.storage.Storage;
import io.kuark.server.storage.StorageException;
import io.kuark.server.storage.WatchEvent;
import io.kuark.server.storage.WatchListener;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * The recent changes of one resource type, fed by ONE storage watch on the type's key prefix and
 * shared by every watcher of that type: a revision-ordered window of the last {@code capacity}
 * events. A watch starting at revision R is served from the window when R is at or after the
 * window's start; older starts are 410 Expired (the client re-lists), as with upstream's watch
 * cache. Thread-safe.
 *
 * <p>The window is bounded by age as well as by count: events older than the freshness period are
 * dropped (on the next append or {@link #trim}) down to a small minimum. Upstream sizes its window
 * so that it spans its 75 s freshness period (a watcher that lost its connection resumes within
 * that) and shrinks it when the events are older; keeping the full count for ever instead held
 * several MB of event JSON per busy type after a burst of writes, long after any watcher could
 * resume from them.
 */
public final class WatchCache implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(WatchCache.class);

  private final Storage storage;
  private final String prefix;
  private final int capacity;
  private final long freshnessNanos;
  private final int minimum;
  private final LongSupplier nanoClock;
  private final ArrayDeque<CachedEvent> window = new ArrayDeque<>();
  // The newest event of each key in the window: a change's previous version is usually the
  // object of that event, whose JSON the new event then shares.
  private final HashMap<String, CachedEvent> newestByKey = new HashMap<>();
  private final Set<WatchSubscriber> subscribers = new LinkedHashSet<>();
  private long windowStart;
  private long lastRevision;
  private Storage.Watch storageWatch;
  private boolean closed;

  /** A window bounded by count only (tests of the count bound). */
  public WatchCache(Storage storage, String prefix, int capacity) {
    this(storage, prefix, capacity, null, capacity, System::nanoTime);
  }

  /**
   * @param capacity at most this many events
   * @param freshness events older than this are dropped down to {@code minimum} (null: never)
   * @param minimum events kept however old they are
   * @param nanoClock monotonic time in nanoseconds ({@link System#nanoTime} but in tests)
   */
  public WatchCache(
      Storage storage,
      String prefix,
      int capacity,
      Duration freshness,
      int minimum,
      LongSupplier nanoClock) {
    if (minimum < 0 || minimum > capacity) {
      throw new IllegalArgumentException(
          "minimum " + minimum + " must be between 0 and the capacity " + capacity);
    }
    this.storage = storage;
    this.prefix = prefix;
    this.capacity = capacity;
    this.freshnessNanos = freshness == null ? Long.MAX_VALUE : freshness.toNanos();
    this.minimum = minimum;
    this.nanoClock = nanoClock;
  }

  /** Starts the storage watch at the current revision. */
  public synchronized WatchCache start() {
    long now = storage.currentRevision();
    windowStart = now;
    lastRevision = now;
    window.clear();
    newestByKey.clear();
    storageWatch = storage.watch(prefix, now, new Listener());
    return this;
  }

  /**
   * Subscribes to every change after {@code fromRevision}: buffered ones are delivered at once (on
   * this thread), later ones as they happen.
   *
   * @throws io.kuark.server.api.http.ApiException 410 Expired when {@code fromRevision} is older
   *     than the window
   */
  public synchronized Subscription subscribe(long fromRevision, WatchSubscriber subscriber) {
    if (closed) {
      throw Statuses.unavailable("watch cache is closed");
    }
    if (fromRevision < windowStart) {
      throw Statuses.expired(
          "too old resource version: " + fromRevision + " (" + windowStart + ")");
    }
    for (CachedEvent event : window) {
      if (event.revision() > fromRevision) {
        subscriber.onEvent(event);
        event.release();
      }
    }
    subscribers.add(subscriber);
    return () -> unsubscribe(subscriber);
  }

  /** The revision up to which every change of this type has been seen. */
  public synchronized long progressRevision() {
    return lastRevision;
  }

  /** The oldest revision a watch can start from. */
  public synchronized long windowStart() {
    return windowStart;
  }

  public synchronized int subscriberCount() {
    return subscribers.size();
  }

  private synchronized void unsubscribe(WatchSubscriber subscriber) {
    subscribers.remove(subscriber);
  }

  private synchronized void append(WatchEvent event) {
    if (closed) {
      return;
    }
    CachedEvent cached = toCached(event);
    window.addLast(cached);
    newestByKey.put(cached.key(), cached);
    if (window.size() > capacity) {
      evictOldest();
    }
    trim();
    lastRevision = cached.revision();
    for (WatchSubscriber s : new ArrayList<>(subscribers)) {
      try {
        s.onEvent(cached);
      } catch (RuntimeException e) {
        LOG.debugf(e, "dropping watcher of %s", prefix);
        subscribers.remove(s);
      }
    }
    // The window keeps bytes only: trees are several times larger and rarely needed again.
    cached.release();
  }

  /**
   * Drops the events older than the freshness period, keeping at least the minimum; a watch from
   * before the new window start is then 410 Expired, as for events pushed out by count.
   */
  public synchronized void trim() {
    long now = nanoClock.getAsLong();
    while (window.size() > minimum && now - window.peekFirst().cachedAtNanos() > freshnessNanos) {
      evictOldest();
    }
  }

  /** Number of events in the window. */
  public synchronized int size() {
    return window.size();
  }

  private void evictOldest() {
    CachedEvent evicted = window.removeFirst();
    windowStart = evicted.revision();
    newestByKey.remove(evicted.key(), evicted);
  }

  private synchronized void restart(StorageException error) {
    if (closed) {
      return;
    }
    LOG.infof("storage watch of %s ended (%s); restarting", prefix, error.getMessage());
    terminateAll("storage watch restarted");
    try {
      storageWatch.close();
    } catch (RuntimeException e) {
      LOG.debugf(e, "closing failed storage watch of %s", prefix);
    }
    start();
  }

  private void terminateAll(String reason) {
    List<WatchSubscriber> all = new ArrayList<>(subscribers);
    subscribers.clear();
    for (WatchSubscriber s : all) {
      try {
        s.onTerminated(reason);
      } catch (RuntimeException e) {
        LOG.debugf(e, "terminating watcher of %s", prefix);
      }
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    terminateAll("server shutting down");
    if (storageWatch != null) {
      storageWatch.close();
    }
  }

  private CachedEvent toCached(WatchEvent event) {
    CachedEvent predecessor = newestByKey.get(event.current().key());
    long now = nanoClock.getAsLong();
    if (predecessor != null && predecessor.isVersion(event.previous())) {
      return new CachedEvent(
          event.type().name(), event.current(), predecessor, event.revision(), now);
    }
    String namespace =
        predecessor != null ? predecessor.namespace() : sharedNamespace(event.current().key());
    return new CachedEvent(
        event.type().name(), event.current(), namespace, event.previous(), event.revision(), now);
  }

  /**
   * The namespace of {@code key}, as the same String the newest event of the window holds when it
   * is that event's namespace: a burst of writes is mostly in one namespace, and the window holds
   * thousands of events, so a copy per event was duplicated memory.
   */
  private String sharedNamespace(String key) {
    CachedEvent newest = window.peekLast();
    if (newest != null && !newest.namespace().isEmpty()) {
      // A namespaced key is <prefix><namespace>/<name>, and neither part holds a slash.
      String ns = newest.namespace();
      int end = prefix.length() + ns.length();
      if (key.length() > end && key.charAt(end) == '/' && key.startsWith(ns, prefix.length())) {
        return ns;
      }
    }
    return namespaceOf(key);
  }

  /**
   * The namespace in a key under this cache's type prefix: {@code <prefix><namespace>/<name>} for
   * namespaced objects, {@code <prefix><name>} (no further slash: names cannot hold one) for
   * cluster-scoped ones.
   */
  String namespaceOf(String key) {
    int slash = key.indexOf('/', prefix.length());
    return slash < 0 ? "" : key.substring(prefix.length(), slash);
  }

  /** A watcher's registration; closing it stops delivery. */
  public interface Subscription extends AutoCloseable {
    @Override
    void close();
  }

  private final class Listener implements WatchListener {
    @Override
    public void onEvent(WatchEvent event) {
      append(event);
    }

    @Override
    public void onError(StorageException error) {
      // Restart on another thread: closing a storage watch from inside its own callback may wait
      // for that very callback to return.
      Thread restarter = new Thread(() -> restart(error), "watch-cache-restart");
      restarter.setDaemon(true);
      restarter.start();
    }
  }

  // Iterator kept for tests that inspect the window.
  synchronized Iterator<CachedEvent> iterator() {
    return new ArrayList<>(window).iterator();
  }
}
