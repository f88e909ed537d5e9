package io.kuark.server.auth.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.store.ObjectStore;
import io.kuark.server.api.store.StoredObject;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import java.util.List;
import java.util.Optional;

/**
 * Reads (and compare-and-swap writes) the objects admission plugins consult: LimitRanges,
 * ResourceQuotas, Namespaces, StorageClasses. Reads go to storage, so a plugin always sees the
 * latest committed state.
 */
public final class NamespacedObjects {

  private final ObjectStore store;
  private final ResourceCatalog catalog;

  public NamespacedObjects(ObjectStore store, ResourceCatalog catalog) {
    this.store = store;
    this.catalog = catalog;
  }

  public ResourceType type(String group, String version, String plural) {
    return catalog.find(group, version, plural).orElseThrow();
  }

  /** Every object of the resource in {@code namespace} ("" for cluster-scoped resources). */
  public List<ObjectNode> list(ResourceType type, String namespace) {
    return store.list(type, namespace, 0, null, 0).items();
  }

  public Optional<StoredObject> get(ResourceType type, String namespace, String name) {
    return store.get(type, namespace, name);
  }

  /** Writes {@code object} if still at {@code modRevision}; throws StorageException.Conflict. */
  public StoredObject update(ResourceType type, ObjectNode object, long modRevision) {
    return store.update(type, object, modRevision);
  }
}
