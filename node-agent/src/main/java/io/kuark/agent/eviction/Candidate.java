package io.kuark.agent.eviction;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * A pod that may be evicted, with what it uses now.
 *
 * @param pod the pod
 * @param memoryBytes memory in use by its cgroup
 * @param diskBytes bytes it writes on the node file system (logs, writable layers, volumes)
 * @param processes processes (tasks) in its cgroup
 */
public record Candidate(Pod pod, long memoryBytes, long diskBytes, long processes) {}
