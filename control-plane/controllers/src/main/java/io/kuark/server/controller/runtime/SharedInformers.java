package io.kuark.server.controller.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One loop set's informers, one per resource type, shared by every controller of the set, so N
 * controllers watching pods cost one watch; with an {@link InformerPool} shared with other sets
 * (the server's controllers and scheduler), so the process watches each type once. Controllers
 * register handlers before {@link #startAll}; {@link #close} removes this set's handlers and
 * releases its informers.
 */
public final class SharedInformers implements AutoCloseable {
  private final InformerPool pool;
  private final boolean ownsPool;
  private final Map<Class<?>, HandlerTrackingInformer<?>> informers = new LinkedHashMap<>();
  private boolean started;
  private boolean closed;

  /** Informers of this set alone, listing and watching through {@code client}. */
  public SharedInformers(KubernetesClient client) {
    this(new InformerPool(client), true);
  }

  /** This set's share of {@code pool}'s informers. */
  public SharedInformers(InformerPool pool) {
    this(pool, false);
  }

  private SharedInformers(InformerPool pool, boolean ownsPool) {
    this.pool = pool;
    this.ownsPool = ownsPool;
  }

  /**
   * The (not yet started, unless {@link #startAll} ran) informer of {@code type} across all
   * namespaces.
   */
  @SuppressWarnings("unchecked")
  public synchronized <T extends HasMetadata> SharedIndexInformer<T> get(Class<T> type) {
    HandlerTrackingInformer<?> existing = informers.get(type);
    if (existing != null) {
      return (SharedIndexInformer<T>) existing;
    }
    if (closed) {
      throw new IllegalStateException("informers closed");
    }
    HandlerTrackingInformer<T> informer =
        new HandlerTrackingInformer<>(pool.acquire(type), () -> pool.start(type));
    informers.put(type, informer);
    if (started) {
      pool.start(type);
    }
    return informer;
  }

  /**
   * The informer this set already has for the resource {@code group}/{@code plural} (core: group
   * ""), if any; for consumers that can use any typed informer of a resource, such as the garbage
   * collector, so that they add no watch of their own.
   */
  public synchronized Optional<SharedIndexInformer<? extends HasMetadata>> existing(
      String group, String plural) {
    for (Map.Entry<Class<?>, HandlerTrackingInformer<?>> e : informers.entrySet()) {
      @SuppressWarnings("unchecked")
      Class<? extends HasMetadata> type = (Class<? extends HasMetadata>) e.getKey();
      if (HasMetadata.getGroup(type).equals(group) && HasMetadata.getPlural(type).equals(plural)) {
        @SuppressWarnings("unchecked")
        SharedIndexInformer<? extends HasMetadata> informer =
            (SharedIndexInformer<? extends HasMetadata>) e.getValue();
        return Optional.of(informer);
      }
    }
    return Optional.empty();
  }

  public <T extends HasMetadata> Lister<T> lister(Class<T> type) {
    return new Lister<>(get(type).getIndexer());
  }

  /** Starts every informer and waits (bounded) for the initial lists. */
  public void startAll(long timeoutMillis) {
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    synchronized (this) {
      started = true;
      for (Class<?> type : informers.keySet()) {
        futures.add(pool.start(type).toCompletableFuture());
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
    for (HandlerTrackingInformer<?> informer : informers.values()) {
      if (!informer.hasSynced()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public synchronized void close() {
    closed = true;
    for (Map.Entry<Class<?>, HandlerTrackingInformer<?>> e : informers.entrySet()) {
      e.getValue().detach();
      pool.release(e.getKey());
    }
    informers.clear();
    if (ownsPool) {
      pool.close();
    }
  }
}
