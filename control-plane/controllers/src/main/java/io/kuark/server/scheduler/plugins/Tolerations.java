package io.kuark.server.scheduler.plugins;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;

/** Upstream's toleration-matches-taint rules. */
public final class Tolerations {
  private Tolerations() {}

  public static boolean tolerates(Toleration t, Taint taint) {
    if (t.getEffect() != null
        && !t.getEffect().isEmpty()
        && !t.getEffect().equals(taint.getEffect())) {
      return false;
    }
    String key = t.getKey() == null ? "" : t.getKey();
    if (!key.isEmpty() && !key.equals(taint.getKey())) {
      return false;
    }
    String op = t.getOperator() == null || t.getOperator().isEmpty() ? "Equal" : t.getOperator();
    if ("Exists".equals(op)) {
      return true;
    }
    if ("Equal".equals(op)) {
      // An empty key with Equal matches nothing (validation forbids it anyway).
      String value = t.getValue() == null ? "" : t.getValue();
      String taintValue = taint.getValue() == null ? "" : taint.getValue();
      return !key.isEmpty() && value.equals(taintValue);
    }
    return false;
  }

  public static boolean tolerates(List<Toleration> tolerations, Taint taint) {
    if (tolerations == null) {
      return false;
    }
    for (Toleration t : tolerations) {
      if (tolerates(t, taint)) {
        return true;
      }
    }
    return false;
  }

  /** Upstream's wording for a taint in FailedScheduling messages: {@code {key: value}}. */
  public static String describe(Taint taint) {
    return "{" + taint.getKey() + ": " + (taint.getValue() == null ? "" : taint.getValue()) + "}";
  }
}
