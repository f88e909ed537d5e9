package io.kuark.server.api.handler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.apimodel.openapi.UnknownFields;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code fieldValidation} query parameter for unknown fields of built-in kinds: {@code Strict}
 * rejects them (400 BadRequest, "strict decoding error"), {@code Warn} (the default) and {@code
 * Ignore} drop them, Warn also returning one warning per field, as upstream's decoder does.
 */
final class FieldValidation {

  private FieldValidation() {}

  /**
   * Checks {@code object} and removes its unknown fields.
   *
   * @return warnings for the {@code Warning} header
   */
  static List<String> apply(ResourceType type, ObjectNode object, String mode) {
    if (type.modelClass() == null) {
      return List.of();
    }
    String m = mode == null || mode.isEmpty() ? "Warn" : mode;
    if (!m.equals("Strict") && !m.equals("Warn") && !m.equals("Ignore")) {
      throw Statuses.badRequest(
          "fieldValidation must be one of \"Ignore\", \"Warn\", or \"Strict\", got \""
              + mode
              + "\"");
    }
    List<String> unknown = UnknownFields.find(type, object);
    if (unknown.isEmpty()) {
      return List.of();
    }
    List<String> messages = new ArrayList<>();
    for (String field : unknown) {
      messages.add("unknown field \"" + field + "\"");
    }
    if (m.equals("Strict")) {
      throw Statuses.badRequest(
          type.kind()
              + " in version \""
              + type.version()
              + "\" cannot be handled as a "
              + type.kind()
              + ": strict decoding error: "
              + String.join(", ", messages));
    }
    for (String field : unknown) {
      remove(object, field);
    }
    return m.equals("Warn") ? messages : List.of();
  }

  /** Removes the field at a path like {@code spec.containers[0].imagePullPolicyy}. */
  static void remove(ObjectNode root, String path) {
    JsonNode node = root;
    String[] parts = path.split("\\.");
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      List<Integer> indexes = new ArrayList<>();
      int bracket = part.indexOf('[');
      String name = bracket < 0 ? part : part.substring(0, bracket);
      while (bracket >= 0) {
        int close = part.indexOf(']', bracket);
        if (close < 0) {
          return;
        }
        try {
          indexes.add(Integer.parseInt(part.substring(bracket + 1, close)));
        } catch (NumberFormatException e) {
          return;
        }
        bracket = part.indexOf('[', close);
      }
      boolean last = i == parts.length - 1;
      if (last && indexes.isEmpty()) {
        if (node instanceof ObjectNode o) {
          o.remove(name);
        }
        return;
      }
      node = node.path(name);
      for (int index : indexes) {
        node = node instanceof ArrayNode a ? a.path(index) : node.path(index);
      }
      if (node.isMissingNode()) {
        return;
      }
    }
  }
}
