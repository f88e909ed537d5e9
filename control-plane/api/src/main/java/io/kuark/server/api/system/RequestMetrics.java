package io.kuark.server.api.system;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Request counters and latency histograms in Prometheus text format, named like upstream's ({@code
 * apiserver_request_total}, {@code apiserver_request_duration_seconds}). Thread-safe.
 */
public final class RequestMetrics {

  private static final double[] BUCKETS = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60
  };

  private record Key(String verb, String group, String resource, String code) {}

  private record LatencyKey(String verb, String resource) {}

  private static final class Histogram {
    final LongAdder[] counts = new LongAdder[BUCKETS.length];
    final LongAdder count = new LongAdder();
    final java.util.concurrent.atomic.DoubleAdder sum =
        new java.util.concurrent.atomic.DoubleAdder();

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

  private final ConcurrentHashMap<Key, LongAdder> totals = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<LatencyKey, Histogram> latencies = new ConcurrentHashMap<>();
  private final LongAdder watchersStarted = new LongAdder();

  /** Other components' metrics text, appended to {@link #render} (e.g. the controllers' queues). */
  private final java.util.List<java.util.function.Supplier<String>> sources =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Adds a source of Prometheus text (its own HELP/TYPE lines) to the exposition. */
  public void addSource(java.util.function.Supplier<String> source) {
    sources.add(source);
  }

  public void record(String verb, String group, String resource, int code, long nanos) {
    totals
        .computeIfAbsent(
            new Key(verb, group, resource, Integer.toString(code)), k -> new LongAdder())
        .increment();
    if (!verb.equals("WATCH")) {
      latencies
          .computeIfAbsent(new LatencyKey(verb, resource), k -> new Histogram())
          .observe(nanos / 1e9);
    }
  }

  public void watchStarted() {
    watchersStarted.increment();
  }

  /** The Prometheus exposition text. */
  public String render() {
    StringBuilder out = new StringBuilder();
    out.append(
        "# HELP apiserver_request_total Counter of apiserver requests broken out for each verb, group, resource and HTTP response code.\n");
    out.append("# TYPE apiserver_request_total counter\n");
    Map<String, Long> sorted = new TreeMap<>();
    totals.forEach(
        (k, v) ->
            sorted.put(
                "apiserver_request_total{code=\""
                    + k.code()
                    + "\",group=\""
                    + k.group()
                    + "\",resource=\""
                    + k.resource()
                    + "\",verb=\""
                    + k.verb()
                    + "\"}",
                v.sum()));
    sorted.forEach((k, v) -> out.append(k).append(' ').append(v).append('\n'));
    out.append(
        "# HELP apiserver_request_duration_seconds Response latency distribution in seconds for each verb and resource.\n");
    out.append("# TYPE apiserver_request_duration_seconds histogram\n");
    latencies.forEach(
        (k, h) -> {
          String labels = "resource=\"" + k.resource() + "\",verb=\"" + k.verb() + "\"";
          for (int i = 0; i < BUCKETS.length; i++) {
            out.append("apiserver_request_duration_seconds_bucket{")
                .append(labels)
                .append(",le=\"")
                .append(BUCKETS[i])
                .append("\"} ")
                .append(h.counts[i].sum())
                .append('\n');
          }
          out.append("apiserver_request_duration_seconds_bucket{")
              .append(labels)
              .append(",le=\"+Inf\"} ")
              .append(h.count.sum())
              .append('\n');
          out.append("apiserver_request_duration_seconds_sum{")
              .append(labels)
              .append("} ")
              .append(h.sum.sum())
              .append('\n');
          out.append("apiserver_request_duration_seconds_count{")
              .append(labels)
              .append("} ")
              .append(h.count.sum())
              .append('\n');
        });
    out.append("# TYPE kuark_watches_started_total counter\n");
    out.append("kuark_watches_started_total ").append(watchersStarted.sum()).append('\n');
    for (java.util.function.Supplier<String> source : sources) {
      out.append(source.get());
    }
    return out.toString();
  }
}
