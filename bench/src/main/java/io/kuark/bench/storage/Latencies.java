package io.kuark.bench.storage;

import java.util.Arrays;

/** Recorded latencies of one measured operation, in nanoseconds. */
final class Latencies {

  private long[] samples = new long[1024];
  private int count;

  synchronized void add(long nanos) {
    if (count == samples.length) {
      samples = Arrays.copyOf(samples, count * 2);
    }
    samples[count++] = nanos;
  }

  synchronized int count() {
    return count;
  }

  /** The q-quantile (0..1) in milliseconds, nearest-rank. */
  synchronized double quantileMillis(double q) {
    long[] sorted = Arrays.copyOf(samples, count);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(q * count) - 1;
    return sorted[Math.max(0, Math.min(count - 1, rank))] / 1e6;
  }
}
