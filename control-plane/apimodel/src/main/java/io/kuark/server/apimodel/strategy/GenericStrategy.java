package io.kuark.server.apimodel.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.apimodel.validation.FieldError;
import io.kuark.server.apimodel.validation.MetadataValidator;
import io.kuark.server.apimodel.validation.NameRules;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The strategy every kind shares: metadata validation with the kind's name rule, status reset when
 * status is a subresource, generation tracking. Kind-specific strategies extend it and override the
 * {@code defaults}/{@code validateObject}/{@code validateObjectUpdate}/{@code initialStatus} hooks.
 */
public class GenericStrategy implements ResourceStrategy {

  private static final String[] STATUS_RESET_META = {
    "deletionTimestamp", "generation", "labels", "annotations", "finalizers", "ownerReferences"
  };

  protected final ResourceType type;
  private final Function<String, List<String>> nameRule;
  private final boolean tracksGeneration;

  /**
   * @param nameRule the syntax check for {@code metadata.name}
   * @param tracksGeneration true when {@code metadata.generation} starts at 1 and increments on
   *     spec changes
   */
  public GenericStrategy(
      ResourceType type, Function<String, List<String>> nameRule, boolean tracksGeneration) {
    this.type = type;
    this.nameRule = nameRule;
    this.tracksGeneration = tracksGeneration;
  }

  /** A generic strategy with DNS-1123 subdomain names. */
  public GenericStrategy(ResourceType type, boolean tracksGeneration) {
    this(type, NameRules::dns1123Subdomain, tracksGeneration);
  }

  /** Kind-specific defaults; the generic strategy has none. */
  protected void defaults(ObjectNode object) {}

  /** Kind-specific validation of the whole object. */
  protected void validateObject(ObjectNode object, List<FieldError> errs) {}

  /** Kind-specific update rules (immutable fields). */
  protected void validateObjectUpdate(ObjectNode object, JsonNode old, List<FieldError> errs) {}

  /**
   * The status a new object starts with, or null to drop status on create. Only consulted for kinds
   * whose status is a subresource.
   */
  protected JsonNode initialStatus(ObjectNode object) {
    return null;
  }

  /** True when a create keeps the status the client sent (nodes: kubelets register with status). */
  protected boolean keepsStatusOnCreate() {
    return false;
  }

  @Override
  public final void applyDefaults(ObjectNode object) {
    defaults(object);
  }

  @Override
  public void prepareForCreate(ObjectNode object) {
    if (type.hasSubresource("status") && !keepsStatusOnCreate()) {
      object.remove("status");
      JsonNode initial = initialStatus(object);
      if (initial != null) {
        object.set("status", initial);
      }
    }
    if (tracksGeneration) {
      meta(object).put("generation", 1);
    } else {
      meta(object).remove("generation");
    }
  }

  @Override
  public void prepareForUpdate(ObjectNode object, JsonNode old) {
    if (type.hasSubresource("status")) {
      object.remove("status");
      if (old.has("status")) {
        object.set("status", old.get("status").deepCopy());
      }
    }
    if (tracksGeneration) {
      long generation = old.path("metadata").path("generation").asLong(1);
      if (!specOf(object).equals(specOf(old))) {
        generation++;
      }
      meta(object).put("generation", generation);
    } else if (old.path("metadata").has("generation")) {
      meta(object).set("generation", old.path("metadata").get("generation"));
    }
  }

  @Override
  public void prepareForStatusUpdate(ObjectNode object, JsonNode old) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    for (String f : names) {
      if (!f.equals("metadata") && !f.equals("status")) {
        object.remove(f);
      }
    }
    Iterator<Map.Entry<String, JsonNode>> it = old.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getKey().equals("metadata") && !e.getKey().equals("status")) {
        object.set(e.getKey(), e.getValue().deepCopy());
      }
    }
    ObjectNode meta = meta(object);
    JsonNode oldMeta = old.path("metadata");
    for (String f : STATUS_RESET_META) {
      if (oldMeta.has(f)) {
        meta.set(f, oldMeta.get(f).deepCopy());
      } else {
        meta.remove(f);
      }
    }
  }

  @Override
  public List<FieldError> validateCreate(ObjectNode object) {
    List<FieldError> errs = new ArrayList<>();
    MetadataValidator.validate(object, type.namespaced(), nameRule, errs);
    validateObject(object, errs);
    return errs;
  }

  @Override
  public List<FieldError> validateUpdate(ObjectNode object, JsonNode old) {
    List<FieldError> errs = new ArrayList<>();
    MetadataValidator.validate(object, type.namespaced(), nameRule, errs);
    MetadataValidator.validateUpdate(object, old, errs);
    validateObject(object, errs);
    validateObjectUpdate(object, old, errs);
    return errs;
  }

  @Override
  public List<FieldError> validateStatusUpdate(ObjectNode object, JsonNode old) {
    List<FieldError> errs = new ArrayList<>();
    MetadataValidator.validateUpdate(object, old, errs);
    return errs;
  }

  /**
   * What counts as "spec" for generation tracking: {@code spec} when the kind has one, else every
   * top-level field except apiVersion, kind, metadata and status (custom resources without spec).
   */
  static JsonNode specOf(JsonNode object) {
    if (object.has("spec")) {
      return object.get("spec");
    }
    ObjectNode rest = object.deepCopy();
    rest.remove("apiVersion");
    rest.remove("kind");
    rest.remove("metadata");
    rest.remove("status");
    return rest;
  }

  static ObjectNode meta(ObjectNode object) {
    JsonNode meta = object.get("metadata");
    if (meta instanceof ObjectNode m) {
      return m;
    }
    return object.putObject("metadata");
  }

  /** The object node at {@code field}, created when missing. */
  static ObjectNode obj(ObjectNode parent, String field) {
    JsonNode n = parent.get(field);
    if (n instanceof ObjectNode o) {
      return o;
    }
    return parent.putObject(field);
  }

  /** Sets a text field when missing or empty. */
  static void defaultText(ObjectNode node, String field, String value) {
    if (!node.hasNonNull(field) || node.get(field).asText().isEmpty()) {
      node.put(field, value);
    }
  }

  /** Sets a number field when missing or null. */
  static void defaultLong(ObjectNode node, String field, long value) {
    if (!node.hasNonNull(field)) {
      node.put(field, value);
    }
  }

  /** Sets a boolean field when missing or null. */
  static void defaultBool(ObjectNode node, String field, boolean value) {
    if (!node.hasNonNull(field)) {
      node.put(field, value);
    }
  }
}
