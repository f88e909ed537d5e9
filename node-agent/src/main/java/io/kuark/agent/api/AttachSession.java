package io.kuark.agent.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Attach, output side: the container's stdout and stderr as they are written from now on, read from
 * its CRI log file (the runtime copies the container's output there, so attaching never competes
 * with logging), until the container stops or the client leaves. Containers run with stdin closed,
 * so there is no input side.
 */
final class AttachSession implements StreamSession {

  private static final Logger LOG = Logger.getLogger(AttachSession.class);
  private static final LogOptions FROM_NOW_ON = new LogOptions(true, false, 0L, null, false, null);

  private final Path logFile;
  private final CriLogStreamer.Liveness liveness;
  private final ExecOutput output;
  private final boolean stdout;
  private final boolean stderr;
  private final boolean structuredStatus;
  private final AtomicBoolean gone = new AtomicBoolean();

  AttachSession(
      Path logFile,
      CriLogStreamer.Liveness liveness,
      ExecOutput output,
      boolean stdout,
      boolean stderr,
      boolean structuredStatus) {
    this.logFile = logFile;
    this.liveness = liveness;
    this.output = output;
    this.stdout = stdout;
    this.stderr = stderr;
    this.structuredStatus = structuredStatus;
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
                if (!gone.get()) {
                  output.finish(ExecStatus.encode(structuredStatus, List.of(), 0, null));
                }
              }
            },
            "attach");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void stdin(byte[] data) {}

  @Override
  public void stdinClosed() {}

  @Override
  public void resize(ResizeDecoder.Size size) {}

  @Override
  public void clientGone() {
    gone.set(true);
  }
}
