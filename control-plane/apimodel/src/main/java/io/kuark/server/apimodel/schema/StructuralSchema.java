package io.kuark.server.apimodel.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What upstream's apiextensions server does with a custom resource and its CRD version's {@code
 * openAPIV3Schema}: apply {@code default}s, prune fields the schema does not know, and validate the
 * rest. Works in place on Jackson trees; pure and thread-safe.
 *
 * <p>Order on create/update, like upstream: {@link #applyDefaults} → {@link #prune} → {@link
 * SchemaValidator#validate}. The root's {@code apiVersion}, {@code kind} and {@code metadata} are
 * never pruned (metadata is validated by the generic strategy).
 */
public final class StructuralSchema {

  private static final Set<String> ROOT_FIELDS = Set.of("apiVersion", "kind", "metadata");

  private StructuralSchema() {}

  /** Fills {@code default} values of absent properties, recursively (also inside array items). */
  public static void applyDefaults(JsonNode object, JsonNode schema) {
    if (schema == null || schema.isMissingNode()) {
      return;
    }
    if (object instanceof ObjectNode o) {
      JsonNode props = schema.path("properties");
      for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode propSchema = e.getValue();
        if (!o.has(e.getKey()) && propSchema.has("default")) {
          o.set(e.getKey(), propSchema.get("default").deepCopy());
        }
        if (o.has(e.getKey())) {
          applyDefaults(o.get(e.getKey()), propSchema);
        }
      }
      JsonNode additional = schema.path("additionalProperties");
      if (additional.isObject()) {
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          if (!props.has(e.getKey())) {
            applyDefaults(e.getValue(), additional);
          }
        }
      }
    } else if (object instanceof ArrayNode a && schema.has("items")) {
      for (JsonNode item : a) {
        applyDefaults(item, schema.get("items"));
      }
    }
  }

  /**
   * Removes fields the schema does not declare (unless {@code x-kubernetes-preserve-unknown-fields:
   * true}) and returns their paths, e.g. {@code spec.unknown} or {@code spec.items[0].x}, for
   * fieldValidation Strict/Warn reporting.
   */
  public static List<String> prune(ObjectNode object, JsonNode schema) {
    List<String> pruned = new ArrayList<>();
    if (schema == null || schema.isMissingNode() || !schema.isObject()) {
      return pruned;
    }
    pruneObject(object, schema, "", true, pruned);
    return pruned;
  }

  private static void pruneObject(
      ObjectNode o, JsonNode schema, String path, boolean root, List<String> pruned) {
    if (schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)
        && !schema.has("properties")) {
      return;
    }
    boolean embedded = schema.path("x-kubernetes-embedded-resource").asBoolean(false);
    JsonNode props = schema.path("properties");
    JsonNode additional = schema.get("additionalProperties");
    boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    List<String> names = new ArrayList<>();
    o.fieldNames().forEachRemaining(names::add);
    for (String name : names) {
      String childPath = path.isEmpty() ? name : path + "." + name;
      if ((root || embedded) && ROOT_FIELDS.contains(name)) {
        continue;
      }
      JsonNode childSchema = props.get(name);
      if (childSchema == null && additional != null) {
        if (additional.isBoolean()) {
          if (additional.asBoolean()) {
            continue;
          }
        } else {
          childSchema = additional;
        }
      }
      if (childSchema == null) {
        if (!preserve) {
          o.remove(name);
          pruned.add(childPath);
        }
        continue;
      }
      pruneValue(o.get(name), childSchema, childPath, pruned);
    }
  }

  private static void pruneValue(
      JsonNode value, JsonNode schema, String path, List<String> pruned) {
    if (value instanceof ObjectNode child) {
      pruneObject(child, schema, path, false, pruned);
    } else if (value instanceof ArrayNode array && schema.has("items")) {
      for (int i = 0; i < array.size(); i++) {
        pruneValue(array.get(i), schema.get("items"), path + "[" + i + "]", pruned);
      }
    }
  }
}
