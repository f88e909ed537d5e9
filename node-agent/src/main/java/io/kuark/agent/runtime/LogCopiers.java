package io.kuark.agent.runtime;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Copies containers' {@code stdout.fifo}/{@code stderr.fifo} (in their bundle) into CRI log files,
 * one platform thread per stream. Copying ends at end of stream, i.e. when the last writer (the
 * container and the shim holding the fifo open) is gone.
 */
public final class LogCopiers {

  private static final Logger LOG = Logger.getLogger(LogCopiers.class);

  private final Clock clock;
  private final CriLogWriter.Rotation rotation;
  private final Map<String, AtomicInteger> active = new ConcurrentHashMap<>();

  public LogCopiers(Clock clock) {
    this(clock, CriLogWriter.Rotation.NONE);
  }

  /** Copiers whose log files rotate at {@code rotation}'s limits. */
  public LogCopiers(Clock clock, CriLogWriter.Rotation rotation) {
    this.clock = clock;
    this.rotation = rotation;
  }

  /** Starts copying unless a copy for {@code id} is already running. */
  public void attach(String id, Path bundle, Path logFile) {
    attach(id, bundle, logFile, false);
  }

  /**
   * Like {@link #attach(String, Path, Path)}; for a container with a terminal ({@code terminal})
   * output without a line end (a prompt, an echoed key) is logged at once as a partial record, so
   * attach clients, who follow the log, see it as they type (as CRI-O's conmon logs).
   */
  public void attach(String id, Path bundle, Path logFile, boolean terminal) {
    AtomicInteger streams = new AtomicInteger(2);
    if (active.putIfAbsent(id, streams) != null) {
      return;
    }
    CriLogWriter writer;
    try {
      writer = new CriLogWriter(logFile, clock, rotation);
    } catch (IOException e) {
      LOG.errorf(e, "cannot open log file %s for %s", logFile, id);
      active.remove(id);
      return;
    }
    for (String stream : new String[] {"stdout", "stderr"}) {
      Path fifo = bundle.resolve(stream + ".fifo");
      StreamCopier copier =
          new StreamCopier(() -> openUnlessExited(bundle, fifo), stream, writer, terminal);
      Thread thread =
          new Thread(
              () -> {
                try {
                  copier.run();
                } finally {
                  if (streams.decrementAndGet() == 0) {
                    active.remove(id, streams);
                    try {
                      writer.close();
                    } catch (IOException e) {
                      LOG.debugf("closing log of %s: %s", id, e.getMessage());
                    }
                  }
                }
              },
              "log-" + id + "-" + stream);
      thread.setDaemon(true);
      thread.start();
    }
  }

  /**
   * Tells the copiers of {@code id} the container has exited: wakes a copier still blocked opening
   * a fifo whose writers are already gone. Idempotent.
   */
  public void finished(String id, Path bundle) {
    if (active.containsKey(id)) {
      poke(bundle.resolve("stdout.fifo"));
      poke(bundle.resolve("stderr.fifo"));
    }
  }

  private static InputStream openUnlessExited(Path bundle, Path fifo) throws IOException {
    if (Files.exists(bundle.resolve("exit")) || !Files.exists(fifo)) {
      return null;
    }
    return new FileInputStream(fifo.toFile());
  }

  private static void poke(Path fifo) {
    if (!Files.exists(fifo)) {
      return;
    }
    try (RandomAccessFile file = new RandomAccessFile(fifo.toFile(), "rw")) {
      // Opening is all it takes: a reader blocked in open(2) sees a writer, then end of stream.
    } catch (IOException e) {
      LOG.debugf("poke %s: %s", fifo, e.getMessage());
    }
  }
}
