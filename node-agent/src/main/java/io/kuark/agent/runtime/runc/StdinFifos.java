package io.kuark.agent.runtime.runc;

import io.kuark.agent.runtime.StdinMode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Containers' stdin for attach ({@code stdin: true}): a named pipe {@code stdin.fifo} in the bundle
 * that the shim gives runc as stdin. For {@link StdinMode#OPEN} the shim also holds it open for
 * writing, so the container never sees end of input, however often clients attach and leave (and
 * across agent restarts). For {@link StdinMode#ONCE} ({@code stdin.once} marks it) the agent holds
 * the only writer and closes it when the first attach client's input ends: the container reads EOF,
 * as upstream's {@code stdinOnce} promises. (An agent restart before that closes it too.)
 */
final class StdinFifos {

  static final String FIFO = "stdin.fifo";
  static final String ONCE_MARK = "stdin.once";

  /** The single writer of each ONCE container, until its first client leaves. */
  private final Map<String, RandomAccessFile> onceWriters = new ConcurrentHashMap<>();

  /** Creates (or removes) the bundle's stdin files before the shim starts. */
  void prepare(String id, Path bundle, StdinMode mode) throws IOException {
    Path fifo = bundle.resolve(FIFO);
    Path once = bundle.resolve(ONCE_MARK);
    forget(id);
    Files.deleteIfExists(once);
    if (mode == StdinMode.CLOSED) {
      Files.deleteIfExists(fifo);
      return;
    }
    if (!Files.exists(fifo)) {
      RuncRuntime.makeFifo(fifo);
    }
    if (mode == StdinMode.ONCE) {
      Files.createFile(once);
      // Opened read-write, so the open does not wait for a reader; the shim's read-only open
      // then finds this writer.
      onceWriters.put(id, new RandomAccessFile(fifo.toFile(), "rw"));
    }
  }

  /** See {@link io.kuark.agent.runtime.ContainerRuntime#attachStdin}. */
  OutputStream open(String id, Path bundle) throws IOException {
    Path fifo = bundle.resolve(FIFO);
    if (!Files.exists(fifo)) {
      return null;
    }
    if (Files.exists(bundle.resolve(ONCE_MARK))) {
      RandomAccessFile writer = onceWriters.get(id);
      if (writer == null) {
        return null;
      }
      return new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          writer.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          writer.write(b, off, len);
        }

        @Override
        public void close() {
          forget(id);
        }
      };
    }
    if (Files.exists(bundle.resolve("exit"))) {
      return null;
    }
    // Read-write, so the open never waits for a reader (the container may just have exited).
    RandomAccessFile writer = new RandomAccessFile(fifo.toFile(), "rw");
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        writer.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        writer.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        writer.close();
      }
    };
  }

  /** Drops (closes) the ONCE writer of {@code id}, if any. Idempotent. */
  void forget(String id) {
    RandomAccessFile writer = onceWriters.remove(id);
    if (writer != null) {
      try {
        writer.close();
      } catch (IOException e) {
        // closing is all we wanted
      }
    }
  }
}
