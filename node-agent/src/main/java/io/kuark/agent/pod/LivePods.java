package io.kuark.agent.pod;

import java.util.Set;

/** The pods container GC must leave alone, and what their workers track. */
interface LivePods {

  /** UIDs of pods that exist: with a worker, bound to the node in the API, or static. */
  Set<String> uids();

  /** The pod's GC snapshot; null when no worker runs the pod (yet). */
  PodGcView view(String uid);

  /** True when the pod's worker tracks runtime container {@code id}, or is launching it. */
  boolean tracks(String uid, String id);
}
