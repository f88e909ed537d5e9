package io.kuark.agent.metrics;

import io.kuark.agent.runtime.ContainerRuntime;
import io.kuark.agent.runtime.ContainerStatus;
import io.kuark.agent.runtime.ExecProcess;
import io.kuark.agent.runtime.StdinMode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A {@link ContainerRuntime} that counts and times every operation of the runtime it wraps
 * (upstream's {@code kubelet_runtime_operations_*}, with CRI-like operation names). Every method of
 * the seam must be delegated here, including default ones.
 */
public final class MeteredRuntime implements ContainerRuntime {

  private interface Call<T> {
    T run() throws IOException;
  }

  private final ContainerRuntime delegate;
  private final AgentMetrics metrics;

  public MeteredRuntime(ContainerRuntime delegate, AgentMetrics metrics) {
    this.delegate = delegate;
    this.metrics = metrics;
  }

  private <T> T timed(String operation, Call<T> call) throws IOException {
    long start = System.nanoTime();
    boolean failed = true;
    try {
      T result = call.run();
      failed = false;
      return result;
    } finally {
      metrics.runtimeOperation(operation, (System.nanoTime() - start) / 1e9, failed);
    }
  }

  @Override
  public Path bundle(String id) {
    return delegate.bundle(id);
  }

  @Override
  public String version() {
    return delegate.version();
  }

  @Override
  public void start(String id, Path bundle, Path logFile) throws IOException {
    timed(
        "start_container",
        () -> {
          delegate.start(id, bundle, logFile);
          return null;
        });
  }

  @Override
  public void start(String id, Path bundle, Path logFile, StdinMode stdin) throws IOException {
    timed(
        "start_container",
        () -> {
          delegate.start(id, bundle, logFile, stdin);
          return null;
        });
  }

  @Override
  public OutputStream attachStdin(String id) throws IOException {
    return timed("attach", () -> delegate.attachStdin(id));
  }

  @Override
  public void resizeTerminal(String id, int columns, int rows) throws IOException {
    delegate.resizeTerminal(id, columns, rows);
  }

  @Override
  public ContainerStatus status(String id) {
    long start = System.nanoTime();
    ContainerStatus status = delegate.status(id);
    metrics.runtimeOperation("container_status", (System.nanoTime() - start) / 1e9, false);
    return status;
  }

  @Override
  public ContainerStatus awaitStarted(String id, Duration timeout) {
    // Not a runtime operation of its own in upstream's metric; it is mostly waiting.
    return delegate.awaitStarted(id, timeout);
  }

  @Override
  public void stop(String id, Duration grace) throws IOException {
    timed(
        "stop_container",
        () -> {
          delegate.stop(id, grace);
          return null;
        });
  }

  @Override
  public void remove(String id) throws IOException {
    timed(
        "remove_container",
        () -> {
          delegate.remove(id);
          return null;
        });
  }

  @Override
  public List<String> list() throws IOException {
    return timed("list_containers", delegate::list);
  }

  @Override
  public void reattach(String id, Path logFile) {
    delegate.reattach(id, logFile);
  }

  @Override
  public int exec(String id, List<String> command, Duration timeout) throws IOException {
    return timed("exec_sync", () -> delegate.exec(id, command, timeout));
  }

  @Override
  public ExecProcess execInteractive(String id, List<String> command, boolean tty)
      throws IOException {
    return timed("exec", () -> delegate.execInteractive(id, command, tty));
  }
}
