package io.kuark.server.storage.sqlite;

import io.kuark.server.storage.ContinueToken;
import io.kuark.server.storage.KeyRange;
import io.kuark.server.storage.KeyValue;
import io.kuark.server.storage.ListResult;
import io.kuark.server.storage.Storage;
import io.kuark.server.storage.StorageException;
import io.kuark.server.storage.WatchListener;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The embedded backend: a revision log in one SQLite file, written by one connection (see {@link
 * LogWriter}), read by a small pool ({@link LogReaders}), with watches fed on commit ({@link
 * WatchHub}) and background upkeep ({@link Upkeep}: TTL sweep, compaction, WAL checkpoints). One
 * process owns the file at a time (an exclusive lock on {@code <file>.lock}).
 */
public final class SqliteStorage implements Storage {

  private final Path file;
  private final FileChannel lockChannel;
  private final FileLock fileLock;
  private final WatchHub hub = new WatchHub();
  private final LogWriter writer;
  private final LogReaders readers;
  private final ExecutorService watchThreads;
  private final Checkpointer checkpointer;
  private final Upkeep upkeep;

  private SqliteStorage(Path file, SqliteOptions options) throws SQLException, IOException {
    this.file = file;
    this.lockChannel =
        FileChannel.open(
            file.resolveSibling(file.getFileName() + ".lock"),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
    this.fileLock = tryLock(lockChannel);
    if (fileLock == null) {
      lockChannel.close();
      throw new StorageException.Unavailable(file + " is in use by another process", null);
    }
    this.writer = new LogWriter(Schema.connect(file, options.syncEachCommit()), hub);
    this.readers = new LogReaders(file, Math.max(1, options.readerConnections()));
    this.watchThreads = watchThreadPool();
    this.checkpointer = new Checkpointer(file);
    this.upkeep = new Upkeep(writer, checkpointer, options);
  }

  /** Opens (creating when missing) the database at {@code file} with default options. */
  public static SqliteStorage open(Path file) {
    return open(file, SqliteOptions.defaults());
  }

  /**
   * Opens (creating when missing) the database at {@code file}; its directory must exist.
   *
   * @throws StorageException.Unavailable when the file cannot be opened or another process owns it
   */
  public static SqliteStorage open(Path file, SqliteOptions options) {
    try {
      return new SqliteStorage(file, options);
    } catch (SQLException | IOException e) {
      throw new StorageException.Unavailable("cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  /** The single writer (package-private: tests look at its batching). */
  LogWriter writer() {
    return writer;
  }

  /** The database file. */
  public Path file() {
    return file;
  }

  @Override
  public Optional<KeyValue> get(String key) {
    return readers.get(key);
  }

  @Override
  public ListResult list(String prefix, int limit, String continueToken, long atRevision) {
    long revision;
    String from;
    if (continueToken != null && !continueToken.isEmpty()) {
      ContinueToken token = ContinueToken.decode(continueToken);
      revision = token.revision();
      from = prefix + token.startSuffix();
    } else {
      revision = atRevision == 0 ? writer.currentRevision() : atRevision;
      from = prefix;
    }
    checkReadable(prefix, revision);
    String end = KeyRange.prefixEnd(prefix);
    List<KeyValue> items = readers.range(from, end, revision, limit > 0 ? limit + 1 : 0);
    checkReadable(prefix, revision);
    if (limit <= 0 || items.size() <= limit) {
      return new ListResult(items, revision, null, 0);
    }
    String next = items.get(limit).key();
    long remaining = readers.count(next, end, revision);
    checkReadable(prefix, revision);
    String token = new ContinueToken(revision, next.substring(prefix.length())).encode();
    return new ListResult(List.copyOf(items.subList(0, limit)), revision, token, remaining);
  }

  @Override
  public KeyValue create(String key, byte[] value, Duration ttl) {
    return writer.create(key, value, ttl);
  }

  @Override
  public KeyValue update(String key, byte[] value, long expectedModRevision, Duration ttl) {
    return writer.update(key, value, expectedModRevision, ttl);
  }

  @Override
  public KeyValue delete(String key, long expectedModRevision) {
    return writer.delete(key, expectedModRevision);
  }

  @Override
  public Watch watch(String prefix, long afterRevision, WatchListener listener) {
    SqliteWatch watch =
        new SqliteWatch(
            prefix, Math.max(0, afterRevision), listener, watchThreads, readers, writer, hub);
    writer.whileNoWrites(
        current -> {
          long compacted = writer.compactedRevision();
          if (afterRevision > 0 && afterRevision + 1 < compacted) {
            watch.enqueueFailure(new StorageException.Gone(prefix, afterRevision + 1, compacted));
            return null;
          }
          if (afterRevision <= 0) {
            // "Only changes after now": start live at the current revision.
            watch.advanceTo(current);
          } else if (afterRevision < current) {
            watch.enqueueReplay(current);
          }
          hub.add(watch);
          return null;
        });
    return watch;
  }

  @Override
  public long currentRevision() {
    return writer.currentRevision();
  }

  @Override
  public void compact(long revision) {
    writer.compact(revision);
  }

  @Override
  public long compactedRevision() {
    return writer.compactedRevision();
  }

  /**
   * Checkpoints the WAL and truncates it to zero bytes now, waiting for writers (periodic
   * checkpoints are passive and leave the file allocated).
   */
  public void checkpoint() {
    writer.checkpoint();
  }

  /** Deletes expired keys now (also done periodically); returns how many. */
  public int expireLeases() {
    return writer.expireLeases(System.currentTimeMillis());
  }

  /** Closes the store; open watches end with {@link StorageException.Unavailable}. */
  @Override
  public void close() {
    upkeep.close();
    for (SqliteWatch w : hub.all()) {
      w.enqueueFailure(new StorageException.Unavailable("storage closed", null));
    }
    watchThreads.shutdown();
    try {
      watchThreads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    readers.close();
    checkpointer.close();
    try {
      writer.checkpoint();
    } catch (StorageException e) {
      // Best effort: the WAL is replayed on the next open anyway.
    }
    writer.close();
    try {
      fileLock.release();
      lockChannel.close();
    } catch (IOException e) {
      // The lock goes with the process anyway.
    }
  }

  private void checkReadable(String prefix, long revision) {
    long compacted = writer.compactedRevision();
    if (revision < compacted) {
      throw new StorageException.Gone(prefix, revision, compacted);
    }
    if (revision > writer.currentRevision()) {
      throw new IllegalArgumentException(
          "revision " + revision + " is in the future (current " + writer.currentRevision() + ")");
    }
  }

  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      // Already open in this process.
      return null;
    }
  }

  private static ExecutorService watchThreadPool() {
    AtomicInteger n = new AtomicInteger();
    return new ThreadPoolExecutor(
        0,
        Integer.MAX_VALUE,
        30,
        TimeUnit.SECONDS,
        new SynchronousQueue<>(),
        r -> {
          Thread t = new Thread(r, "kuark-sqlite-watch-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }
}
