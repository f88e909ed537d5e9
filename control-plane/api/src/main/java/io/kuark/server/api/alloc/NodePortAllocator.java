package io.kuark.server.api.alloc;

import io.kuark.server.storage.Storage;
import java.util.Optional;

/** NodePorts from upstream's default range 30000-32767. */
public final class NodePortAllocator {

  public static final int FIRST = 30000;
  public static final int LAST = 32767;

  private final KeyAllocator keys;

  public NodePortAllocator(Storage storage) {
    this.keys = new KeyAllocator(storage, "/registry/kuark/allocations/nodeports/", FIRST, LAST);
  }

  public Allocation take(int port, String owner) {
    return keys.take(port, owner);
  }

  public Optional<Integer> takeAny(String owner) {
    return keys.takeAny(owner).map(Long::intValue);
  }

  public void release(int port) {
    keys.release(port);
  }
}
