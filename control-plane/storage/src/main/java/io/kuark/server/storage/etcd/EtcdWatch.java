package io.kuark.server.storage.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import io.kuark.server.storage.KeyValue;
import io.kuark.server.storage.OrderedWatch;
import io.kuark.server.storage.StorageException;
import io.kuark.server.storage.WatchEvent;
import io.kuark.server.storage.WatchListener;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One storage watch over an etcd watch. Events are queued from jetcd's threads and handed to the
 * listener in order (see {@link OrderedWatch}). Any stream failure other than compaction (etcd
 * restarted, connection lost) closes the etcd watch and opens a new one from the last received
 * revision + 1 after a short back-off, so nothing is lost or repeated; compaction ends the watch
 * with Gone.
 */
final class EtcdWatch extends OrderedWatch {

  private static final Logger LOG = Logger.getLogger(EtcdWatch.class);
  private static final long MAX_BACKOFF_MILLIS = 2000;

  private final Watch watchClient;
  private final ScheduledExecutorService timer;
  private final Consumer<EtcdWatch> onEnd;
  private final Object streamLock = new Object();

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
    super(prefix, afterRevision, listener, deliveryThreads);
    this.onEnd = onEnd;
    this.watchClient = watchClient;
    this.lastReceived = afterRevision;
    this.timer = timer;
  }

  /** Opens the etcd stream from {@code lastReceived + 1}. */
  void start() {
    if (isClosed()) {
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
      if (!isClosed()) {
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
    if (isClosed() || (source != null && source != stream)) {
      return;
    }
    backoffMillis = 100;
    for (io.etcd.jetcd.watch.WatchEvent e : response.getEvents()) {
      WatchEvent event = convert(e);
      if (event.revision() > lastReceived) {
        lastReceived = event.revision();
        enqueue(event);
      }
    }
  }

  private void onStreamError(Watch.Watcher source, Throwable error) {
    if (isClosed() || (source != null && source != stream)) {
      return;
    }
    if (error instanceof CompactedException c) {
      enqueue(new StorageException.Gone(prefix, lastReceived + 1, c.getCompactedRevision()));
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
    enqueue(error);
  }

  @Override
  protected void detach() {
    onEnd.accept(this);
  }

  @Override
  protected void afterEnd() {
    closeStream();
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
