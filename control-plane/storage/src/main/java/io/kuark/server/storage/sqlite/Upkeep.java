package io.kuark.server.storage.sqlite;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Background upkeep on one daemon thread: expire TTL keys, compact old history, checkpoint the WAL.
 * Compaction goes to the revision the previous run saw (so at least one interval of history stays),
 * never closer than {@link SqliteOptions#minRetainedRevisions()} to the head.
 */
final class Upkeep implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(Upkeep.class);

  private final LogWriter writer;
  private final SqliteOptions options;
  private final ScheduledExecutorService timer;
  private long revisionAtLastCompaction;

  Upkeep(LogWriter writer, Checkpointer checkpointer, SqliteOptions options) {
    this.writer = writer;
    this.options = options;
    this.revisionAtLastCompaction = writer.currentRevision();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "kuark-sqlite-upkeep");
              t.setDaemon(true);
              return t;
            });
    schedule(this::sweep, options.ttlSweepInterval().toMillis());
    schedule(this::compact, options.compactionInterval().toMillis());
    schedule(checkpointer::passive, options.checkpointInterval().toMillis());
  }

  private void schedule(Runnable task, long periodMillis) {
    long period = Math.max(10, periodMillis);
    timer.scheduleWithFixedDelay(
        () -> {
          try {
            task.run();
          } catch (RuntimeException e) {
            LOG.warnf(e, "sqlite upkeep failed: %s", e.getMessage());
          }
        },
        period,
        period,
        TimeUnit.MILLISECONDS);
  }

  private void sweep() {
    writer.expireLeases(System.currentTimeMillis());
  }

  private void compact() {
    long target =
        Math.min(
            revisionAtLastCompaction, writer.currentRevision() - options.minRetainedRevisions());
    revisionAtLastCompaction = writer.currentRevision();
    if (target > writer.compactedRevision()) {
      writer.compact(target);
      LOG.debugf("compacted history before revision %d", target);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
