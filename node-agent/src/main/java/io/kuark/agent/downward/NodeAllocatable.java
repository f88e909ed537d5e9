package io.kuark.agent.downward;

import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;

/**
 * The node's allocatable resources as the agent reports them in the Node's status; a container
 * without a cpu, memory or ephemeral-storage limit sees these through the downward API, as kubelet
 * does.
 */
@FunctionalInterface
public interface NodeAllocatable {
  /** Resource name (cpu, memory, ephemeral-storage, …) → quantity. */
  Map<String, Quantity> nodeAllocatable();
}
