package io.kuark.agent.runtime.runc;

import io.kuark.agent.runtime.ExecProcess;
import io.kuark.linux.Pty;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/**
 * {@code runc exec --tty} in the foreground with a pty the agent owns as runc's terminal: runc
 * copies between it and the container's own console, and resizes that console when the agent
 * resizes this one (SIGWINCH to runc, which {@code setsid -c} made the terminal's foreground
 * process). Output is one stream (stdout), as with any terminal.
 */
final class TtyExecProcess implements ExecProcess {

  private final Process process;
  private final Pty pty;

  TtyExecProcess(Process process, Pty pty) {
    this.process = process;
    this.pty = pty;
  }

  @Override
  public OutputStream stdin() {
    return new OutputStream() {
      @Override
      public void write(int b) {
        pty.write(new byte[] {(byte) b}, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        pty.write(java.util.Arrays.copyOfRange(b, off, off + len), len);
      }

      @Override
      public void close() {
        // End of client input; the terminal stays open for output until the command exits.
      }
    };
  }

  @Override
  public InputStream stdout() {
    return new InputStream() {
      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        byte[] buffer = new byte[len];
        int n = pty.read(buffer);
        if (n > 0) {
          System.arraycopy(buffer, 0, b, off, n);
        }
        return n;
      }

      @Override
      public void close() {
        pty.close();
      }
    };
  }

  @Override
  public InputStream stderr() {
    return InputStream.nullInputStream();
  }

  @Override
  public int waitFor() throws InterruptedException {
    return process.waitFor();
  }

  @Override
  public void resize(int columns, int rows) {
    pty.resize(columns, rows);
  }

  @Override
  public void kill() {
    process.destroy();
    process
        .onExit()
        .orTimeout(5, TimeUnit.SECONDS)
        .whenComplete(
            (p, e) -> {
              if (e != null) {
                process.destroyForcibly();
              }
            });
  }
}
