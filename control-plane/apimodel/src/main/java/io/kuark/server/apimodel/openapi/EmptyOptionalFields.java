package io.kuark.server.apimodel.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.apimodel.ResourceType;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Removes empty lists and maps from optional fields of a built-in object, as upstream does by
 * decoding a request into its Go types and encoding them again: such fields are {@code omitempty}
 * there, so {@code "args": []} and {@code "annotations": {}} are never stored.
 *
 * <p>Clients send them: the official Java client's models start every list as an empty one and send
 * it so. Kept, they would make a read-modify-write look like a change where there is none (pod
 * updates rejected as changing the spec, a Deployment's generation and pod-template hash bumped by
 * a no-op replace). Empty structs ({@code "resources": {}}) stay, as in upstream, where they are
 * values or non-nil pointers. Custom resources are stored as sent, as upstream does. Thread-safe.
 */
public final class EmptyOptionalFields {

  /**
   * Fields upstream encodes without {@code omitempty} though its OpenAPI does not list them as
   * required (definition name + "." + field), so an empty list there is kept.
   */
  private static final Set<String> ALWAYS_ENCODED =
      Set.of(
          "io.k8s.api.rbac.v1.Role.rules",
          "io.k8s.api.rbac.v1.ClusterRole.rules",
          "io.k8s.api.discovery.v1.EndpointSlice.endpoints",
          "io.k8s.api.discovery.v1.EndpointSlice.ports",
          "io.k8s.api.discovery.v1.Endpoint.addresses",
          "io.k8s.api.core.v1.NodeSelector.nodeSelectorTerms",
          "io.k8s.api.core.v1.LimitRangeSpec.limits",
          "io.k8s.api.storage.v1.CSINodeSpec.drivers",
          "io.k8s.api.networking.v1.HTTPIngressRuleValue.paths",
          "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionSpec"
              + ".versions",
          "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1"
              + ".CustomResourceDefinitionStatus.storedVersions");

  private EmptyOptionalFields() {}

  /** Removes them from {@code object} in place; does nothing for types without a model class. */
  public static void remove(ResourceType type, ObjectNode object) {
    if (type.modelClass() == null) {
      return;
    }
    String root = OpenApiDocuments.models().define(type.modelClass());
    walk(object, root, OpenApiDocuments.models().definition(root));
  }

  /**
   * @param name the definition name of {@code schema}, or null for an inline schema
   */
  private static void walk(JsonNode value, String name, JsonNode schema) {
    if (schema == null || value == null) {
      return;
    }
    JsonNode ref = schema.get("$ref");
    if (ref != null) {
      String target = ref.asText().substring(ModelSchemas.REF_PREFIX.length());
      walk(value, target, OpenApiDocuments.models().definition(target));
      return;
    }
    if (schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      return;
    }
    if (value.isArray()) {
      JsonNode items = schema.get("items");
      if (items != null) {
        value.forEach(item -> walk(item, null, items));
      }
      return;
    }
    if (!value.isObject()) {
      return;
    }
    JsonNode properties = schema.get("properties");
    if (properties == null) {
      // A map: its entries are data, not fields, and stay even when empty.
      JsonNode additional = schema.get("additionalProperties");
      if (additional != null && additional.isObject()) {
        value.forEach(entry -> walk(entry, null, additional));
      }
      return;
    }
    Set<String> required = new HashSet<>();
    schema.path("required").forEach(r -> required.add(r.asText()));
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      JsonNode fieldSchema = properties.get(field.getKey());
      if (fieldSchema == null) {
        continue;
      }
      walk(field.getValue(), null, fieldSchema);
      if (field.getValue().isEmpty()
          && isListOrMap(field.getValue(), resolve(fieldSchema))
          && !required.contains(field.getKey())
          && (name == null || !ALWAYS_ENCODED.contains(name + "." + field.getKey()))) {
        it.remove();
      }
    }
  }

  private static boolean isListOrMap(JsonNode value, JsonNode schema) {
    if (schema == null) {
      return false;
    }
    if (value.isArray()) {
      return schema.path("type").asText("").equals("array");
    }
    return value.isObject()
        && schema.get("properties") == null
        && schema.path("additionalProperties").isObject();
  }

  private static JsonNode resolve(JsonNode schema) {
    JsonNode ref = schema.get("$ref");
    if (ref == null) {
      return schema;
    }
    return OpenApiDocuments.models()
        .definition(ref.asText().substring(ModelSchemas.REF_PREFIX.length()));
  }
}
