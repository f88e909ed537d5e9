package io.kuark.server.scheduler.framework;

/** Runs once per pod before filtering; may reject the pod outright or precompute state. */
public interface PreFilterPlugin extends Plugin {
  Status preFilter(CycleState state, PodInfo pod);
}
