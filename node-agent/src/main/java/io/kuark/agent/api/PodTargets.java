package io.kuark.agent.api;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Optional;

/** The pods this node runs, as the agent API looks them up (the pod manager's informer cache). */
public interface PodTargets {

  /** The pod {@code namespace/name} if it is bound to this node. */
  Optional<Pod> find(String namespace, String name);
}
