package io.kuark.server.storage.sqlite;

import io.kuark.server.storage.KeyValue;
import io.kuark.server.storage.StorageException;
import io.kuark.server.storage.WatchEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The only connection that writes. Every write happens under {@link #lock}, so writes are
 * serialized in this process and SQLite never sees two writers ("database is locked" cannot
 * happen). Concurrent writes are group-committed (one transaction, one fsync per batch). Revisions
 * are assigned here ({@code current + 1}) and committed writes are handed to the event sink while
 * the lock is still held, so events leave in revision order.
 */
final class LogWriter implements AutoCloseable {

  private static final int COMPACT_BATCH = 2000;
  private static final int MAX_BATCH = 256;
  private static final int VACUUM_CHUNK = 1000;

  private final Connection connection;
  private final ReentrantLock lock = new ReentrantLock();
  private final Consumer<WatchEvent> eventSink;
  private final PreparedStatement latest;
  private final PreparedStatement insert;
  private final PreparedStatement begin;
  private final PreparedStatement commit;
  private final PreparedStatement rollback;
  private final ConcurrentLinkedQueue<PendingWrite> pending = new ConcurrentLinkedQueue<>();

  /** Committed head: the revision of the latest durable write. */
  private volatile long currentRevision;

  /** Highest revision assigned in the open batch; only touched under the lock. */
  private long head;

  private volatile long compactedRevision;

  /** Write transactions committed (one fsync each), for tests and metrics. */
  private volatile long commits;

  LogWriter(Connection connection, Consumer<WatchEvent> eventSink) throws SQLException {
    this.connection = connection;
    this.eventSink = eventSink;
    Schema.create(connection);
    this.latest =
        connection.prepareStatement(
            "SELECT id, value, create_revision, prev_revision, deleted FROM kv"
                + " WHERE name = ? ORDER BY id DESC LIMIT 1");
    this.insert =
        connection.prepareStatement(
            "INSERT INTO kv (id, name, create_revision, prev_revision, deleted, lease_expiry,"
                + " value) VALUES (?, ?, ?, ?, ?, ?, ?)");
    this.begin = connection.prepareStatement("BEGIN IMMEDIATE");
    this.commit = connection.prepareStatement("COMMIT");
    this.rollback = connection.prepareStatement("ROLLBACK");
    this.currentRevision = loadCurrentRevision();
    this.compactedRevision = loadCompactedRevision();
  }

  long currentRevision() {
    return currentRevision;
  }

  long compactedRevision() {
    return compactedRevision;
  }

  /** Write batches committed so far: each is one transaction and one fsync. */
  long commits() {
    return commits;
  }

  /** Writes queued and not yet taken into a batch. */
  int queuedWrites() {
    return pending.size();
  }

  /** Runs {@code action} while no write can happen (used to register watches atomically). */
  <T> T whileNoWrites(java.util.function.LongFunction<T> action) {
    lock.lock();
    try {
      return action.apply(currentRevision);
    } finally {
      lock.unlock();
    }
  }

  KeyValue create(String key, byte[] value, Duration ttl) {
    // Checked here: inside a batch a bad value would fail everyone's writes.
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    long leaseExpiry = expiry(ttl);
    return submit(
        () -> {
          LogRow prev = latestRow(key);
          if (prev != null && !prev.deleted()) {
            throw new StorageException.AlreadyExists(key);
          }
          long revision = head + 1;
          LogRow row =
              new LogRow(revision, key, value, revision, prev == null ? 0 : prev.revision(), false);
          append(row, leaseExpiry, 0);
          return new WatchEvent(WatchEvent.Type.ADDED, row.keyValue(), null);
        });
  }

  KeyValue update(String key, byte[] value, long expectedModRevision, Duration ttl) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    long leaseExpiry = expiry(ttl);
    return submit(
        () -> {
          LogRow prev = latestRow(key);
          if (prev == null || prev.deleted()) {
            throw new StorageException.NotFound(key);
          }
          if (prev.revision() != expectedModRevision) {
            throw new StorageException.Conflict(key, expectedModRevision, prev.revision());
          }
          LogRow row =
              new LogRow(head + 1, key, value, prev.createRevision(), prev.revision(), false);
          append(row, leaseExpiry, expectedModRevision);
          return new WatchEvent(WatchEvent.Type.MODIFIED, row.keyValue(), prev.keyValue());
        });
  }

  KeyValue delete(String key, long expectedModRevision) {
    Objects.requireNonNull(key, "key");
    return submit(
        () -> {
          LogRow prev = latestRow(key);
          if (prev == null || prev.deleted()) {
            throw new StorageException.NotFound(key);
          }
          if (expectedModRevision != 0 && prev.revision() != expectedModRevision) {
            throw new StorageException.Conflict(key, expectedModRevision, prev.revision());
          }
          // The deletion row carries the last value so a DELETED event can show it.
          LogRow row =
              new LogRow(head + 1, key, prev.value(), prev.createRevision(), prev.revision(), true);
          append(row, 0, expectedModRevision);
          return new WatchEvent(WatchEvent.Type.DELETED, row.keyValue(), prev.keyValue());
        });
  }

  /** One write's logic, run by whichever thread commits its batch. */
  private interface WriteStep {
    /** Checks preconditions and appends a row; returns the change it made. */
    WatchEvent apply();
  }

  /** A queued write and, once its batch is done, its outcome. Guarded by {@link #lock}. */
  private static final class PendingWrite {
    final WriteStep step;
    WatchEvent event;
    RuntimeException error;
    boolean done;

    PendingWrite(WriteStep step) {
      this.step = step;
    }
  }

  /**
   * Group commit: the write is queued; whoever holds the lock next runs every queued write in one
   * transaction with one fsync, publishes their events in revision order, and marks them done.
   * Concurrent writers therefore share fsyncs instead of queueing behind one each.
   */
  private KeyValue submit(WriteStep step) {
    PendingWrite write = new PendingWrite(step);
    pending.add(write);
    lock.lock();
    try {
      if (!write.done) {
        commitPending();
      }
    } finally {
      lock.unlock();
    }
    if (write.error != null) {
      throw write.error;
    }
    return write.event.current();
  }

  private void commitPending() {
    List<PendingWrite> batch = new ArrayList<>();
    for (PendingWrite w; batch.size() < MAX_BATCH && (w = pending.poll()) != null; ) {
      batch.add(w);
    }
    head = currentRevision;
    try {
      begin.execute();
      for (PendingWrite w : batch) {
        try {
          w.event = w.step.apply();
        } catch (StorageException e) {
          w.error = e;
        }
      }
      commit.execute();
    } catch (SQLException | RuntimeException e) {
      // SQLite may already have rolled the transaction back (I/O error, disk full): nothing of
      // this batch is trusted, every write in it fails.
      rollback();
      head = currentRevision;
      StorageException.Unavailable failure =
          e instanceof BatchAbort a
              ? unavailable("commit", a.cause)
              : e instanceof SQLException sql
                  ? unavailable("commit", sql)
                  : new StorageException.Unavailable("write batch failed: " + e, e);
      for (PendingWrite w : batch) {
        w.event = null;
        w.error = w.error == null ? failure : w.error;
        w.done = true;
      }
      return;
    }
    currentRevision = head;
    commits++;
    for (PendingWrite w : batch) {
      if (w.event != null) {
        eventSink.accept(w.event);
      }
      w.done = true;
    }
  }

  /** An SQL failure inside a batch: aborts the whole batch. */
  private static final class BatchAbort extends RuntimeException {
    final SQLException cause;

    BatchAbort(SQLException cause) {
      super(cause.getMessage(), cause, false, false);
      this.cause = cause;
    }
  }

  private void rollback() {
    try {
      rollback.execute();
    } catch (SQLException e) {
      // Nothing was open, or the connection is broken; either way nothing was committed.
    }
  }

  /**
   * Forgets every version that is not needed to read the key space at {@code revision - 1} or
   * later: rows superseded before {@code revision}, then deletion rows before it. The compacted
   * revision is published before any row goes, so concurrent readers notice and answer Gone.
   * Deletes in batches, each its own short write, so writers are never held up for long.
   */
  void compact(long revision) {
    lock.lock();
    try {
      if (revision <= compactedRevision) {
        return;
      }
      if (revision > currentRevision) {
        throw new IllegalArgumentException(
            "cannot compact to future revision " + revision + " (current " + currentRevision + ")");
      }
      try (PreparedStatement s =
          connection.prepareStatement(
              "INSERT OR REPLACE INTO meta (name, value) VALUES ('compact_revision', ?)")) {
        s.setLong(1, revision);
        s.executeUpdate();
      }
      compactedRevision = revision;
    } catch (SQLException e) {
      throw unavailable("compact", e);
    } finally {
      lock.unlock();
    }
    deleteInBatches(
        "DELETE FROM kv WHERE id IN (SELECT k.id FROM kv k WHERE k.id < ?1 AND EXISTS"
            + " (SELECT 1 FROM kv n WHERE n.name = k.name AND n.id > k.id AND n.id < ?1)"
            + " LIMIT "
            + COMPACT_BATCH
            + ")",
        revision);
    // Only now is each deletion row the last row of its key below the revision; dropping it
    // leaves the key absent at revision - 1, as it was.
    deleteInBatches(
        "DELETE FROM kv WHERE id IN (SELECT id FROM kv WHERE id < ?1 AND deleted = 1 LIMIT "
            + COMPACT_BATCH
            + ")",
        revision);
    releaseFreePages();
  }

  /**
   * Gives pages freed by compaction back to the file system. SQLite frees one page per step of
   * {@code incremental_vacuum} and the driver steps a statement once per execute, so this repeats
   * it, a chunk of pages per transaction (one fsync each), until the free list is empty.
   */
  private void releaseFreePages() {
    while (true) {
      lock.lock();
      try (Statement s = connection.createStatement()) {
        long free = freePages(s);
        if (free == 0) {
          return;
        }
        connection.setAutoCommit(false);
        try {
          // At most VACUUM_CHUNK pages per transaction, so writers wait only briefly.
          for (long i = 0; i < Math.min(free, VACUUM_CHUNK); i++) {
            // A fresh statement each time: a stepped-once statement stays "in progress" until
            // closed, which would block the commit.
            try (Statement step = connection.createStatement()) {
              step.execute("PRAGMA incremental_vacuum(1)");
            }
          }
          connection.commit();
        } catch (SQLException e) {
          connection.rollback();
          throw e;
        } finally {
          connection.setAutoCommit(true);
        }
      } catch (SQLException e) {
        throw unavailable("incremental vacuum", e);
      } finally {
        lock.unlock();
      }
    }
  }

  private static long freePages(Statement s) throws SQLException {
    try (ResultSet rs = s.executeQuery("PRAGMA freelist_count")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /** Checkpoints the WAL into the database and truncates it to zero bytes when it can. */
  void checkpoint() {
    // A TRUNCATE checkpoint reports busy (and leaves the WAL in place) while the passive
    // checkpointer or a reader is in its way; those finish quickly, so try again a few times.
    for (int attempt = 0; attempt < 50; attempt++) {
      if (truncateCheckpointCompleted()) {
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private boolean truncateCheckpointCompleted() {
    lock.lock();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
      // One row: busy flag, WAL frames, frames checkpointed.
      return !rs.next() || rs.getInt(1) == 0;
    } catch (SQLException e) {
      if (e.getMessage() != null && e.getMessage().contains("SQLITE_BUSY")) {
        return false;
      }
      throw unavailable("wal_checkpoint(TRUNCATE)", e);
    } finally {
      lock.unlock();
    }
  }

  /** Deletes keys whose lease expired before {@code nowMillis}; each is a real, evented delete. */
  int expireLeases(long nowMillis) {
    List<LogRow> expired = new ArrayList<>();
    lock.lock();
    try (PreparedStatement s =
        connection.prepareStatement(
            "SELECT k.name, k.id FROM kv k WHERE k.lease_expiry > 0 AND k.lease_expiry <= ?"
                + " AND k.deleted = 0"
                + " AND k.id = (SELECT max(id) FROM kv WHERE name = k.name) LIMIT 1000")) {
      s.setLong(1, nowMillis);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          expired.add(new LogRow(rs.getLong(2), rs.getString(1), null, 0, 0, false));
        }
      }
    } catch (SQLException e) {
      throw unavailable("lease sweep", e);
    } finally {
      lock.unlock();
    }
    int deleted = 0;
    for (LogRow row : expired) {
      try {
        delete(row.key(), row.revision());
        deleted++;
      } catch (StorageException.Conflict | StorageException.NotFound e) {
        // Rewritten or deleted since the sweep looked: that write decided its fate.
      }
    }
    return deleted;
  }

  @Override
  public void close() {
    lock.lock();
    try {
      latest.close();
      insert.close();
      begin.close();
      commit.close();
      rollback.close();
      connection.close();
    } catch (SQLException e) {
      throw unavailable("close", e);
    } finally {
      lock.unlock();
    }
  }

  private void deleteInBatches(String sql, long revision) {
    while (true) {
      lock.lock();
      try (PreparedStatement s = connection.prepareStatement(sql)) {
        s.setLong(1, revision);
        if (s.executeUpdate() < COMPACT_BATCH) {
          return;
        }
      } catch (SQLException e) {
        throw unavailable("compact", e);
      } finally {
        lock.unlock();
      }
    }
  }

  private void append(LogRow row, long leaseExpiry, long expected) {
    try {
      insert.setLong(1, row.revision());
      insert.setString(2, row.key());
      insert.setLong(3, row.createRevision());
      insert.setLong(4, row.prevRevision());
      insert.setInt(5, row.deleted() ? 1 : 0);
      insert.setLong(6, leaseExpiry);
      insert.setBytes(7, row.value());
      insert.executeUpdate();
    } catch (SQLException e) {
      if (e.getMessage() != null && e.getMessage().contains("UNIQUE")) {
        // The CAS guard fired: someone else's row already sits on top of prev_revision.
        throw new StorageException.Conflict(row.key(), expected, -1);
      }
      throw new BatchAbort(e);
    }
    head = row.revision();
  }

  private LogRow latestRow(String key) {
    try {
      latest.setString(1, key);
      try (ResultSet rs = latest.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        return new LogRow(
            rs.getLong(1), key, rs.getBytes(2), rs.getLong(3), rs.getLong(4), rs.getInt(5) != 0);
      }
    } catch (SQLException e) {
      throw new BatchAbort(e);
    }
  }

  private long loadCurrentRevision() throws SQLException {
    try (Statement s = connection.createStatement()) {
      long head;
      try (ResultSet rs = s.executeQuery("SELECT coalesce(max(id), 0) FROM kv")) {
        rs.next();
        head = rs.getLong(1);
      }
      // Files written with an AUTOINCREMENT table keep their sequence there.
      try (ResultSet rs =
          s.executeQuery(
              "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'")) {
        rs.next();
        if (rs.getInt(1) == 0) {
          return head;
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT seq FROM sqlite_sequence WHERE name = 'kv'")) {
        return rs.next() ? Math.max(head, rs.getLong(1)) : head;
      }
    }
  }

  private long loadCompactedRevision() throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE name = 'compact_revision'")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  private static long expiry(Duration ttl) {
    if (ttl == null) {
      return 0;
    }
    return System.currentTimeMillis() + Math.max(1, ttl.toMillis());
  }

  static StorageException.Unavailable unavailable(String what, SQLException e) {
    return new StorageException.Unavailable("sqlite " + what + " failed: " + e.getMessage(), e);
  }
}
