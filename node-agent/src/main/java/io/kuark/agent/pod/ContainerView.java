package io.kuark.agent.pod;

import java.time.Instant;

/**
 * The agent's view of one container at a sync, input to {@link PodStatusComputer}.
 *
 * @param name container name
 * @param image image as written in the pod spec
 * @param imageId resolved image id, empty when not resolved yet
 * @param containerId {@code runc://<id>} of the current container, null if none
 * @param restartCount restarts so far
 * @param state current state
 * @param reason waiting/terminated reason (e.g. {@code CrashLoopBackOff}, {@code Completed})
 * @param message waiting/terminated message, may be null
 * @param exitCode exit code when terminated
 * @param startedAt when the current container started (running/terminated)
 * @param finishedAt when it finished (terminated)
 * @param last the previous termination, null if none
 * @param ready readiness
 */
public record ContainerView(
    String name,
    String image,
    String imageId,
    String containerId,
    int restartCount,
    State state,
    String reason,
    String message,
    int exitCode,
    Instant startedAt,
    Instant finishedAt,
    Termination last,
    boolean ready) {

  public enum State {
    WAITING,
    RUNNING,
    TERMINATED
  }

  /** One finished run of a container. */
  public record Termination(
      int exitCode,
      String reason,
      String message,
      Instant startedAt,
      Instant finishedAt,
      String containerId) {}

  public static ContainerView waiting(String name, String image, String reason, String message) {
    return new ContainerView(
        name, image, "", null, 0, State.WAITING, reason, message, 0, null, null, null, false);
  }
}
