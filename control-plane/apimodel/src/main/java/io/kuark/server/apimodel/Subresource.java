package io.kuark.server.apimodel;

import java.util.List;

/**
 * A subresource of a {@link ResourceType}, e.g. {@code pods/status} or {@code deployments/scale}.
 *
 * @param name the part after the slash ({@code status}, {@code scale}, {@code log}, ...)
 * @param kind the kind served/accepted at that path ({@code Pod} for status, {@code Scale} for
 *     scale, {@code Binding} for binding, ...)
 * @param group the group of {@code kind} when it differs from the parent's group (e.g. {@code
 *     autoscaling} for Scale), otherwise null
 * @param version the version of {@code kind} when it differs from the parent's, otherwise null
 * @param verbs the verbs discovery advertises for it, e.g. {@code [get, patch, update]}
 */
public record Subresource(
    String name, String kind, String group, String version, List<String> verbs) {

  public Subresource {
    verbs = List.copyOf(verbs);
  }

  /** The common {@code status} subresource: get, patch and update of the parent kind. */
  public static Subresource status(String parentKind) {
    return new Subresource("status", parentKind, null, null, List.of("get", "patch", "update"));
  }

  /** The {@code scale} subresource serving {@code autoscaling/v1 Scale}. */
  public static Subresource scale() {
    return new Subresource(
        "scale", "Scale", "autoscaling", "v1", List.of("get", "patch", "update"));
  }

  /** True when this is {@code status}. */
  public boolean isStatus() {
    return "status".equals(name);
  }
}
