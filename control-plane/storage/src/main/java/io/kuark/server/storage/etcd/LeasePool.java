package io.kuark.server.storage.etcd;

import io.etcd.jetcd.Lease;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Grants leases for TTL keys, sharing one lease among keys created close together with the same TTL
 * (as upstream's lease manager does), so a burst of Events does not make a burst of leases. A
 * shared lease is granted for {@code ttl + window} and reused for {@code window} (5% of the TTL),
 * so every key lives at least its TTL and at most 5% longer.
 */
final class LeasePool {

  private record Granted(long id, long reusableUntilMillis) {}

  private final Lease leases;
  private final Map<Long, Granted> byTtl = new HashMap<>();

  LeasePool(Lease leases) {
    this.leases = leases;
  }

  /** A lease id whose expiry is at least {@code ttl} from now. */
  synchronized long leaseFor(Duration ttl) {
    long ttlSeconds = Math.max(1, (ttl.toMillis() + 999) / 1000);
    long windowSeconds = ttlSeconds / 20;
    long now = System.currentTimeMillis();
    Granted g = byTtl.get(ttlSeconds);
    if (g != null && now < g.reusableUntilMillis()) {
      return g.id();
    }
    long id = EtcdErrors.await(leases.grant(ttlSeconds + windowSeconds), "lease grant").getID();
    if (windowSeconds > 0) {
      byTtl.put(ttlSeconds, new Granted(id, now + windowSeconds * 1000));
    }
    return id;
  }
}
