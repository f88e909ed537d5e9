package io.kuark.server.storage.sqlite;

import io.kuark.server.storage.OrderedWatch;
import io.kuark.server.storage.StorageException;
import io.kuark.server.storage.WatchEvent;
import io.kuark.server.storage.WatchListener;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * One watch over the revision log. Its queue starts with a replay step (history read from the log)
 * and then holds live events in commit order; the watch was registered under the writer lock at the
 * revision the replay ends at, so together they have no gap and no duplicate.
 */
final class SqliteWatch extends OrderedWatch {

  private static final int REPLAY_CHUNK = 1000;

  private final LogReaders readers;
  private final LogWriter writer;
  private final WatchHub hub;

  SqliteWatch(
      String prefix,
      long afterRevision,
      WatchListener listener,
      Executor executor,
      LogReaders readers,
      LogWriter writer,
      WatchHub hub) {
    super(prefix, afterRevision, listener, executor);
    this.readers = readers;
    this.writer = writer;
    this.hub = hub;
  }

  String prefix() {
    return prefix;
  }

  /** Queues a replay of the log from the watch's start revision up to {@code upTo}. */
  void enqueueReplay(long upTo) {
    enqueue(new Replay(upTo));
  }

  void enqueueLive(WatchEvent event) {
    enqueue(event);
  }

  /** Ends the watch with {@code error} (delivered after whatever is already queued). */
  void enqueueFailure(StorageException error) {
    enqueue(error);
  }

  @Override
  protected void detach() {
    hub.remove(this);
  }

  @Override
  protected void process(Object item) {
    if (item instanceof Replay replay) {
      replay(replay.upTo());
    } else {
      super.process(item);
    }
  }

  private void replay(long upTo) {
    while (!isClosed() && lastDelivered() < upTo) {
      if (lastDelivered() + 1 < writer.compactedRevision()) {
        end(new StorageException.Gone(prefix, lastDelivered() + 1, writer.compactedRevision()));
        return;
      }
      List<WatchEvent> chunk;
      try {
        chunk = readers.events(prefix, lastDelivered(), upTo, REPLAY_CHUNK);
      } catch (StorageException e) {
        end(e);
        return;
      }
      // Rows may have been compacted away while we read: only trust the chunk if not.
      if (lastDelivered() + 1 < writer.compactedRevision()) {
        end(new StorageException.Gone(prefix, lastDelivered() + 1, writer.compactedRevision()));
        return;
      }
      for (WatchEvent e : chunk) {
        deliver(e);
      }
      if (chunk.size() < REPLAY_CHUNK) {
        // Nothing else under the prefix up to upTo; live events continue from there.
        advanceTo(upTo);
        return;
      }
    }
  }

  private record Replay(long upTo) {}
}
