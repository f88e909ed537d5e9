package io.kuark.server.storage.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import io.kuark.server.storage.KeyValue;
import io.kuark.server.storage.Storage;
import io.kuark.server.storage.StorageException;
import io.kuark.server.storage.WatchEvent;
import io.kuark.server.storage.WatchListener;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One storage watch over an etcd watch. Events are queued from jetcd's threads and handed to the
 * listener by one pool thread at a time. Any stream failure other than compaction (etcd restarted,
 * connection lost) closes the etcd watch and opens a new one from the last delivered revision + 1
 * after a short back-off, so nothing is lost or repeated; compaction ends the watch with Gone.
 */
final class EtcdWatch implements Storage.Watch, Runnable {

  private static final Logger LOG = Logger.getLogger(EtcdWatch.class);
  private static final long MAX_BACKOFF_MILLIS = 2000;

  private final Watch watchClient;
  private final String prefix;
  private final WatchListener listener;
  private final Executor deliveryThreads;
  private final ScheduledExecutorService timer;
  private final Consumer<EtcdWatch> onEnd;
  private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final ReentrantLock delivery = new ReentrantLock();
  private final Object streamLock = new Object();
  private volatile boolean closed;
  private volatile long lastDelivered;

  /** Highest revision received from etcd (delivered or queued); resumes start after it. */
  private volatile long lastReceived;

  private volatile Watch.Watcher stream;
  private long backoffMillis = 100;

  EtcdWatch(
      Watch watchClient,
      String prefix,
      long afterRevision,
      WatchListener listener,
      Executor deliveryThreads,
      ScheduledExecutorService timer,
      Consumer<EtcdWatch> onEnd) {
    this.onEnd = onEnd;
    this.watchClient = watchClient;
    this.prefix = prefix;
    this.lastDelivered = afterRevision;
    this.lastReceived = afterRevision;
    this.listener = listener;
    this.deliveryThreads = deliveryThreads;
    this.timer = timer;
  }

  /** Opens the etcd stream from {@code lastReceived + 1}. */
  void start() {
    if (closed) {
      return;
    }
    ByteSequence key = EtcdStorage.bytes(prefix);
    WatchOption.Builder option =
        WatchOption.builder().withPrevKV(true).withRevision(lastReceived + 1);
    if (prefix.isEmpty()) {
      option.withRange(ByteSequence.from(new byte[] {0}));
    } else {
      option.isPrefix(true);
    }
    // jetcd calls back under its own lock, so no lock of ours is held while calling into it.
    final Watch.Watcher[] self = new Watch.Watcher[1];
    Watch.Listener l =
        Watch.listener(
            response -> onResponse(self[0], response),
            error -> onStreamError(self[0], error),
            () -> {});
    Watch.Watcher created;
    try {
      created = watchClient.watch(key, option.build(), l);
    } catch (RuntimeException e) {
      scheduleRestart(e);
      return;
    }
    self[0] = created;
    Watch.Watcher replaced = null;
    synchronized (streamLock) {
      if (!closed) {
        replaced = stream;
        stream = created;
        created = null;
      }
    }
    for (Watch.Watcher stale : new Watch.Watcher[] {created, replaced}) {
      if (stale != null) {
        stale.close();
      }
    }
  }

  private void onResponse(Watch.Watcher source, WatchResponse response) {
    if (closed || (source != null && source != stream)) {
      return;
    }
    backoffMillis = 100;
    for (io.etcd.jetcd.watch.WatchEvent e : response.getEvents()) {
      WatchEvent event = convert(e);
      if (event.revision() > lastReceived) {
        lastReceived = event.revision();
        queue.add(event);
      }
    }
    schedule();
  }

  private void onStreamError(Watch.Watcher source, Throwable error) {
    if (closed || (source != null && source != stream)) {
      return;
    }
    if (error instanceof CompactedException c) {
      queue.add(new StorageException.Gone(prefix, lastReceived + 1, c.getCompactedRevision()));
      schedule();
      closeStream();
      return;
    }
    scheduleRestart(error);
  }

  private void scheduleRestart(Throwable error) {
    LOG.debugf(
        "etcd watch on %s interrupted (%s); resuming after revision %d",
        prefix, error.getMessage(), lastReceived);
    closeStream();
    long delay = backoffMillis;
    backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
    try {
      timer.schedule(this::start, delay, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // The storage is closing.
    }
  }

  private void closeStream() {
    Watch.Watcher old;
    synchronized (streamLock) {
      old = stream;
      stream = null;
    }
    if (old != null) {
      try {
        old.close();
      } catch (RuntimeException e) {
        // Already broken; nothing to release.
      }
    }
  }

  /** Ends the watch with {@code error} after what is already queued. */
  void fail(StorageException error) {
    queue.add(error);
    schedule();
  }

  @Override
  public void close() {
    onEnd.accept(this);
    delivery.lock();
    try {
      closed = true;
      queue.clear();
    } finally {
      delivery.unlock();
    }
    closeStream();
  }

  @Override
  public void run() {
    while (true) {
      Object item = queue.poll();
      if (item == null) {
        draining.set(false);
        if (queue.isEmpty() || !draining.compareAndSet(false, true)) {
          return;
        }
        continue;
      }
      if (item instanceof WatchEvent event) {
        deliver(event);
      } else if (item instanceof StorageException error) {
        end(error);
      }
    }
  }

  private void deliver(WatchEvent event) {
    delivery.lock();
    try {
      if (closed || event.revision() <= lastDelivered) {
        return;
      }
      lastDelivered = event.revision();
      try {
        listener.onEvent(event);
      } catch (RuntimeException e) {
        LOG.warnf(e, "watch listener on %s failed at revision %d", prefix, event.revision());
      }
    } finally {
      delivery.unlock();
    }
  }

  private void end(StorageException error) {
    onEnd.accept(this);
    delivery.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      queue.clear();
      try {
        listener.onError(error);
      } catch (RuntimeException e) {
        LOG.warnf(e, "watch listener on %s failed handling %s", prefix, error);
      }
    } finally {
      delivery.unlock();
    }
    closeStream();
  }

  private void schedule() {
    if (draining.compareAndSet(false, true)) {
      try {
        deliveryThreads.execute(this);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        draining.set(false);
      }
    }
  }

  private static WatchEvent convert(io.etcd.jetcd.watch.WatchEvent e) {
    io.etcd.jetcd.KeyValue kv = e.getKeyValue();
    io.etcd.jetcd.KeyValue prev = e.getPrevKV();
    KeyValue previous =
        prev == null || prev.getModRevision() == 0 ? null : EtcdStorage.toKeyValue(prev);
    String key = EtcdStorage.string(kv.getKey());
    if (e.getEventType() == io.etcd.jetcd.watch.WatchEvent.EventType.DELETE) {
      byte[] last = previous == null ? new byte[0] : previous.value();
      long created = previous == null ? 0 : previous.createRevision();
      return new WatchEvent(
          WatchEvent.Type.DELETED, new KeyValue(key, last, created, kv.getModRevision()), previous);
    }
    KeyValue current = EtcdStorage.toKeyValue(kv);
    if (kv.getCreateRevision() == kv.getModRevision()) {
      return new WatchEvent(WatchEvent.Type.ADDED, current, null);
    }
    return new WatchEvent(WatchEvent.Type.MODIFIED, current, previous);
  }
}
