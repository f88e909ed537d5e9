package io.kuark.server.storage;

/**
 * A change to one key, delivered in revision order.
 *
 * @param type what happened
 * @param current the key after the change; for {@link Type#DELETED} the last value before the
 *     deletion, with {@code modRevision} set to the deletion's revision
 * @param previous the version before the change, {@code null} for {@link Type#ADDED}
 */
public record WatchEvent(Type type, KeyValue current, KeyValue previous) {

  /** Kubernetes watch event types. */
  public enum Type {
    ADDED,
    MODIFIED,
    DELETED
  }

  /** The revision of this change. */
  public long revision() {
    return current.modRevision();
  }
}
