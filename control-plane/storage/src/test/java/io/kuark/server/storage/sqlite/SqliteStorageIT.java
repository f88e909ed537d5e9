package io.kuark.server.storage.sqlite;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kuark.server.storage.KeyValue;
import io.kuark.server.storage.Storage;
import io.kuark.server.storage.StorageConfig;
import io.kuark.server.storage.StorageContractIT;
import io.kuark.server.storage.StorageException;
import io.kuark.server.storage.StorageFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The contract on the embedded SQLite backend, plus what only it can promise. */
class SqliteStorageIT extends StorageContractIT {

  private Path dir;
  private Path dbFile;

  @Override
  protected Storage openStorage() throws IOException {
    dir = Files.createTempDirectory("kuark-sqlite-it");
    dbFile = dir.resolve("state.db");
    return SqliteStorage.open(dbFile, fastUpkeep());
  }

  private static SqliteOptions fastUpkeep() {
    return new SqliteOptions(
        Duration.ofMinutes(5), 1000, Duration.ofMillis(100), Duration.ofSeconds(1), 2, true);
  }

  @Override
  protected Storage restartBackend(Storage current) {
    current.close();
    return SqliteStorage.open(dbFile, fastUpkeep());
  }

  @Override
  protected boolean watchesSurviveRestart() {
    return false;
  }

  @AfterEach
  void removeFiles() throws IOException {
    if (storage != null) {
      storage.close();
      storage = null;
    }
    deleteTree(dir);
  }

