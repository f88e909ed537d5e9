package io.kuark.server.api.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.Json;
import io.kuark.server.api.store.ObjectStore;
import io.kuark.server.api.store.StoredJson;
import io.kuark.server.storage.KeyValue;

/**
 * One change held by a {@link WatchCache}. A cache holds thousands of these per busy type, so an
 * event keeps only bytes: the object's JSON (with its resourceVersion, exactly what a watch frame
 * carries, encoded once and shared by all watchers) and the stored bytes of the version before. The
 * Jackson trees selectors and Table shaping need are decoded on demand and kept only while the
 * event is being fanned out ({@link #release}); a tree is several times the size of its JSON. The
 * objects handed out are shared between watchers and must not be modified.
 *
 * <p>The frame JSON is made from the stored bytes ({@link StoredJson}), and the namespace comes
 * from the storage key, so that the usual watcher (plain JSON, at most a namespace, no label or
 * field selector: every informer) is served without any tree being built: on a write-heavy server a
 * decode and an encode per event were a measurable part of each write's CPU.
 */
public final class CachedEvent {

  private final String type;
  private final long revision;
  private final long cachedAtNanos;
  private final byte[] objectJson;
  private final String namespace;
  private final String key;
  private final KeyValue previousStored;
  private final byte[] previousJson;
  private volatile ObjectNode object;
  private volatile ObjectNode previous;

  /**
   * @param type ADDED, MODIFIED or DELETED
   * @param current the stored object after the change (for DELETED: its last state at the
   *     deletion's revision); its mod revision becomes the resourceVersion
   * @param namespace the object's namespace ("" for cluster-scoped objects), as its key says
   * @param previousStored the stored version before the change, or null for ADDED (kept in its
   *     stored form until a selector needs it)
   * @param revision the change's revision
   * @param cachedAtNanos when the cache received the change (its clock, {@code System.nanoTime})
   */
  CachedEvent(
      String type,
      KeyValue current,
      String namespace,
      KeyValue previousStored,
      long revision,
      long cachedAtNanos) {
    this(type, current, current.key(), namespace, previousStored, null, revision, cachedAtNanos);
  }

  private CachedEvent(
      String type,
      KeyValue current,
      String key,
      String namespace,
      KeyValue previousStored,
      byte[] previousJson,
      long revision,
      long cachedAtNanos) {
    this.type = type;
    this.revision = revision;
    this.cachedAtNanos = cachedAtNanos;
    this.key = key;
    this.objectJson = StoredJson.withResourceVersion(current);
    this.namespace = namespace;
    this.previousStored = previousStored;
    this.previousJson = previousJson;
  }

  /**
   * The event for a change whose previous version is {@code predecessor}'s object (same key, and
   * the predecessor's revision is the previous version's mod revision): it shares the predecessor's
   * JSON instead of keeping a second copy of the same version's stored bytes, which for a window of
   * updates and deletions was half of what the window held, and its key and namespace Strings (each
   * write brings equal copies of its own).
   */
  CachedEvent(
      String type, KeyValue current, CachedEvent predecessor, long rev, long cachedAtNanos) {
    this(
        type,
        current,
        predecessor.key,
        predecessor.namespace,
        null,
        predecessor.objectJson,
        rev,
        cachedAtNanos);
  }

  /** When the cache received this change ({@code System.nanoTime}, or the cache's clock). */
  long cachedAtNanos() {
    return cachedAtNanos;
  }

  /** The storage key of the changed object. */
  String key() {
    return key;
  }

  /** Whether this event's object is {@code previous}: same key and mod revision. */
  boolean isVersion(KeyValue previous) {
    return previous != null && revision == previous.modRevision() && key.equals(previous.key());
  }

  public String type() {
    return type;
  }

  /** The object after the change (decoded again if it was released). */
  public ObjectNode object() {
    ObjectNode o = object;
    if (o == null) {
      o = Json.readStored(objectJson);
      object = o;
    }
    return o;
  }

  /** The object before the change, or null for ADDED. */
  public ObjectNode previous() {
    ObjectNode p = previous;
    if (p == null && previousJson != null) {
      // The predecessor's frame JSON: the previous version with its resourceVersion, exactly
      // what decoding the stored bytes gives.
      p = Json.readStored(previousJson);
      previous = p;
    } else if (p == null && previousStored != null) {
      p = ObjectStore.decode(previousStored).object();
      previous = p;
    }
    return p;
  }

  public long revision() {
    return revision;
  }

  /**
   * The object's namespace, "" for cluster-scoped objects; the same before and after the change
   * (the key names it, and a change never moves an object to another key).
   */
  public String namespace() {
    return namespace;
  }

  /**
   * Drops the decoded trees, keeping only the bytes; {@link #object} and {@link #previous} decode
   * again if asked.
   */
  void release() {
    object = null;
    previous = null;
  }

  /** Whether the decoded trees are currently dropped (for tests). */
  boolean released() {
    return object == null && previous == null;
  }

  /** The line {@code {"type":T,"object":O}\n} for event type {@code asType}. */
  public byte[] frame(String asType) {
    return WatchFrames.frame(asType, objectJson);
  }
}
