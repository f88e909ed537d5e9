package io.kuark.server.controller.runtime;

import java.util.concurrent.atomic.AtomicLong;

/** Cheap counters of one controller's queue, exposed for logs and a later /metrics. */
public final class ControllerMetrics {
  final AtomicLong syncs = new AtomicLong();
  final AtomicLong failures = new AtomicLong();
  final AtomicLong syncNanos = new AtomicLong();

  public long syncs() {
    return syncs.get();
  }

  public long failures() {
    return failures.get();
  }

  public long totalSyncNanos() {
    return syncNanos.get();
  }
}
