package io.kuark.agent.pod.gc;

import java.time.Duration;

/**
 * How many dead containers the node keeps, with kubelet's container GC policy and defaults ({@code
 * --minimum-container-ttl-duration 0}, {@code --maximum-dead-containers-per-container 1}, {@code
 * --maximum-dead-containers -1}).
 *
 * @param minAge a dead container is never collected sooner than this after it finished
 * @param maxPerPodContainer dead instances kept per pod and container name (the newest; the one
 *     {@code kubectl logs --previous} reads); negative for no limit
 * @param maxContainers dead instances kept on the whole node; negative for no limit
 */
public record ContainerGcPolicy(Duration minAge, int maxPerPodContainer, int maxContainers) {

  public static final ContainerGcPolicy DEFAULTS = new ContainerGcPolicy(Duration.ZERO, 1, -1);

  /**
   * @throws IllegalArgumentException when the minimum age is negative
   */
  public ContainerGcPolicy {
    if (minAge == null || minAge.isNegative()) {
      throw new IllegalArgumentException("--minimum-container-ttl-duration must not be negative");
    }
  }
}
