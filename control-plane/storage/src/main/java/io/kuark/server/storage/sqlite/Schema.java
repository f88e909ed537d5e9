package io.kuark.server.storage.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.sqlite.JDBC;
import org.sqlite.SQLiteConfig;

/**
 * The database layout and connection settings. One table, {@code kv}, is the revision log: its row
 * id is the revision (assigned by the writer as head + 1; the head row is never compacted, so
 * {@code max(id)} is the current revision and no AUTOINCREMENT bookkeeping page is written per
 * commit), and {@code UNIQUE(name, prev_revision)} makes a second write on top of the same version
 * impossible (the compare-and-swap guard). {@code meta} holds the compacted revision.
 */
final class Schema {

  private Schema() {}

  /**
   * Opens a connection with WAL, full fsync on commit, a busy timeout, and no retrieval of
   * generated keys.
   */
  static Connection connect(Path file) throws SQLException {
    return connect(file, true);
  }

  /**
   * Opens a connection; {@code syncEachCommit} false relaxes this connection's commits to
   * synchronous=NORMAL (durable against process crashes only, see {@link SqliteOptions}).
   */
  static Connection connect(Path file, boolean syncEachCommit) throws SQLException {
    // Straight to the driver, not DriverManager: works the same under Quarkus class loaders and in
    // native images.
    Properties driver = new Properties();
    // The driver would otherwise look for an INSERT in the SQL of every statement it executes (a
    // regular expression) and, after each INSERT, run a second statement (SELECT
    // last_insert_rowid()) for getGeneratedKeys, which the store never calls: its writer assigns
    // every row id itself. That was work and garbage on each write and each read.
    driver.setProperty(SQLiteConfig.Pragma.JDBC_GET_GENERATED_KEYS.pragmaName, "false");
    Connection c = JDBC.createConnection("jdbc:sqlite:" + file.toAbsolutePath(), driver);
    try (Statement s = c.createStatement()) {
      // WAL lets readers run beside the writer; synchronous=FULL fsyncs the WAL on every commit,
      // so an acknowledged write survives kill -9 and power loss.
      s.execute("PRAGMA busy_timeout = 10000");
      // Only takes effect on a new, empty file (before WAL mode writes its header): lets
      // compaction give freed pages back to the file system. A no-op later.
      s.execute("PRAGMA auto_vacuum = INCREMENTAL");
      s.execute("PRAGMA journal_mode = WAL");
      s.execute("PRAGMA synchronous = " + (syncEachCommit ? "FULL" : "NORMAL"));
      // Checkpoints normally come from the Checkpointer beside the writer; this is the backstop
      // that bounds the WAL (about 40 MB) should it fall behind. journal_size_limit shrinks the
      // file back after a reset.
      s.execute("PRAGMA wal_autocheckpoint = 10000");
      s.execute("PRAGMA journal_size_limit = 67108864");
      s.execute("PRAGMA temp_store = MEMORY");
    }
    return c;
  }

  /** Creates the tables when missing. Run on the writer connection before anything else. */
  static void create(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS kv ("
              + " id INTEGER PRIMARY KEY,"
              + " name TEXT NOT NULL,"
              + " create_revision INTEGER NOT NULL,"
              + " prev_revision INTEGER NOT NULL,"
              + " deleted INTEGER NOT NULL,"
              + " lease_expiry INTEGER NOT NULL,"
              + " value BLOB NOT NULL)");
      s.execute("CREATE UNIQUE INDEX IF NOT EXISTS kv_name_prev ON kv (name, prev_revision)");
      s.execute("CREATE INDEX IF NOT EXISTS kv_name_id ON kv (name, id)");
      s.execute("CREATE INDEX IF NOT EXISTS kv_lease ON kv (lease_expiry) WHERE lease_expiry > 0");
      s.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
    }
  }
}
