package io.kuark.server.apimodel.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.server.apimodel.ResourceType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Type-aware lookups of field semantics for patching and server-side apply: walks the schema of a
 * built-in type (generated from its fabric8 model) or a custom resource (its CRD schema) along a
 * field path. Thread-safe.
 */
public final class SchemaLookup {

  private SchemaLookup() {}

  /**
   * The semantics of the field at {@code path} (field names from the object root; list items are
   * not part of the path), e.g. {@code [spec, template, spec, containers]} of a Deployment gives
   * merge on {@code name}. Empty when the field is unknown or declares nothing.
   *
   * @param customSchema for custom resources, the CRD version's openAPIV3Schema; ignored for
   *     built-ins
   */
  public static Optional<FieldSemantics> semantics(
      ResourceType type, JsonNode customSchema, List<String> path) {
    JsonNode schema = schemaAt(type, customSchema, path);
    if (schema == null) {
      return Optional.empty();
    }
    String strategy = text(schema, "x-kubernetes-patch-strategy");
    String mergeKey = text(schema, "x-kubernetes-patch-merge-key");
    String listType = text(schema, "x-kubernetes-list-type");
    List<String> keys = new ArrayList<>();
    schema.path("x-kubernetes-list-map-keys").forEach(k -> keys.add(k.asText()));
    if (strategy == null && mergeKey == null && listType == null && keys.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new FieldSemantics(strategy, mergeKey, listType, List.copyOf(keys)));
  }

  /** The (resolved) schema of the field at {@code path}, or null when unknown. */
  public static JsonNode schemaAt(ResourceType type, JsonNode customSchema, List<String> path) {
    JsonNode schema;
    if (type.modelClass() == null) {
      schema = customSchema;
    } else {
      schema =
          OpenApiDocuments.models().definition(OpenApiDocuments.models().define(type.modelClass()));
    }
    for (String field : path) {
      schema = resolve(schema);
      if (schema == null) {
        return null;
      }
      if (schema.path("type").asText("").equals("array") || schema.has("items")) {
        schema = resolve(schema.get("items"));
        if (schema == null) {
          return null;
        }
      }
      JsonNode next = schema.path("properties").get(field);
      if (next == null
          && schema.get("additionalProperties") != null
          && schema.get("additionalProperties").isObject()) {
        next = schema.get("additionalProperties");
      }
      schema = next;
    }
    return schema;
  }

  /** Follows {@code $ref} (and a single-element {@code allOf} wrapping one) to a definition. */
  private static JsonNode resolve(JsonNode schema) {
    if (schema == null) {
      return null;
    }
    JsonNode ref = schema.get("$ref");
    if (ref == null && schema.path("allOf").size() == 1) {
      ref = schema.path("allOf").get(0).get("$ref");
    }
    if (ref != null && ref.isTextual()) {
      String name = ref.asText();
      name = name.substring(name.lastIndexOf('/') + 1);
      return OpenApiDocuments.models().definition(name);
    }
    return schema;
  }

  private static String text(JsonNode schema, String field) {
    JsonNode n = schema.get(field);
    return n == null || !n.isTextual() ? null : n.asText();
  }
}
