package io.kuark.server.api.handler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.patch.ManagedFields;
import io.kuark.server.api.store.Meta;
import io.kuark.server.api.store.StoredObject;
import io.kuark.server.api.strategy.ResourceStrategy;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.storage.StorageException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The read-modify-write loop behind update, patch and the subresources: reads the object, lets a
 * mutation produce the desired state, applies the metadata and status rules, and writes with a
 * compare-and-swap on the read revision. A stale resourceVersion in the desired object is a 409
 * Conflict; without one the loop retries on concurrent writes. An object marked for deletion whose
 * finalizers become empty is removed. Unchanged objects are not written.
 */
final class ObjectUpdater {

  /** Which part of the object a write may change. */
  enum Mode {
    /** The main resource: status changes are ignored when the type has a status subresource. */
    MAIN,
    /** The status subresource: only status changes. */
    STATUS,
    /** The approval subresource (CertificateSigningRequests): only status changes, as approval. */
    APPROVAL,
    /** Server-internal writes (binding, finalize, scale) that already built the whole object. */
    RAW;

    /** The mode of a PUT or PATCH to {@code subresource} ("" for the main resource). */
    static Mode of(String subresource) {
      switch (subresource) {
        case "":
          return MAIN;
        case "approval":
          return APPROVAL;
        default:
          return STATUS;
      }
    }

    /** The subresource name managedFields record for this mode. */
    String subresource() {
      return this == STATUS ? "status" : this == APPROVAL ? "approval" : "";
    }
  }

  private final ApiContext ctx;

  ObjectUpdater(ApiContext ctx) {
    this.ctx = ctx;
  }

  /** An untracked write: managedFields are left as the mutation leaves them. */
  WriteResult update(
      ResourceType type,
      String namespace,
      String name,
      UnaryOperator<ObjectNode> mutation,
      Mode mode,
      boolean dryRun,
      Supplier<WriteResult> ifMissing) {
    return update(type, namespace, name, mutation, mode, dryRun, ifMissing, null);
  }

  /**
   * @param mutation gets a private copy of the current object, returns the desired object
   * @param ifMissing produces the result when the object does not exist (null: 404 NotFound)
   * @param manager the writer recorded as an {@code Update} in managedFields (null: none, for
   *     apply, which records itself, and server-internal writes)
   */
  WriteResult update(
      ResourceType type,
      String namespace,
      String name,
      UnaryOperator<ObjectNode> mutation,
      Mode mode,
      boolean dryRun,
      Supplier<WriteResult> ifMissing,
      ManagedFields.Manager manager) {
    ResourceStrategy strategy = ctx.strategies().forType(type);
    while (true) {
      Optional<StoredObject> current = ctx.store().get(type, namespace, name);
      if (current.isEmpty()) {
        if (ifMissing != null) {
          return ifMissing.get();
        }
        throw Statuses.notFound(type, name);
      }
      ObjectNode old = current.get().object();
      ObjectNode desired = mutation.apply(old.deepCopy());
      String rv = Meta.resourceVersion(desired);
      boolean conditional = !rv.isEmpty();
      if (conditional && !rv.equals(Meta.resourceVersion(old))) {
        throw Statuses.conflict(type, name);
      }
      ObjectNode next;
      switch (mode) {
        case STATUS:
        case APPROVAL:
          next = MetadataRules.mergeForUpdate(type, desired, old, true);
          strategy.prepareForSubresourceUpdate(mode.subresource(), next, old);
          ctx.admission().admitSubresource(type, mode.subresource(), next, old);
          break;
        case MAIN:
          next = MetadataRules.mergeForUpdate(type, desired, old, false);
          break;
        default:
          next = desired;
          break;
      }
      checkFinalizers(type, next, old);
      List<String> warnings = List.of();
      if (mode == Mode.MAIN) {
        strategy.prepareForUpdate(next, old);
        warnings = admit(type, next, old, strategy);
      }
      if (manager != null) {
        ManagedFields.update(old, next, manager, type.modelClass() != null);
      }
      try {
        if (Meta.deleting(next)
            && Meta.finalizers(next).isEmpty()
            && strategy.removableAfterFinalizers(next)) {
          if (dryRun) {
            return new WriteResult(next, warnings, false);
          }
          StoredObject deleted = ctx.store().delete(type, next, current.get().modRevision());
          strategy.afterDelete(deleted.object());
          return new WriteResult(deleted.object(), warnings, false);
        }
        if (unchanged(next, old)) {
          return new WriteResult(old, warnings, false);
        }
        if (dryRun) {
          Meta.metadata(next).put("resourceVersion", Meta.resourceVersion(old));
          return new WriteResult(next, warnings, false);
        }
        StoredObject stored = ctx.store().update(type, next, current.get().modRevision());
        return new WriteResult(stored.object(), warnings, false);
      } catch (StorageException.Conflict e) {
        if (mode == Mode.MAIN) {
          strategy.updateAborted(next, old);
        }
        if (conditional) {
          throw Statuses.conflict(type, name);
        }
        // Someone else wrote in between: re-read and re-apply the mutation.
      }
    }
  }

  private List<String> admit(
      ResourceType type, ObjectNode next, ObjectNode old, ResourceStrategy strategy) {
    try {
      return ctx.admission().admit(type, next, old);
    } catch (RuntimeException e) {
      strategy.updateAborted(next, old);
      throw e;
    }
  }

  private static void checkFinalizers(ResourceType type, ObjectNode next, ObjectNode old) {
    if (!Meta.deleting(old)) {
      return;
    }
    HashSet<String> before = new HashSet<>(Meta.finalizers(old));
    for (String f : Meta.finalizers(next)) {
      if (!before.contains(f)) {
        throw Statuses.invalid(
            type,
            Meta.name(old),
            List.of(
                new Statuses.Cause(
                    "FieldValueForbidden",
                    "Forbidden: no new finalizers can be added if the object is being deleted, found"
                        + " new finalizers []string{\""
                        + f
                        + "\"}",
                    "metadata.finalizers")));
      }
    }
  }

  /**
   * Equal apart from resourceVersion and the times and order of managedFields entries (so no-op
   * writes keep the version, while a new field manager is recorded, as upstream does).
   */
  private static boolean unchanged(ObjectNode next, ObjectNode old) {
    ObjectNode a = next.deepCopy();
    ObjectNode b = old.deepCopy();
    for (ObjectNode o : new ObjectNode[] {a, b}) {
      Meta.metadata(o).remove("resourceVersion");
      Meta.metadata(o).remove("managedFields");
    }
    return a.equals(b) && managers(next).equals(managers(old));
  }

  private static java.util.List<String> managers(ObjectNode object) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (com.fasterxml.jackson.databind.JsonNode e :
        object.path("metadata").path("managedFields")) {
      ObjectNode copy = e.deepCopy();
      copy.remove("time");
      out.add(io.kuark.server.api.http.Json.string(copy));
    }
    java.util.Collections.sort(out);
    return out;
  }
}
