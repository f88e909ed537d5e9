package io.kuark.server.apimodel.openapi;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Generates OpenAPI (v2-style, refs {@code #/definitions/NAME}) schemas from the fabric8 model
 * classes using Jackson's own bean introspection, so property names and types are exactly what the
 * models (de)serialise. Definitions are produced once per class and kept. Thread-safe.
 */
final class ModelSchemas {

  static final String REF_PREFIX = "#/definitions/";
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** Classes that hold "any JSON" in the models. */
  private static final Set<String> ANY_VALUE =
      Set.of(
          "AnyType",
          "JSON",
          "JSONSchemaPropsOrArray",
          "JSONSchemaPropsOrBool",
          "JSONSchemaPropsOrStringArray",
          "RawExtension");

  private final ObjectMapper mapper = new ObjectMapper();
  private final Map<String, ObjectNode> definitions = new TreeMap<>();
  private final Map<Class<?>, String> names = new HashMap<>();

  /** Defines the class (and everything it references); returns its definition name. */
  synchronized String define(Class<?> type) {
    String known = names.get(type);
    if (known != null) {
      return known;
    }
    String name = SchemaNames.of(type);
    names.put(type, name);
    ObjectNode schema = JSON.objectNode();
    definitions.put(name, schema);
    String simple = type.getSimpleName();
    if (name.equals(SchemaNames.INT_OR_STRING)) {
      schema.put("description", "IntOrString is a type that can hold an int32 or a string.");
      schema.put("type", "string");
      schema.put("format", "int-or-string");
      return name;
    }
    if (name.equals(SchemaNames.QUANTITY)) {
      schema.put(
          "description", "Quantity is a fixed-point representation of a number, e.g. 100m or 1Gi.");
      schema.put("type", "string");
      return name;
    }
    if (simple.equals("MicroTime")) {
      schema.put("description", "MicroTime is version of Time with microsecond level precision.");
      schema.put("type", "string");
      schema.put("format", "date-time");
      return name;
    }
    if (simple.equals("FieldsV1")) {
      schema.put(
          "description",
          "FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format.");
      schema.put("type", "object");
      return name;
    }
    if (ANY_VALUE.contains(simple)) {
      schema.put("description", simple + " holds any JSON value.");
      schema.put("x-kubernetes-preserve-unknown-fields", true);
      return name;
    }
    String kindText = Descriptions.ofDefinition(name);
    if (kindText != null) {
      schema.put("description", kindText);
    }
    schema.put("type", "object");
    ObjectNode properties = JSON.objectNode();
    BeanDescription bean = mapper.getSerializationConfig().introspect(mapper.constructType(type));
    TreeMap<String, BeanPropertyDefinition> sorted = new TreeMap<>();
    for (BeanPropertyDefinition p : bean.findProperties()) {
      if (p.couldSerialize() && !p.getName().equals("additionalProperties")) {
        sorted.put(p.getName(), p);
      }
    }
    for (Map.Entry<String, BeanPropertyDefinition> e : sorted.entrySet()) {
      ObjectNode prop = schemaFor(e.getValue().getPrimaryType());
      String text =
          Descriptions.ofField(
              name, e.getKey(), sorted.containsKey("apiVersion") && sorted.containsKey("kind"));
      if (text != null) {
        prop.put("description", text);
      }
      PatchMetadata.ListSemantics semantics = PatchMetadata.of(name, e.getKey());
      if (semantics != null) {
        if (semantics.listType() != null) {
          prop.put("x-kubernetes-list-type", semantics.listType());
        }
        if (semantics.mapKeys() != null) {
          ArrayNode keys = prop.putArray("x-kubernetes-list-map-keys");
          semantics.mapKeys().forEach(keys::add);
        }
        if (semantics.mergeKey() != null) {
          prop.put("x-kubernetes-patch-merge-key", semantics.mergeKey());
        }
        if (semantics.strategy() != null) {
          prop.put("x-kubernetes-patch-strategy", semantics.strategy());
        }
      }
      properties.set(e.getKey(), prop);
    }
    if (!properties.isEmpty()) {
      schema.set("properties", properties);
    }
    List<String> required = new ArrayList<>();
    for (String r : PatchMetadata.required(name)) {
      if (properties.has(r)) {
        required.add(r);
      }
    }
    if (!required.isEmpty()) {
      ArrayNode req = schema.putArray("required");
      required.forEach(req::add);
    }
    return name;
  }

  private ObjectNode schemaFor(JavaType t) {
    ObjectNode s = JSON.objectNode();
    Class<?> raw = t.getRawClass();
    if (raw == String.class || raw == Character.class || raw.isEnum()) {
      s.put("type", "string");
    } else if (raw == Integer.class
        || raw == int.class
        || raw == Short.class
        || raw == short.class) {
      s.put("type", "integer");
      s.put("format", "int32");
    } else if (raw == Long.class || raw == long.class) {
      s.put("type", "integer");
      s.put("format", "int64");
    } else if (raw == Double.class
        || raw == double.class
        || raw == Float.class
        || raw == float.class) {
      s.put("type", "number");
      s.put("format", "double");
    } else if (raw == Boolean.class || raw == boolean.class) {
      s.put("type", "boolean");
    } else if (java.time.temporal.Temporal.class.isAssignableFrom(raw)) {
      // fabric8 maps a few MicroTime fields (Lease acquire/renew times) to java.time types
      s.put("type", "string");
      s.put("format", "date-time");
    } else if (raw == byte[].class) {
      s.put("type", "string");
      s.put("format", "byte");
    } else if (t.isCollectionLikeType() || t.isArrayType()) {
      s.put("type", "array");
      s.set("items", schemaFor(t.getContentType()));
    } else if (t.isMapLikeType()) {
      s.put("type", "object");
      JavaType value = t.getContentType();
      if (value.getRawClass() != Object.class) {
        s.set("additionalProperties", schemaFor(value));
      }
    } else if (raw.getName().startsWith("java.") && raw != Object.class) {
      s.put("type", "string");
    } else if (raw == Object.class || raw == JsonNode.class || raw.isInterface()) {
      s.put("type", "object");
      s.put("x-kubernetes-preserve-unknown-fields", true);
    } else {
      s.put("$ref", REF_PREFIX + define(raw));
    }
    return s;
  }

  /** A snapshot of every definition produced so far (name → schema), sorted by name. */
  synchronized Map<String, ObjectNode> definitions() {
    return new TreeMap<>(definitions);
  }

  /** One definition, or null. */
  synchronized ObjectNode definition(String name) {
    return definitions.get(name);
  }
}
