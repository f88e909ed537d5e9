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
}
