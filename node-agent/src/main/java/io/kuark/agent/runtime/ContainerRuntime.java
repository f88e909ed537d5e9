package io.kuark.agent.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The seam between pod logic and an OCI runtime. Containers are identified by ids the caller
 * chooses; a container's bundle directory holds its {@code config.json} and (already mounted)
 * rootfs. Containers outlive the agent process: after a restart {@link #list()} and {@link
 * #status(String)} find them again.
 */
public interface ContainerRuntime {

  /** The bundle directory the runtime uses for container {@code id} (the caller fills it). */
  Path bundle(String id);

  /**
   * Runtime name and version for the node's {@code containerRuntimeVersion}, e.g. {@code
   * runc://1.1.5}.
   */
  String version();

  /**
   * Starts the container whose bundle (config.json + rootfs) is ready in {@code bundle}. Its
   * stdout/stderr go to {@code logFile} in CRI format. Returns once the runtime accepted the
   * container; use {@link #status(String)} to follow it.
   */
  void start(String id, Path bundle, Path logFile) throws IOException;

  /**
   * Like {@link #start(String, Path, Path)} with the container's stdin open for attach clients
   * ({@code stdin: true}); see {@link #attachStdin(String)}.
   */
  default void start(String id, Path bundle, Path logFile, StdinMode stdin) throws IOException {
    if (stdin != StdinMode.CLOSED) {
      throw new IOException("this runtime cannot keep a container's stdin open");
    }
    start(id, bundle, logFile);
  }

  /**
   * Input for one attach client: what is written reaches the container's stdin. Closing it ends
   * this client's input; for a {@link StdinMode#ONCE} container it closes the container's stdin
   * (EOF). Null when the container has no open stdin (never had one, or it was closed already).
   */
  default OutputStream attachStdin(String id) throws IOException {
    return null;
  }

  /**
   * Sets the window size of the terminal of a container started with one ({@code tty: true}); its
   * processes get SIGWINCH.
   *
   * @throws IOException when the container has no terminal (not a tty container, or not started
   *     yet) or it is gone
   */
  default void resizeTerminal(String id, int columns, int rows) throws IOException {
    throw new IOException("this runtime gives containers no terminal");
  }

  /**
   * Current status; {@link ContainerStatus.State#UNKNOWN} when the runtime does not know the id.
   */
  ContainerStatus status(String id);

  /**
   * Waits up to {@code timeout} for a container just {@link #start started} to leave {@link
   * ContainerStatus.State#CREATING} (running, or exited already) and returns its status then. A
   * runtime whose {@code start} returns only once the container runs keeps this default, which just
   * reads the status.
   */
  default ContainerStatus awaitStarted(String id, Duration timeout) {
    return status(id);
  }

  /**
   * Stops the container: SIGTERM, then SIGKILL after {@code grace}. Returns when it has exited.
   * Idempotent.
   */
  void stop(String id, Duration grace) throws IOException;

  /** Forgets the container and its runtime state (the bundle directory is removed). Idempotent. */
  void remove(String id) throws IOException;

  /** Ids of all containers this runtime still has state for (running or exited). */
  List<String> list() throws IOException;

  /** Re-attaches log copying for a container found after an agent restart. */
  void reattach(String id, Path logFile);

  /**
   * Runs {@code command} inside the running container and returns its exit code; a command that
   * exceeds {@code timeout} is reported as a failure (exit code -1).
   */
  int exec(String id, List<String> command, Duration timeout) throws IOException;

  /**
   * Starts {@code command} inside the running container {@code id} with its stdin, stdout and
   * stderr connected to the returned process (the container's environment, user and working
   * directory apply). With {@code tty} the command gets a terminal: output is one stream (stdout)
   * and {@link ExecProcess#resize} works. The caller must pump the output streams.
   */
  ExecProcess execInteractive(String id, List<String> command, boolean tty) throws IOException;
}
