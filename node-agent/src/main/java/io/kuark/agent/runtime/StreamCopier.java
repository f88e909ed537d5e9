package io.kuark.agent.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.jboss.logging.Logger;

/**
 * Copies one output stream of a container into a {@link CriLogWriter}, line by line, until end of
 * stream. Runs on its own platform thread because reads from a pipe block.
 */
final class StreamCopier implements Runnable {

  private static final Logger LOG = Logger.getLogger(StreamCopier.class);

  interface Source {
    /** Opens the stream (may block until a writer exists); null means there is nothing to copy. */
    InputStream open() throws IOException;
  }

  private final Source source;
  private final String stream;
  private final CriLogWriter writer;
  private final boolean flushPartialLines;

  StreamCopier(Source source, String stream, CriLogWriter writer) {
    this(source, stream, writer, false);
  }

  /**
   * @param flushPartialLines log what a read ends with, even without a line end, as a partial
   *     record right away (interactive terminals), instead of waiting for the rest of the line
   */
  StreamCopier(Source source, String stream, CriLogWriter writer, boolean flushPartialLines) {
    this.source = source;
    this.stream = stream;
    this.writer = writer;
    this.flushPartialLines = flushPartialLines;
  }

  @Override
  public void run() {
    try (InputStream in = source.open()) {
      if (in == null) {
        return;
      }
      copy(in);
    } catch (IOException e) {
      LOG.debugf(e, "log copy of %s ended", stream);
    }
  }

  void copy(InputStream in) throws IOException {
    byte[] line = new byte[CriLogWriter.MAX_LINE];
    int used = 0;
    byte[] buffer = new byte[8192];
    int n;
    while ((n = in.read(buffer)) >= 0) {
      for (int i = 0; i < n; i++) {
        byte b = buffer[i];
        if (b == '\n') {
          writer.write(stream, line, used, false);
          used = 0;
        } else {
          if (used == line.length) {
            writer.write(stream, line, used, true);
            used = 0;
          }
          line[used++] = b;
        }
      }
      if (flushPartialLines && used > 0) {
        writer.write(stream, line, used, true);
        used = 0;
      }
    }
    if (used > 0) {
      writer.write(stream, Arrays.copyOf(line, used), used, false);
    }
  }
}
