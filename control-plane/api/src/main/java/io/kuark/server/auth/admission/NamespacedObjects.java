package io.kuark.server.auth.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.ApiException;
import io.kuark.server.api.store.ObjectStore;
import io.kuark.server.api.store.StoredObject;
import io.kuark.server.api.watch.ObjectMirror;
import io.kuark.server.api.watch.WatchCaches;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads (and compare-and-swap writes) the objects admission plugins consult: LimitRanges,
 * ResourceQuotas, Namespaces, StorageClasses. Every read sees at least the latest state this
 * server's writes have acknowledged: LimitRanges, ResourceQuotas and Namespaces, which upstream's
 * plugins read through informers, come from in-memory {@link ObjectMirror}s when those are up to
 * date (on a write-heavy server whose writes are of other types, always), else from storage.
 */
public final class NamespacedObjects {

  private final ObjectStore store;
  private final ResourceCatalog catalog;
  // By plural: all three are core/v1.
  private final Map<String, ObjectMirror> mirrors;

  /** Reads LimitRanges, ResourceQuotas and Namespaces from mirrors fed by {@code caches}. */
  public NamespacedObjects(ObjectStore store, ResourceCatalog catalog, WatchCaches caches) {
    this.store = store;
    this.catalog = catalog;
    this.mirrors =
        Map.of(
            "limitranges",
            caches.mirror(store, type("", "v1", "limitranges")),
            "resourcequotas",
            caches.mirror(store, type("", "v1", "resourcequotas")),
            "namespaces",
            caches.mirror(store, type("", "v1", "namespaces")));
  }

  public ResourceType type(String group, String version, String plural) {
    return catalog.find(group, version, plural).orElseThrow();
  }

  /**
   * Every object of the resource in {@code namespace} ("" for cluster-scoped resources). The
   * objects may be shared with other readers: do not modify them.
   */
  public List<ObjectNode> list(ResourceType type, String namespace) {
    ObjectMirror mirror = mirror(type);
    if (mirror != null) {
      Optional<List<ObjectNode>> mirrored = mirror.list(namespace);
      if (mirrored.isPresent()) {
        return mirrored.get();
      }
    }
    return store.list(type, namespace, 0, null, 0).items();
  }

  /** The object; it may be shared with other readers: do not modify it. */
  public Optional<StoredObject> get(ResourceType type, String namespace, String name) {
    ObjectMirror mirror = mirror(type);
    if (mirror != null) {
      Optional<Optional<ObjectNode>> mirrored = mirror.get(namespace, name);
      if (mirrored.isPresent()) {
        return mirrored.get().map(NamespacedObjects::stored);
      }
    }
    return store.get(type, namespace, name);
  }

  /**
   * Writes {@code object} if still at {@code modRevision}; empty when it was deleted meanwhile.
   *
   * @throws io.kuark.server.storage.StorageException.Conflict when it changed meanwhile
   */
  public Optional<StoredObject> update(ResourceType type, ObjectNode object, long modRevision) {
    try {
      return Optional.of(store.update(type, object, modRevision));
    } catch (ApiException e) {
      if (e.code() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private ObjectMirror mirror(ResourceType type) {
    return type.group().isEmpty() ? mirrors.get(type.plural()) : null;
  }

  private static StoredObject stored(ObjectNode object) {
    return new StoredObject(
        object, Long.parseLong(object.path("metadata").path("resourceVersion").asText()));
  }
}
