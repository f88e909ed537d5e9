package io.kuark.server.apimodel.table;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Small formatting helpers shared by the printers, following upstream's printing conventions. */
final class Cells {

  static final String NONE = "<none>";

  private Cells() {}

  /** Text at a path, or "" when missing/null. */
  static String text(JsonNode node, String... path) {
    JsonNode n = at(node, path);
    return n.isMissingNode() || n.isNull() ? "" : n.asText();
  }

  /** Integer at a path, or {@code dflt}. */
  static long num(JsonNode node, long dflt, String... path) {
    JsonNode n = at(node, path);
    return n.isNumber() ? n.asLong() : dflt;
  }

  static JsonNode at(JsonNode node, String... path) {
    JsonNode n = node;
    for (String p : path) {
      n = n.path(p);
    }
    return n;
  }

  static String orUnset(String s) {
    return s == null || s.isEmpty() ? "<unset>" : s;
  }

  static String orNone(String s) {
    return s == null || s.isEmpty() ? NONE : s;
  }

  /**
   * Upstream's labels.FormatLabels: sorted {@code k=v} joined by commas, {@code <none>} when empty.
   */
  static String labels(JsonNode map) {
    if (map == null || !map.isObject() || map.isEmpty()) {
      return NONE;
    }
    Map<String, String> sorted = new TreeMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = map.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      sorted.put(e.getKey(), e.getValue().asText());
    }
    List<String> parts = new ArrayList<>();
    sorted.forEach((k, v) -> parts.add(k + "=" + v));
    return String.join(",", parts);
  }

  /**
   * Upstream's metav1.FormatLabelSelector: requirements sorted by key ({@code k=v}, {@code k in
   * (a,b)}, {@code k notin (a,b)}, {@code k}, {@code !k}), {@code <none>} when it selects
   * everything.
   */
  static String selector(JsonNode sel) {
    if (sel == null || !sel.isObject()) {
      return NONE;
    }
    TreeMap<String, List<String>> byKey = new TreeMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = sel.path("matchLabels").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      byKey
          .computeIfAbsent(e.getKey(), k -> new ArrayList<>())
          .add(e.getKey() + "=" + e.getValue().asText());
    }
    for (JsonNode expr : sel.path("matchExpressions")) {
      String key = expr.path("key").asText();
      TreeSet<String> values = new TreeSet<>();
      expr.path("values").forEach(v -> values.add(v.asText()));
      String req =
          switch (expr.path("operator").asText()) {
            case "In" -> key + " in (" + String.join(",", values) + ")";
            case "NotIn" -> key + " notin (" + String.join(",", values) + ")";
            case "Exists" -> key;
            case "DoesNotExist" -> "!" + key;
            default -> "<error>";
          };
      byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(req);
    }
    List<String> parts = new ArrayList<>();
    byKey.values().forEach(parts::addAll);
    return parts.isEmpty() ? NONE : String.join(",", parts);
  }

  /** Names of containers joined by commas. */
  static String containerNames(JsonNode containers) {
    List<String> out = new ArrayList<>();
    containers.forEach(c -> out.add(c.path("name").asText()));
    return String.join(",", out);
  }

  /** Images of containers joined by commas. */
  static String containerImages(JsonNode containers) {
    List<String> out = new ArrayList<>();
    containers.forEach(c -> out.add(c.path("image").asText()));
    return String.join(",", out);
  }

  /** Upstream's "list with more": at most 3 entries then {@code + N more...}. */
  static String listWithMore(List<String> values, String whenEmpty) {
    int max = 3;
    if (values.isEmpty()) {
      return whenEmpty;
    }
    if (values.size() <= max) {
      return String.join(",", values);
    }
    return String.join(",", values.subList(0, max)) + " + " + (values.size() - max) + " more...";
  }

  /** Size of an object or array node, 0 when missing. */
  static int size(JsonNode n) {
    return n == null || n.isMissingNode() || n.isNull() ? 0 : n.size();
  }

  /** Access modes in kubectl's short form (RWO, ROX, RWX, RWOP). */
  static String accessModes(JsonNode modes) {
    List<String> out = new ArrayList<>();
    for (String[] m :
        new String[][] {
          {"ReadWriteOnce", "RWO"},
          {"ReadOnlyMany", "ROX"},
          {"ReadWriteMany", "RWX"},
          {"ReadWriteOncePod", "RWOP"}
        }) {
      for (JsonNode n : modes) {
        if (n.asText().equals(m[0])) {
          out.add(m[1]);
          break;
        }
      }
    }
    return String.join(",", out);
  }
}
