package io.kuark.server.scheduler.framework;

/** Claims node resources for a pod before binding, and releases them if binding fails. */
public interface ReservePlugin extends Plugin {
  Status reserve(CycleState state, PodInfo pod, String nodeName);

  void unreserve(CycleState state, PodInfo pod, String nodeName);
}
