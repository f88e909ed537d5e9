package io.kuark.server.controller.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * The informer cache of the in-process controllers: stores objects without {@code
 * metadata.managedFields}, as upstream's kube-controller-manager and kube-scheduler trim their
 * informers. No controller reads them, yet they are a large part of every cached object (a tree of
 * maps per field owner). Writing a trimmed object back is safe: a write without managedFields keeps
 * the stored ones (the field manager's decodeLiveOrNew).
 */
final class TrimmedItemStore<T extends HasMetadata> extends BasicItemStore<T> {
  TrimmedItemStore() {
    super(Cache::metaNamespaceKeyFunc);
  }

  @Override
  public T put(String key, T object) {
    // The informer hands this same instance to the event handlers, so they see it trimmed too.
    if (object.getMetadata() != null) {
      object.getMetadata().setManagedFields(null);
    }
    return super.put(key, object);
  }
}
