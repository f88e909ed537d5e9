package io.kuark.server.auth.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.store.ObjectStore;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.auth.authz.RbacCache;
import io.kuark.server.storage.StorageException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Upstream's clusterrole-aggregation controller, run inside the server: a ClusterRole with an
 * {@code aggregationRule} gets as rules the union of the rules of every ClusterRole its selectors
 * match. Triggered by any ClusterRole change; level-triggered (recomputes all aggregated roles) and
 * idempotent (writes only roles whose rules differ).
 */
public final class ClusterRoleAggregator implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ClusterRoleAggregator.class);

  private final RbacCache cache;
  private final ObjectStore store;
  private final ResourceType type;
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "clusterrole-aggregation");
            t.setDaemon(true);
            return t;
          });
  private final AtomicBoolean queued = new AtomicBoolean();

  public ClusterRoleAggregator(RbacCache cache, ObjectStore store) {
    this.cache = cache;
    this.store = store;
    this.type = cache.type("clusterroles");
  }

  /** Subscribes to ClusterRole changes and aggregates once. */
  public ClusterRoleAggregator start() {
    cache.onClusterRoleChange(this::enqueue);
    enqueue();
    return this;
  }

  private void enqueue() {
    // One pending run covers every change before it starts (the run reads the latest cache).
    if (queued.compareAndSet(false, true)) {
      try {
        worker.execute(
            () -> {
              queued.set(false);
              syncAll();
            });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        queued.set(false);
      }
    }
  }

  void syncAll() {
    List<ObjectNode> all = cache.clusterRoles();
    for (ObjectNode role : all) {
      if (role.path("aggregationRule").path("clusterRoleSelectors").isArray()) {
        try {
          sync(role, all);
        } catch (StorageException.Conflict e) {
          // The change that caused the conflict triggers another run.
          LOG.debugf("conflict aggregating %s", name(role));
        } catch (RuntimeException e) {
          LOG.warnf(e, "aggregating ClusterRole %s failed", name(role));
        }
      }
    }
  }

  private void sync(ObjectNode role, List<ObjectNode> all) {
    ArrayNode rules = aggregate(role, all);
    if (rules.equals(role.path("rules"))) {
      return;
    }
    ObjectNode updated = role.deepCopy();
    updated.set("rules", rules);
    long revision = Long.parseLong(role.path("metadata").path("resourceVersion").asText("0"));
    store.update(type, updated, revision);
  }

  /** The union of the rules of the roles {@code role}'s selectors match, in name order. */
  static ArrayNode aggregate(ObjectNode role, List<ObjectNode> all) {
    List<ObjectNode> sorted = new ArrayList<>(all);
    sorted.sort(Comparator.comparing(ClusterRoleAggregator::name));
    ArrayNode rules = JsonNodeFactory.instance.arrayNode();
    for (ObjectNode other : sorted) {
      if (name(other).equals(name(role)) || !selected(role, other)) {
        continue;
      }
      for (JsonNode rule : other.path("rules")) {
        if (!contains(rules, rule)) {
          rules.add(rule.deepCopy());
        }
      }
    }
    return rules;
  }

  private static boolean selected(ObjectNode role, ObjectNode other) {
    JsonNode labels = other.path("metadata").path("labels");
    for (JsonNode selector : role.path("aggregationRule").path("clusterRoleSelectors")) {
      if (LabelSelectors.matches(selector, labels)) {
        return true;
      }
    }
    return false;
  }

  private static boolean contains(ArrayNode rules, JsonNode rule) {
    for (JsonNode r : rules) {
      if (r.equals(rule)) {
        return true;
      }
    }
    return false;
  }

  private static String name(ObjectNode o) {
    return o.path("metadata").path("name").asText();
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }
}
