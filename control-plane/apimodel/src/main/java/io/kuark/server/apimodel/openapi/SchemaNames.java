package io.kuark.server.apimodel.openapi;

import java.util.Map;
import java.util.Set;

/**
 * Maps fabric8 model classes to upstream OpenAPI definition names, e.g. {@code
 * io.fabric8.kubernetes.api.model.apps.Deployment} → {@code io.k8s.api.apps.v1.Deployment} and
 * {@code ObjectMeta} → {@code io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta}.
 */
final class SchemaNames {

  static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1.";
  static final String INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
  static final String QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
  private static final String FABRIC8 = "io.fabric8.kubernetes.api.model";

  private static final Set<String> META_KINDS =
      Set.of(
          "ObjectMeta",
          "ListMeta",
          "LabelSelector",
          "LabelSelectorRequirement",
          "OwnerReference",
          "ManagedFieldsEntry",
          "FieldsV1",
          "Status",
          "StatusDetails",
          "StatusCause",
          "DeleteOptions",
          "Preconditions",
          "Condition",
          "MicroTime",
          "Time",
          "APIResource",
          "APIResourceList",
          "APIGroup",
          "APIGroupList",
          "APIVersions",
          "GroupVersionForDiscovery",
          "ServerAddressByClientCIDR",
          "WatchEvent",
          "Patch",
          "TypeMeta",
          "ListOptions",
          "GetOptions",
          "CreateOptions",
          "UpdateOptions",
          "PatchOptions",
          "RootPaths",
          "GroupVersionKind",
          "GroupVersionResource");

  /** Sub-package of the fabric8 model → upstream package prefix. */
  private static final Map<String, String> PACKAGES =
      Map.ofEntries(
          Map.entry("", "io.k8s.api.core.v1."),
          Map.entry("apps", "io.k8s.api.apps.v1."),
          Map.entry("batch.v1", "io.k8s.api.batch.v1."),
          Map.entry("discovery.v1", "io.k8s.api.discovery.v1."),
          Map.entry("coordination.v1", "io.k8s.api.coordination.v1."),
          Map.entry("events.v1", "io.k8s.api.events.v1."),
          Map.entry("rbac", "io.k8s.api.rbac.v1."),
          Map.entry("storage", "io.k8s.api.storage.v1."),
          Map.entry("networking.v1", "io.k8s.api.networking.v1."),
          Map.entry("policy.v1", "io.k8s.api.policy.v1."),
          Map.entry("scheduling.v1", "io.k8s.api.scheduling.v1."),
          Map.entry("node.v1", "io.k8s.api.node.v1."),
          Map.entry(
              "apiextensions.v1", "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1."),
          Map.entry("authentication", "io.k8s.api.authentication.v1."),
          Map.entry("authorization.v1", "io.k8s.api.authorization.v1."),
          Map.entry("autoscaling.v1", "io.k8s.api.autoscaling.v1."));

  private SchemaNames() {}

  /** The upstream definition name for a model class. */
  static String of(Class<?> c) {
    String simple = c.getSimpleName();
    if (simple.equals("IntOrString")) {
      return INT_OR_STRING;
    }
    if (simple.equals("Quantity")) {
      return QUANTITY;
    }
    String pkg = c.getPackageName();
    if (!pkg.startsWith(FABRIC8)) {
      return pkg + "." + simple;
    }
    String sub = pkg.length() == FABRIC8.length() ? "" : pkg.substring(FABRIC8.length() + 1);
    if (sub.isEmpty() && META_KINDS.contains(simple)) {
      return META + simple;
    }
    String prefix = PACKAGES.get(sub);
    return (prefix != null ? prefix : "io.k8s.api." + sub + ".") + simple;
  }

  /**
   * The definition name upstream gives a custom resource kind: the group reversed, then version and
   * kind ({@code stable.example.com}, v1, CronTab → {@code com.example.stable.v1.CronTab}).
   */
  static String forCustomResource(String group, String version, String kind) {
    String[] parts = group.split("\\.");
    StringBuilder b = new StringBuilder();
    for (int i = parts.length - 1; i >= 0; i--) {
      b.append(parts[i]).append('.');
    }
    return b.append(version).append('.').append(kind).toString();
  }
}
