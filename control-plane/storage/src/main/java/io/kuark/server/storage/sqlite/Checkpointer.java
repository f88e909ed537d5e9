package io.kuark.server.storage.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Copies committed WAL frames into the database file from its own connection, beside the writer (a
 * passive checkpoint never waits for or blocks writers). Once everything is copied, the next write
 * starts the WAL over from its beginning, so in steady state the WAL file neither grows nor is
 * truncated and re-grown, and commits only overwrite already-allocated blocks.
 */
final class Checkpointer implements AutoCloseable {

  private final Connection connection;

  Checkpointer(Path file) throws SQLException {
    this.connection = Schema.connect(file);
  }

  synchronized void passive() {
    try (Statement s = connection.createStatement()) {
      s.execute("PRAGMA wal_checkpoint(PASSIVE)");
    } catch (SQLException e) {
      throw LogWriter.unavailable("checkpoint", e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      // Closing: nothing left to protect.
    }
  }
}
