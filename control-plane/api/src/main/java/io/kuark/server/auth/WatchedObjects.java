package io.kuark.server.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.store.ObjectStore;
import io.kuark.server.api.store.StoredList;
import io.kuark.server.api.watch.CachedEvent;
import io.kuark.server.api.watch.WatchCache;
import io.kuark.server.api.watch.WatchCaches;
import io.kuark.server.api.watch.WatchSubscriber;
import io.kuark.server.apimodel.ResourceType;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * All objects of one resource type in memory, keyed {@code namespace/name}, kept in step with
 * storage through the watch cache (an informer for server-internal readers that must not block,
 * such as authorizers). After the watch is lost the type is listed again.
 */
public final class WatchedObjects implements WatchSubscriber, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(WatchedObjects.class);

  private final ObjectStore store;
  private final WatchCaches caches;
  private final ResourceType type;
  private final Consumer<ObjectNode> onChange;
  private final Map<String, ObjectNode> objects = new ConcurrentHashMap<>();
  private volatile WatchCache.Subscription subscription;
  private volatile boolean closed;

  /**
   * @param onChange called (on a watch thread) with every added, changed or deleted object and,
   *     after each listing, with every listed object
   */
  public WatchedObjects(
      ObjectStore store, WatchCaches caches, ResourceType type, Consumer<ObjectNode> onChange) {
    this.store = store;
    this.caches = caches;
    this.type = type;
    this.onChange = onChange;
  }

  /** Lists the type and follows its changes. */
  public WatchedObjects start() {
    StoredList all = store.list(type, "", 0, null, 0);
    objects.clear();
    for (ObjectNode o : all.items()) {
      objects.put(key(o), o);
    }
    subscription = caches.forType(type).subscribe(all.revision(), this);
    for (ObjectNode o : all.items()) {
      onChange.accept(o);
    }
    return this;
  }

  public ObjectNode get(String namespace, String name) {
    return objects.get(namespace + "/" + name);
  }

  /** A live view of every object. */
  public Collection<ObjectNode> all() {
    return objects.values();
  }

  @Override
  public void onEvent(CachedEvent event) {
    if (event.type().equals("DELETED")) {
      objects.remove(key(event.object()));
    } else {
      objects.put(key(event.object()), event.object());
    }
    onChange.accept(event.object());
  }

  @Override
  public void onTerminated(String reason) {
    if (closed) {
      return;
    }
    Thread t =
        new Thread(
            () -> {
              try {
                start();
              } catch (RuntimeException e) {
                LOG.errorf(e, "re-listing %s failed", type.plural());
              }
            },
            "watched-" + type.plural() + "-resync");
    t.setDaemon(true);
    t.start();
  }

  static String key(ObjectNode o) {
    return o.path("metadata").path("namespace").asText("")
        + "/"
        + o.path("metadata").path("name").asText("");
  }

  @Override
  public void close() {
    closed = true;
    if (subscription != null) {
      subscription.close();
    }
  }
}