  @Test
  void acknowledgedWritesSurviveKillOfTheWritingProcess() throws Exception {
    storage.close();
    storage = null;
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // The driver unpacks its native library per JVM; a killed JVM cannot remove it,
                // so let it land in this test's directory.
                "-Dorg.sqlite.tmpdir=" + dir,
                "-cp",
                System.getProperty("java.class.path"),
                SqliteWriterMain.class.getName(),
                dbFile.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    List<String> acked = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8))) {
      String line;
      while ((line = out.readLine()) != null && acked.size() < 300) {
        if (line.startsWith("acked ")) {
          acked.add(line.substring("acked ".length()));
        }
      }
      // kill -9 while the child is still writing as fast as it can (through the handle, which
      // unlike Process.destroyForcibly leaves its output readable).
      child.toHandle().destroyForcibly();
      // Acks printed before the kill landed count too.
      while ((line = out.readLine()) != null) {
        if (line.startsWith("acked ")) {
          acked.add(line.substring("acked ".length()));
        }
      }
    } finally {
      child.destroyForcibly().waitFor();
    }
    assertThat(acked).hasSizeGreaterThanOrEqualTo(300);

    storage = SqliteStorage.open(dbFile, fastUpkeep());
    long maxAcked = 0;
    for (String ack : acked) {
      String[] parts = ack.split(" ");
      long revision = Long.parseLong(parts[1]);
      maxAcked = Math.max(maxAcked, revision);
      assertThat(storage.get(parts[0]))
          .as("acknowledged key %s", parts[0])
          .hasValueSatisfying(kv -> assertThat(kv.modRevision()).isEqualTo(revision));
    }
    // The reopened store continues the revision sequence after everything acknowledged.
    assertThat(storage.create("/after-crash", "x".getBytes(UTF_8)).modRevision())
        .isGreaterThan(maxAcked);
  }

  @Test
  void writesQueuedBehindACommitShareOneTransactionAndStayDurableAndOrdered() throws Exception {
    LogWriter writer = ((SqliteStorage) storage).writer();
    int n = 16;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    List<Future<KeyValue>> acks = new ArrayList<>();
    long commitsBefore = writer.commits();
    long revisionBefore = storage.currentRevision();
    // Hold the writer, as a commit in flight does, until all the writes are queued behind it.
    writer.whileNoWrites(
        current -> {
          for (int i = 0; i < n; i++) {
            String key = "/group/k" + i;
            acks.add(pool.submit(() -> storage.create(key, key.getBytes(UTF_8))));
          }
          await().until(() -> writer.queuedWrites() == n);
          return null;
        });
    List<Long> revisions = new ArrayList<>();
    for (Future<KeyValue> ack : acks) {
      revisions.add(ack.get().modRevision());
    }
    pool.shutdown();
    assertThat(writer.commits() - commitsBefore).isEqualTo(1);
    assertThat(revisions)
        .doesNotHaveDuplicates()
        .allSatisfy(r -> assertThat(r).isBetween(revisionBefore + 1, revisionBefore + n));
    // Acknowledged means durable: all of the batch is there after a restart.
    storage = restartBackend(storage);
    for (int i = 0; i < n; i++) {
      long expected = revisions.get(i);
      assertThat(storage.get("/group/k" + i))
          .hasValueSatisfying(kv -> assertThat(kv.modRevision()).isEqualTo(expected));
    }
    assertThat(storage.currentRevision()).isEqualTo(revisionBefore + n);
  }

  @Test
  void aFailedPreconditionFailsOnlyItsOwnWriteInTheBatch() throws Exception {
    LogWriter writer = ((SqliteStorage) storage).writer();
    KeyValue existing = storage.create("/group/taken", "x".getBytes(UTF_8));
    ExecutorService pool = Executors.newFixedThreadPool(3);
    List<Future<KeyValue>> acks = new ArrayList<>();
    writer.whileNoWrites(
        current -> {
          acks.add(pool.submit(() -> storage.create("/group/a", "a".getBytes(UTF_8))));
          acks.add(pool.submit(() -> storage.create("/group/taken", "y".getBytes(UTF_8))));
          acks.add(
              pool.submit(
                  () ->
                      storage.update("/group/taken", "z".getBytes(UTF_8), existing.modRevision())));
          await().until(() -> writer.queuedWrites() == 3);
          return null;
        });
    pool.shutdown();
    assertThat(acks.get(0).get().key()).isEqualTo("/group/a");
    assertThatThrownBy(() -> acks.get(1).get())
        .hasCauseInstanceOf(StorageException.AlreadyExists.class);
    assertThat(new String(acks.get(2).get().value(), UTF_8)).isEqualTo("z");
    assertThat(new String(storage.get("/group/taken").orElseThrow().value(), UTF_8)).isEqualTo("z");
  }

  @Test
  void periodicCompactionKeepsOneIntervalOfHistory() {
    storage.close();
    storage =
        SqliteStorage.open(
            dbFile,
            new SqliteOptions(
                Duration.ofMillis(200), 0, Duration.ofMillis(100), Duration.ofSeconds(1), 2, true));
    var kv = storage.create(prefix + "k", "v0".getBytes(UTF_8));
    long first = kv.modRevision();
    for (int i = 1; i <= 5; i++) {
      kv = storage.update(prefix + "k", ("v" + i).getBytes(UTF_8), kv.modRevision());
    }
    long written = kv.modRevision();
    await().atMost(Duration.ofSeconds(60)).until(() -> storage.compactedRevision() >= written);
    assertThatThrownBy(() -> storage.list(prefix, 0, null, first))
        .isInstanceOf(StorageException.Gone.class);
    assertThat(storage.get(prefix + "k").orElseThrow().value()).isEqualTo("v5".getBytes(UTF_8));
  }

  @Test
  void secondOpenOfTheSameFileIsRefused() {
    assertThatThrownBy(() -> SqliteStorage.open(dbFile))
        .isInstanceOfAny(StorageException.Unavailable.class);
  }

  @Test
  void factoryOpensTheEmbeddedStoreUnderTheDataDir() throws IOException {
    Path dataDir = dir.resolve("data");
    try (Storage s = StorageFactory.open(new StorageConfig("embedded", dataDir, List.of()))) {
      s.create("/k", "v".getBytes(UTF_8));
    }
    assertThat(dataDir.resolve("server/db/state.db")).exists();
    try (Storage s = StorageFactory.open(new StorageConfig("embedded", dataDir, List.of()))) {
      assertThat(s.get("/k")).isPresent();
    }
  }

  @Test
  void compactionAndCheckpointKeepTheFilesBounded() throws IOException {
    SqliteStorage sqlite = (SqliteStorage) storage;
    byte[] value = new byte[4096];
    var kv = storage.create(prefix + "big", value);
    for (int i = 0; i < 600; i++) {
      kv = storage.update(prefix + "big", value, kv.modRevision());
    }
    // Move everything from the WAL into the database file first, so its size counts all history.
    sqlite.checkpoint();
    long before = Files.size(dbFile);
    storage.compact(storage.currentRevision());
    sqlite.checkpoint();
    long after = Files.size(dbFile);
    Path wal = dbFile.resolveSibling("state.db-wal");
    assertThat(Files.exists(wal) ? Files.size(wal) : 0).isZero();
    // 600 superseded 4 KiB versions are gone: the file shrank to a small fraction.
    assertThat(after).isLessThan(before / 4);
    assertThat(storage.get(prefix + "big")).isPresent();
  }

  static void deleteTree(Path root) throws IOException {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
