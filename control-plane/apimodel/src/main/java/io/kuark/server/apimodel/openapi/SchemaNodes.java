package io.kuark.server.apimodel.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link SchemaNode} graph of each built-in model class, built from its OpenAPI definitions on
 * first use and then read without a lock: a write walks the object along it without looking up a
 * definition per reference. Definitions shared by several types (ObjectMeta, PodSpec) are built
 * once. Thread-safe.
 */
final class SchemaNodes {

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

  private static final Map<Class<?>, SchemaNode> ROOTS = new ConcurrentHashMap<>();

  /** Nodes of named definitions; only touched while building, under the class lock. */
  private static final Map<String, SchemaNode> DEFINED = new HashMap<>();

  private SchemaNodes() {}

  /** The root node of a model class. */
  static SchemaNode of(Class<?> modelClass) {
    SchemaNode root = ROOTS.get(modelClass);
    return root != null ? root : build(modelClass);
  }

  private static synchronized SchemaNode build(Class<?> modelClass) {
    SchemaNode root = ROOTS.get(modelClass);
    if (root == null) {
      root = named(OpenApiDocuments.models().define(modelClass));
      ROOTS.put(modelClass, root);
    }
    return root;
  }

  private static SchemaNode named(String name) {
    SchemaNode node = DEFINED.get(name);
    if (node != null) {
      return node;
    }
    node = new SchemaNode();
    // Registered before it is filled: a definition that refers to itself finds this node.
    DEFINED.put(name, node);
    JsonNode schema = OpenApiDocuments.models().definition(name);
    if (name.equals(TimeFields.TIME)) {
      node.time = SchemaNode.Time.SECONDS;
    } else if (name.equals(TimeFields.MICRO_TIME)) {
      node.time = SchemaNode.Time.MICROS;
    } else if (schema != null) {
      fill(node, name, schema);
    }
    return node;
  }

  /** The node of an inline schema (or of the definition it refers to). */
  private static SchemaNode inline(JsonNode schema) {
    JsonNode ref = schema.get("$ref");
    if (ref != null) {
      return named(ref.asText().substring(ModelSchemas.REF_PREFIX.length()));
    }
    SchemaNode node = new SchemaNode();
    fill(node, null, schema);
    return node;
  }

  /**
   * @param name the definition name of {@code schema}, or null for an inline schema
   */
  private static void fill(SchemaNode node, String name, JsonNode schema) {
    if (schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      node.preserveUnknown = true;
      return;
    }
    JsonNode items = schema.get("items");
    if (items != null && items.isObject()) {
      node.items = inline(items);
    }
    JsonNode additional = schema.get("additionalProperties");
    node.additionalAllowed = additional != null;
    if (additional != null && additional.isObject()) {
      node.additional = inline(additional);
    }
    JsonNode properties = schema.get("properties");
    if (properties == null) {
      return;
    }
    Set<String> required = new HashSet<>();
    schema.path("required").forEach(r -> required.add(r.asText()));
    Map<String, SchemaNode.Field> fields = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      SchemaNode child = inline(e.getValue());
      boolean optional =
          !required.contains(e.getKey())
              && (name == null || !ALWAYS_ENCODED.contains(name + "." + e.getKey()));
      JsonNode resolved = resolve(e.getValue());
      boolean listSchema = resolved != null && resolved.path("type").asText("").equals("array");
      boolean mapSchema =
          resolved != null
              && resolved.get("properties") == null
              && resolved.path("additionalProperties").isObject();
      fields.put(
          e.getKey(), new SchemaNode.Field(child, optional && listSchema, optional && mapSchema));
    }
    node.properties = Map.copyOf(fields);
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
