package io.kuark.server.controller.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

class WorkQueueMetricsTest {

  @Test
  void countsAddsRetriesDepthAndDurationsPerNamedQueue() throws Exception {
    ScheduledExecutorService delays = Executors.newSingleThreadScheduledExecutor();
    try {
      WorkQueueMetrics registry = new WorkQueueMetrics();
      WorkQueueMetrics.Queue stats = registry.queue("replicaset", () -> 0);
      WorkQueue<String> queue =
          new WorkQueue<>(
              new ItemExponentialRateLimiter<>(Duration.ofHours(1), Duration.ofHours(2)),
              delays,
              stats);
      stats.depthFrom(queue::length);
      queue.add("a");
      queue.add("a"); // deduplicated: not an add
      queue.add("b");
      assertThat(stats.adds()).isEqualTo(2);
      assertThat(stats.depth()).isEqualTo(2);
      String item = queue.take().orElseThrow();
      stats.worked(2_000_000L);
      queue.addRateLimited(item); // fails once: a retry (its delay is an hour away)
      queue.done(item);
      assertThat(stats.retries()).isEqualTo(1);
      assertThat(stats.depth()).isEqualTo(1);

      String text = registry.render();
      assertThat(text)
          .contains("# TYPE workqueue_depth gauge")
          .contains("workqueue_depth{name=\"replicaset\"} 1")
          .contains("workqueue_adds_total{name=\"replicaset\"} 2")
          .contains("workqueue_retries_total{name=\"replicaset\"} 1")
          .contains("workqueue_queue_duration_seconds_count{name=\"replicaset\"} 1")
          .contains("workqueue_work_duration_seconds_bucket{name=\"replicaset\",le=\"0.01\"} 1")
          .contains("workqueue_work_duration_seconds_bucket{name=\"replicaset\",le=\"0.001\"} 0")
          .contains("workqueue_work_duration_seconds_count{name=\"replicaset\"} 1");

      // A later leadership term's queue of the same name continues the counters.
      WorkQueueMetrics.Queue again = registry.queue("replicaset", () -> 7);
      assertThat(again).isSameAs(stats);
      assertThat(registry.render()).contains("workqueue_depth{name=\"replicaset\"} 7");
    } finally {
      delays.shutdownNow();
    }
  }
}
