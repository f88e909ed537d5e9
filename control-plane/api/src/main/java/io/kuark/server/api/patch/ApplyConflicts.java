package io.kuark.server.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.ApiException;
import io.kuark.server.api.http.Json;
import io.kuark.server.api.http.Statuses;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Server-side apply ownership conflicts as upstream reports them: a field another manager owns that
 * the apply would change (found by {@link ManagedFields#apply}).
 */
public final class ApplyConflicts {

  /**
   * @param manager the other manager's entry in managedFields
   * @param path the fieldsV1 keys from the root to the field
   * @param field the field path as upstream prints it ({@code .spec.replicas})
   */
  public record Conflict(JsonNode manager, List<String> path, String field) {}

  private ApplyConflicts() {}

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

  /**
   * A manager as upstream prints it: {@code "mgr"} for an applier, {@code "mgr" using apps/v1} for
   * an updater, with {@code with subresource "scale"} after the name when it wrote a subresource.
   * Upstream prints manager identities, which carry no time.
   */
  private static String describe(JsonNode entry) {
    StringBuilder s = new StringBuilder(Json.string(entry.path("manager")));
    String sub = entry.path("subresource").asText("");
    if (!sub.isEmpty()) {
      s.append(" with subresource ").append(Json.string(entry.path("subresource")));
    }
    if (entry.path("operation").asText().equals("Update")) {
      s.append(" using ").append(entry.path("apiVersion").asText());
    }
    return s.toString();
  }
}
