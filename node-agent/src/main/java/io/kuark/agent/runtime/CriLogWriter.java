package io.kuark.agent.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Appends container output to a log file in the CRI format kubelet and {@code kubectl logs} expect:
 * {@code <RFC3339Nano timestamp> <stream> <F|P> <content>\n}. Full lines get tag {@code F}; a line
 * longer than the maximum is split into {@code P} chunks. Thread-safe: stdout and stderr copiers
 * share one writer.
 *
 * <p>Rotation as kubelet's container log manager ({@code containerLogMaxSize}, {@code
 * containerLogMaxFiles}): before a record would take the file over the maximum size, the file is
 * renamed to {@code <file>.<yyyyMMdd-HHmmss>} and a new one started; of the rotated files only the
 * newest {@code maxFiles - 1} are kept. Readers of the live file ({@code kubectl logs}) see the
 * newest output; {@code --previous} reads the previous attempt's live file as before.
 */
public final class CriLogWriter implements AutoCloseable {

  static final int MAX_LINE = 16 * 1024;
  private static final DateTimeFormatter RFC3339_NANO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.nnnnnnnnn'Z'")
          .withZone(java.time.ZoneOffset.UTC);
  private static final DateTimeFormatter ROTATED_SUFFIX =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(java.time.ZoneOffset.UTC);
  private static final int STAMP_LENGTH = "yyyyMMdd-HHmmss".length();

  /** Rotation limits; {@link #NONE} never rotates. */
  public record Rotation(long maxSize, int maxFiles) {
    public static final Rotation NONE = new Rotation(Long.MAX_VALUE, Integer.MAX_VALUE);
  }

  private final Path file;
  private final Clock clock;
  private final Rotation rotation;
  private OutputStream out;
  private long size;

  public CriLogWriter(Path file, Clock clock) throws IOException {
    this(file, clock, Rotation.NONE);
  }

  public CriLogWriter(Path file, Clock clock, Rotation rotation) throws IOException {
    Files.createDirectories(file.getParent());
    this.file = file;
    this.clock = clock;
    this.rotation = rotation;
    open();
  }

  private void open() throws IOException {
    this.out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    this.size = Files.size(file);
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
    byte[] prefix =
        (RFC3339_NANO.format(clock.instant()) + " " + stream + " " + (partial ? "P" : "F") + " ")
            .getBytes(StandardCharsets.US_ASCII);
    long record = prefix.length + length + 1L;
    if (size > 0 && size + record > rotation.maxSize()) {
      rotate();
    }
    out.write(prefix);
    out.write(content, 0, length);
    out.write('\n');
    out.flush();
    size += record;
  }

  private void rotate() throws IOException {
    out.close();
    String stamp = ROTATED_SUFFIX.format(clock.instant());
    String prefix = file.getFileName() + ".";
    // Within one second the counter only grows, also past files already deleted: the names keep
    // the rotation order.
    int next = -1;
    for (Path p : rotatedFiles()) {
      if (stamp(p, prefix).equals(stamp)) {
        next = Math.max(next, counter(p, prefix));
      }
    }
    next++;
    Path target = file.resolveSibling(prefix + stamp + (next == 0 ? "" : "-" + next));
    Files.move(file, target);
    open();
    List<Path> rotated = rotatedFiles();
    int keep = Math.max(0, rotation.maxFiles() - 1);
    for (int i = 0; i < rotated.size() - keep; i++) {
      Files.deleteIfExists(rotated.get(i));
    }
  }

  /**
   * Rotated files of this log, oldest first: by the time in their suffix, then by the counter a
   * rotation within the same second appends. Not by modification time: rotations in one millisecond
   * tie there, and the wrong file was deleted.
   */
  public List<Path> rotatedFiles() throws IOException {
    String prefix = file.getFileName() + ".";
    List<Path> rotated = new ArrayList<>();
    try (Stream<Path> list = Files.list(file.getParent())) {
      for (Path p : list.toList()) {
        if (p.getFileName().toString().startsWith(prefix)) {
          rotated.add(p);
        }
      }
    }
    rotated.sort(
        java.util.Comparator.comparing((Path p) -> stamp(p, prefix))
            .thenComparingInt(p -> counter(p, prefix)));
    return rotated;
  }

  /** The {@code yyyyMMdd-HHmmss} of a rotated file's name. */
  private static String stamp(Path rotated, String prefix) {
    String suffix = rotated.getFileName().toString().substring(prefix.length());
    return suffix.length() < STAMP_LENGTH ? suffix : suffix.substring(0, STAMP_LENGTH);
  }

  /** The {@code -N} after the stamp, 0 for the first rotation of that second. */
  private static int counter(Path rotated, String prefix) {
    String suffix = rotated.getFileName().toString().substring(prefix.length());
    if (suffix.length() <= STAMP_LENGTH + 1 || suffix.charAt(STAMP_LENGTH) != '-') {
      return 0;
    }
    try {
      return Integer.parseInt(suffix.substring(STAMP_LENGTH + 1));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}
