package io.kuark.server.controller.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * One informer per resource type, shared by every controller that needs it, so N controllers
 * watching pods cost one watch. Controllers register handlers before {@link #startAll}.
 */
public final class SharedInformers implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(SharedInformers.class);
  private final KubernetesClient client;
  private final Map<Class<?>, SharedIndexInformer<?>> informers = new LinkedHashMap<>();
  private boolean started;

  public SharedInformers(KubernetesClient client) {
    this.client = client;
  }

  /**
   * The (not yet started, unless {@link #startAll} ran) informer of {@code type} across all
   * namespaces.
   */
  @SuppressWarnings("unchecked")
  public synchronized <T extends HasMetadata> SharedIndexInformer<T> get(Class<T> type) {
    SharedIndexInformer<?> existing = informers.get(type);
    if (existing != null) {
      return (SharedIndexInformer<T>) existing;
    }
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
    informers.put(type, informer);
    if (started) {
      informer.start();
    }
    return informer;
  }

  public <T extends HasMetadata> Lister<T> lister(Class<T> type) {
    return new Lister<>(get(type).getIndexer());
  }

  /** Starts every informer and waits (bounded) for the initial lists. */
  public void startAll(long timeoutMillis) {
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    synchronized (this) {
      started = true;
      for (SharedIndexInformer<?> informer : informers.values()) {
        futures.add(informer.start().toCompletableFuture());
      }
    }
    try {
      CompletableFuture.allOf(futures.toArray(new CompletableFuture[0]))
          .get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // Informers keep retrying on their own; controllers only act on what they have seen.
    }
  }

  /** True once every informer finished its initial list. */
  public synchronized boolean hasSynced() {
    for (SharedIndexInformer<?> informer : informers.values()) {
      if (!informer.hasSynced()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public synchronized void close() {
    for (SharedIndexInformer<?> informer : informers.values()) {
      informer.stop();
    }
  }
}
