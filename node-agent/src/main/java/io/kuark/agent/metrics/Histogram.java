package io.kuark.agent.metrics;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;

/** A Prometheus histogram with fixed upper bounds (seconds); thread safe, lock free. */
final class Histogram {

  static final double[] DEFAULT_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  private final double[] bounds;
  private final AtomicLongArray counts;
  private final DoubleAdder sum = new DoubleAdder();

  Histogram(double[] bounds) {
    this.bounds = bounds.clone();
    this.counts = new AtomicLongArray(bounds.length + 1);
  }

  void observe(double value) {
    int i = 0;
    while (i < bounds.length && value > bounds[i]) {
      i++;
    }
    counts.incrementAndGet(i);
    sum.add(value);
  }

  long count() {
    long total = 0;
    for (int i = 0; i < counts.length(); i++) {
      total += counts.get(i);
    }
    return total;
  }

  /** Appends the bucket, sum and count samples; {@code labels} is {@code k="v",...} or empty. */
  void write(StringBuilder out, String name, String labels) {
    String sep = labels.isEmpty() ? "" : labels + ",";
    long cumulative = 0;
    for (int i = 0; i < bounds.length; i++) {
      cumulative += counts.get(i);
      out.append(name)
          .append("_bucket{")
          .append(sep)
          .append("le=\"")
          .append(format(bounds[i]))
          .append("\"} ")
          .append(cumulative)
          .append('\n');
    }
    cumulative += counts.get(bounds.length);
    out.append(name).append("_bucket{").append(sep).append("le=\"+Inf\"} ").append(cumulative);
    out.append('\n');
    String braces = labels.isEmpty() ? "" : "{" + labels + "}";
    out.append(name).append("_sum").append(braces).append(' ').append(format(sum.sum()));
    out.append('\n');
    out.append(name).append("_count").append(braces).append(' ').append(cumulative).append('\n');
  }

  static String format(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, "%s", v);
  }
}
