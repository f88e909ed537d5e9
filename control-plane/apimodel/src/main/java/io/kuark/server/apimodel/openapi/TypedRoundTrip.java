package io.kuark.server.apimodel.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.kuark.server.apimodel.ResourceType;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Does to a written built-in object what upstream's decoding into its Go types and encoding again
 * does, in one walk along the type's {@link SchemaNodes schema graph}:
 *
 * <ul>
 *   <li>finds the fields the type does not have (what strict decoding reports as {@code unknown
 *       field "spec.foo"}) and, when asked, drops them as the lenient decoder does;
 *   <li>drops empty lists and maps from optional fields: they are {@code omitempty} there, so
 *       {@code "args": []} and {@code "annotations": {}} are never stored. Clients send them (the
 *       official Java client's models start every list empty); kept, a read-modify-write would look
 *       like a change where there is none. Empty structs ({@code "resources": {}}) stay, as
 *       upstream keeps values and non-nil pointers; map entries stay even when empty;
 *   <li>re-encodes times: a {@code metav1.Time} field to whole seconds in UTC ({@code
 *       2026-11-28T10:00:00.123456Z} → {@code 2026-11-28T10:00:00Z}), a {@code metav1.MicroTime}
 *       field to six fractional digits in UTC; a value that is no RFC 3339 time is reported.
 * </ul>
 *
 * Custom resources are left as sent, as upstream stores them (their pruning is {@link
 * io.kuark.server.apimodel.schema.StructuralSchema#prune}). Thread-safe.
 */
public final class TypedRoundTrip {

  /**
   * What the walk found.
   *
   * @param unknownFields paths like {@code spec.containers[0].imagePullPolicyy}, in document order
   * @param invalidTimes one message per time field whose value could not be parsed, naming its path
   */
  public record Result(List<String> unknownFields, List<String> invalidTimes) {}

  private static final Result NOTHING = new Result(List.of(), List.of());

  /** Path segments of the walk's position: field names (String) and list indexes (Integer). */
  private final List<Object> path = new ArrayList<>();

  private final boolean dropUnknown;
  private List<String> unknown;
  private List<String> invalidTimes;

  private TypedRoundTrip(boolean dropUnknown) {
    this.dropUnknown = dropUnknown;
  }

  /**
   * Applies the round trip to {@code object} in place; does nothing for types without a model
   * class.
   *
   * @param unknownFields true: find and drop fields the type does not have; false: keep them
   *     unlooked-at (the result lists none)
   */
  public static Result apply(ResourceType type, ObjectNode object, boolean unknownFields) {
    if (type.modelClass() == null) {
      return NOTHING;
    }
    TypedRoundTrip walk = new TypedRoundTrip(unknownFields);
    walk.walk(object, SchemaNodes.of(type.modelClass()));
    if (walk.unknown == null && walk.invalidTimes == null) {
      return NOTHING;
    }
    return new Result(
        walk.unknown == null ? List.of() : walk.unknown,
        walk.invalidTimes == null ? List.of() : walk.invalidTimes);
  }

  private void walk(JsonNode value, SchemaNode schema) {
    if (schema.preserveUnknown) {
      return;
    }
    if (value instanceof ObjectNode object) {
      walkObject(object, schema);
    } else if (value instanceof ArrayNode array && schema.items != null) {
      SchemaNode items = schema.items;
      for (int i = 0; i < array.size(); i++) {
        JsonNode item = array.get(i);
        if (item.isContainerNode()) {
          path.add(i);
          walk(item, items);
          path.remove(path.size() - 1);
        } else if (items.time != SchemaNode.Time.NONE && item.isTextual()) {
          path.add(i);
          String normalised = time(item.textValue(), items.time);
          path.remove(path.size() - 1);
          if (normalised != null) {
            array.set(i, TextNode.valueOf(normalised));
          }
        }
      }
    }
  }

  private void walkObject(ObjectNode object, SchemaNode schema) {
    Map<String, SchemaNode.Field> properties = schema.properties;
    if (properties == null && !schema.additionalAllowed) {
      // A free-form object (FieldsV1): its keys are data.
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      SchemaNode.Field field = properties == null ? null : properties.get(entry.getKey());
      SchemaNode child = field != null ? field.node() : schema.additional;
      if (field == null && !schema.additionalAllowed) {
        if (dropUnknown) {
          path.add(entry.getKey());
          unknownField();
          path.remove(path.size() - 1);
          it.remove();
        }
        continue;
      }
      if (child == null) {
        continue;
      }
      JsonNode value = entry.getValue();
      if (value.isContainerNode()) {
        path.add(entry.getKey());
        walk(value, child);
        path.remove(path.size() - 1);
        if (field != null
            && value.isEmpty()
            && (value.isArray() ? field.dropEmptyList() : field.dropEmptyMap())) {
          it.remove();
        }
      } else if (child.time != SchemaNode.Time.NONE && value.isTextual()) {
        path.add(entry.getKey());
        String normalised = time(value.textValue(), child.time);
        path.remove(path.size() - 1);
        if (normalised != null) {
          entry.setValue(TextNode.valueOf(normalised));
        }
      }
    }
  }

  /** The re-encoded time, or null when it is already so (or invalid, which is recorded). */
  private String time(String text, SchemaNode.Time kind) {
    String normalised = Rfc3339.normalise(text, kind == SchemaNode.Time.MICROS);
    if (normalised == null) {
      if (invalidTimes == null) {
        invalidTimes = new ArrayList<>();
      }
      invalidTimes.add(
          "parsing time \""
              + text
              + "\" in "
              + pathText()
              + ": not an RFC 3339 date-time ("
              + (kind == SchemaNode.Time.MICROS ? Rfc3339.MICRO_LAYOUT : Rfc3339.LAYOUT)
              + ")");
      return null;
    }
    return normalised.equals(text) ? null : normalised;
  }

  private void unknownField() {
    if (unknown == null) {
      unknown = new ArrayList<>();
    }
    unknown.add(pathText());
  }

  private String pathText() {
    StringBuilder b = new StringBuilder();
    for (Object segment : path) {
      if (segment instanceof Integer index) {
        b.append('[').append(index).append(']');
      } else {
        if (b.length() > 0) {
          b.append('.');
        }
        b.append(segment);
      }
    }
    return b.toString();
  }
}
