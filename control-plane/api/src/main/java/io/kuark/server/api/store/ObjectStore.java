package io.kuark.server.api.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.Json;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.storage.KeyValue;
import io.kuark.server.storage.ListResult;
import io.kuark.server.storage.Storage;
import io.kuark.server.storage.StorageException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Objects of any resource type over {@link Storage}: encodes them as JSON without {@code
 * resourceVersion} (the storage mod revision is the resourceVersion, set on every read) and turns
 * storage failures into API errors. Blocking; call off the event loop.
 */
public final class ObjectStore {

  /** Events expire like upstream's default {@code --event-ttl}. */
  static final Duration EVENT_TTL = Duration.ofHours(1);

  private final Storage storage;
  private final List<WriteListener> writeListeners = new CopyOnWriteArrayList<>();
  // The revision of the newest write committed through this store, per type prefix: a cache of a
  // type that has seen this revision reflects every write this store acknowledged.
  private final ConcurrentHashMap<String, Long> writtenRevisions = new ConcurrentHashMap<>();

  /**
   * Told about each write this store committed, on the writing thread before the write returns (so
   * before the client sees its response; watch events arrive later, on other threads).
   */
  public interface WriteListener {
    /**
     * @param verb ADDED, MODIFIED or DELETED
     * @param object the object as written (for DELETED: as it was when deleted); do not modify
     */
    void written(ResourceType type, String verb, ObjectNode object);
  }

  public ObjectStore(Storage storage) {
    this.storage = storage;
  }

  /** Adds a listener for this store's committed writes (must be quick and not throw). */
  public void addWriteListener(WriteListener listener) {
    writeListeners.add(listener);
  }

  public Storage storage() {
    return storage;
  }

  public Optional<StoredObject> get(ResourceType type, String namespace, String name) {
    return storage.get(StorageKeys.key(type, namespace, name)).map(ObjectStore::decode);
  }

  /** The object, or a 404 NotFound. */
  public StoredObject require(ResourceType type, String namespace, String name) {
    return get(type, namespace, name).orElseThrow(() -> Statuses.notFound(type, name));
  }

  /**
   * A page of objects of one namespace (or all when {@code namespace} is empty).
   *
   * @throws io.kuark.server.api.http.ApiException 410 Expired for a compacted revision
   */
  public StoredList list(
      ResourceType type, String namespace, int limit, String continueToken, long atRevision) {
    try {
      ListResult result =
          storage.list(StorageKeys.listPrefix(type, namespace), limit, continueToken, atRevision);
      List<ObjectNode> items = new ArrayList<>(result.items().size());
      for (KeyValue kv : result.items()) {
        items.add(decode(kv).object());
      }
      return new StoredList(
          items, result.revision(), result.continueToken(), result.remainingItemCount());
    } catch (StorageException.Gone e) {
      throw expiredContinue();
    } catch (IllegalArgumentException e) {
      throw Statuses.badRequest("invalid continue token: " + e.getMessage());
    }
  }

  /**
   * A page of stored objects of one namespace (or all), undecoded: for callers that serve the bytes
   * as they are ({@link StoredJson}).
   *
   * @throws io.kuark.server.api.http.ApiException 410 Expired for a compacted revision
   */
  public ListResult listStored(
      ResourceType type, String namespace, int limit, String continueToken, long atRevision) {
    try {
      return storage.list(
          StorageKeys.listPrefix(type, namespace), limit, continueToken, atRevision);
    } catch (StorageException.Gone e) {
      throw expiredContinue();
    } catch (IllegalArgumentException e) {
      throw Statuses.badRequest("invalid continue token: " + e.getMessage());
    }
  }

  private static io.kuark.server.api.http.ApiException expiredContinue() {
    return Statuses.expired(
        "The provided continue parameter is too old to display a consistent list result. You can"
            + " start a new list without the continue parameter.");
  }

  /** Creates the object; 409 AlreadyExists when the name is taken. */
  public StoredObject create(ResourceType type, ObjectNode object) {
    String name = Meta.name(object);
    String key = StorageKeys.key(type, Meta.namespace(object), name);
    try {
      KeyValue kv = storage.create(key, encode(object), ttl(type));
      committed(type, "ADDED", object, kv.modRevision());
      return withRevision(object, kv.modRevision());
    } catch (StorageException.AlreadyExists e) {
      throw Statuses.alreadyExists(type, name);
    }
  }

  /**
   * Replaces the object if it is still at {@code expectedModRevision}.
   *
   * @throws StorageException.Conflict when it changed meanwhile (callers retry or report 409)
   */
  public StoredObject update(ResourceType type, ObjectNode object, long expectedModRevision) {
    String name = Meta.name(object);
    String key = StorageKeys.key(type, Meta.namespace(object), name);
    try {
      KeyValue kv = storage.update(key, encode(object), expectedModRevision, ttl(type));
      committed(type, "MODIFIED", object, kv.modRevision());
      return withRevision(object, kv.modRevision());
    } catch (StorageException.NotFound e) {
      throw Statuses.notFound(type, name);
    }
  }

  /**
   * Removes the object if it is still at {@code expectedModRevision}.
   *
   * @throws StorageException.Conflict when it changed meanwhile
   */
  public StoredObject delete(ResourceType type, ObjectNode object, long expectedModRevision) {
    String name = Meta.name(object);
    String key = StorageKeys.key(type, Meta.namespace(object), name);
    try {
      KeyValue kv = storage.delete(key, expectedModRevision);
      committed(type, "DELETED", object, kv.modRevision());
      return withRevision(object, kv.modRevision());
    } catch (StorageException.NotFound e) {
      throw Statuses.notFound(type, name);
    }
  }

  private void committed(ResourceType type, String verb, ObjectNode object, long revision) {
    writtenRevisions.merge(StorageKeys.typePrefix(type), revision, Math::max);
    for (WriteListener l : writeListeners) {
      l.written(type, verb, object);
    }
  }

  /**
   * The revision of the newest write of {@code type} this store has committed (0 if none since it
   * was made): a reader that has seen this revision of the type has seen every write of it that was
   * acknowledged to a client of this store.
   */
  public long writtenRevision(ResourceType type) {
    return writtenRevisions.getOrDefault(StorageKeys.typePrefix(type), 0L);
  }

  public long currentRevision() {
    return storage.currentRevision();
  }

  /** Decodes a stored value into an object carrying its resourceVersion. */
  public static StoredObject decode(KeyValue kv) {
    ObjectNode object = Json.readStored(kv.value());
    Meta.metadata(object).put("resourceVersion", Long.toString(kv.modRevision()));
    return new StoredObject(object, kv.modRevision());
  }

  static byte[] encode(ObjectNode object) {
    ObjectNode meta = Meta.metadata(object);
    String rv = meta.path("resourceVersion").asText(null);
    meta.remove("resourceVersion");
    try {
      return Json.bytes(object);
    } finally {
      if (rv != null) {
        meta.put("resourceVersion", rv);
      }
    }
  }

  private static StoredObject withRevision(ObjectNode object, long revision) {
    ObjectNode copy = object.deepCopy();
    Meta.metadata(copy).put("resourceVersion", Long.toString(revision));
    return new StoredObject(copy, revision);
  }

  private static Duration ttl(ResourceType type) {
    return type.kind().equals("Event") ? EVENT_TTL : null;
  }
}
