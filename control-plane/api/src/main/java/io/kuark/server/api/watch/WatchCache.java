package io.kuark.server.api.watch;

import io.kuark.server.api.http.Statuses;
import io.kuark.server.storage.Storage;
import io.kuark.server.storage.StorageException;
import io.kuark.server.storage.WatchEvent;
import io.kuark.server.storage.WatchListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The recent changes of one resource type, fed by ONE storage watch on the type's key prefix and
 * shared by every watcher of that type: a revision-ordered window of the last {@code capacity}
 * events. A watch starting at revision R is served from the window when R is at or after the
 * window's start; older starts are 410 Expired (the client re-lists), as with upstream's watch
 * cache. Thread-safe.
 */
public final class WatchCache implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(WatchCache.class);

  private final Storage storage;
  private final String prefix;
  private final int capacity;
  private final ArrayDeque<CachedEvent> window = new ArrayDeque<>();
  // The newest event of each key in the window: a change's previous version is usually the
  // object of that event, whose JSON the new event then shares.
  private final HashMap<String, CachedEvent> newestByKey = new HashMap<>();
  private final Set<WatchSubscriber> subscribers = new LinkedHashSet<>();
  private long windowStart;
  private long lastRevision;
  private Storage.Watch storageWatch;
  private boolean closed;

  public WatchCache(Storage storage, String prefix, int capacity) {
    this.storage = storage;
    this.prefix = prefix;
    this.capacity = capacity;
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
      CachedEvent evicted = window.removeFirst();
      windowStart = evicted.revision();
      newestByKey.remove(evicted.key(), evicted);
    }
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
    String namespace = namespaceOf(event.current().key());
    CachedEvent predecessor = newestByKey.get(event.current().key());
    if (predecessor != null && predecessor.isVersion(event.previous())) {
      return new CachedEvent(
          event.type().name(), event.current(), namespace, predecessor, event.revision());
    }
    return new CachedEvent(
        event.type().name(), event.current(), namespace, event.previous(), event.revision());
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
