package io.kuark.server.controller.runtime;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * The informer cache of the in-process controllers: stores objects without {@code
 * metadata.managedFields}, as upstream's kube-controller-manager and kube-scheduler trim their
 * informers. No controller reads them, yet they are a large part of every cached object (a tree of
 * maps per field owner). Writing a trimmed object back is safe: a write without managedFields keeps
 * the stored ones (the field manager's decodeLiveOrNew).
 *
 * <p>ConfigMaps and Secrets are also kept without their payload ({@code data}, {@code binaryData},
 * {@code stringData}): the in-process controllers only count them (resource quota, as upstream's
 * quota monitor counts from metadata), follow their ownership (garbage collector) or react to
 * changes of one name (root CA publisher, which reads the live object); a Secret can be up to 1 MiB
 * (Helm keeps releases in them), and every write would otherwise leave a copy in this cache. A
 * payload-less object must never be written back: the write would erase the payload.
 */
final class TrimmedItemStore<T extends HasMetadata> extends BasicItemStore<T> {
  TrimmedItemStore() {
    super(Cache::metaNamespaceKeyFunc);
  }

  @Override
  public T put(String key, T object) {
    // The informer hands this same instance to the event handlers, so they see it trimmed too.
    trim(object);
    return super.put(key, object);
  }

  /** Reduces {@code object} in place to what the in-process controllers read. */
  static void trim(HasMetadata object) {
    if (object.getMetadata() != null) {
      object.getMetadata().setManagedFields(null);
    }
    if (object instanceof ConfigMap cm) {
      cm.setData(null);
      cm.setBinaryData(null);
    } else if (object instanceof Secret s) {
      s.setData(null);
      s.setStringData(null);
    }
  }
}
