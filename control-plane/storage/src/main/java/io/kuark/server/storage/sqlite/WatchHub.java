package io.kuark.server.storage.sqlite;

import io.kuark.server.storage.WatchEvent;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Fans committed writes out to the open watches. {@link #accept} is called by the writer under its
 * lock, in revision order; it only enqueues, so a slow watcher never holds up a write.
 */
final class WatchHub implements Consumer<WatchEvent> {

  private final CopyOnWriteArrayList<SqliteWatch> watches = new CopyOnWriteArrayList<>();

  @Override
  public void accept(WatchEvent event) {
    String key = event.current().key();
    for (SqliteWatch w : watches) {
      if (key.startsWith(w.prefix())) {
        w.enqueueLive(event);
      }
    }
  }

  void add(SqliteWatch watch) {
    watches.add(watch);
  }

  void remove(SqliteWatch watch) {
    watches.remove(watch);
  }

  /** Snapshot of the open watches (for shutdown). */
  Iterable<SqliteWatch> all() {
    return watches;
  }

  int size() {
    return watches.size();
  }
}
