package io.kuark.agent.pod;

import java.time.Instant;
import java.util.List;

/**
 * What the agent knows about a pod at a sync, input to {@link PodStatusComputer}.
 *
 * @param sandboxReady the network namespace exists and the pod network is attached
 * @param podIps pod addresses, primary first
 * @param hostIp node address
 * @param startTime when the agent first acknowledged the pod
 * @param initContainers init container views, in spec order
 * @param containers app container views, in spec order
 */
public record PodView(
    boolean sandboxReady,
    List<String> podIps,
    String hostIp,
    Instant startTime,
    List<ContainerView> initContainers,
    List<ContainerView> containers) {}
