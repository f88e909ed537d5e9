package io.kuark.server.controller.runtime;

import io.kuark.server.controller.queue.RateLimiter;
import io.kuark.server.controller.queue.WorkQueue;
import io.kuark.server.controller.queue.WorkQueueMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import org.jboss.logging.Logger;

/**
 * Runs a {@link Reconciler} on a work queue of keys with a few worker threads. Event handlers call
 * {@link #enqueue}; the queue guarantees one sync per key at a time.
 */
public final class Controller implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Controller.class);

  private final String name;
  private final Reconciler reconciler;
  private final WorkQueue<String> queue;
  private final int workers;
  private final List<Thread> threads = new ArrayList<>();
  private final ControllerMetrics metrics = new ControllerMetrics();
  private final WorkQueueMetrics.Queue queueMetrics;

  public Controller(
      String name, Reconciler reconciler, int workers, ScheduledExecutorService delays) {
    this(name, reconciler, workers, delays, new WorkQueueMetrics());
  }

  /** As above, reporting its queue as {@code name} in {@code registry}. */
  public Controller(
      String name,
      Reconciler reconciler,
      int workers,
      ScheduledExecutorService delays,
      WorkQueueMetrics registry) {
    this.name = name;
    this.reconciler = reconciler;
    this.workers = workers;
    this.queueMetrics = registry.queue(name, () -> 0);
    this.queue = new WorkQueue<>(RateLimiter.controllerDefault(), delays, queueMetrics);
    queueMetrics.depthFrom(queue::length);
  }

  public String name() {
    return name;
  }

  public void enqueue(String key) {
    queue.add(key);
  }

  public void enqueueAfter(String key, Duration delay) {
    queue.addAfter(key, delay);
  }

  public ControllerMetrics metrics() {
    return metrics;
  }

  public int queueLength() {
    return queue.length();
  }

  /** Starts the worker threads. */
  public synchronized void start() {
    for (int i = 0; i < workers; i++) {
      Thread t = new Thread(this::work, name + "-worker-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  private void work() {
    while (true) {
      Optional<String> next;
      try {
        next = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (next.isEmpty()) {
        return;
      }
      String key = next.get();
      long start = System.nanoTime();
      try {
        Optional<Duration> again = reconciler.reconcile(key);
        queue.forget(key);
        again.ifPresent(d -> queue.addAfter(key, d));
      } catch (Exception | LinkageError e) {
        metrics.failures.incrementAndGet();
        int retries = queue.retries(key);
        if (retries < 3) {
          LOG.debugf("%s: sync of %s failed (retry %d): %s", name, key, retries, e.toString());
        } else {
          LOG.warnf("%s: sync of %s failed (retry %d): %s", name, key, retries, e.toString());
        }
        queue.addRateLimited(key);
      } finally {
        metrics.syncs.incrementAndGet();
        long took = System.nanoTime() - start;
        metrics.syncNanos.addAndGet(took);
        queueMetrics.worked(took);
        queue.done(key);
      }
    }
  }

  @Override
  public synchronized void close() {
    queue.shutdown();
    for (Thread t : threads) {
      t.interrupt();
    }
    threads.clear();
  }
}
