package io.kuark.agent.api;

import io.kuark.agent.runtime.ExecProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Connects an exec process to a transport: platform threads copy stdout and stderr to the client
 * and client stdin to the process (reads from pipes block), and once the process has exited and its
 * output is drained the exit status goes on the error stream. Transport independent.
 */
final class ExecSession implements StreamSession {

  private static final Logger LOG = Logger.getLogger(ExecSession.class);
  private static final long PAUSE_INPUT_AT = 1 << 20;
  private static final long RESUME_INPUT_AT = 1 << 16;
  private static final byte[] EOF = new byte[0];

  /** What the client asked for. */
  record Request(
      List<String> command, boolean stdin, boolean stdout, boolean stderr, boolean tty) {}

  private final ExecProcess process;
  private final Request request;
  private final ExecOutput output;
  private final boolean structuredStatus;
  private final LinkedBlockingQueue<byte[]> input = new LinkedBlockingQueue<>();
  private final AtomicLong pending = new AtomicLong();
  private final AtomicBoolean paused = new AtomicBoolean();
  private final AtomicBoolean gone = new AtomicBoolean();

  ExecSession(ExecProcess process, Request request, ExecOutput output, boolean structuredStatus) {
    this.process = process;
    this.request = request;
    this.output = output;
    this.structuredStatus = structuredStatus;
  }

  @Override
  public void start() {
    Thread out = pump(process.stdout(), true);
    Thread err = pump(process.stderr(), false);
    if (request.stdin()) {
      daemon("exec-stdin", this::copyInput).start();
    } else {
      closeQuietly(process.stdin());
    }
    daemon(
            "exec-wait",
            () -> {
              try {
                int code = process.waitFor();
                out.join();
                err.join();
                output.finish(ExecStatus.encode(structuredStatus, request.command(), code, null));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                input.offer(EOF);
              }
            })
        .start();
  }

  @Override
  public void stdin(byte[] data) {
    if (!request.stdin() || gone.get()) {
      return;
    }
    if (pending.addAndGet(data.length) > PAUSE_INPUT_AT && paused.compareAndSet(false, true)) {
      output.readInput(false);
    }
    input.offer(data);
  }

  @Override
  public void resize(ResizeDecoder.Size size) {
    try {
      process.resize(size.width(), size.height());
    } catch (RuntimeException e) {
      LOG.debugf("resize failed: %s", e.getMessage());
    }
  }

  @Override
  public void stdinClosed() {
    input.offer(EOF);
  }

  @Override
  public void clientGone() {
    if (gone.compareAndSet(false, true)) {
      input.offer(EOF);
      process.kill();
    }
  }

  private Thread pump(InputStream in, boolean isStdout) {
    boolean wanted = isStdout ? request.stdout() : request.stderr();
    Thread thread =
        daemon(
            isStdout ? "exec-stdout" : "exec-stderr",
            () -> {
              byte[] buffer = new byte[32 * 1024];
              boolean clientOk = true;
              try (in) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  if (!wanted || !clientOk || n == 0) {
                    continue;
                  }
                  byte[] chunk = java.util.Arrays.copyOf(buffer, n);
                  try {
                    if (isStdout) {
                      output.stdout(chunk);
                    } else {
                      output.stderr(chunk);
                    }
                  } catch (IOException e) {
                    clientOk = false;
                    clientGone();
                  }
                }
              } catch (IOException e) {
                LOG.debugf("exec output ended: %s", e.getMessage());
              }
            });
    thread.start();
    return thread;
  }

  private void copyInput() {
    OutputStream stdin = process.stdin();
    try {
      while (true) {
        byte[] data = input.take();
        if (data == EOF) {
          break;
        }
        long left = pending.addAndGet(-data.length);
        stdin.write(data);
        stdin.flush();
        if (left < RESUME_INPUT_AT && paused.compareAndSet(true, false)) {
          output.readInput(true);
        }
      }
    } catch (IOException e) {
      // The command closed its stdin or exited; further input is dropped.
      LOG.debugf("exec stdin ended: %s", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeQuietly(stdin);
      if (paused.compareAndSet(true, false)) {
        output.readInput(true);
      }
    }
  }

  private static void closeQuietly(OutputStream stream) {
    try {
      stream.close();
    } catch (IOException e) {
      // already closed
    }
  }

  private static Thread daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    return thread;
  }
}
