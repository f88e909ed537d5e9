package io.kuark.server.controller.runtime;

import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.informers.cache.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * One loop set's view of a pooled informer: handlers added through it are remembered so that the
 * set's end removes exactly them ({@link #detach}), while the informer keeps serving the other
 * sets. Stopping the view detaches it; the pool alone stops the informer. Everything else is the
 * informer's.
 */
final class HandlerTrackingInformer<T> implements SharedIndexInformer<T> {
  private final SharedIndexInformer<T> informer;
  private final Supplier<CompletionStage<Void>> start;
  private final List<ResourceEventHandler<? super T>> handlers = new ArrayList<>();

  HandlerTrackingInformer(SharedIndexInformer<T> informer, Supplier<CompletionStage<Void>> start) {
    this.informer = informer;
    this.start = start;
  }

  SharedIndexInformer<T> delegate() {
    return informer;
  }

  /** Removes every handler added through this view. */
  synchronized void detach() {
    for (ResourceEventHandler<? super T> h : handlers) {
      informer.removeEventHandler(h);
    }
    handlers.clear();
  }

  @Override
  public synchronized SharedIndexInformer<T> addEventHandler(ResourceEventHandler<? super T> h) {
    handlers.add(h);
    informer.addEventHandler(h);
    return this;
  }

  @Override
  public synchronized SharedIndexInformer<T> addEventHandlerWithResyncPeriod(
      ResourceEventHandler<? super T> h, long resyncPeriod) {
    handlers.add(h);
    informer.addEventHandlerWithResyncPeriod(h, resyncPeriod);
    return this;
  }

  @Override
  public synchronized SharedIndexInformer<T> removeEventHandler(ResourceEventHandler<? super T> h) {
    handlers.remove(h);
    informer.removeEventHandler(h);
    return this;
  }

  @Override
  public SharedIndexInformer<T> addIndexers(Map<String, Function<T, List<String>>> indexers) {
    informer.addIndexers(indexers);
    return this;
  }

  @Override
  public SharedIndexInformer<T> removeIndexer(String name) {
    informer.removeIndexer(name);
    return this;
  }

  @Override
  public Indexer<T> getIndexer() {
    return informer.getIndexer();
  }

  @Override
  public SharedIndexInformer<T> run() {
    start.get();
    return this;
  }

  @Override
  public CompletionStage<Void> start() {
    // The pool starts the informer once, however many views ask.
    return start.get();
  }

  @Override
  public void stop() {
    detach();
  }

  @Override
  public boolean hasSynced() {
    return informer.hasSynced();
  }

  @Override
  public String lastSyncResourceVersion() {
    return informer.lastSyncResourceVersion();
  }

  @Override
  public boolean isRunning() {
    return informer.isRunning();
  }

  @Override
  public Class<T> getApiTypeClass() {
    return informer.getApiTypeClass();
  }

  @Override
  public boolean isWatching() {
    return informer.isWatching();
  }

  @Override
  public Store<T> getStore() {
    return informer.getStore();
  }

  @Override
  public SharedIndexInformer<T> initialState(Stream<T> items) {
    throw new UnsupportedOperationException("a pooled informer's initial state is the pool's");
  }

  @Override
  public SharedIndexInformer<T> itemStore(ItemStore<T> store) {
    throw new UnsupportedOperationException("a pooled informer's store is the pool's");
  }

  @Override
  public SharedIndexInformer<T> exceptionHandler(ExceptionHandler handler) {
    throw new UnsupportedOperationException("a pooled informer's error handling is the pool's");
  }

  @Override
  public CompletionStage<Void> stopped() {
    return informer.stopped();
  }
}
