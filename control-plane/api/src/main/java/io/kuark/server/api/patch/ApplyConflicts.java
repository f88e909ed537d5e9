package io.kuark.server.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.ApiException;
import io.kuark.server.api.http.Json;
import io.kuark.server.api.http.Statuses;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Server-side apply ownership conflicts, as upstream's field manager reports them: a field the
 * applier sets that another manager (of the same subresource) owns is a conflict when the applied
 * value differs from the object's current value. With {@code force} the applier takes the field: it
 * is removed from the other managers' sets (and a manager left with nothing is dropped).
 */
public final class ApplyConflicts {

  /**
   * @param manager the other manager's entry in managedFields
   * @param path the fieldsV1 keys from the root to the field
   * @param field the field path as upstream prints it ({@code .spec.replicas})
   */
  public record Conflict(JsonNode manager, List<String> path, String field) {}

  private ApplyConflicts() {}

  /**
   * Conflicts between {@code appliedFields} (the fieldsV1 of {@code applied}) and the other
   * managers of {@code current}.
   */
  public static List<Conflict> find(
      ObjectNode current,
      ObjectNode applied,
      ObjectNode appliedFields,
      String manager,
      String subresource) {
    List<Conflict> out = new ArrayList<>();
    for (JsonNode entry : current.path("metadata").path("managedFields")) {
      if (!entry.path("subresource").asText("").equals(subresource)) {
        continue;
      }
      boolean self =
          entry.path("manager").asText().equals(manager)
              && entry.path("operation").asText().equals("Apply");
      if (self || !entry.path("fieldsV1").isObject()) {
        continue;
      }
      walk(
          appliedFields,
          entry.path("fieldsV1"),
          applied,
          current,
          new ArrayList<>(),
          "",
          entry,
          out);
    }
    return out;
  }

  private static void walk(
      JsonNode mine,
      JsonNode theirs,
      JsonNode appliedNode,
      JsonNode currentNode,
      List<String> path,
      String text,
      JsonNode manager,
      List<Conflict> out) {
    Iterator<String> keys = mine.fieldNames();
    while (keys.hasNext()) {
      String key = keys.next();
      if (key.equals(".") || !theirs.has(key) || key.startsWith("v:")) {
        continue;
      }
      JsonNode myChild = mine.get(key);
      JsonNode appliedChild = step(appliedNode, key);
      JsonNode currentChild = step(currentNode, key);
      path.add(key);
      String field = text + render(key);
      if (isLeaf(myChild)) {
        if (!key.startsWith("k:") && !appliedChild.equals(currentChild)) {
          out.add(new Conflict(manager, List.copyOf(path), field));
        }
      } else {
        walk(myChild, theirs.get(key), appliedChild, currentChild, path, field, manager, out);
      }
      path.remove(path.size() - 1);
    }
  }

  private static boolean isLeaf(JsonNode set) {
    Iterator<String> names = set.fieldNames();
    while (names.hasNext()) {
      if (!names.next().equals(".")) {
        return false;
      }
    }
    return true;
  }

