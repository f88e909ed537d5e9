package io.kuark.server.scheduler.framework;

/**
 * Runs in the binding cycle just before the pod is bound to its node; a failure sends the pod back
 * to the queue instead of binding it.
 */
public interface PreBindPlugin extends Plugin {
  Status preBind(CycleState state, PodInfo pod, String nodeName);
}
