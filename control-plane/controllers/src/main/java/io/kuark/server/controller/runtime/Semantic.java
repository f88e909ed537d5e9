package io.kuark.server.controller.runtime;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;
import java.util.Objects;

/**
 * Equality as the API would see it: both values rendered to JSON trees, so a null list and an empty
 * one (both omitted on the wire) compare equal. Controllers use it to skip no-op writes, which
 * would otherwise come back as watch events and loop.
 */
public final class Semantic {
  private Semantic() {}

  public static boolean equal(KubernetesSerialization json, Object a, Object b) {
    if (a == b) {
      return true;
    }
    if (a == null || b == null) {
      return isEmpty(json, a == null ? b : a);
    }
    return Objects.equals(json.convertValue(a, Object.class), json.convertValue(b, Object.class));
  }

  private static boolean isEmpty(KubernetesSerialization json, Object o) {
    Object tree = json.convertValue(o, Object.class);
    return tree == null
        || (tree instanceof Map<?, ?> m && m.isEmpty())
        || (tree instanceof java.util.List<?> l && l.isEmpty());
  }
}
