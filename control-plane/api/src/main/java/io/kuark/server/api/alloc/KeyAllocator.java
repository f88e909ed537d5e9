package io.kuark.server.api.alloc;

import io.kuark.server.storage.Storage;
import io.kuark.server.storage.StorageException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Allocates values from a numbered range by creating one storage key per taken value (a create is a
 * compare-and-swap, so two servers can never hand out the same value), e.g. {@code
 * /registry/kuark/allocations/serviceips/10.43.0.1}. Thread-safe.
 */
final class KeyAllocator {

  private final Storage storage;
  private final String prefix;
  private final long first;
  private final long last;

  /** Values {@code first..last} inclusive, stored under {@code prefix}. */
  KeyAllocator(Storage storage, String prefix, long first, long last) {
    this.storage = storage;
    this.prefix = prefix;
    this.first = first;
    this.last = last;
  }

  boolean inRange(long value) {
    return value >= first && value <= last;
  }

  /** Takes exactly {@code value} for {@code owner}. */
  Allocation take(long value, String owner) {
    if (!inRange(value)) {
      return Allocation.OUT_OF_RANGE;
    }
    try {
      storage.create(prefix + value, owner.getBytes(StandardCharsets.UTF_8));
      return Allocation.ALLOCATED;
    } catch (StorageException.AlreadyExists e) {
      return Allocation.TAKEN;
    }
  }

  /** Takes a free value (random probes first, then a scan), or empty when the range is full. */
  Optional<Long> takeAny(String owner) {
    long size = last - first + 1;
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < 32; i++) {
      long candidate = first + random.nextLong(size);
      if (take(candidate, owner) == Allocation.ALLOCATED) {
        return Optional.of(candidate);
      }
    }
    for (long candidate = first; candidate <= last; candidate++) {
      if (take(candidate, owner) == Allocation.ALLOCATED) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  void release(long value) {
    try {
      storage.delete(prefix + value, 0);
    } catch (StorageException.NotFound e) {
      // Already free: releasing is idempotent.
    }
  }
}
