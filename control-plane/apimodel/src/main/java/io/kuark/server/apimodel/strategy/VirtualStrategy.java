package io.kuark.server.apimodel.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.apimodel.validation.FieldError;
import java.util.List;

/** For create-only request kinds (bindings, token and access reviews): no defaults, no checks. */
final class VirtualStrategy implements ResourceStrategy {

  static final VirtualStrategy INSTANCE = new VirtualStrategy();

  private VirtualStrategy() {}

  @Override
  public void applyDefaults(ObjectNode object) {}

  @Override
  public void prepareForCreate(ObjectNode object) {}

  @Override
  public void prepareForUpdate(ObjectNode object, JsonNode old) {}

  @Override
  public void prepareForStatusUpdate(ObjectNode object, JsonNode old) {}

  @Override
  public List<FieldError> validateCreate(ObjectNode object) {
    return List.of();
  }

  @Override
  public List<FieldError> validateUpdate(ObjectNode object, JsonNode old) {
    return List.of();
  }

  @Override
  public List<FieldError> validateStatusUpdate(ObjectNode object, JsonNode old) {
    return List.of();
  }
}
