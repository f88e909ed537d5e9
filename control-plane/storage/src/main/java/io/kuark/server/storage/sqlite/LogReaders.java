package io.kuark.server.storage.sqlite;

import io.kuark.server.storage.KeyRange;
import io.kuark.server.storage.KeyValue;
import io.kuark.server.storage.StorageException;
import io.kuark.server.storage.WatchEvent;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A pool of read-only connections. In WAL mode each statement reads a consistent snapshot of
 * everything committed before it started, concurrently with the writer.
 */
final class LogReaders implements AutoCloseable {

  /** Keeps row k only if it is its key's latest row at revision ?3. */
  private static final String LATEST_AT_REVISION =
      " AND NOT EXISTS (SELECT 1 FROM kv n WHERE n.name = k.name AND n.id > k.id AND n.id <= ?3)";

  private final BlockingQueue<Connection> pool;
  private final List<Connection> all = new ArrayList<>();

  LogReaders(Path file, int size) throws SQLException {
    pool = new ArrayBlockingQueue<>(size);
    for (int i = 0; i < size; i++) {
      Connection c = Schema.connect(file);
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA query_only = 1");
      }
      all.add(c);
      pool.add(c);
    }
  }

  /** The latest version of {@code key}, or empty if absent or deleted. */
  Optional<KeyValue> get(String key) {
    return withConnection(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT id, value, create_revision, deleted FROM kv"
                      + " WHERE name = ? ORDER BY id DESC LIMIT 1")) {
            s.setString(1, key);
            try (ResultSet rs = s.executeQuery()) {
              if (!rs.next() || rs.getInt(4) != 0) {
                return Optional.empty();
              }
              return Optional.of(new KeyValue(key, rs.getBytes(2), rs.getLong(3), rs.getLong(1)));
            }
          }
        });
  }

  /**
   * Up to {@code limit} live keys in {@code [from, prefixEnd)} as of {@code revision}, in key order
   * ({@code limit} 0: all).
   */
  List<KeyValue> range(String from, String prefixEnd, long revision, int limit) {
    // Walks the (name, id) index in key order and keeps a row when no later row of the same key
    // is visible at the revision: no sort, and a LIMIT stops the scan early.
    String sql =
        "SELECT k.name, k.value, k.create_revision, k.id FROM kv k WHERE k.name >= ?1 "
            + (prefixEnd == null ? "" : "AND k.name < ?2 ")
            + "AND k.id <= ?3 AND k.deleted = 0"
            + LATEST_AT_REVISION
            + " ORDER BY k.name"
            + (limit > 0 ? " LIMIT " + limit : "");
    return withConnection(
        c -> {
          try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, from);
            // ?2 is bound even when the SQL has no upper bound; SQLite ignores it then.
            s.setString(2, prefixEnd == null ? "" : prefixEnd);
            s.setLong(3, revision);
            List<KeyValue> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new KeyValue(rs.getString(1), rs.getBytes(2), rs.getLong(3), rs.getLong(4)));
              }
            }
            return out;
          }
        });
  }

  /** How many live keys are in {@code [from, prefixEnd)} as of {@code revision}. */
  long count(String from, String prefixEnd, long revision) {
    String sql =
        "SELECT count(*) FROM kv k WHERE k.name >= ?1 "
            + (prefixEnd == null ? "" : "AND k.name < ?2 ")
            + "AND k.id <= ?3 AND k.deleted = 0"
            + LATEST_AT_REVISION;
    return withConnection(
        c -> {
          try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, from);
            // ?2 is bound even when the SQL has no upper bound; SQLite ignores it then.
            s.setString(2, prefixEnd == null ? "" : prefixEnd);
            s.setLong(3, revision);
            try (ResultSet rs = s.executeQuery()) {
              rs.next();
              return rs.getLong(1);
            }
          }
        });
  }

  /**
   * The changes under {@code prefix} with revisions in {@code (after, upTo]}, oldest first, at most
   * {@code max} of them.
   */
  List<WatchEvent> events(String prefix, long after, long upTo, int max) {
    String end = KeyRange.prefixEnd(prefix);
    String sql =
        "SELECT k.id, k.name, k.value, k.create_revision, k.prev_revision, k.deleted,"
            + " p.value, p.create_revision FROM kv k LEFT JOIN kv p ON p.id = k.prev_revision"
            + " WHERE k.id > ? AND k.id <= ? AND k.name >= ? "
            + (end == null ? "" : "AND k.name < ? ")
            + "ORDER BY k.id LIMIT "
            + max;
    return withConnection(
        c -> {
          try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, after);
            s.setLong(2, upTo);
            s.setString(3, prefix);
            if (end != null) {
              s.setString(4, end);
            }
            List<WatchEvent> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                out.add(toEvent(rs));
              }
            }
            return out;
          }
        });
  }

  private static WatchEvent toEvent(ResultSet rs) throws SQLException {
    long revision = rs.getLong(1);
    String key = rs.getString(2);
    long createRevision = rs.getLong(4);
    long prevRevision = rs.getLong(5);
    KeyValue current = new KeyValue(key, rs.getBytes(3), createRevision, revision);
    if (rs.getInt(6) != 0) {
      // A deletion row holds the deleted value; its previous version is that same value.
      KeyValue previous = new KeyValue(key, rs.getBytes(3), createRevision, prevRevision);
      return new WatchEvent(WatchEvent.Type.DELETED, current, previous);
    }
    if (createRevision == revision) {
      return new WatchEvent(WatchEvent.Type.ADDED, current, null);
    }
    KeyValue previous = new KeyValue(key, rs.getBytes(7), rs.getLong(8), prevRevision);
    return new WatchEvent(WatchEvent.Type.MODIFIED, current, previous);
  }

  @Override
  public void close() {
    for (Connection c : all) {
      try {
        c.close();
      } catch (SQLException e) {
        // Closing: nothing left to protect.
      }
    }
  }

  private interface Query<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T withConnection(Query<T> query) {
    Connection c;
    try {
      c = pool.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException.Unavailable("interrupted waiting for a read connection", e);
    }
    try {
      return query.run(c);
    } catch (SQLException e) {
      throw LogWriter.unavailable("read", e);
    } finally {
      pool.add(c);
    }
  }
}
