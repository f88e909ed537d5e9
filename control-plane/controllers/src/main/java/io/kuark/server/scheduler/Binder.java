package io.kuark.server.scheduler;

import io.fabric8.kubernetes.api.model.Pod;

/** Makes a scheduling decision durable. Throws on failure (conflict, pod gone, API down). */
@FunctionalInterface
public interface Binder {
  void bind(Pod pod, String nodeName) throws Exception;
}
