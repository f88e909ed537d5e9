package io.kuark.bench.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The floor for a durable write on the benchmark's disk: latency of writing 700 bytes into a
 * preallocated file and {@code fdatasync}ing it (what a WAL append costs at least). A store that
 * acknowledges a write only after its log is on disk cannot answer faster than this.
 */
final class FlushProbe {

  private FlushProbe() {}

  static Latencies measure(Path dir, int writes) throws IOException {
    Path file = dir.resolve("flush-probe");
    Latencies lat = new Latencies();
    byte[] record = new byte[700];
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[(writes + 1) * record.length]), 0);
      ch.force(true);
      for (int i = 0; i < writes; i++) {
        long t0 = System.nanoTime();
        ch.write(ByteBuffer.wrap(record), (long) i * record.length);
        ch.force(false);
        lat.add(System.nanoTime() - t0);
      }
    } finally {
      Files.deleteIfExists(file);
    }
    return lat;
  }
}
