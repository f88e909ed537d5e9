package io.kuark.server.controller.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.jboss.logging.Logger;

/**
 * The watches of a control plane: one informer per resource type for the whole process, however
 * many loop sets (the controllers' and the scheduler's leadership terms) use it, as upstream's
 * controllers share informers through one factory. Without it every pod event was received and
 * decoded once per loop set. Users acquire an informer, start it, and release it; the last release
 * stops it (a later acquire builds a new one, since fabric8 informers do not restart).
 */
public final class InformerPool implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(InformerPool.class);

  private final KubernetesClient client;
  private final Map<Class<?>, Entry> entries = new HashMap<>();

  private static final class Entry {
    final SharedIndexInformer<?> informer;
    int users;
    CompletionStage<Void> started;

    Entry(SharedIndexInformer<?> informer) {
      this.informer = informer;
    }
  }

  /**
   * Informers list and watch through {@code client}: an identity that may read every type any user
   * asks for (the server's is {@code system:kube-controller-manager}).
   */
  public InformerPool(KubernetesClient client) {
    this.client = client;
  }

  /** The informer of {@code type} across all namespaces, counted as used until released. */
  @SuppressWarnings("unchecked")
  synchronized <T extends HasMetadata> SharedIndexInformer<T> acquire(Class<T> type) {
    Entry e = entries.computeIfAbsent(type, t -> new Entry(create(type)));
    e.users++;
    return (SharedIndexInformer<T>) e.informer;
  }

  /** Starts {@code type}'s informer unless it runs; completes when its first list is in. */
  synchronized CompletionStage<Void> start(Class<?> type) {
    Entry e = entries.get(type);
    if (e == null) {
      throw new IllegalStateException(type.getSimpleName() + " was not acquired");
    }
    if (e.started == null) {
      e.started = e.informer.start();
    }
    return e.started;
  }

  /** One user fewer; the last one stops the informer. */
  synchronized void release(Class<?> type) {
    Entry e = entries.get(type);
    if (e == null || --e.users > 0) {
      return;
    }
    entries.remove(type);
    e.informer.stop();
  }

  /** How many informers run or wait to be started (tests). */
  synchronized int size() {
    return entries.size();
  }

  private <T extends HasMetadata> SharedIndexInformer<T> create(Class<T> type) {
    SharedIndexInformer<T> informer =
        client
            .resources(type)
            .inAnyNamespace()
            .runnableInformer(0)
            .itemStore(new TrimmedItemStore<>());
    // fabric8 stops an informer whose first list fails (e.g. the API answers slowly while it is
    // still starting); the control plane must keep trying instead of running blind forever.
    informer.exceptionHandler(
        (isStarted, error) -> {
          LOG.debugf("informer for %s retries after: %s", type.getSimpleName(), error.toString());
          return true;
        });
    return informer;
  }

  /** Stops every informer, used or not. */
  @Override
  public synchronized void close() {
    for (Entry e : entries.values()) {
      e.informer.stop();
    }
    entries.clear();
  }
}
