package io.kuark.server.controller.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Whether a namespace is being deleted, as far as the loop set's Namespace informer knows. It adds
 * no watch: without a Namespace informer in the set (some tests), nothing is terminating. A
 * namespace the cache does not hold counts as live (it may just be new to the cache).
 */
final class TerminatingNamespaces implements Predicate<String> {
  private final SharedInformers informers;
  private volatile Optional<SharedIndexInformer<? extends HasMetadata>> namespaces;

  TerminatingNamespaces(SharedInformers informers) {
    this.informers = informers;
  }

  @Override
  public boolean test(String name) {
    Optional<SharedIndexInformer<? extends HasMetadata>> informer = namespaces;
    if (informer == null) {
      // Looked up on first use: every informer of the set is registered by then.
      informer = informers.existing("", "namespaces");
      namespaces = informer;
    }
    if (informer.isEmpty()) {
      return false;
    }
    HasMetadata ns = informer.get().getIndexer().getByKey(name);
    return ns instanceof Namespace n
        && (n.getMetadata().getDeletionTimestamp() != null
            || (n.getStatus() != null && "Terminating".equals(n.getStatus().getPhase())));
  }
}
