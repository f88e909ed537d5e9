package io.kuark.agent.runtime.runc;

import io.kuark.agent.runtime.ExecProcess;
import java.io.InputStream;
import java.io.OutputStream;

/** An {@code runc exec} child process whose stdio are pipes to the agent. */
final class PipedExecProcess implements ExecProcess {

  private final Process process;

  PipedExecProcess(Process process) {
    this.process = process;
  }

  @Override
  public OutputStream stdin() {
    return process.getOutputStream();
  }

  @Override
  public InputStream stdout() {
    return process.getInputStream();
  }

  @Override
  public InputStream stderr() {
    return process.getErrorStream();
  }

  @Override
  public int waitFor() throws InterruptedException {
    return process.waitFor();
  }

  @Override
  public void kill() {
    // runc exec forwards SIGTERM to the command; escalate when it does not go.
    process.destroy();
    process
        .onExit()
        .orTimeout(5, java.util.concurrent.TimeUnit.SECONDS)
        .whenComplete(
            (p, e) -> {
              if (e != null) {
                process.destroyForcibly();
              }
            });
  }
}
