package io.kuark.agent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;

/**
 * The object a patch is sent for. fabric8 patching a resource named only by {@code withName(..)}
 * first GETs it (to name the request): a second API round trip per write. Patching through {@code
 * resource(named(..))} names the request from this stub and sends the patch alone.
 */
public final class PatchTargets {
  private PatchTargets() {}

  /**
   * {@code empty} named {@code namespace}/{@code name} (namespace null for cluster-scoped kinds)
   * and, when not null, {@code uid}; nothing else is set.
   */
  public static <T extends HasMetadata> T named(
      T empty, String namespace, String name, String uid) {
    ObjectMeta meta = new ObjectMeta();
    meta.setNamespace(namespace);
    meta.setName(name);
    meta.setUid(uid);
    empty.setMetadata(meta);
    return empty;
  }
}
