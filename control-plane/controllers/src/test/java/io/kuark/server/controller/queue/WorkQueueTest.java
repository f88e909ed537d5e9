package io.kuark.server.controller.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkQueueTest {
  private final ScheduledExecutorService delays = Executors.newSingleThreadScheduledExecutor();
  private final WorkQueue<String> queue = new WorkQueue<>(RateLimiter.controllerDefault(), delays);

  @AfterEach
  void stop() {
    delays.shutdownNow();
  }

  @Test
  void duplicatesCollapseIntoOneItem() throws Exception {
    queue.add("a");
    queue.add("a");
    queue.add("b");
    assertThat(queue.length()).isEqualTo(2);
    assertThat(queue.take()).contains("a");
    assertThat(queue.take()).contains("b");
  }

  @Test
  void anItemBeingProcessedIsNotHandedOutTwiceButRequeuedWhenDone() throws Exception {
    queue.add("a");
    String a = queue.take().orElseThrow();
    queue.add("a");
    assertThat(queue.length()).isZero();
    queue.done(a);
    assertThat(queue.length()).isEqualTo(1);
    assertThat(queue.take()).contains("a");
  }

  @Test
  void shutdownReleasesWaitingWorkers() throws Exception {
    queue.shutdown();
    assertThat(queue.take()).isEmpty();
  }

  @Test
  void perItemBackoffDoublesFromFiveMillisecondsAndCapsAtThousandSeconds() {
    ItemExponentialRateLimiter<String> limiter =
        new ItemExponentialRateLimiter<>(Duration.ofMillis(5), Duration.ofSeconds(1000));
    assertThat(limiter.when("x")).isEqualTo(Duration.ofMillis(5));
    assertThat(limiter.when("x")).isEqualTo(Duration.ofMillis(10));
    assertThat(limiter.when("x")).isEqualTo(Duration.ofMillis(20));
    assertThat(limiter.when("y")).isEqualTo(Duration.ofMillis(5));
    for (int i = 0; i < 40; i++) {
      limiter.when("x");
    }
    assertThat(limiter.when("x")).isEqualTo(Duration.ofSeconds(1000));
    limiter.forget("x");
    assertThat(limiter.retries("x")).isZero();
    assertThat(limiter.when("x")).isEqualTo(Duration.ofMillis(5));
  }

  @Test
  void bucketAllowsBurstThenPacesAtQps() {
    AtomicLong now = new AtomicLong();
    TokenBucketRateLimiter<String> bucket = new TokenBucketRateLimiter<>(10, 3, now::get);
    assertThat(bucket.when("a")).isZero();
    assertThat(bucket.when("b")).isZero();
    assertThat(bucket.when("c")).isZero();
    assertThat(bucket.when("d")).isEqualTo(Duration.ofMillis(100));
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(bucket.when("e")).isZero();
  }

  @Test
  void rateLimitedAddArrivesAfterTheDelay() throws Exception {
    queue.addRateLimited("k");
    assertThat(queue.take()).contains("k");
    assertThat(queue.retries("k")).isEqualTo(1);
  }
}
