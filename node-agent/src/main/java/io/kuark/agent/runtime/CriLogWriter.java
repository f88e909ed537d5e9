package io.kuark.agent.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.format.DateTimeFormatter;

/**
 * Appends container output to a log file in the CRI format kubelet and {@code kubectl logs} expect:
 * {@code <RFC3339Nano timestamp> <stream> <F|P> <content>\n}. Full lines get tag {@code F}; a line
 * longer than the maximum is split into {@code P} chunks. Thread-safe: stdout and stderr copiers
 * share one writer.
 */
public final class CriLogWriter implements AutoCloseable {

  static final int MAX_LINE = 16 * 1024;
  private static final DateTimeFormatter RFC3339_NANO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.nnnnnnnnn'Z'")
          .withZone(java.time.ZoneOffset.UTC);

  private final OutputStream out;
  private final Clock clock;

  public CriLogWriter(Path file, Clock clock) throws IOException {
    Files.createDirectories(file.getParent());
    this.out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    this.clock = clock;
  }

  /**
   * Writes one record.
   *
   * @param stream {@code stdout} or {@code stderr}
   * @param content the bytes without the trailing newline
   * @param partial true if the line continues in the next record
   */
  public synchronized void write(String stream, byte[] content, int length, boolean partial)
      throws IOException {
    String prefix =
        RFC3339_NANO.format(clock.instant()) + " " + stream + " " + (partial ? "P" : "F") + " ";
    out.write(prefix.getBytes(StandardCharsets.US_ASCII));
    out.write(content, 0, length);
    out.write('\n');
    out.flush();
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}