  /** The child of {@code node} a fieldsV1 key names (missing when absent). */
  private static JsonNode step(JsonNode node, String key) {
    if (key.startsWith("f:")) {
      return node.path(key.substring(2));
    }
    if (key.startsWith("k:") && node.isArray()) {
      JsonNode wanted = Json.parseBody(key.substring(2).getBytes(), "application/json");
      for (JsonNode item : node) {
        boolean all = true;
        Iterator<Map.Entry<String, JsonNode>> it = wanted.fields();
        while (it.hasNext()) {
          Map.Entry<String, JsonNode> e = it.next();
          all &= item.path(e.getKey()).equals(e.getValue());
        }
        if (all) {
          return item;
        }
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  /** {@code .name}, {@code [name="app"]}, as upstream prints field paths. */
  private static String render(String key) {
    if (key.startsWith("f:")) {
      return "." + key.substring(2);
    }
    if (key.startsWith("k:")) {
      JsonNode fields = Json.parseBody(key.substring(2).getBytes(), "application/json");
      List<String> parts = new ArrayList<>();
      fields
          .fields()
          .forEachRemaining(e -> parts.add(e.getKey() + "=" + Json.string(e.getValue())));
      return "[" + String.join(",", parts) + "]";
    }
    if (key.startsWith("v:")) {
      return "[=" + key.substring(2) + "]";
    }
    return "[" + key + "]";
  }

  /** Upstream's 409 for apply conflicts. */
  public static ApiException error(List<Conflict> conflicts) {
    ObjectNode details = Json.object();
    ArrayNode causes = details.putArray("causes");
    Map<String, List<String>> byManager = new TreeMap<>();
    for (Conflict c : conflicts) {
      String who = describe(c.manager());
      causes
          .addObject()
          .put("reason", "FieldManagerConflict")
          .put("message", "conflict with " + who)
          .put("field", c.field());
      byManager.computeIfAbsent(who, k -> new ArrayList<>()).add(c.field());
    }
    String message;
    if (conflicts.size() == 1) {
      message =
          "Apply failed with 1 conflict: conflict with "
              + describe(conflicts.get(0).manager())
              + ": "
              + conflicts.get(0).field();
    } else {
      List<String> lines = new ArrayList<>();
      byManager.forEach(
          (who, fields) -> {
            lines.add("conflicts with " + who + ":");
            fields.forEach(f -> lines.add("- " + f));
          });
      message = "Apply failed with " + conflicts.size() + " conflicts: " + String.join("\n", lines);
    }
    return Statuses.failure(409, "Conflict", message, details);
  }

  /** {@code "mgr" using apps/v1}, with the subresource and, for updaters, the time. */
  private static String describe(JsonNode entry) {
    StringBuilder s = new StringBuilder(Json.string(entry.path("manager")));
    String sub = entry.path("subresource").asText("");
    if (!sub.isEmpty()) {
      s.append(" with subresource ").append(Json.string(entry.path("subresource")));
    }
    s.append(" using ").append(entry.path("apiVersion").asText());
    if (entry.path("operation").asText().equals("Update") && entry.hasNonNull("time")) {
      s.append(" at ").append(entry.path("time").asText());
    }
    return s.toString();
  }

  /** Removes the conflicting fields from their managers in {@code object}'s managedFields. */
  public static void takeOwnership(ObjectNode object, List<Conflict> conflicts) {
    JsonNode entries = object.path("metadata").path("managedFields");
    if (!entries.isArray()) {
      return;
    }
    Map<JsonNode, List<List<String>>> byEntry = new LinkedHashMap<>();
    for (Conflict c : conflicts) {
      byEntry.computeIfAbsent(c.manager(), k -> new ArrayList<>()).add(c.path());
    }
    ArrayNode kept = Json.NODES.arrayNode();
    for (JsonNode entry : entries) {
      List<List<String>> lost = byEntry.get(entry);
      if (lost == null) {
        kept.add(entry);
        continue;
      }
      ObjectNode copy = entry.deepCopy();
      ObjectNode fields = (ObjectNode) copy.get("fieldsV1");
      for (List<String> path : lost) {
        remove(fields, path, 0);
      }
      if (!fields.isEmpty()) {
        kept.add(copy);
      }
    }
    ((ObjectNode) object.get("metadata")).set("managedFields", kept);
  }

  /** Removes {@code path} and then every parent left with nothing but {@code .} or nothing. */
  private static void remove(ObjectNode set, List<String> path, int i) {
    JsonNode child = set.get(path.get(i));
    if (child == null) {
      return;
    }
    if (i == path.size() - 1) {
      set.remove(path.get(i));
      return;
    }
    remove((ObjectNode) child, path, i + 1);
    if (child.isEmpty()) {
      set.remove(path.get(i));
    }
  }
}
