package io.kuark.server.controller.queue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A deduplicating, rate-limited work queue with upstream client-go semantics.
 *
 * <p>An item added several times before a worker takes it is processed once. An item being
 * processed is never handed to a second worker: if it is added meanwhile it is marked dirty and
 * queued again when {@link #done} is called. Delayed adds go through a shared scheduler.
 */
public final class WorkQueue<T> {
  private final ArrayDeque<T> queue = new ArrayDeque<>();
  private final Set<T> dirty = new HashSet<>();
  private final Set<T> processing = new HashSet<>();
  private final RateLimiter<T> limiter;
  private final ScheduledExecutorService delays;
  private boolean shuttingDown;
  private long adds;
  private final WorkQueueMetrics.Queue metrics;

  /** When each waiting item was queued (nanoTime), for the queue-duration metric. */
  private final java.util.Map<T, Long> queuedAt = new java.util.HashMap<>();

  public WorkQueue(RateLimiter<T> limiter, ScheduledExecutorService delays) {
    this(limiter, delays, new WorkQueueMetrics.Queue());
  }

  /** As above, counting into {@code metrics}. */
  public WorkQueue(
      RateLimiter<T> limiter, ScheduledExecutorService delays, WorkQueueMetrics.Queue metrics) {
    this.limiter = limiter;
    this.delays = delays;
    this.metrics = metrics;
  }

  /** Queues {@code item} unless it is already waiting. */
  public synchronized void add(T item) {
    if (shuttingDown || dirty.contains(item)) {
      return;
    }
    adds++;
    metrics.added();
    dirty.add(item);
    if (processing.contains(item)) {
      return;
    }
    queuedAt.put(item, System.nanoTime());
    queue.addLast(item);
    notifyAll();
  }

  /** Queues {@code item} after {@code delay}. */
  public void addAfter(T item, Duration delay) {
    if (delay.isZero() || delay.isNegative()) {
      add(item);
      return;
    }
    synchronized (this) {
      if (shuttingDown) {
        return;
      }
    }
    delays.schedule(() -> add(item), delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Queues {@code item} after the delay its rate limiter decides (one more failure). */
  public void addRateLimited(T item) {
    metrics.retried();
    addAfter(item, limiter.when(item));
  }

  /** Clears the failure history of {@code item}; call after a successful sync. */
  public void forget(T item) {
    limiter.forget(item);
  }

  /** How often {@code item} failed in a row. */
  public int retries(T item) {
    return limiter.retries(item);
  }

  /**
   * Blocks until an item is available and marks it as processing; empty once shut down. The caller
   * must call {@link #done} with the item afterwards.
   */
  public synchronized Optional<T> take() throws InterruptedException {
    while (queue.isEmpty() && !shuttingDown) {
      wait();
    }
    if (queue.isEmpty()) {
      return Optional.empty();
    }
    T item = queue.removeFirst();
    Long since = queuedAt.remove(item);
    if (since != null) {
      metrics.waited(System.nanoTime() - since);
    }
    processing.add(item);
    dirty.remove(item);
    return Optional.of(item);
  }

  /** Ends processing of {@code item}; if it was added meanwhile, it goes back in the queue. */
  public synchronized void done(T item) {
    processing.remove(item);
    if (dirty.contains(item)) {
      queuedAt.put(item, System.nanoTime());
      queue.addLast(item);
      notifyAll();
    }
  }

  /** Items waiting (not counting those being processed). */
  public synchronized int length() {
    return queue.size();
  }

  /** Total adds that were not deduplicated away, for metrics. */
  public synchronized long adds() {
    return adds;
  }

  /** Stops handing out items; blocked {@link #take} calls return empty. */
  public synchronized void shutdown() {
    shuttingDown = true;
    notifyAll();
  }
}
