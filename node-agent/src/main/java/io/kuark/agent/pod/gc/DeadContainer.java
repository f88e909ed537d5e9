package io.kuark.agent.pod.gc;

import java.nio.file.Path;
import java.time.Instant;

/**
 * One dead container instance the node still keeps something of: the CRI log files of a finished
 * attempt, or the runtime state (bundle, rootfs, runc state) of a container no pod worker tracks
 * any more.
 *
 * @param podUid the pod it belonged to
 * @param containerName the container's name in the pod spec (empty when unknown)
 * @param attempt the attempt (restart count) it ran as; -1 when unknown (runtime state only)
 * @param finishedAt when it last changed (its log's or bundle's modification time); GC age and
 *     eviction order go by it
 * @param kind why it may go
 * @param logDir the directory of the container's attempt logs, for a log instance; else null
 * @param runtimeId the runtime id, for runtime state; else null
 */
public record DeadContainer(
    String podUid,
    String containerName,
    int attempt,
    Instant finishedAt,
    Kind kind,
    Path logDir,
    String runtimeId) {

  /** Why a dead container may be collected. */
  public enum Kind {
    /**
     * An earlier or finished attempt of a container of a pod that still exists: kept up to the
     * per-container limit, newest first.
     */
    REPLACED,
    /** Anything left of a pod that no longer exists: always collected. */
    OF_DELETED_POD,
    /**
     * Runtime state of an existing pod that its worker no longer tracks (a removal that failed when
     * the container was replaced): always collected.
     */
    UNTRACKED
  }

  /** A finished attempt's logs. */
  public static DeadContainer logs(
      String podUid, String name, int attempt, Instant finishedAt, Kind kind, Path logDir) {
    return new DeadContainer(podUid, name, attempt, finishedAt, kind, logDir, null);
  }

  /** A container's runtime state. */
  public static DeadContainer runtime(
      String podUid, String name, Instant finishedAt, Kind kind, String runtimeId) {
    return new DeadContainer(podUid, name, -1, finishedAt, kind, null, runtimeId);
  }

  /** For logs: {@code <pod-uid>/<name>#<attempt>} or {@code runc://<id>}. */
  public String describe() {
    return runtimeId != null ? "runc://" + runtimeId : podUid + "/" + containerName + "#" + attempt;
  }
}
