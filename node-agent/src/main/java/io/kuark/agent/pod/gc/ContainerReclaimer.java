package io.kuark.agent.pod.gc;

import io.kuark.agent.eviction.NodeReclaimer;

/**
 * Node-level reclaim under disk pressure: a container GC round before unused images are deleted and
 * before any pod is evicted, for {@code nodefs.*} and {@code imagefs.*} signals alike (dead
 * containers' logs and writable layers live on the node's file system), as kubelet reclaims dead
 * containers first for both.
 */
public final class ContainerReclaimer implements NodeReclaimer {

  private final ContainerGarbageCollector gc;

  public ContainerReclaimer(ContainerGarbageCollector gc) {
    this.gc = gc;
  }

  @Override
  public long reclaim(String signal) {
    if (!signal.startsWith("nodefs.") && !signal.startsWith("imagefs.")) {
      return 0;
    }
    return gc.collectAndReport().bytesFreed();
  }
}
