package io.kuark.server.apimodel.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.apimodel.validation.FieldError;
import java.util.List;

/**
 * Per-kind create/update semantics, like upstream's registry strategies. All methods work in place
 * on the Jackson tree and never throw for bad input: problems are returned as {@link FieldError}s
 * (→ 422 Invalid via {@link io.kuark.server.apimodel.validation.InvalidStatus}).
 *
 * <p>Call order on create: {@link #applyDefaults} → {@link #prepareForCreate} → {@link
 * #validateCreate}. On update via the main endpoint: {@link #applyDefaults} → {@link
 * #prepareForUpdate} → {@link #validateUpdate}. On update via {@code /status}: {@link
 * #prepareForStatusUpdate} → {@link #validateStatusUpdate}. The API sets name (from generateName),
 * namespace, uid, creationTimestamp and resourceVersion itself; strategies do not.
 */
public interface ResourceStrategy {

  /** Fills upstream's defaults (what the API server's decoder would default). Idempotent. */
  void applyDefaults(ObjectNode object);

  /**
   * Before a create: clears or initialises status where upstream does (e.g. Pod status becomes
   * {@code {phase: Pending, qosClass}}), sets {@code metadata.generation = 1} for kinds that track
   * generation, and fills create-time fields (pod service account, priority, default tolerations).
   */
  void prepareForCreate(ObjectNode object);

  /**
   * Before an update through the main endpoint: keeps the old status when status is a subresource,
   * and bumps {@code metadata.generation} only when the spec changed.
   */
  void prepareForUpdate(ObjectNode object, JsonNode old);

  /**
   * Before an update through {@code /status}: everything except {@code status} is taken from the
   * old object, and metadata fields upstream resets for status updates (labels, annotations,
   * finalizers, ownerReferences, deletionTimestamp, generation) are restored from the old object.
   */
  void prepareForStatusUpdate(ObjectNode object, JsonNode old);

  /** Validation of a new object. */
  List<FieldError> validateCreate(ObjectNode object);

  /** Validation of an update (includes immutability rules). */
  List<FieldError> validateUpdate(ObjectNode object, JsonNode old);

  /** Validation of a status update. */
  List<FieldError> validateStatusUpdate(ObjectNode object, JsonNode old);
}
