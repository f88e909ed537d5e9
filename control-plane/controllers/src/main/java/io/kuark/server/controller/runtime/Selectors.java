package io.kuark.server.controller.runtime;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;

/** Evaluates metav1.LabelSelector against label maps with upstream semantics. */
public final class Selectors {
  private Selectors() {}

  /**
   * True when {@code labels} satisfy {@code selector}. A null selector matches nothing; an empty
   * selector matches everything (as upstream's LabelSelectorAsSelector).
   */
  public static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    Map<String, String> actual = labels == null ? Map.of() : labels;
    if (selector.getMatchLabels() != null) {
      for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
        if (!e.getValue().equals(actual.get(e.getKey()))) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
        if (!matches(r.getKey(), r.getOperator(), r.getValues(), actual)) {
          return false;
        }
      }
    }
    return true;
  }

  /** One set-based requirement (In, NotIn, Exists, DoesNotExist) against {@code labels}. */
  public static boolean requirementMatches(
      String key, String operator, List<String> values, Map<String, String> labels) {
    return matches(key, operator, values, labels);
  }

  static boolean matches(
      String key, String operator, List<String> values, Map<String, String> labels) {
    String v = labels.get(key);
    switch (operator) {
      case "In":
        return v != null && values != null && values.contains(v);
      case "NotIn":
        return v == null || values == null || !values.contains(v);
      case "Exists":
        return labels.containsKey(key);
      case "DoesNotExist":
        return !labels.containsKey(key);
      default:
        return false;
    }
  }

  /**
   * A plain map selector (Service.spec.selector): every pair must match; empty matches nothing
   * here.
   */
  public static boolean matchesMap(Map<String, String> selector, Map<String, String> labels) {
    if (selector == null || selector.isEmpty()) {
      return false;
    }
    Map<String, String> actual = labels == null ? Map.of() : labels;
    for (Map.Entry<String, String> e : selector.entrySet()) {
      if (!e.getValue().equals(actual.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
