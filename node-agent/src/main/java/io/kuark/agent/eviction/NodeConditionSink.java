package io.kuark.agent.eviction;

import java.util.Set;

/** Where node pressure goes: Node conditions and taints. */
public interface NodeConditionSink {

  /**
   * The node is now under the given pressures ({@code MemoryPressure}, {@code DiskPressure}, {@code
   * PIDPressure}); called on every change.
   */
  void pressureChanged(Set<String> pressures);
}
