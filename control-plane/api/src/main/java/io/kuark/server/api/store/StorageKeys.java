package io.kuark.server.api.store;

import io.kuark.server.apimodel.ResourceType;

/**
 * Storage key layout: {@code /registry/<group or core>/<plural>/<namespace>/<name>} for namespaced
 * objects and {@code /registry/<group or core>/<plural>/<name>} for cluster-scoped ones. Versions
 * of one resource share the key space (one stored version per group/resource).
 */
public final class StorageKeys {

  private StorageKeys() {}

  public static String key(ResourceType type, String namespace, String name) {
    return type.namespaced() ? typePrefix(type) + namespace + "/" + name : typePrefix(type) + name;
  }

  /** Prefix of every object of the type (all namespaces), ends with a slash. */
  public static String typePrefix(ResourceType type) {
    return typePrefix(type.group(), type.plural());
  }

  public static String typePrefix(String group, String plural) {
    return "/registry/" + (group.isEmpty() ? "core" : group) + "/" + plural + "/";
  }

  /** Prefix for a list: one namespace, or all when {@code namespace} is empty. */
  public static String listPrefix(ResourceType type, String namespace) {
    if (type.namespaced() && namespace != null && !namespace.isEmpty()) {
      return typePrefix(type) + namespace + "/";
    }
    return typePrefix(type);
  }
}
