package io.kuark.server.apimodel.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.kuark.server.apimodel.validation.FieldError;
import io.kuark.server.apimodel.validation.MetadataValidator;
import io.kuark.server.apimodel.validation.NameRules;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Label selector checks shared by workloads: syntax, non-empty, and matching template labels. */
final class Selectors {

  private static final List<String> OPERATORS = List.of("In", "NotIn", "Exists", "DoesNotExist");

  private Selectors() {}

  /** True when the selector (matchLabels + matchExpressions) selects the given labels. */
  static boolean matches(JsonNode selector, JsonNode labels) {
    Iterator<Map.Entry<String, JsonNode>> it = selector.path("matchLabels").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!labels.has(e.getKey())
          || !labels.get(e.getKey()).asText().equals(e.getValue().asText())) {
        return false;
      }
    }
    for (JsonNode expr : selector.path("matchExpressions")) {
      String key = expr.path("key").asText();
      boolean has = labels.has(key);
      List<String> values = new ArrayList<>();
      expr.path("values").forEach(v -> values.add(v.asText()));
      boolean ok =
          switch (expr.path("operator").asText()) {
            case "In" -> has && values.contains(labels.get(key).asText());
            case "NotIn" -> !has || !values.contains(labels.get(key).asText());
            case "Exists" -> has;
            case "DoesNotExist" -> !has;
            default -> false;
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  static boolean isEmpty(JsonNode selector) {
    return selector.path("matchLabels").size() == 0
        && selector.path("matchExpressions").size() == 0;
  }

  /**
   * A workload's selector must be present, non-empty, well-formed and match the template's labels.
   */
  static void validateWorkload(JsonNode spec, String kind, List<FieldError> errs) {
    JsonNode selector = spec.path("selector");
    if (!selector.isObject()) {
      errs.add(FieldError.required("spec.selector", null));
      return;
    }
    syntax(selector, "spec.selector", errs);
    if (isEmpty(selector)) {
      errs.add(
          FieldError.invalid(
              "spec.selector", goSelector(selector), "empty selector is invalid for " + kind));
      return;
    }
    JsonNode labels = spec.path("template").path("metadata").path("labels");
    if (!matches(selector, labels)) {
      errs.add(
          FieldError.invalid(
              "spec.template.metadata.labels",
              goMap(labels),
              "`selector` does not match template `labels`"));
    }
  }

  static void syntax(JsonNode selector, String path, List<FieldError> errs) {
    MetadataValidator.labels(selector.path("matchLabels"), path + ".matchLabels", errs);
    JsonNode exprs = selector.path("matchExpressions");
    for (int i = 0; i < exprs.size(); i++) {
      JsonNode e = exprs.get(i);
      String p = path + ".matchExpressions[" + i + "]";
      String op = e.path("operator").asText("");
      if (!OPERATORS.contains(op)) {
        errs.add(FieldError.invalid(p + ".operator", op, "not a valid selector operator"));
      }
      int n = e.path("values").size();
      if ((op.equals("In") || op.equals("NotIn")) && n == 0) {
        errs.add(
            FieldError.required(
                p + ".values", "must be specified when `operator` is 'In' or 'NotIn'"));
      }
      if ((op.equals("Exists") || op.equals("DoesNotExist")) && n > 0) {
        errs.add(
            FieldError.forbidden(
                p + ".values",
                "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      }
      for (String m : NameRules.qualifiedName(e.path("key").asText(""))) {
        errs.add(FieldError.invalid(p + ".key", e.path("key").asText(""), m));
      }
    }
  }

  /** Go's %#v of a map[string]string, as upstream messages show label maps. */
  static RawValue goMap(JsonNode labels) {
    TreeMap<String, String> sorted = new TreeMap<>();
    labels.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue().asText()));
    List<String> parts = new ArrayList<>();
    sorted.forEach((k, v) -> parts.add(new TextNode(k) + ":" + new TextNode(v)));
    return new RawValue("map[string]string{" + String.join(", ", parts) + "}");
  }

  /** Go's %#v of a v1.LabelSelector (approximate for matchExpressions). */
  static RawValue goSelector(JsonNode selector) {
    String labels =
        selector.path("matchLabels").size() == 0
            ? "map[string]string(nil)"
            : goMap(selector.path("matchLabels")).text();
    String exprs =
        selector.path("matchExpressions").size() == 0
            ? "[]v1.LabelSelectorRequirement(nil)"
            : "[]v1.LabelSelectorRequirement{...}";
    return new RawValue(
        "v1.LabelSelector{MatchLabels:" + labels + ", MatchExpressions:" + exprs + "}");
  }

  /** A value already rendered the way upstream prints it. */
  record RawValue(String text) {
    @Override
    public String toString() {
      return text;
    }
  }
}
