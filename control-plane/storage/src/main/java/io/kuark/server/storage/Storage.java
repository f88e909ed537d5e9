package io.kuark.server.storage;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * A revisioned, watchable key space with Kubernetes storage semantics. Every write gets a new,
 * cluster-wide increasing revision; every update and delete can be a compare-and-swap on the key's
 * mod revision. Implementations: {@code sqlite/} (embedded, the single-node default) and {@code
 * etcd/} (jetcd). All methods are blocking and thread-safe; call them off event-loop threads.
 * Failures are {@link StorageException}s, never driver exceptions.
 */
public interface Storage extends AutoCloseable {

  /** The current version of {@code key}, or empty. */
  Optional<KeyValue> get(String key);

  /**
   * Keys starting with {@code prefix}, in key order.
   *
   * @param limit at most this many items, 0 for all
   * @param continueToken token from the previous page, or {@code null} for the first page; a
   *     continued list is read at the first page's revision (a consistent snapshot)
   * @param atRevision read the key space as of this revision, 0 for the latest; throws {@link
   *     StorageException.Gone} when it is compacted
   */
  ListResult list(String prefix, int limit, String continueToken, long atRevision);

  /**
   * Creates {@code key}; throws {@link StorageException.AlreadyExists} if present.
   *
   * @param ttl the key disappears (with a DELETED event) after this long, or {@code null} for never
   */
  KeyValue create(String key, byte[] value, Duration ttl);

  default KeyValue create(String key, byte[] value) {
    return create(key, value, null);
  }

  /**
   * Replaces {@code key} if its mod revision is still {@code expectedModRevision}; throws {@link
   * StorageException.Conflict} otherwise and {@link StorageException.NotFound} if it is gone.
   *
   * @param ttl new time to live from now, or {@code null} for none
   */
  KeyValue update(String key, byte[] value, long expectedModRevision, Duration ttl);

  default KeyValue update(String key, byte[] value, long expectedModRevision) {
    return update(key, value, expectedModRevision, null);
  }

  /**
   * Deletes {@code key}, only if its mod revision is {@code expectedModRevision} unless that is 0.
   *
   * @return the deleted version, with {@code modRevision} set to the deletion's revision
   * @throws StorageException.NotFound if the key does not exist
   * @throws StorageException.Conflict if the precondition fails
   */
  KeyValue delete(String key, long expectedModRevision);

  /**
   * Starts a watch of every key under {@code prefix} delivering every change with a revision
   * greater than {@code afterRevision} (0: only changes after now). Events come in revision order
   * with no gaps, also across backend reconnects. If {@code afterRevision} is compacted the
   * listener gets {@link StorageException.Gone}.
   */
  Watch watch(String prefix, long afterRevision, WatchListener listener);

  /** The revision of the latest write. */
  long currentRevision();

  /** Forgets history before {@code revision}; later watches or lists below it get Gone. */
  void compact(long revision);

  /** The oldest revision still readable (0 when nothing has been compacted). */
  long compactedRevision();

  @Override
  void close();

  /**
   * Read-modify-write with retries: reads {@code key}, calls {@code tryUpdate} with the current
   * version (empty if absent) and writes its result with a CAS on the read revision (a create when
   * the key was absent), re-reading and retrying on Conflict or AlreadyExists. {@code tryUpdate}
   * may throw to abort; it may be called more than once, so it must not have side effects.
   */
  default KeyValue guaranteedUpdate(String key, Function<Optional<KeyValue>, byte[]> tryUpdate) {
    while (true) {
      Optional<KeyValue> current = get(key);
      byte[] next = tryUpdate.apply(current);
      try {
        if (current.isPresent()) {
          return update(key, next, current.get().modRevision());
        }
        return create(key, next);
      } catch (StorageException.Conflict
          | StorageException.AlreadyExists
          | StorageException.NotFound retry) {
        // Someone else wrote in between: read again and re-apply the change.
      }
    }
  }

  /** A running watch. Closing it stops delivery; no listener call starts after close returns. */
  interface Watch extends AutoCloseable {
    @Override
    void close();
  }
}
