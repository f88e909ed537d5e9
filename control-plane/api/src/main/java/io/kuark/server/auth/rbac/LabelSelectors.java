package io.kuark.server.auth.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** metav1.LabelSelector (matchLabels and matchExpressions) matching over JSON labels. */
final class LabelSelectors {

  private LabelSelectors() {}

  /** An empty selector matches nothing here, as aggregation selectors must select something. */
  static boolean matches(JsonNode selector, JsonNode labels) {
    boolean any = false;
    Iterator<Map.Entry<String, JsonNode>> it = selector.path("matchLabels").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      any = true;
      if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
        return false;
      }
    }
    for (JsonNode expr : selector.path("matchExpressions")) {
      any = true;
      String key = expr.path("key").asText();
      List<String> values = new ArrayList<>();
      expr.path("values").forEach(v -> values.add(v.asText()));
      boolean has = labels.has(key);
      String value = labels.path(key).asText();
      switch (expr.path("operator").asText()) {
        case "In":
          if (!has || !values.contains(value)) {
            return false;
          }
          break;
        case "NotIn":
          if (has && values.contains(value)) {
            return false;
          }
          break;
        case "Exists":
          if (!has) {
            return false;
          }
          break;
        case "DoesNotExist":
          if (has) {
            return false;
          }
          break;
        default:
          return false;
      }
    }
    return any;
  }
}
