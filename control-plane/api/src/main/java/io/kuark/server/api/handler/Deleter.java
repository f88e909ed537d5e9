package io.kuark.server.api.handler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.store.Meta;
import io.kuark.server.api.store.StoredObject;
import io.kuark.server.api.strategy.DeleteOptions;
import io.kuark.server.api.strategy.ResourceStrategy;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.storage.StorageException;
import java.util.List;
import java.util.Optional;

/**
 * Deletes one object with upstream semantics: preconditions, the propagation policy's finalizers
 * ({@link DependentsPolicy}), finalizers (the object is only marked with deletionTimestamp while
 * any remain), graceful deletion per strategy, dry run. Retries on concurrent writes.
 */
final class Deleter {

  /**
   * @param object the object's state after the call
   * @param removed true when it is gone from storage, false when only marked for deletion
   */
  record Outcome(ObjectNode object, boolean removed) {}

  private final ApiContext ctx;

  Deleter(ApiContext ctx) {
    this.ctx = ctx;
  }

  Outcome delete(ResourceType type, String namespace, String name, DeleteOptions options) {
    ResourceStrategy strategy = ctx.strategies().forType(type);
    while (true) {
      StoredObject current = ctx.store().require(type, namespace, name);
      ObjectNode object = current.object();
      checkPreconditions(type, object, options);
      // Orphan and Foreground deletion leave a finalizer for the garbage collector.
      ObjectNode base = object;
      Optional<List<String>> gc = DependentsPolicy.finalizers(type, object, options);
      if (gc.isPresent()) {
        base = object.deepCopy();
        Meta.setFinalizers(base, gc.get());
      }
      ObjectNode marked = strategy.gracefulDeletion(base, options);
      boolean finalizers = !Meta.finalizers(base).isEmpty();
      if (finalizers || marked != null) {
        ObjectNode next = marked != null ? marked : base.deepCopy();
        if (!Meta.deleting(next)) {
          Meta.metadata(next).put("deletionTimestamp", Meta.now());
          Meta.metadata(next).put("deletionGracePeriodSeconds", 0);
        }
        if (next.equals(object) || options.dryRun()) {
          return new Outcome(next, false);
        }
        try {
          return new Outcome(ctx.store().update(type, next, current.modRevision()).object(), false);
        } catch (StorageException.Conflict e) {
          continue;
        }
      }
      if (options.dryRun()) {
        return new Outcome(object, true);
      }
      try {
        StoredObject deleted = ctx.store().delete(type, object, current.modRevision());
        strategy.afterDelete(deleted.object());
        return new Outcome(deleted.object(), true);
      } catch (StorageException.Conflict e) {
        // Changed meanwhile (e.g. a finalizer was added): decide again on the new state.
      }
    }
  }

  private static void checkPreconditions(ResourceType type, ObjectNode object, DeleteOptions o) {
    if (o.preconditionUid() != null && !o.preconditionUid().equals(Meta.uid(object))) {
      throw Statuses.conflict(
          type,
          Meta.name(object),
          "Precondition failed: UID in precondition: "
              + o.preconditionUid()
              + ", UID in object meta: "
              + Meta.uid(object));
    }
    if (o.preconditionResourceVersion() != null
        && !o.preconditionResourceVersion().equals(Meta.resourceVersion(object))) {
      throw Statuses.conflict(
          type,
          Meta.name(object),
          "Precondition failed: ResourceVersion in precondition: "
              + o.preconditionResourceVersion()
              + ", ResourceVersion in object meta: "
              + Meta.resourceVersion(object));
    }
  }
}
