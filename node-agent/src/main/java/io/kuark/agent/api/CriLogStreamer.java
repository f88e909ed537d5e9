package io.kuark.agent.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * Streams one CRI-format log file to a client with upstream's options applied: {@code sinceTime}
 * filters by record time, {@code tailLines} keeps the last N records of what exists at the start,
 * {@code timestamps} prefixes each record's time, {@code limitBytes} cuts the output, {@code
 * follow} keeps reading what the container appends until it stops writing to this file. Only
 * complete lines are read, so a record being written is never split.
 */
final class CriLogStreamer {

  /**
   * Where output goes, with the stream it came from; may block (back-pressure); IOException means
   * the client is gone.
   */
  interface Sink {
    void write(String stream, byte[] bytes) throws IOException;
  }

  /** For follow: whether the container may still append to this file. */
  interface Liveness {
    boolean stillWriting();
  }

  private static final long POLL_MILLIS = 100;

  private final Path file;
  private final LogOptions options;
  private final Sink sink;
  private final Liveness liveness;
  private final byte[] chunk = new byte[64 * 1024];
  private byte[] carry = new byte[0];
  private long written;
  private boolean limitReached;
  private Runnable positioned = () -> {};

  CriLogStreamer(Path file, LogOptions options, Sink sink, Liveness liveness) {
    this.file = file;
    this.options = options;
    this.sink = sink;
    this.liveness = liveness;
  }

  /**
   * Runs {@code callback} once the existing content is read, i.e. from when on everything the
   * container writes reaches the client (attach starts its input then).
   */
  CriLogStreamer onPositioned(Runnable callback) {
    this.positioned = callback;
    return this;
  }

  /** Streams until done (not following: end of file; following: the writer is gone). */
  void run() throws IOException, InterruptedException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    Object identity = identity(file);
    try {
      Deque<CriLogRecord> tail = options.tailLines() == null ? null : new ArrayDeque<>();
      readAvailable(channel, tail);
      positioned.run();
      if (tail != null) {
        for (CriLogRecord record : tail) {
          emit(record);
        }
      }
      if (!options.follow()) {
        return;
      }
      while (!limitReached) {
        if (readAvailable(channel, null)) {
          continue;
        }
        Object now = identity(file);
        if (now != null && !now.equals(identity)) {
          // The writer rotated the file: finish the renamed one, go on with the new one.
          readAvailable(channel, null);
          channel.close();
          channel = FileChannel.open(file, StandardOpenOption.READ);
          identity = now;
          carry = new byte[0];
          continue;
        }
        if (!liveness.stillWriting()) {
          // One last read: the writer may have appended right before it stopped.
          readAvailable(channel, null);
          return;
        }
        Thread.sleep(POLL_MILLIS);
      }
    } finally {
      channel.close();
    }
  }

  /** The file's identity (device and inode), null when it does not exist right now. */
  private static Object identity(Path path) {
    try {
      return java.nio.file.Files.readAttributes(
              path, java.nio.file.attribute.BasicFileAttributes.class)
          .fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Reads the complete lines available now; into {@code tail} (bounded to tailLines) or straight to
   * the sink. Returns whether anything was read.
   */
  private boolean readAvailable(FileChannel channel, Deque<CriLogRecord> tail) throws IOException {
    boolean any = false;
    int n;
    while (!limitReached && (n = channel.read(ByteBuffer.wrap(chunk))) > 0) {
      any = true;
      byte[] data = new byte[carry.length + n];
      System.arraycopy(carry, 0, data, 0, carry.length);
      System.arraycopy(chunk, 0, data, carry.length, n);
      int start = 0;
      for (int i = 0; i < data.length && !limitReached; i++) {
        if (data[i] != '\n') {
          continue;
        }
        CriLogRecord record = CriLogRecord.parse(Arrays.copyOfRange(data, start, i), i - start);
        start = i + 1;
        if (record == null || options.since() != null && record.time().isBefore(options.since())) {
          continue;
        }
        if (tail != null) {
          tail.addLast(record);
          if (tail.size() > options.tailLines()) {
            tail.removeFirst();
          }
        } else {
          emit(record);
        }
      }
      carry = Arrays.copyOfRange(data, start, data.length);
    }
    return any;
  }

  private void emit(CriLogRecord record) throws IOException {
    if (limitReached) {
      return;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(record.content().length + 40);
    if (options.timestamps()) {
      out.writeBytes(
          (CriLogRecord.formatTime(record.time()) + " ").getBytes(StandardCharsets.US_ASCII));
    }
    out.writeBytes(record.content());
    if (!record.partial()) {
      out.write('\n');
    }
    byte[] bytes = out.toByteArray();
    if (options.limitBytes() != null) {
      long left = options.limitBytes() - written;
      if (bytes.length >= left) {
        bytes = Arrays.copyOf(bytes, (int) left);
        limitReached = true;
      }
    }
    written += bytes.length;
    if (bytes.length > 0) {
      sink.write(record.stream(), bytes);
    }
  }
}
