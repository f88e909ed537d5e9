package io.kuark.agent.stats;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns cumulative CPU counters into rates (nanocores) from the previous sample of the same key
 * that is at least {@link #MIN_WINDOW_NANOS} old, as cAdvisor derives {@code usageNanoCores} from
 * its housekeeping samples.
 */
final class RateTracker {

  static final long MIN_WINDOW_NANOS = 1_000_000_000L;

  private record Sample(long atNanos, long value) {}

  private final Map<String, Sample> previous = new ConcurrentHashMap<>();
  private final Map<String, Sample> latest = new ConcurrentHashMap<>();

  /**
   * Records {@code value} at {@code nowNanos}; the rate per second of it, or null while unknown.
   */
  Long rate(String key, long value, long nowNanos) {
    if (value < 0) {
      return null;
    }
    Sample last = latest.get(key);
    Sample base = previous.get(key);
    if (last == null || nowNanos - last.atNanos() >= MIN_WINDOW_NANOS) {
      if (last != null) {
        previous.put(key, last);
        base = last;
      }
      latest.put(key, new Sample(nowNanos, value));
    }
    if (base == null || nowNanos <= base.atNanos() || value < base.value()) {
      return null;
    }
    return (long) ((value - base.value()) * 1e9 / (nowNanos - base.atNanos()));
  }

  /** Forgets keys not in {@code live} (containers that are gone). */
  void retain(java.util.Set<String> live) {
    latest.keySet().retainAll(live);
    previous.keySet().retainAll(live);
  }
}
