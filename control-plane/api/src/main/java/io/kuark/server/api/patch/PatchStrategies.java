package io.kuark.server.api.patch;

import java.util.List;
import java.util.Map;

/**
 * The patch strategies of the list fields of built-in types that strategic merge patch and
 * server-side apply honour. Looked up by field name and, where one name means different things, by
 * the enclosing field (e.g. {@code ports} of a Service spec merge on {@code port}, of a container
 * on {@code containerPort}). Lists not named here are atomic, as upstream treats fields without a
 * patch strategy (and as it treats custom resources).
 */
public final class PatchStrategies {

  private static final Map<String, ListStrategy> BY_FIELD =
      Map.ofEntries(
          Map.entry("containers", ListStrategy.byKey("name")),
          Map.entry("initContainers", ListStrategy.byKey("name")),
          Map.entry("ephemeralContainers", ListStrategy.byKey("name")),
          Map.entry("env", ListStrategy.byKey("name")),
          Map.entry("volumes", ListStrategy.byKey("name")),
          Map.entry("volumeMounts", ListStrategy.byKey("mountPath")),
          Map.entry("volumeDevices", ListStrategy.byKey("devicePath")),
          Map.entry("conditions", ListStrategy.byKey("type")),
          Map.entry("imagePullSecrets", ListStrategy.byKey("name")),
          Map.entry("hostAliases", ListStrategy.byKey("ip")),
          Map.entry("ownerReferences", ListStrategy.byKey("uid")),
          Map.entry("topologySpreadConstraints", ListStrategy.byKey("topologyKey")),
          Map.entry("resourceClaims", ListStrategy.byKey("name")),
          Map.entry("podIPs", ListStrategy.byKey("ip")),
          Map.entry("hostIPs", ListStrategy.byKey("ip")),
          Map.entry("addresses", ListStrategy.byKey("type")),
          Map.entry("finalizers", ListStrategy.MERGE_SET));

  private PatchStrategies() {}

  /**
   * The strategy of the list at {@code path} (field names from the root, list items not counted),
   * for a built-in type; {@code builtIn=false} (custom resources) always gives REPLACE.
   */
  public static ListStrategy forPath(List<String> path, boolean builtIn) {
    if (!builtIn || path.isEmpty()) {
      return ListStrategy.REPLACE;
    }
    String field = path.get(path.size() - 1);
    String parent = path.size() > 1 ? path.get(path.size() - 2) : "";
    if (field.equals("ports")) {
      if (parent.equals("containers")
          || parent.equals("initContainers")
          || parent.equals("ephemeralContainers")) {
        return ListStrategy.byKey("containerPort");
      }
      if (parent.equals("spec")) {
        return ListStrategy.byKey("port");
      }
      return ListStrategy.REPLACE;
    }
    if (field.equals("addresses") && !parent.equals("status")) {
      // Only NodeStatus.addresses merges on type; endpoint addresses are atomic.
      return ListStrategy.REPLACE;
    }
    if (field.equals("finalizers") && !parent.equals("metadata")) {
      return ListStrategy.REPLACE;
    }
    return BY_FIELD.getOrDefault(field, ListStrategy.REPLACE);
  }
}
