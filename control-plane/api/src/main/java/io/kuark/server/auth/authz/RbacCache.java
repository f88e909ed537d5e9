package io.kuark.server.auth.authz;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.store.ObjectStore;
import io.kuark.server.api.store.StoredList;
import io.kuark.server.api.watch.CachedEvent;
import io.kuark.server.api.watch.WatchCache;
import io.kuark.server.api.watch.WatchCaches;
import io.kuark.server.api.watch.WatchSubscriber;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jboss.logging.Logger;

/**
 * Roles, ClusterRoles and their bindings in memory, kept in step with storage through the watch
 * caches (as upstream's authorizer reads informers), so authorizing a request never blocks on
 * storage. Objects are stored as read ({@code metadata.resourceVersion} = mod revision).
 */
public final class RbacCache implements RbacData, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(RbacCache.class);
  static final String GROUP = "rbac.authorization.k8s.io";

  private final ObjectStore store;
  private final WatchCaches caches;
  private final Map<String, Kind> kinds = new ConcurrentHashMap<>();
  private final List<Runnable> clusterRoleListeners = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  /** One resource type's objects keyed {@code namespace/name}. */
  private final class Kind implements WatchSubscriber {
    final ResourceType type;
    final Map<String, ObjectNode> objects = new ConcurrentHashMap<>();
    volatile WatchCache.Subscription subscription;

    Kind(ResourceType type) {
      this.type = type;
    }

    void resync() {
      StoredList all = store.list(type, "", 0, null, 0);
      objects.clear();
      for (ObjectNode o : all.items()) {
        objects.put(key(o), o);
      }
      subscription = caches.forType(type).subscribe(all.revision(), this);
      changed();
    }

    @Override
    public void onEvent(CachedEvent event) {
      if (event.type().equals("DELETED")) {
        objects.remove(key(event.object()));
      } else {
        objects.put(key(event.object()), event.object());
      }
      changed();
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
                  resync();
                } catch (RuntimeException e) {
                  LOG.errorf(e, "re-listing %s failed", type.plural());
                }
              },
              "rbac-cache-resync");
      t.setDaemon(true);
      t.start();
    }

    private void changed() {
      if (type.plural().equals("clusterroles")) {
        for (Runnable r : clusterRoleListeners) {
          r.run();
        }
      }
    }
  }

  public RbacCache(ObjectStore store, WatchCaches caches, ResourceCatalog catalog) {
    this.store = store;
    this.caches = caches;
    for (String plural : List.of("roles", "clusterroles", "rolebindings", "clusterrolebindings")) {
      ResourceType type =
          catalog
              .find(GROUP, "v1", plural)
              .orElseThrow(() -> new IllegalStateException("catalog lacks " + plural));
      kinds.put(plural, new Kind(type));
    }
  }

  /** Lists everything and starts following changes. */
  public RbacCache start() {
    for (Kind k : kinds.values()) {
      k.resync();
    }
    return this;
  }

  /** Called (on a watch thread) after any ClusterRole changed. */
  public void onClusterRoleChange(Runnable listener) {
    clusterRoleListeners.add(listener);
  }

  public ResourceType type(String plural) {
    return kinds.get(plural).type;
  }

  @Override
  public ObjectNode clusterRole(String name) {
    return kinds.get("clusterroles").objects.get("/" + name);
  }

  @Override
  public ObjectNode role(String namespace, String name) {
    return kinds.get("roles").objects.get(namespace + "/" + name);
  }

  public List<ObjectNode> clusterRoles() {
    return new ArrayList<>(kinds.get("clusterroles").objects.values());
  }

  @Override
  public List<Binding> clusterRoleBindings() {
    List<Binding> out = new ArrayList<>();
    for (ObjectNode o : kinds.get("clusterrolebindings").objects.values()) {
      out.add(Binding.fromJson(o));
    }
    return out;
  }

  @Override
  public List<Binding> roleBindings(String namespace) {
    List<Binding> out = new ArrayList<>();
    String prefix = namespace + "/";
    for (Map.Entry<String, ObjectNode> e : kinds.get("rolebindings").objects.entrySet()) {
      if (e.getKey().startsWith(prefix)) {
        out.add(Binding.fromJson(e.getValue()));
      }
    }
    return out;
  }

  private static String key(ObjectNode o) {
    return o.path("metadata").path("namespace").asText("")
        + "/"
        + o.path("metadata").path("name").asText("");
  }

  @Override
  public void close() {
    closed = true;
    for (Kind k : kinds.values()) {
      if (k.subscription != null) {
        k.subscription.close();
      }
    }
  }
}
