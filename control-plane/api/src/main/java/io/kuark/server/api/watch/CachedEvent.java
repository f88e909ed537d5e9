package io.kuark.server.api.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.Json;

/**
 * One change held by a {@link WatchCache}. The objects are shared between watchers and must not be
 * modified. The JSON watch frame of each event type is encoded once and shared by all watchers.
 */
public final class CachedEvent {

  private final String type;
  private final ObjectNode object;
  private final ObjectNode previous;
  private final long revision;
  private byte[] objectJson;

  /**
   * @param type ADDED, MODIFIED or DELETED
   * @param object the object after the change (for DELETED: its last state, resourceVersion = the
   *     deletion's revision)
   * @param previous the object before the change, or null for ADDED
   * @param revision the change's revision
   */
  public CachedEvent(String type, ObjectNode object, ObjectNode previous, long revision) {
    this.type = type;
    this.object = object;
    this.previous = previous;
    this.revision = revision;
  }

  public String type() {
    return type;
  }

  public ObjectNode object() {
    return object;
  }

  public ObjectNode previous() {
    return previous;
  }

  public long revision() {
    return revision;
  }

  /** The line {@code {"type":T,"object":O}\n} for event type {@code asType}. */
  public byte[] frame(String asType) {
    byte[] json;
    synchronized (this) {
      if (objectJson == null) {
        objectJson = Json.bytes(object);
      }
      json = objectJson;
    }
    return WatchFrames.frame(asType, json);
  }
}
