package io.kuark.server.api.crd;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.store.ObjectStore;
import io.kuark.server.api.store.StoredList;
import io.kuark.server.api.watch.CachedEvent;
import io.kuark.server.api.watch.WatchCache;
import io.kuark.server.api.watch.WatchCaches;
import io.kuark.server.api.watch.WatchSubscriber;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Keeps {@link CustomResourceDefinitions} in step with the stored CRDs: lists them at start, then
 * follows the CRD watch cache (create/update serve the new versions, delete stops serving).
 */
public final class CustomResourceSync implements WatchSubscriber, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(CustomResourceSync.class);

  private final CustomResourceDefinitions definitions;
  private final ObjectStore store;
  private final WatchCaches caches;
  private final ResourceType crdType;
  private volatile WatchCache.Subscription subscription;
  private volatile boolean closed;

  private CustomResourceSync(
      CustomResourceDefinitions definitions,
      ObjectStore store,
      WatchCaches caches,
      ResourceType crdType) {
    this.definitions = definitions;
    this.store = store;
    this.caches = caches;
    this.crdType = crdType;
  }

  /** Starts syncing, or returns empty when the catalog does not serve CRDs. */
  public static Optional<CustomResourceSync> start(
      CustomResourceDefinitions definitions,
      ObjectStore store,
      WatchCaches caches,
      ResourceCatalog catalog) {
    Optional<ResourceType> crds =
        catalog.find("apiextensions.k8s.io", "v1", "customresourcedefinitions");
    if (crds.isEmpty()) {
      return Optional.empty();
    }
    CustomResourceSync sync = new CustomResourceSync(definitions, store, caches, crds.get());
    sync.resync();
    return Optional.of(sync);
  }

  private void resync() {
    StoredList all = store.list(crdType, "", 0, null, 0);
    for (ObjectNode crd : all.items()) {
      serve(crd);
    }
    subscription = caches.forType(crdType).subscribe(all.revision(), this);
  }

  @Override
  public void onEvent(CachedEvent event) {
    if (event.type().equals("DELETED")) {
      definitions.remove(event.object());
    } else {
      serve(event.object());
    }
  }

  /** Registers the CRD's types and starts their watch caches, so lists and watches line up. */
  private void serve(ObjectNode crd) {
    for (ResourceType t : definitions.apply(crd)) {
      caches.forType(t);
    }
  }

  @Override
  public void onTerminated(String reason) {
    if (closed) {
      return;
    }
    // The cache restarted: list again on another thread (we are inside the cache's callback).
    Thread t =
        new Thread(
            () -> {
              try {
                resync();
              } catch (RuntimeException e) {
                LOG.warnf(e, "re-listing CustomResourceDefinitions failed");
              }
            },
            "kuark-crd-resync");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() {
    closed = true;
    WatchCache.Subscription s = subscription;
    if (s != null) {
      s.close();
    }
  }
}
