package io.kuark.server.controller.queue;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * The work queues' metrics in Prometheus text, named as upstream's client-go workqueue metrics with
 * a {@code name} label per queue: {@code workqueue_depth}, {@code workqueue_adds_total}, {@code
 * workqueue_retries_total}, {@code workqueue_queue_duration_seconds} (added to picked up) and
 * {@code workqueue_work_duration_seconds} (one sync). A queue keeps its counters across leadership
 * terms (a new term's queue of the same name continues them). Thread-safe.
 */
public final class WorkQueueMetrics {

  /** Upstream's buckets: 10^-8 s to 10 s, ten exponential steps. */
  private static final double[] BUCKETS = {1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10};

  /** The counters of one named queue. */
  public static final class Queue {
    private volatile IntSupplier depth = () -> 0;

    /** Counters that belong to no registry (a queue built without metrics). */
    public Queue() {}

    final LongAdder adds = new LongAdder();
    final LongAdder retries = new LongAdder();
    final Histogram queueDuration = new Histogram();
    final Histogram workDuration = new Histogram();

    public void depthFrom(IntSupplier depth) {
      this.depth = depth;
    }

    public void added() {
      adds.increment();
    }

    public void retried() {
      retries.increment();
    }

    public void waited(long nanos) {
      queueDuration.observe(nanos / 1e9);
    }

    public void worked(long nanos) {
      workDuration.observe(nanos / 1e9);
    }

    public long adds() {
      return adds.sum();
    }

    public long retries() {
      return retries.sum();
    }

    public int depth() {
      return depth.getAsInt();
    }

    public long workCount() {
      return workDuration.count.sum();
    }
  }

  static final class Histogram {
    final LongAdder[] counts = new LongAdder[BUCKETS.length];
    final LongAdder count = new LongAdder();
    final DoubleAdder sum = new DoubleAdder();

    Histogram() {
      for (int i = 0; i < counts.length; i++) {
        counts[i] = new LongAdder();
      }
    }

    void observe(double seconds) {
      for (int i = 0; i < BUCKETS.length; i++) {
        if (seconds <= BUCKETS[i]) {
          counts[i].increment();
        }
      }
      count.increment();
      sum.add(seconds);
    }
  }

  private final Map<String, Queue> queues = new ConcurrentHashMap<>();

  /** The counters of queue {@code name}, created on first use; {@code depth} reads its length. */
  public Queue queue(String name, IntSupplier depth) {
    Queue q = queues.computeIfAbsent(name, n -> new Queue());
    q.depthFrom(depth);
    return q;
  }

  /** Prometheus exposition text of every queue. */
  public String render() {
    Map<String, Queue> sorted = new TreeMap<>(queues);
    StringBuilder out = new StringBuilder();
    out.append("# HELP workqueue_depth Current depth of workqueue\n");
    out.append("# TYPE workqueue_depth gauge\n");
    sorted.forEach(
        (n, q) ->
            out.append("workqueue_depth{name=\"")
                .append(n)
                .append("\"} ")
                .append(q.depth())
                .append('\n'));
    out.append("# HELP workqueue_adds_total Total number of adds handled by workqueue\n");
    out.append("# TYPE workqueue_adds_total counter\n");
    sorted.forEach(
        (n, q) ->
            out.append("workqueue_adds_total{name=\"")
                .append(n)
                .append("\"} ")
                .append(q.adds())
                .append('\n'));
    out.append("# HELP workqueue_retries_total Total number of retries handled by workqueue\n");
    out.append("# TYPE workqueue_retries_total counter\n");
    sorted.forEach(
        (n, q) ->
            out.append("workqueue_retries_total{name=\"")
                .append(n)
                .append("\"} ")
                .append(q.retries())
                .append('\n'));
    histogram(
        out,
        "workqueue_queue_duration_seconds",
        "How long in seconds an item stays in workqueue before being requested.",
        sorted,
        true);
    histogram(
        out,
        "workqueue_work_duration_seconds",
        "How long in seconds processing an item from workqueue takes.",
        sorted,
        false);
    return out.toString();
  }

  private static void histogram(
      StringBuilder out, String metric, String help, Map<String, Queue> queues, boolean queueing) {
    out.append("# HELP ").append(metric).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(metric).append(" histogram\n");
    queues.forEach(
        (n, q) -> {
          Histogram h = queueing ? q.queueDuration : q.workDuration;
          String name = "name=\"" + n + "\"";
          for (int i = 0; i < BUCKETS.length; i++) {
            out.append(metric)
                .append("_bucket{")
                .append(name)
                .append(",le=\"")
                .append(BUCKETS[i])
                .append("\"} ")
                .append(h.counts[i].sum())
                .append('\n');
          }
          out.append(metric)
              .append("_bucket{")
              .append(name)
              .append(",le=\"+Inf\"} ")
              .append(h.count.sum())
              .append('\n');
          out.append(metric)
              .append("_sum{")
              .append(name)
              .append("} ")
              .append(h.sum.sum())
              .append('\n');
          out.append(metric)
              .append("_count{")
              .append(name)
              .append("} ")
              .append(h.count.sum())
              .append('\n');
        });
  }
}
