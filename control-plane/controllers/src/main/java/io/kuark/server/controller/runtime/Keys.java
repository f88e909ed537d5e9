package io.kuark.server.controller.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * {@code namespace/name} keys (just {@code name} for cluster-scoped objects), as client-go forms
 * them.
 */
public final class Keys {
  private Keys() {}

  public static String of(HasMetadata obj) {
    return of(obj.getMetadata().getNamespace(), obj.getMetadata().getName());
  }

  public static String of(String namespace, String name) {
    return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
  }

  /** The namespace part of a key, or the empty string for cluster-scoped keys. */
  public static String namespace(String key) {
    int slash = key.indexOf('/');
    return slash < 0 ? "" : key.substring(0, slash);
  }

  public static String name(String key) {
    int slash = key.indexOf('/');
    return slash < 0 ? key : key.substring(slash + 1);
  }
}
