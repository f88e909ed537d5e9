package io.kuark.agent.api;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Attach, output side: the container's stdout and stderr as they are written from now on, read from
 * its CRI log file (the runtime copies the container's output there, so attaching never competes
 * with logging), until the container stops or the client leaves. Input, when the client sends it
 * and the container was started with {@code stdin: true}, goes to the container's stdin through a
 * platform thread (writes to a pipe block); the end of the client's input ends it (for {@code
 * stdinOnce} the container then reads EOF). For a container with a terminal ({@code tty: true}) its
 * output is all on stdout and the client's terminal size changes resize the container's.
 */
final class AttachSession implements StreamSession {

  private static final Logger LOG = Logger.getLogger(AttachSession.class);
  private static final byte[] EOF = new byte[0];
  private static final LogOptions FROM_NOW_ON = new LogOptions(true, false, 0L, null, false, null);

  private final Path logFile;
  private final CriLogStreamer.Liveness liveness;
  private final ExecOutput output;
  private final boolean stdout;
  private final boolean stderr;
  private final boolean structuredStatus;
  private final AtomicBoolean gone = new AtomicBoolean();
  private final OutputStream stdin;
  private final LinkedBlockingQueue<byte[]> input = new LinkedBlockingQueue<>();
  private final TerminalResizer resizer;

  /** Resizes the container's terminal. */
  interface TerminalResizer {
    void resize(int columns, int rows) throws IOException;
  }

  AttachSession(
      OutputStream stdin,
      Path logFile,
      CriLogStreamer.Liveness liveness,
      ExecOutput output,
      boolean stdout,
      boolean stderr,
      boolean structuredStatus,
      TerminalResizer resizer) {
    this.resizer = resizer;
    this.logFile = logFile;
    this.liveness = liveness;
    this.output = output;
    this.stdout = stdout;
    this.stderr = stderr;
    this.structuredStatus = structuredStatus;
    this.stdin = stdin;
  }

  @Override
  public void start() {
    CriLogStreamer streamer =
        new CriLogStreamer(
            logFile,
            FROM_NOW_ON,
            (stream, bytes) -> {
              if (stdout && stream.equals("stdout")) {
                output.stdout(bytes);
              } else if (stderr && stream.equals("stderr")) {
                output.stderr(bytes);
              }
            },
            () -> !gone.get() && liveness.stillWriting());
    // Input starts once output is followed, so no answer to it can be missed.
    java.util.concurrent.CountDownLatch following = new java.util.concurrent.CountDownLatch(1);
    streamer.onPositioned(following::countDown);
    Thread thread =
        new Thread(
            () -> {
              try {
                streamer.run();
              } catch (IOException e) {
                LOG.debugf("attach to %s ended: %s", logFile, e.getMessage());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                following.countDown();
                if (!gone.get()) {
                  output.finish(ExecStatus.encode(structuredStatus, List.of(), 0, null));
                }
              }
            },
            "attach");
    thread.setDaemon(true);
    thread.start();
    if (stdin != null) {
      Thread writer =
          new Thread(
              () -> {
                try {
                  following.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                copyInput();
              },
              "attach-stdin");
      writer.setDaemon(true);
      writer.start();
    }
  }

  @Override
  public void stdin(byte[] data) {
    if (stdin != null && !gone.get()) {
      input.offer(data);
    }
  }

  @Override
  public void stdinClosed() {
    input.offer(EOF);
  }

  private void copyInput() {
    try (stdin) {
      while (true) {
        byte[] data = input.take();
        if (data == EOF) {
          break;
        }
        stdin.write(data);
        stdin.flush();
      }
    } catch (IOException e) {
      LOG.debugf("attach input to %s ended: %s", logFile, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Called on the event loop: one ioctl, it does not block. */
  @Override
  public void resize(ResizeDecoder.Size size) {
    if (resizer == null || gone.get()) {
      return;
    }
    try {
      resizer.resize(size.width(), size.height());
    } catch (IOException e) {
      LOG.debugf("resizing for attach to %s: %s", logFile, e.getMessage());
    }
  }

  @Override
  public void clientGone() {
    gone.set(true);
    input.offer(EOF);
  }
}
