package io.kuark.agent;

import java.time.Duration;

/**
 * A daemon thread that runs a task, sleeps {@code period}, and again, until closed: the agent's
 * housekeeping loops (eviction checks, image and container GC, static pods). Closing interrupts the
 * sleep and waits up to 5 s for a run in progress, so shutdown is never held up for long.
 */
public final class PeriodicLoop implements AutoCloseable {
  private final Thread thread;
  private volatile boolean closed;

  private PeriodicLoop(String name, Duration period, Runnable task) {
    thread =
        new Thread(
            () -> {
              while (!closed) {
                task.run();
                try {
                  Thread.sleep(period.toMillis());
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            name);
    thread.setDaemon(true);
  }

  /** Starts running {@code task} every {@code period} on a thread called {@code name}. */
  public static PeriodicLoop start(String name, Duration period, Runnable task) {
    PeriodicLoop loop = new PeriodicLoop(name, period, task);
    loop.thread.start();
    return loop;
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
