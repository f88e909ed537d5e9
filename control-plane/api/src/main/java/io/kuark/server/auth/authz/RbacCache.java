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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
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
  private final Kind<List<PolicyRule>> roles;
  private final Kind<List<PolicyRule>> clusterRoles;
  private final Kind<Binding> roleBindings;
  private final Kind<Binding> clusterRoleBindings;
  private final List<Runnable> clusterRoleListeners = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  /**
   * One resource type's objects keyed {@code namespace/name}, each with its decoded form (a {@link
   * Binding} or a role's rules), and the decoded forms grouped by namespace. Everything is decoded
   * once per change of the object, on the watch thread, so authorizing a request only reads ready
   * lists: decoding every ClusterRoleBinding and the bound roles' rules per request was a
   * measurable part of each in-process controller request's CPU.
   */
  private final class Kind<T> implements WatchSubscriber {
    final ResourceType type;
    final Function<ObjectNode, T> decoder;
    final Map<String, Entry<T>> objects = new ConcurrentHashMap<>();
    final Map<String, List<T>> byNamespace = new ConcurrentHashMap<>();
    volatile WatchCache.Subscription subscription;

    Kind(ResourceType type, Function<ObjectNode, T> decoder) {
      this.type = type;
      this.decoder = decoder;
    }

    void resync() {
      StoredList all = store.list(type, "", 0, null, 0);
      synchronized (this) {
        objects.clear();
        byNamespace.clear();
        Set<String> namespaces = new HashSet<>();
        for (ObjectNode o : all.items()) {
          objects.put(key(o), new Entry<>(o, decoder.apply(o)));
          namespaces.add(namespaceOf(o));
        }
        namespaces.forEach(this::regroup);
      }
      // Not under this Kind's lock: the watch cache delivers events holding its own lock.
      subscription = caches.forType(type).subscribe(all.revision(), this);
      changed();
    }

    @Override
    public void onEvent(CachedEvent event) {
      ObjectNode o = event.object();
      synchronized (this) {
        if (event.type().equals("DELETED")) {
          objects.remove(key(o));
        } else {
          objects.put(key(o), new Entry<>(o, decoder.apply(o)));
        }
        regroup(namespaceOf(o));
      }
      changed();
    }

    /** Rebuilds the list of {@code namespace}'s decoded objects ("" for cluster-scoped ones). */
    private void regroup(String namespace) {
      String prefix = namespace + "/";
      List<T> values = new ArrayList<>();
      for (Map.Entry<String, Entry<T>> e : objects.entrySet()) {
        if (e.getKey().startsWith(prefix)) {
          values.add(e.getValue().decoded());
        }
      }
      if (values.isEmpty()) {
        byNamespace.remove(namespace);
      } else {
        byNamespace.put(namespace, List.copyOf(values));
      }
    }

    List<T> in(String namespace) {
      return byNamespace.getOrDefault(namespace, List.of());
    }

    Entry<T> get(String namespace, String name) {
      return objects.get(namespace + "/" + name);
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

  /** A stored object (as read; do not modify) and its decoded form. */
  private record Entry<T>(ObjectNode object, T decoded) {}

  /** A Role's or ClusterRole's rules, decoded. */
  private static List<PolicyRule> rulesOf(ObjectNode role) {
    return List.copyOf(PolicyRule.listFromJson(role.path("rules")));
  }

  public RbacCache(ObjectStore store, WatchCaches caches, ResourceCatalog catalog) {
    this.store = store;
    this.caches = caches;
    this.roles = new Kind<>(type(catalog, "roles"), RbacCache::rulesOf);
    this.clusterRoles = new Kind<>(type(catalog, "clusterroles"), RbacCache::rulesOf);
    this.roleBindings = new Kind<>(type(catalog, "rolebindings"), Binding::fromJson);
    this.clusterRoleBindings = new Kind<>(type(catalog, "clusterrolebindings"), Binding::fromJson);
  }

  private static ResourceType type(ResourceCatalog catalog, String plural) {
    return catalog
        .find(GROUP, "v1", plural)
        .orElseThrow(() -> new IllegalStateException("catalog lacks " + plural));
  }

  private List<Kind<?>> kinds() {
    return List.of(roles, clusterRoles, roleBindings, clusterRoleBindings);
  }

  /** Lists everything and starts following changes. */
  public RbacCache start() {
    for (Kind<?> k : kinds()) {
      k.resync();
    }
    return this;
  }

  /** Called (on a watch thread) after any ClusterRole changed. */
  public void onClusterRoleChange(Runnable listener) {
    clusterRoleListeners.add(listener);
  }

  public ResourceType type(String plural) {
    for (Kind<?> k : kinds()) {
      if (k.type.plural().equals(plural)) {
        return k.type;
      }
    }
    throw new IllegalArgumentException("not an RBAC resource: " + plural);
  }

  @Override
  public ObjectNode clusterRole(String name) {
    Entry<List<PolicyRule>> e = clusterRoles.get("", name);
    return e == null ? null : e.object();
  }

  @Override
  public ObjectNode role(String namespace, String name) {
    Entry<List<PolicyRule>> e = roles.get(namespace, name);
    return e == null ? null : e.object();
  }

  @Override
  public List<PolicyRule> clusterRoleRules(String name) {
    Entry<List<PolicyRule>> e = clusterRoles.get("", name);
    return e == null ? List.of() : e.decoded();
  }

  @Override
  public List<PolicyRule> roleRules(String namespace, String name) {
    Entry<List<PolicyRule>> e = roles.get(namespace, name);
    return e == null ? List.of() : e.decoded();
  }

  public List<ObjectNode> clusterRoles() {
    List<ObjectNode> out = new ArrayList<>();
    for (Entry<List<PolicyRule>> e : clusterRoles.objects.values()) {
      out.add(e.object());
    }
    return out;
  }

  /** Decoded once per change of a ClusterRoleBinding; the same list until the next one. */
  @Override
  public List<Binding> clusterRoleBindings() {
    return clusterRoleBindings.in("");
  }

  /** Decoded once per change of a RoleBinding in {@code namespace}. */
  @Override
  public List<Binding> roleBindings(String namespace) {
    return roleBindings.in(namespace);
  }

  private static String key(ObjectNode o) {
    return namespaceOf(o) + "/" + o.path("metadata").path("name").asText("");
  }

  private static String namespaceOf(ObjectNode o) {
    return o.path("metadata").path("namespace").asText("");
  }

  @Override
  public void close() {
    closed = true;
    for (Kind<?> k : kinds()) {
      if (k.subscription != null) {
        k.subscription.close();
      }
    }
  }
}
