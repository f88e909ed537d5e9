package io.kuark.server.storage.sqlite;

import io.kuark.server.storage.Storage;
import io.kuark.server.storage.StorageException;
import io.kuark.server.storage.WatchEvent;
import io.kuark.server.storage.WatchListener;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * One watch: a queue drained by at most one pool thread at a time, so listener calls never overlap
 * and keep queue order. The queue starts with a replay step (history read from the log) and then
 * holds live events in commit order; the watch was registered under the writer lock at the revision
 * the replay ends at, so together they have no gap and no duplicate.
 */
final class SqliteWatch implements Storage.Watch, Runnable {

  private static final Logger LOG = Logger.getLogger(SqliteWatch.class);
  private static final int REPLAY_CHUNK = 1000;

  private final String prefix;
  private final WatchListener listener;
  private final Executor executor;
  private final LogReaders readers;
  private final LogWriter writer;
  private final WatchHub hub;
  private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final ReentrantLock delivery = new ReentrantLock();
  private volatile boolean closed;
  private long lastDelivered;

  SqliteWatch(
      String prefix,
      long afterRevision,
      WatchListener listener,
      Executor executor,
      LogReaders readers,
      LogWriter writer,
      WatchHub hub) {
    this.prefix = prefix;
    this.lastDelivered = afterRevision;
    this.listener = listener;
    this.executor = executor;
    this.readers = readers;
    this.writer = writer;
    this.hub = hub;
  }

  String prefix() {
    return prefix;
  }

  /** Queues a replay of the log from the watch's start revision up to {@code upTo}. */
  void enqueueReplay(long upTo) {
    queue.add(new Replay(upTo));
    schedule();
  }

  void enqueueLive(WatchEvent event) {
    queue.add(event);
    schedule();
  }

  /** Ends the watch with {@code error} (delivered after whatever is already queued). */
  void enqueueFailure(StorageException error) {
    queue.add(error);
    schedule();
  }

  @Override
  public void close() {
    hub.remove(this);
    delivery.lock();
    try {
      closed = true;
      queue.clear();
    } finally {
      delivery.unlock();
    }
  }

  @Override
  public void run() {
    while (true) {
      Object item = queue.poll();
      if (item == null) {
        draining.set(false);
        // An item added after poll() but before the flag cleared would be stranded: re-check.
        if (queue.isEmpty() || !draining.compareAndSet(false, true)) {
          return;
        }
        continue;
      }
      process(item);
    }
  }

  private void process(Object item) {
    if (item instanceof WatchEvent event) {
      deliver(event);
    } else if (item instanceof Replay replay) {
      replay(replay.upTo());
    } else if (item instanceof StorageException error) {
      fail(error);
    }
  }

  private void replay(long upTo) {
    while (!closed && lastDelivered < upTo) {
      if (lastDelivered + 1 < writer.compactedRevision()) {
        fail(new StorageException.Gone(prefix, lastDelivered + 1, writer.compactedRevision()));
        return;
      }
      List<WatchEvent> chunk;
      try {
        chunk = readers.events(prefix, lastDelivered, upTo, REPLAY_CHUNK);
      } catch (StorageException e) {
        fail(e);
        return;
      }
      // Rows may have been compacted away while we read: only trust the chunk if not.
      if (lastDelivered + 1 < writer.compactedRevision()) {
        fail(new StorageException.Gone(prefix, lastDelivered + 1, writer.compactedRevision()));
        return;
      }
      for (WatchEvent e : chunk) {
        deliver(e);
      }
      if (chunk.size() < REPLAY_CHUNK) {
        // Nothing else under the prefix up to upTo; live events continue from there.
        advanceTo(upTo);
        return;
      }
    }
  }

  /** Marks everything up to {@code revision} as seen. */
  void advanceTo(long revision) {
    delivery.lock();
    try {
      lastDelivered = Math.max(lastDelivered, revision);
    } finally {
      delivery.unlock();
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

  private void fail(StorageException error) {
    hub.remove(this);
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
  }

  private void schedule() {
    if (draining.compareAndSet(false, true)) {
      try {
        executor.execute(this);
      } catch (RejectedExecutionException e) {
        // The storage is closing; its watches end there.
        draining.set(false);
      }
    }
  }

  private record Replay(long upTo) {}
}
