package io.kuark.server.controller.gc;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.LinkedHashMap;

/**
 * The garbage collector's informer cache: keeps of each object only what the ownership graph reads
 * (identity, resourceVersion, ownerReferences, finalizers, deletionTimestamp), as upstream's
 * collector watches metadata only ({@code PartialObjectMetadata}). The collector watches every
 * resource type, so a full cache would hold a second copy of every object in the cluster (spec,
 * data, status, labels, managedFields) next to the controllers' typed informers.
 *
 * <p>The informer hands the instance it stores to the event handlers, so they see it trimmed too;
 * the collector decides on live objects it GETs, never on this cache's content.
 */
final class OwnershipItemStore extends BasicItemStore<GenericKubernetesResource> {
  OwnershipItemStore() {
    super(Cache::metaNamespaceKeyFunc);
  }

  @Override
  public GenericKubernetesResource put(String key, GenericKubernetesResource object) {
    return super.put(key, trim(object));
  }

  /** Reduces {@code object} in place to what the ownership graph needs; returns it. */
  static GenericKubernetesResource trim(GenericKubernetesResource object) {
    object.setAdditionalProperties(new LinkedHashMap<>(0));
    ObjectMeta m = object.getMetadata();
    if (m != null) {
      ObjectMeta kept = new ObjectMeta();
      kept.setName(m.getName());
      kept.setNamespace(m.getNamespace());
      kept.setUid(m.getUid());
      // The informer compares resourceVersions to tell a resync from a change.
      kept.setResourceVersion(m.getResourceVersion());
      kept.setOwnerReferences(m.getOwnerReferences());
      kept.setFinalizers(m.getFinalizers());
      kept.setDeletionTimestamp(m.getDeletionTimestamp());
      object.setMetadata(kept);
    }
    return object;
  }
}
