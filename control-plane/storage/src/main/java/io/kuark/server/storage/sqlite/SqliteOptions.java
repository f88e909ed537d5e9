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
 */
public record SqliteOptions(
    Duration compactionInterval,
    long minRetainedRevisions,
    Duration ttlSweepInterval,
    Duration checkpointInterval,
    int readerConnections) {

  /** Five minutes of history (upstream's compaction interval), at least 1,000 revisions. */
  public static SqliteOptions defaults() {
    return new SqliteOptions(
        Duration.ofMinutes(5), 1000, Duration.ofMillis(250), Duration.ofSeconds(1), 4);
  }
}
