package io.kuark.server.scheduler.framework;

/** Decides whether a pod can run on a node; a non-success status names why not. */
public interface FilterPlugin extends Plugin {
  Status filter(CycleState state, PodInfo pod, NodeInfo node);
}
