package io.kuark.server.api.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.store.Meta;
import io.kuark.server.api.strategy.ObjectAdmission;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.apimodel.strategy.ResourceStrategy;
import io.kuark.server.apimodel.strategy.Strategies;
import io.kuark.server.apimodel.validation.FieldError;
import io.kuark.server.apimodel.validation.InvalidStatus;
import java.util.List;

/**
 * Defaulting and validation by the apimodel module's strategies: on create {@code applyDefaults,
 * prepareForCreate, validateCreate}; on update {@code applyDefaults, prepareForUpdate,
 * validateUpdate}. Failures are 422 Invalid with one cause per field.
 */
public final class ApiModelAdmission implements ObjectAdmission {

  @Override
  public List<String> admit(ResourceType type, ObjectNode object, ObjectNode old) {
    ResourceStrategy strategy = Strategies.forType(type);
    strategy.applyDefaults(object);
    List<FieldError> errors;
    if (old == null) {
      strategy.prepareForCreate(object);
      errors = strategy.validateCreate(object);
    } else {
      strategy.prepareForUpdate(object, old);
      errors = strategy.validateUpdate(object, old);
    }
    if (!errors.isEmpty()) {
      throw Statuses.fromStatus(
          422, InvalidStatus.of(type.group(), type.kind(), Meta.name(object), errors));
    }
    return List.of();
  }
}
