package io.kuark.agent.events;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Upstream's event spam filter: a token bucket per involved object holding 25 events, refilled at
 * one event per five minutes. Kept for the 4,096 most recently seen objects.
 */
final class EventBudgets {
  static final int BURST = 25;
  static final long REFILL_MILLIS = 5 * 60 * 1000L;
  private static final int REMEMBERED = 4096;

  private static final class Bucket {
    double tokens = BURST;
    long updatedMillis;
  }

  private final Clock clock;
  private final Map<String, Bucket> buckets =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
          return size() > REMEMBERED;
        }
      };

  EventBudgets(Clock clock) {
    this.clock = clock;
  }

  /** Takes one event from {@code object}'s budget; false when it is spent. */
  synchronized boolean take(String object) {
    long now = clock.millis();
    Bucket bucket = buckets.computeIfAbsent(object, k -> new Bucket());
    if (bucket.updatedMillis != 0) {
      bucket.tokens =
          Math.min(BURST, bucket.tokens + (now - bucket.updatedMillis) / (double) REFILL_MILLIS);
    }
    bucket.updatedMillis = now;
    if (bucket.tokens < 1) {
      return false;
    }
    bucket.tokens -= 1;
    return true;
  }
}
