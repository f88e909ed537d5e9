package io.kuark.agent.network.dns;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small cache of upstream responses (positive and negative) keyed by question and EDNS use. A hit
 * returns a copy whose TTLs are counted down by the time spent in the cache; the caller sets the
 * message ID. Thread-safe; least recently used entries leave first.
 */
final class ResponseCache {

  private record Entry(byte[] message, WireScan scan, long storedMillis, long expiresMillis) {}

  private final Clock clock;
  private final long capSeconds;
  private final Map<String, Entry> entries;

  /**
   * @param capSeconds longest time any response is kept (CoreDNS's {@code cache 30} in the
   *     Kubernetes Corefile)
   */
  ResponseCache(Clock clock, int maxEntries, long capSeconds) {
    this.clock = clock;
    this.capSeconds = capSeconds;
    this.entries =
        new LinkedHashMap<>(64, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > maxEntries;
          }
        };
  }

  static String key(String name, int type, int dnsClass, boolean edns) {
    return KubernetesZone.absolute(name) + "/" + type + "/" + dnsClass + (edns ? "/e" : "");
  }

  /** Stores a response if it may be cached. */
  void put(String key, byte[] message) {
    WireScan scan;
    try {
      scan = WireScan.of(message);
    } catch (IllegalArgumentException e) {
      return;
    }
    long seconds = scan.cacheSeconds(message, capSeconds);
    if (seconds <= 0) {
      return;
    }
    long now = clock.millis();
    synchronized (entries) {
      entries.put(key, new Entry(message.clone(), scan, now, now + seconds * 1000));
    }
  }

  /** A copy of the cached response with TTLs counted down, or null. */
  byte[] get(String key) {
    Entry entry;
    synchronized (entries) {
      entry = entries.get(key);
      if (entry != null && clock.millis() >= entry.expiresMillis) {
        entries.remove(key);
        entry = null;
      }
    }
    if (entry == null) {
      return null;
    }
    long elapsed = (clock.millis() - entry.storedMillis) / 1000;
    byte[] copy = entry.message.clone();
    for (WireScan.Rr rr : entry.scan.records) {
      if (rr.type() != WireScan.TYPE_OPT) {
        WireScan.putU32(copy, rr.ttlOffset(), Math.max(0, rr.ttl() - elapsed));
      }
    }
    return copy;
  }
}
