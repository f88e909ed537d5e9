package io.kuark.agent.eviction;

/**
 * Frees node-level resources before pods are evicted, as kubelet reclaims for disk signals first
 * (deleting unused images) and evicts pods only when that did not relieve the pressure.
 */
public interface NodeReclaimer {

  /** Nothing to reclaim. */
  NodeReclaimer NONE = signal -> 0;

  /**
   * Frees what it can for the starved {@code signal} ({@code nodefs.*} or {@code imagefs.*}).
   *
   * @return bytes freed (for logs)
   */
  long reclaim(String signal);

  /**
   * Runs {@code reclaimers} one after the other for the same signal (kubelet's order: dead
   * containers, then unused images); returns the bytes they freed together.
   */
  static NodeReclaimer inOrder(NodeReclaimer... reclaimers) {
    java.util.List<NodeReclaimer> all = java.util.List.of(reclaimers);
    return signal -> {
      long freed = 0;
      for (NodeReclaimer reclaimer : all) {
        freed += reclaimer.reclaim(signal);
      }
      return freed;
    };
  }
}
