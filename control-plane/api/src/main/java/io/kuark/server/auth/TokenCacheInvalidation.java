package io.kuark.server.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.store.ObjectStore;
import io.kuark.server.api.watch.CachedEvent;
import io.kuark.server.api.watch.WatchCache;
import io.kuark.server.api.watch.WatchCaches;
import io.kuark.server.api.watch.WatchSubscriber;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.auth.authn.ObjectRef;
import io.kuark.server.auth.authn.TokenResultCache;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Keeps the token caches honest: every change to a service account, secret or pod drops the cached
 * results that depend on it. Writes through this server's {@link ObjectStore} are seen before the
 * writer gets its response (deleting a ServiceAccount revokes its tokens for the very next
 * request); writes through another server sharing etcd arrive through the watch caches a moment
 * later. The caches answer only while the watches run; when one is lost they are emptied and
 * switched off until it is re-established, so the TTL is the bound only for changes nothing saw.
 */
final class TokenCacheInvalidation implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(TokenCacheInvalidation.class);

  /** The core types tokens depend on. */
  static final Set<String> DEPENDENCIES = Set.of("serviceaccounts", "secrets", "pods");

  private final WatchCaches caches;
  private final ResourceCatalog catalog;
  private final List<TokenResultCache<?>> targets;
  private final List<WatchCache.Subscription> subscriptions = new ArrayList<>();
  private volatile boolean closed;
  private final AtomicBoolean resyncing = new AtomicBoolean();

  TokenCacheInvalidation(
      ObjectStore store,
      WatchCaches caches,
      ResourceCatalog catalog,
      List<TokenResultCache<?>> targets) {
    this.caches = caches;
    this.catalog = catalog;
    this.targets = List.copyOf(targets);
    store.addWriteListener(
        (type, verb, object) -> {
          if (type.group().isEmpty()
              && DEPENDENCIES.contains(type.plural())
              && matters(type.plural(), verb)) {
            changed(type.plural(), object);
          }
        });
  }

  /** Follows the three types and switches the caches on. */
  synchronized TokenCacheInvalidation start() {
    for (String plural : DEPENDENCIES) {
      ResourceType type = catalog.find("", "v1", plural).orElseThrow();
      WatchCache cache = caches.forType(type);
      subscriptions.add(cache.subscribe(cache.progressRevision(), new Follower(plural)));
    }
    for (TokenResultCache<?> t : targets) {
      t.enable(true);
    }
    return this;
  }

  /**
   * Whether a change to an object of {@code plural} can change a token's verdict. A pod's tokens
   * depend on its existence and uid only while its deletion grace lasts (60 s, longer than any
   * cached entry lives, which a pod's deletionTimestamp caps anyway): pod status updates, the bulk
   * of pod writes, leave its tokens' entries alone.
   */
  static boolean matters(String plural, String verb) {
    return !plural.equals("pods") || !verb.equals("MODIFIED");
  }

  private void changed(String plural, ObjectNode object) {
    ObjectRef ref =
        new ObjectRef(
            plural,
            object.path("metadata").path("namespace").asText(""),
            object.path("metadata").path("name").asText(""));
    for (TokenResultCache<?> t : targets) {
      t.invalidate(ref);
    }
  }

  /**
   * A watch was lost: nothing can be trusted until all three follow storage again. Not
   * synchronized: the watch cache calls this holding its own lock, which {@link #resync} needs.
   */
  private void lost(String reason) {
    for (TokenResultCache<?> t : targets) {
      t.enable(false);
    }
    if (closed || !resyncing.compareAndSet(false, true)) {
      return;
    }
    LOG.infof("token cache off until its watches are back (%s)", reason);
    Thread t = new Thread(this::resync, "token-cache-resync");
    t.setDaemon(true);
    t.start();
  }

  private void resync() {
    while (!closed) {
      synchronized (this) {
        unsubscribe();
        if (closed) {
          break;
        }
        try {
          // Cleared first: a loss while subscribing starts another round.
          resyncing.set(false);
          start();
          return;
        } catch (RuntimeException e) {
          LOG.debugf(e, "re-following token dependencies failed; retrying");
          unsubscribe();
          resyncing.set(true);
        }
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    resyncing.set(false);
  }

  private void unsubscribe() {
    for (WatchCache.Subscription s : subscriptions) {
      try {
        s.close();
      } catch (Exception e) {
        LOG.debugf(e, "closing a token cache watch");
      }
    }
    subscriptions.clear();
  }

  @Override
  public synchronized void close() {
    closed = true;
    unsubscribe();
    for (TokenResultCache<?> t : targets) {
      t.enable(false);
    }
  }

  private final class Follower implements WatchSubscriber {
    private final String plural;

    Follower(String plural) {
      this.plural = plural;
    }

    @Override
    public void onEvent(CachedEvent event) {
      if (matters(plural, event.type())) {
        changed(plural, event.object());
      }
    }

    @Override
    public void onTerminated(String reason) {
      lost(reason);
    }
  }
}
