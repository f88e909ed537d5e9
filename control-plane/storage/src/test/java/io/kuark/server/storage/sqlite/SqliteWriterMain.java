package io.kuark.server.storage.sqlite;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.kuark.server.storage.KeyValue;
import java.nio.file.Path;

/**
 * A child process for the crash test: writes keys to the database given as argument as fast as it
 * can from several threads at once (so writes are group-committed in shared transactions) and
 * prints {@code acked <key> <revision>} after each write returns, until killed.
 */
public final class SqliteWriterMain {

  private static final int THREADS = 6;

  private SqliteWriterMain() {}

  public static void main(String[] args) {
    SqliteStorage storage = SqliteStorage.open(Path.of(args[0]));
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      new Thread(() -> write(storage, thread), "writer-" + t).start();
    }
  }

  private static void write(SqliteStorage storage, int thread) {
    for (long i = 0; ; i++) {
      String key = "/crash/t" + thread + "-key-" + i;
      KeyValue kv = storage.create(key, ("value-" + i).getBytes(UTF_8));
      if (i % 3 == 1) {
        kv = storage.update(key, ("updated-" + i).getBytes(UTF_8), kv.modRevision());
      }
      synchronized (System.out) {
        System.out.println("acked " + key + " " + kv.modRevision());
        System.out.flush();
      }
    }
  }
}
