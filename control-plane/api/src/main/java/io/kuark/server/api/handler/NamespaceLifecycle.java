package io.kuark.server.api.handler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.store.Meta;
import io.kuark.server.api.store.ObjectStore;
import io.kuark.server.api.watch.ObjectMirror;
import io.kuark.server.api.watch.WatchCaches;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import java.util.Optional;

/**
 * Upstream's NamespaceLifecycle admission: no new objects in a namespace that does not exist (404)
 * or is being terminated (403 Forbidden). The Namespace is read from an {@link ObjectMirror} (as
 * upstream reads it from an informer) when that has every acknowledged Namespace write, else from
 * storage: every namespaced create needs it.
 */
final class NamespaceLifecycle {

  private final ObjectStore store;
  private final ResourceType namespaces;
  private final ObjectMirror mirror;

  NamespaceLifecycle(ObjectStore store, ResourceCatalog catalog, WatchCaches caches) {
    this.store = store;
    this.namespaces =
        catalog
            .find("", "v1", "namespaces")
            .orElseThrow(() -> new IllegalStateException("catalog lacks core/v1 namespaces"));
    this.mirror = caches.mirror(store, namespaces);
  }

  void checkCreate(ResourceType type, String namespace, String name) {
    if (!type.namespaced()) {
      return;
    }
    Optional<ObjectNode> ns =
        mirror
            .get("", namespace)
            .orElseGet(() -> store.get(namespaces, "", namespace).map(o -> o.object()));
    if (ns.isEmpty()) {
      throw Statuses.notFound("", "namespaces", namespace);
    }
    if (Meta.deleting(ns.get())) {
      throw Statuses.failure(
          403,
          "Forbidden",
          Statuses.qualified(type.group(), type.plural())
              + " \""
              + name
              + "\" is forbidden: unable to create new content in namespace "
              + namespace
              + " because it is being terminated",
          forbiddenDetails(type, name));
    }
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode forbiddenDetails(
      ResourceType type, String name) {
    com.fasterxml.jackson.databind.node.ObjectNode d = io.kuark.server.api.http.Json.object();
    d.put("name", name);
    if (!type.group().isEmpty()) {
      d.put("group", type.group());
    }
    d.put("kind", type.plural());
    d.putArray("causes")
        .addObject()
        .put("reason", "NamespaceTerminating")
        .put("message", "namespace is being terminated")
        .put("field", "metadata.namespace");
    return d;
  }
}
