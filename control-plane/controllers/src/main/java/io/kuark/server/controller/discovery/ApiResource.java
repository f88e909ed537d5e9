package io.kuark.server.controller.discovery;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Set;

/** One served resource type (preferred version of its group), as discovery lists it. */
public record ApiResource(
    String group,
    String version,
    String plural,
    String kind,
    boolean namespaced,
    Set<String> verbs) {

  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  public boolean supports(String verb) {
    return verbs.contains(verb);
  }

  public ResourceDefinitionContext context() {
    return new ResourceDefinitionContext.Builder()
        .withGroup(group)
        .withVersion(version)
        .withPlural(plural)
        .withKind(kind)
        .withNamespaced(namespaced)
        .build();
  }

  /**
   * The group part of an apiVersion string ({@code apps/v1} → {@code apps}, {@code v1} → empty).
   */
  public static String groupOf(String apiVersion) {
    int slash = apiVersion == null ? -1 : apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }
}
