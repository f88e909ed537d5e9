package io.kuark.server.apimodel.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.server.apimodel.ResourceType;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Finds fields of a built-in object that its type does not have (what upstream's strict decoding
 * reports as {@code unknown field "spec.foo"}), using the schemas generated from the fabric8
 * models. For fieldValidation: Strict → 400 with all paths, Warn → one Warning header per path,
 * Ignore → nothing. Custom resources use {@link
 * io.kuark.server.apimodel.schema.StructuralSchema#prune} instead. Thread-safe.
 */
public final class UnknownFields {

  private UnknownFields() {}

  /**
   * Paths of unknown fields, e.g. {@code spec.containers[0].imagePullPolicyy}, in document order.
   * Empty for types without a model class.
   */
  public static List<String> find(ResourceType type, JsonNode object) {
    List<String> out = new ArrayList<>();
    if (type.modelClass() == null) {
      return out;
    }
    String root = OpenApiDocuments.models().define(type.modelClass());
    walk(object, OpenApiDocuments.models().definition(root), "", out);
    return out;
  }

  private static void walk(JsonNode value, JsonNode schema, String path, List<String> out) {
    if (schema == null || value == null) {
      return;
    }
    JsonNode ref = schema.get("$ref");
    if (ref != null) {
      String name = ref.asText().substring(ModelSchemas.REF_PREFIX.length());
      walk(value, OpenApiDocuments.models().definition(name), path, out);
      return;
    }
    if (schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      return;
    }
    if (value.isObject()) {
      JsonNode props = schema.get("properties");
      JsonNode additional = schema.get("additionalProperties");
      if (props == null && additional == null) {
        return;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        if (props != null && props.has(e.getKey())) {
          walk(e.getValue(), props.get(e.getKey()), child, out);
        } else if (additional != null) {
          walk(e.getValue(), additional, child, out);
        } else {
          out.add(child);
        }
      }
    } else if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        walk(value.get(i), schema.get("items"), path + "[" + i + "]", out);
      }
    }
  }
}
