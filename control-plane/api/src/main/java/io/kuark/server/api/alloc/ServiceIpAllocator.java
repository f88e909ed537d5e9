package io.kuark.server.api.alloc;

import io.kuark.server.storage.Storage;
import java.util.Optional;

/**
 * ClusterIPs from the service CIDR. The first address (10.43.0.1 by default) is reserved for the
 * {@code kubernetes} Service, which takes it explicitly.
 */
public final class ServiceIpAllocator {

  private final Cidr cidr;
  private final KeyAllocator keys;

  public ServiceIpAllocator(Storage storage, String serviceCidr) {
    this.cidr = Cidr.parse(serviceCidr);
    this.keys =
        new KeyAllocator(storage, "/registry/kuark/allocations/serviceips/", 1, cidr.usable());
  }

  public Cidr cidr() {
    return cidr;
  }

  /** The first usable address: the {@code kubernetes} Service's IP. */
  public String firstIp() {
    return cidr.host(1);
  }

  /** Takes {@code ip} for {@code owner}. */
  public Allocation take(String ip, String owner) {
    long n = cidr.indexOf(ip);
    return n < 0 ? Allocation.OUT_OF_RANGE : keys.take(n, owner);
  }

  /** A free address other than the reserved first one, or empty when the range is exhausted. */
  public Optional<String> takeAny(String owner) {
    for (int attempt = 0; attempt < 4; attempt++) {
      Optional<Long> n = keys.takeAny(owner);
      if (n.isEmpty()) {
        return Optional.empty();
      }
      if (n.get() != 1) {
        return Optional.of(cidr.host(n.get()));
      }
      keys.release(1);
    }
    return Optional.empty();
  }

  public void release(String ip) {
    long n = cidr.indexOf(ip);
    if (n > 0) {
      keys.release(n);
    }
  }
}
