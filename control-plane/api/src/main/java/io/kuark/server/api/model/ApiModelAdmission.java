package io.kuark.server.api.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.store.Meta;
import io.kuark.server.api.strategy.ObjectAdmission;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.apimodel.schema.SchemaValidator;
import io.kuark.server.apimodel.schema.StructuralSchema;
import io.kuark.server.apimodel.strategy.ResourceStrategy;
import io.kuark.server.apimodel.strategy.Strategies;
import io.kuark.server.apimodel.validation.FieldError;
import io.kuark.server.apimodel.validation.InvalidStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Defaulting and validation by the apimodel module's strategies: on create {@code applyDefaults,
 * prepareForCreate, validateCreate}; on update {@code applyDefaults, prepareForUpdate,
 * validateUpdate}. Failures are 422 Invalid with one cause per field.
 */
public final class ApiModelAdmission implements ObjectAdmission {

  private final Function<ResourceType, JsonNode> customSchemas;

  /**
   * @param customSchemas the openAPIV3Schema of a custom resource type, null for built-ins
   */
  public ApiModelAdmission(Function<ResourceType, JsonNode> customSchemas) {
    this.customSchemas = customSchemas;
  }

  @Override
  public List<String> admit(ResourceType type, ObjectNode object, ObjectNode old) {
    ResourceStrategy strategy = Strategies.forType(type);
    strategy.applyDefaults(object);
    List<String> warnings = new ArrayList<>();
    JsonNode schema = type.modelClass() == null ? customSchemas.apply(type) : null;
    if (schema != null) {
      // Structural schema: defaults, then pruning of unknown fields, then validation.
      StructuralSchema.applyDefaults(object, schema);
      for (String pruned : StructuralSchema.prune(object, schema)) {
        warnings.add("unknown field \"" + pruned + "\"");
      }
    }
    List<FieldError> errors;
    if (old == null) {
      strategy.prepareForCreate(object);
      errors = strategy.validateCreate(object);
    } else {
      strategy.prepareForUpdate(object, old);
      errors = strategy.validateUpdate(object, old);
    }
    if (schema != null) {
      errors = new ArrayList<>(errors);
      errors.addAll(SchemaValidator.validate(object, schema));
    }
    if (!errors.isEmpty()) {
      throw Statuses.fromStatus(
          422, InvalidStatus.of(type.group(), type.kind(), Meta.name(object), errors));
    }
    return warnings;
  }
}
