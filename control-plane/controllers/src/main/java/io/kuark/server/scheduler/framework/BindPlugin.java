package io.kuark.server.scheduler.framework;

/** Makes the placement durable (default: the pods/binding subresource). */
public interface BindPlugin extends Plugin {
  Status bind(CycleState state, PodInfo pod, String nodeName);
}
