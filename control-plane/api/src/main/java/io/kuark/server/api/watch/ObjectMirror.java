package io.kuark.server.api.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.ApiException;
import io.kuark.server.api.store.ObjectStore;
import io.kuark.server.api.store.StoredList;
import io.kuark.server.apimodel.ResourceType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Every object of one resource type in memory, by namespace and name, kept in step with storage
 * through the type's {@link WatchCache}: what upstream's admission plugins read through informers
 * instead of storage (ResourceQuotas, LimitRanges, Namespaces). Unlike an informer, a read is
 * answered only when the mirror has applied every write of the type that the {@link ObjectStore}
 * has acknowledged ({@link ObjectStore#writtenRevision}); otherwise it returns empty and the caller
 * reads storage. So a reader never sees an older state than a storage read would have, but on a
 * server whose writes are of other types, it reads no storage at all.
 *
 * <p>Started on the first read; after its watch ends (storage watch restarted, shutdown) it lists
 * again on the next read. The objects handed out are shared and must not be modified.
 */
public final class ObjectMirror implements WatchSubscriber {

  private static final Logger LOG = Logger.getLogger(ObjectMirror.class);

  private final ObjectStore store;
  private final WatchCaches caches;
  private final ResourceType type;
  // Replaced, not cleared, on a new listing: a reader never sees a half-filled map.
  private volatile Map<String, Map<String, ObjectNode>> byNamespace = new ConcurrentHashMap<>();
  // The revision up to which the map holds every change; -1 while it holds nothing valid.
  private volatile long appliedRevision = -1;

  public ObjectMirror(ObjectStore store, WatchCaches caches, ResourceType type) {
    this.store = store;
    this.caches = caches;
    this.type = type;
  }

  /**
   * The objects in {@code namespace} ("" for a cluster-scoped type), or empty when the mirror is
   * behind the writes acknowledged so far (read storage instead).
   */
  public Optional<List<ObjectNode>> list(String namespace) {
    if (!current()) {
      return Optional.empty();
    }
    Map<String, ObjectNode> objects = byNamespace.get(namespace);
    return Optional.of(objects == null ? List.of() : List.copyOf(objects.values()));
  }

  /**
   * The object (empty inside when it does not exist), or empty when the mirror is behind the writes
   * acknowledged so far (read storage instead).
   */
  public Optional<Optional<ObjectNode>> get(String namespace, String name) {
    if (!current()) {
      return Optional.empty();
    }
    Map<String, ObjectNode> objects = byNamespace.get(namespace);
    return Optional.of(Optional.ofNullable(objects == null ? null : objects.get(name)));
  }

  /**
   * Whether the mirror reflects every write of the type acknowledged so far (listing if needed).
   */
  boolean current() {
    long required = store.writtenRevision(type);
    if (appliedRevision < 0) {
      start();
    }
    // Written revision first: a write acknowledged before this read is then either applied or
    // makes the mirror behind, never missed.
    return appliedRevision >= required;
  }

  private synchronized void start() {
    if (appliedRevision >= 0) {
      return;
    }
    try {
      StoredList all = store.list(type, "", 0, null, 0);
      Map<String, Map<String, ObjectNode>> listed = new ConcurrentHashMap<>();
      for (ObjectNode o : all.items()) {
        put(listed, o);
      }
      byNamespace = listed;
      // Events after the listed revision are applied by onEvent; the ones already in the window
      // are delivered by subscribe on this thread, after the revision is set here.
      appliedRevision = all.revision();
      caches.forType(type).subscribe(all.revision(), this);
    } catch (ApiException e) {
      // The caches are closed (shutdown) or the window moved on: readers use storage meanwhile.
      appliedRevision = -1;
      LOG.debugf(e, "mirror of %s not started", type.plural());
    }
  }

  @Override
  public void onEvent(CachedEvent event) {
    // A cache that is behind the listing still delivers the changes the listing already holds.
    if (event.revision() <= appliedRevision) {
      return;
    }
    ObjectNode object = event.object();
    if (event.type().equals("DELETED")) {
      Map<String, ObjectNode> objects = byNamespace.get(namespaceOf(object));
      if (objects != null) {
        objects.remove(nameOf(object));
      }
    } else {
      put(byNamespace, object);
    }
    appliedRevision = event.revision();
  }

  // Not synchronized: called under the watch cache's lock, which start() takes after the mirror's.
  @Override
  public void onTerminated(String reason) {
    appliedRevision = -1;
  }

  private static void put(Map<String, Map<String, ObjectNode>> byNamespace, ObjectNode object) {
    byNamespace
        .computeIfAbsent(namespaceOf(object), n -> new ConcurrentHashMap<>())
        .put(nameOf(object), object);
  }

  private static String namespaceOf(ObjectNode o) {
    return o.path("metadata").path("namespace").asText("");
  }

  private static String nameOf(ObjectNode o) {
    return o.path("metadata").path("name").asText("");
  }
}
