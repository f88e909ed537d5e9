package io.kuark.server.storage;

/**
 * The expected failures of a storage call. Backends translate every driver error into one of these;
 * callers map them to API statuses (404, 409, 409, 410, 503).
 */
public abstract sealed class StorageException extends RuntimeException
    permits StorageException.NotFound,
        StorageException.AlreadyExists,
        StorageException.Conflict,
        StorageException.Gone,
        StorageException.Unavailable {

  private final String key;

  StorageException(String key, String message, Throwable cause) {
    super(message, cause);
    this.key = key;
  }

  /** The key the call was about, or the prefix for list/watch, or {@code null}. */
  public String key() {
    return key;
  }

  /** The key does not exist. */
  public static final class NotFound extends StorageException {
    public NotFound(String key) {
      super(key, "key not found: " + key, null);
    }
  }

  /** A create found the key already present. */
  public static final class AlreadyExists extends StorageException {
    public AlreadyExists(String key) {
      super(key, "key already exists: " + key, null);
    }
  }

  /** A compare-and-swap failed: the key's mod revision is no longer the expected one. */
  public static final class Conflict extends StorageException {
    private final long actualModRevision;

    public Conflict(String key, long expectedModRevision, long actualModRevision) {
      super(
          key,
          "conflict on "
              + key
              + ": expected revision "
              + expectedModRevision
              + ", found "
              + actualModRevision,
          null);
      this.actualModRevision = actualModRevision;
    }

    /** The key's current mod revision, 0 when it no longer exists. */
    public long actualModRevision() {
      return actualModRevision;
    }
  }

  /** The requested revision has been compacted away. */
  public static final class Gone extends StorageException {
    private final long compactedRevision;

    public Gone(String key, long requestedRevision, long compactedRevision) {
      super(
          key,
          "revision " + requestedRevision + " is compacted (oldest is " + compactedRevision + ")",
          null);
      this.compactedRevision = compactedRevision;
    }

    public long compactedRevision() {
      return compactedRevision;
    }
  }

  /** The backend cannot be reached or failed in a way the caller cannot fix. */
  public static final class Unavailable extends StorageException {
    public Unavailable(String message, Throwable cause) {
      super(null, message, cause);
    }
  }
}
