package io.kuark.server.storage.sqlite;

import java.time.Duration;

/**
 * Tuning of the embedded store's background work.
 *
 * @param compactionInterval how often history is compacted; each run compacts up to the revision
 *     the previous run saw, so at least one interval of history stays watchable
 * @param minRetainedRevisions a compaction never goes closer than this many revisions to the head
 * @param ttlSweepInterval how often expired keys are looked for (deletion lags expiry by at most
 *     this)
 * @param checkpointInterval how often WAL frames are copied into the database file (passively,
 *     beside the writer), which lets the WAL start over instead of growing
 * @param readerConnections size of the read connection pool
 * @param syncEachCommit {@code true} (the default): every commit is fsynced before it is
 *     acknowledged, so it survives power loss; {@code false}: commits are acknowledged once in the
 *     OS page cache (they survive a crash of the process but not of the machine) — for measurements
 *     and throwaway clusters only
 */
public record SqliteOptions(
    Duration compactionInterval,
    long minRetainedRevisions,
    Duration ttlSweepInterval,
    Duration checkpointInterval,
    int readerConnections,
    boolean syncEachCommit) {

  /** Five minutes of history (upstream's compaction interval), at least 1,000 revisions. */
  public static SqliteOptions defaults() {
    return new SqliteOptions(
        Duration.ofMinutes(5), 1000, Duration.ofMillis(250), Duration.ofSeconds(1), 4, true);
  }

  /** These options with {@link #syncEachCommit} set to {@code sync}. */
  public SqliteOptions withSyncEachCommit(boolean sync) {
    return new SqliteOptions(
        compactionInterval,
        minRetainedRevisions,
        ttlSweepInterval,
        checkpointInterval,
        readerConnections,
        sync);
  }
}
