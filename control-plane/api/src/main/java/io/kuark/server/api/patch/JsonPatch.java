package io.kuark.server.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** RFC 6902 JSON Patch ({@code application/json-patch+json}). */
public final class JsonPatch {

  private JsonPatch() {}

  /**
   * Applies {@code patch} (an array of operations) to a copy of {@code target}.
   *
   * @throws PatchException when an operation fails (missing path, failed test, bad op)
   */
  public static JsonNode apply(JsonNode target, JsonNode patch) {
    if (!patch.isArray()) {
      throw new PatchException("a JSON patch must be an array of operations");
    }
    JsonNode doc = target.deepCopy();
    for (JsonNode op : patch) {
      doc = applyOne(doc, op);
    }
    return doc;
  }

  private static JsonNode applyOne(JsonNode doc, JsonNode op) {
    String kind = op.path("op").asText("");
    String path = text(op, "path");
    switch (kind) {
      case "add":
        return add(doc, path, value(op));
      case "remove":
        return remove(doc, path);
      case "replace":
        doc = remove(doc, path);
        return add(doc, path, value(op));
      case "move":
        {
          String from = text(op, "from");
          JsonNode moved = get(doc, from);
          doc = remove(doc, from);
          return add(doc, path, moved);
        }
      case "copy":
        return add(doc, path, get(doc, text(op, "from")).deepCopy());
      case "test":
        if (!get(doc, path).equals(value(op))) {
          throw new PatchException("testing value " + path + " failed");
        }
        return doc;
      default:
        throw new PatchException("Unexpected kind: " + kind);
    }
  }

  private static String text(JsonNode op, String field) {
    JsonNode v = op.get(field);
    if (v == null || !v.isTextual()) {
      throw new PatchException("operation missing \"" + field + "\" string");
    }
    return v.asText();
  }

  private static JsonNode value(JsonNode op) {
    JsonNode v = op.get("value");
    if (v == null) {
      throw new PatchException("operation missing \"value\"");
    }
    return v.deepCopy();
  }

  static List<String> pointer(String path) {
    List<String> out = new ArrayList<>();
    if (path.isEmpty()) {
      return out;
    }
    if (!path.startsWith("/")) {
      throw new PatchException("invalid JSON pointer: " + path);
    }
    for (String part : path.substring(1).split("/", -1)) {
      out.add(part.replace("~1", "/").replace("~0", "~"));
    }
    return out;
  }

  private static JsonNode get(JsonNode doc, String path) {
    JsonNode node = doc;
    for (String part : pointer(path)) {
      node = child(node, part, path);
    }
    return node;
  }

  private static JsonNode child(JsonNode node, String part, String path) {
    JsonNode next = null;
    if (node.isObject()) {
      next = node.get(part);
    } else if (node.isArray()) {
      next = node.get(index(part, node.size(), false, path));
    }
    if (next == null) {
      throw new PatchException("doc is missing path: " + path);
    }
    return next;
  }

  private static JsonNode add(JsonNode doc, String path, JsonNode value) {
    List<String> parts = pointer(path);
    if (parts.isEmpty()) {
      return value;
    }
    JsonNode parent = doc;
    for (String part : parts.subList(0, parts.size() - 1)) {
      parent = child(parent, part, path);
    }
    String last = parts.get(parts.size() - 1);
    if (parent instanceof ObjectNode object) {
      object.set(last, value);
    } else if (parent instanceof ArrayNode array) {
      if (last.equals("-")) {
        array.add(value);
      } else {
        array.insert(index(last, array.size(), true, path), value);
      }
    } else {
      throw new PatchException("doc is missing path: " + path);
    }
    return doc;
  }

  private static JsonNode remove(JsonNode doc, String path) {
    List<String> parts = pointer(path);
    if (parts.isEmpty()) {
      throw new PatchException("cannot remove the whole document");
    }
    JsonNode parent = doc;
    for (String part : parts.subList(0, parts.size() - 1)) {
      parent = child(parent, part, path);
    }
    String last = parts.get(parts.size() - 1);
    if (parent instanceof ObjectNode object) {
      if (!object.has(last)) {
        throw new PatchException("Unable to remove nonexistent key: " + last + ": missing value");
      }
      object.remove(last);
    } else if (parent instanceof ArrayNode array) {
      array.remove(index(last, array.size(), false, path));
    } else {
      throw new PatchException("doc is missing path: " + path);
    }
    return doc;
  }

  private static int index(String part, int size, boolean forInsert, String path) {
    int i;
    try {
      i = Integer.parseInt(part);
    } catch (NumberFormatException e) {
      throw new PatchException("invalid array index in " + path);
    }
    if (i < 0 || i > size || (!forInsert && i == size)) {
      throw new PatchException("array index out of bounds in " + path);
    }
    return i;
  }
}
