package io.kuark.server.storage;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * The delivery half every backend's watch shares: a queue drained by at most one pool thread at a
 * time, so listener calls never overlap and keep queue order; events at or below the last delivered
 * revision are dropped, so a resumed source may repeat itself safely; an error ends the watch once,
 * after whatever was queued before it. Backends feed the queue and say how to detach the watch.
 */
public abstract class OrderedWatch implements Storage.Watch, Runnable {

  private static final Logger LOG = Logger.getLogger(OrderedWatch.class);

  protected final String prefix;
  private final WatchListener listener;
  private final Executor executor;
  private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final ReentrantLock delivery = new ReentrantLock();
  private volatile boolean closed;
  private volatile long lastDelivered;

  protected OrderedWatch(
      String prefix, long afterRevision, WatchListener listener, Executor executor) {
    this.prefix = prefix;
    this.lastDelivered = afterRevision;
    this.listener = listener;
    this.executor = executor;
  }

  /** Removes the watch from whatever feeds it; called once the watch closes or ends. */
  protected abstract void detach();

  /** Releases the backend's resources (a stream, say) after the watch closed or ended. */
  protected void afterEnd() {}

  /**
   * Handles one queued item on the delivery thread. Events are delivered and {@link
   * StorageException}s end the watch; backends override this for items of their own (a replay step)
   * and pass the rest on.
   */
  protected void process(Object item) {
    if (item instanceof WatchEvent event) {
      deliver(event);
    } else if (item instanceof StorageException error) {
      end(error);
    }
  }

  /** Queues an event, an error or a backend item for the delivery thread. */
  protected final void enqueue(Object item) {
    queue.add(item);
    if (draining.compareAndSet(false, true)) {
      try {
        executor.execute(this);
      } catch (RejectedExecutionException e) {
        // The storage is closing; its watches end there.
        draining.set(false);
      }
    }
  }

  protected final boolean isClosed() {
    return closed;
  }

  protected final long lastDelivered() {
    return lastDelivered;
  }

  /** Marks everything up to {@code revision} as seen, without an event. */
  public final void advanceTo(long revision) {
    delivery.lock();
    try {
      lastDelivered = Math.max(lastDelivered, revision);
    } finally {
      delivery.unlock();
    }
  }

  @Override
  public final void run() {
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

  protected final void deliver(WatchEvent event) {
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

  /** Ends the watch with {@code error}, once; later events and errors are dropped. */
  protected final void end(StorageException error) {
    detach();
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
    afterEnd();
  }

  @Override
  public final void close() {
    detach();
    delivery.lock();
    try {
      closed = true;
      queue.clear();
    } finally {
      delivery.unlock();
    }
    afterEnd();
  }
}
