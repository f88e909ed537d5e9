package io.kuark.server.api.strategy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.store.Meta;

/**
 * Namespaces: created Active with the {@code kubernetes} spec finalizer; deleting one sets
 * deletionTimestamp and phase Terminating; the namespace controller empties it and removes the
 * finalizer (through {@code namespaces/NAME/finalize} or an update), after which it is removed.
 */
final class NamespaceStrategy implements ResourceStrategy {

  static final String FINALIZER = "kubernetes";

  @Override
  public void prepareForCreate(ObjectNode ns) {
    ObjectNode spec = ns.with("spec");
    if (!spec.has("finalizers")) {
      spec.putArray("finalizers").add(FINALIZER);
    }
    ns.putObject("status").put("phase", "Active");
    // Upstream labels every namespace with its own name.
    Meta.metadata(ns).with("labels").put("kubernetes.io/metadata.name", Meta.name(ns));
  }

  @Override
  public void prepareForUpdate(ObjectNode updated, ObjectNode old) {
    Meta.metadata(updated).with("labels").put("kubernetes.io/metadata.name", Meta.name(updated));
    if (Meta.deleting(old)) {
      updated.with("status").put("phase", "Terminating");
    }
  }

  @Override
  public ObjectNode gracefulDeletion(ObjectNode current, DeleteOptions options) {
    if (Meta.deleting(current)) {
      return current;
    }
    ObjectNode marked = current.deepCopy();
    Meta.metadata(marked).put("deletionTimestamp", Meta.now());
    Meta.metadata(marked).put("deletionGracePeriodSeconds", 0);
    marked.with("status").put("phase", "Terminating");
    return hasSpecFinalizers(marked) ? marked : null;
  }

  @Override
  public boolean removableAfterFinalizers(ObjectNode ns) {
    return !hasSpecFinalizers(ns);
  }

  static boolean hasSpecFinalizers(ObjectNode ns) {
    return ns.path("spec").path("finalizers") instanceof ArrayNode a && !a.isEmpty();
  }
}
