package io.kuark.agent;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Waits between two attempts at a request that failed; tests record the waits instead. */
@FunctionalInterface
public interface RetryWait {

  void sleep(Duration duration) throws InterruptedException;

  /**
   * Sleeps the whole wait unless {@code stop} is counted down first: a shutdown while the agent
   * waits for the API server ends the wait at once instead of after up to a whole back-off.
   */
  static RetryWait until(CountDownLatch stop) {
    return duration -> stop.await(duration.toNanos(), TimeUnit.NANOSECONDS);
  }
}
