package io.kuark.server.api.strategy;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Type-specific behaviour of the generic REST handlers (upstream's registry strategies). All
 * methods have neutral defaults; implementations exist for the kinds that need more.
 */
public interface ResourceStrategy {

  /** Initialises a new object before validation (e.g. status defaults, allocations). */
  default void prepareForCreate(ObjectNode object) {}

  /** Reverts side effects of {@link #prepareForCreate} when the create is not written. */
  default void createAborted(ObjectNode object) {}

  /** Adjusts an update before validation (e.g. keeps allocated fields). */
  default void prepareForUpdate(ObjectNode updated, ObjectNode old) {}

  /**
   * Adjusts and validates a write to the {@code status} or {@code approval} subresource after the
   * status was taken from the request (throws an ApiException to refuse it).
   */
  default void prepareForSubresourceUpdate(
      String subresource, ObjectNode updated, ObjectNode old) {}

  /** Reverts side effects of {@link #prepareForUpdate} when the update is not written. */
  default void updateAborted(ObjectNode updated, ObjectNode old) {}

  /**
   * For graceful deletion: the object to write instead of removing it now (with deletionTimestamp
   * set), or null when it may be removed at once (finalizers are handled by the caller).
   */
  default ObjectNode gracefulDeletion(ObjectNode current, DeleteOptions options) {
    return null;
  }

  /**
   * Whether an object already marked for deletion, with no finalizers left, may be removed. Pods
   * bound to a node wait for their agent (a delete with grace period 0).
   */
  default boolean removableAfterFinalizers(ObjectNode object) {
    return true;
  }

  /** Called once an object has been removed from storage (e.g. to free allocations). */
  default void afterDelete(ObjectNode deleted) {}
}
