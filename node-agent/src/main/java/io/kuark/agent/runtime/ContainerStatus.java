package io.kuark.agent.runtime;

import java.time.Instant;

/**
 * What the runtime knows about one container.
 *
 * @param state lifecycle state
 * @param pid host pid of the container's init process, 0 when not running
 * @param exitCode exit code once {@link State#EXITED}
 * @param startedAt when the container was started, null if it never was
 * @param finishedAt when it exited, null while it runs
 * @param startFailed true when the process never started (bad command, mount error, …)
 * @param message runtime error text when {@code startFailed}
 * @param oomKilled the kernel's OOM killer killed a process of the container (its memory cgroup hit
 *     the limit), reported as reason {@code OOMKilled}
 */
public record ContainerStatus(
    State state,
    int pid,
    int exitCode,
    Instant startedAt,
    Instant finishedAt,
    boolean startFailed,
    String message,
    boolean oomKilled) {

  /** A status without an OOM kill. */
  public ContainerStatus(
      State state,
      int pid,
      int exitCode,
      Instant startedAt,
      Instant finishedAt,
      boolean startFailed,
      String message) {
    this(state, pid, exitCode, startedAt, finishedAt, startFailed, message, false);
  }

  public enum State {
    /** Being set up by the runtime, not running yet. */
    CREATING,
    RUNNING,
    EXITED,
    /** The runtime has no such container. */
    UNKNOWN
  }

  public static ContainerStatus unknown() {
    return new ContainerStatus(State.UNKNOWN, 0, 0, null, null, false, null);
  }
}
