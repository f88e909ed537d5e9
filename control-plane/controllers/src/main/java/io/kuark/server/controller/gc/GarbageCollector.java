package io.kuark.server.controller.gc;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kuark.server.controller.discovery.ApiDiscovery;
import io.kuark.server.controller.discovery.ApiResource;
import io.kuark.server.controller.runtime.Controller;
import io.kuark.server.controller.runtime.Handlers;
import io.kuark.server.controller.runtime.LoopContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * Upstream's garbage collector: watches every deletable resource type, keeps the ownerReferences
 * graph, deletes objects whose owners are all gone (background), deletes the dependents of owners
 * deleted in the foreground and then removes their {@code foregroundDeletion} finalizer once no
 * blocking dependent remains, and strips owner references from the dependents of owners deleted
 * with {@code orphan} before removing that finalizer. An owner that looks absent from the caches is
 * confirmed absent with a GET (by uid) before anything is deleted.
 */
public final class GarbageCollector implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(GarbageCollector.class);
  private static final Set<String> IGNORED =
      Set.of("events", "bindings", "tokenreviews", "componentstatuses");

  private final KubernetesClient client;
  private final ApiDiscovery discovery;
  private final LoopContext ctx;
  private final OwnerGraph graph = new OwnerGraph();
  private final Map<String, ApiResource> byGroupKind = new HashMap<>();
  private final Map<String, SharedIndexInformer<GenericKubernetesResource>> informers =
      new HashMap<>();

  /** Types watched through the controllers' informers (their handlers go with the loop set). */
  private final Map<String, SharedIndexInformer<? extends HasMetadata>> sharedInformers =
      new HashMap<>();

  private final Controller controller;
  private ScheduledFuture<?> rediscovery;

  public GarbageCollector(LoopContext ctx, ApiDiscovery discovery) {
    this.ctx = ctx;
    this.client = ctx.client();
    this.discovery = discovery;
    this.controller = ctx.controller("garbagecollector", this::sync, 2);
  }

  public Controller controller() {
    return controller;
  }

  /** Discovers resource types, starts their informers and the workers; rediscovers every minute. */
  public void start() {
    refresh();
    controller.start();
    rediscovery =
        ctx.delays().scheduleWithFixedDelay(this::refreshQuietly, 60, 60, TimeUnit.SECONDS);
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (RuntimeException e) {
      LOG.debugf("garbage collector discovery failed: %s", e.toString());
    }
  }

  private synchronized void refresh() {
    for (ApiResource r : discovery.resources()) {
      synchronized (byGroupKind) {
        byGroupKind.put(r.group() + "/" + r.kind(), r);
      }
      String id = r.group() + "/" + r.plural();
      if (informers.containsKey(id)
          || sharedInformers.containsKey(id)
          || IGNORED.contains(r.plural())
          || !r.supports("list")
          || !r.supports("watch")
          || !r.supports("delete")) {
        continue;
      }
      Optional<SharedIndexInformer<? extends HasMetadata>> typed =
          ctx.informers().existing(r.group(), r.plural());
      if (typed.isPresent()) {
        // A controller watches this type already (pods, ReplicaSets, …): share its watch rather
        // than receive and decode every event of the type a second time.
        observe(typed.get(), r);
        sharedInformers.put(id, typed.get());
        continue;
      }
      SharedIndexInformer<GenericKubernetesResource> informer =
          (r.namespaced()
                  ? client
                      .genericKubernetesResources(r.context())
                      .inAnyNamespace()
                      .runnableInformer(0)
                  : client.genericKubernetesResources(r.context()).runnableInformer(0))
              .itemStore(new OwnershipItemStore());
      informer.addEventHandler(
          Handlers.of(
              o -> enqueueAll(graph.observe(o, r)),
              (o, n) -> enqueueAll(graph.observe(n, r)),
              o -> enqueueAll(graph.remove(o))));
      // Keep retrying a failed first list instead of letting fabric8 stop the informer.
      informer.exceptionHandler((isStarted, error) -> true);
      informers.put(id, informer);
      informer.start();
    }
  }

  /** How many types the collector watches itself (those no controller watches), for tests. */
  synchronized int ownWatches() {
    return informers.size();
  }

  private <T extends HasMetadata> void observe(SharedIndexInformer<T> informer, ApiResource r) {
    // Handlers only read metadata; the informer's objects are shared with the controllers.
    informer.addEventHandler(
        Handlers.of(
            o -> enqueueAll(graph.observe(o, r)),
            (o, n) -> enqueueAll(graph.observe(n, r)),
            o -> enqueueAll(graph.remove(o))));
  }

  private void enqueueAll(Set<String> uids) {
    for (String uid : uids) {
      controller.enqueue(uid);
    }
  }

  private ApiResource resourceFor(OwnerReference ref) {
    synchronized (byGroupKind) {
      return byGroupKind.get(ApiResource.groupOf(ref.getApiVersion()) + "/" + ref.getKind());
    }
  }

  Optional<Duration> sync(String uid) {
    ObjectNode n = graph.get(uid);
    if (n == null || n.virtual) {
      return Optional.empty();
    }
    if (n.beingDeleted) {
      if (n.orphaning) {
        orphanDependents(n);
        removeFinalizer(n, OwnerGraph.ORPHAN);
      } else if (n.deletingDependents) {
        return deleteDependentsInForeground(n);
      }
      return Optional.empty();
    }
    if (n.owners.isEmpty()) {
      return Optional.empty();
    }
    Verdict v = classify(n, n.owners);
    if (v.gone.isEmpty() && v.waiting.isEmpty()) {
      return Optional.empty();
    }
    // About to act: decide on the live object, not a cache that may lag (e.g. an orphaning
    // owner stripped this reference a moment ago).
    GenericKubernetesResource latest = fetch(n);
    if (latest == null
        || !n.uid.equals(latest.getMetadata().getUid())
        || latest.getMetadata().getOwnerReferences() == null) {
      return Optional.empty();
    }
    v = classify(n, latest.getMetadata().getOwnerReferences());
    List<OwnerReference> solid = v.solid;
    List<OwnerReference> gone = v.gone;
    List<OwnerReference> waiting = v.waiting;
    if (solid.isEmpty() && (!gone.isEmpty() || !waiting.isEmpty())) {
      // Owners waiting for their dependents want the whole subtree gone first.
      DeletionPropagation policy =
          !waiting.isEmpty() && !graph.dependents(n.uid).isEmpty()
              ? DeletionPropagation.FOREGROUND
              : DeletionPropagation.BACKGROUND;
      LOG.debugf("garbage collector: deleting %s (%s)", n, policy);
      delete(n, policy);
    } else if (!solid.isEmpty() && !gone.isEmpty()) {
      List<String> drop = new ArrayList<>();
      for (OwnerReference r : gone) {
        drop.add(r.getUid());
      }
      update(
          n,
          o -> {
            o.getMetadata().getOwnerReferences().removeIf(r -> drop.contains(r.getUid()));
            return o;
          });
    }
    return Optional.empty();
  }

  private record Verdict(
      List<OwnerReference> solid, List<OwnerReference> gone, List<OwnerReference> waiting) {}

  private Verdict classify(ObjectNode n, List<OwnerReference> owners) {
    List<OwnerReference> solid = new ArrayList<>();
    List<OwnerReference> gone = new ArrayList<>();
    List<OwnerReference> waiting = new ArrayList<>();
    for (OwnerReference ref : owners) {
      ObjectNode owner = graph.get(ref.getUid());
      if (owner != null && !owner.virtual) {
        if (owner.deletingDependents) {
          waiting.add(ref);
        } else {
          solid.add(ref);
        }
      } else if (ownerExists(n, ref)) {
        solid.add(ref);
      } else {
        gone.add(ref);
      }
    }
    return new Verdict(solid, gone, waiting);
  }

  private GenericKubernetesResource fetch(ObjectNode n) {
    return n.resource.namespaced()
        ? client
            .genericKubernetesResources(n.resource.context())
            .inNamespace(n.namespace)
            .withName(n.name)
            .get()
        : client.genericKubernetesResources(n.resource.context()).withName(n.name).get();
  }

  /** True unless the API says the owner is absent or has another uid (a namesake re-created). */
  private boolean ownerExists(ObjectNode dependent, OwnerReference ref) {
    ApiResource r = resourceFor(ref);
    if (r == null) {
      // Unknown kind: never delete on a guess.
      return true;
    }
    GenericKubernetesResource owner =
        r.namespaced()
            ? client
                .genericKubernetesResources(r.context())
                .inNamespace(dependent.namespace)
                .withName(ref.getName())
                .get()
            : client.genericKubernetesResources(r.context()).withName(ref.getName()).get();
    return owner != null && ref.getUid().equals(owner.getMetadata().getUid());
  }

  private Optional<Duration> deleteDependentsInForeground(ObjectNode owner) {
    boolean blocking = false;
    for (ObjectNode d : graph.dependents(owner.uid)) {
      OwnerReference ref = d.ownerRef(owner.uid);
      if (ref != null && Boolean.TRUE.equals(ref.getBlockOwnerDeletion())) {
        blocking = true;
      }
      if (!d.beingDeleted) {
        delete(
            d,
            d.dependents.isEmpty()
                ? DeletionPropagation.BACKGROUND
                : DeletionPropagation.FOREGROUND);
      }
    }
    if (!blocking) {
      removeFinalizer(owner, OwnerGraph.FOREGROUND);
      return Optional.empty();
    }
    // Dependent deletions re-enqueue the owner; the delay is a safety net for missed events.
    return Optional.of(Duration.ofSeconds(10));
  }

  private void orphanDependents(ObjectNode owner) {
    for (ObjectNode d : graph.dependents(owner.uid)) {
      update(
          d,
          o -> {
            if (o.getMetadata().getOwnerReferences() != null) {
              o.getMetadata().getOwnerReferences().removeIf(r -> owner.uid.equals(r.getUid()));
            }
            return o;
          });
    }
  }

  private void removeFinalizer(ObjectNode n, String finalizer) {
    update(
        n,
        o -> {
          if (o.getMetadata().getFinalizers() != null) {
            o.getMetadata().getFinalizers().remove(finalizer);
          }
          return o;
        });
  }

  private void delete(ObjectNode n, DeletionPropagation policy) {
    try {
      if (n.resource.namespaced()) {
        client
            .genericKubernetesResources(n.resource.context())
            .inNamespace(n.namespace)
            .withName(n.name)
            .withPropagationPolicy(policy)
            .delete();
      } else {
        client
            .genericKubernetesResources(n.resource.context())
            .withName(n.name)
            .withPropagationPolicy(policy)
            .delete();
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  /** Read-modify-write with the object's resourceVersion, retried on conflict. */
  private void update(ObjectNode n, UnaryOperator<GenericKubernetesResource> change) {
    for (int attempt = 0; ; attempt++) {
      var op =
          n.resource.namespaced()
              ? client
                  .genericKubernetesResources(n.resource.context())
                  .inNamespace(n.namespace)
                  .withName(n.name)
              : client.genericKubernetesResources(n.resource.context()).withName(n.name);
      GenericKubernetesResource current = op.get();
      if (current == null || !n.uid.equals(current.getMetadata().getUid())) {
        return;
      }
      GenericKubernetesResource changed = change.apply(current);
      try {
        if (n.resource.namespaced()) {
          client
              .genericKubernetesResources(n.resource.context())
              .inNamespace(n.namespace)
              .resource(changed)
              .update();
        } else {
          client.genericKubernetesResources(n.resource.context()).resource(changed).update();
        }
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404) {
          return;
        }
        if (e.getCode() != 409 || attempt >= 5) {
          throw e;
        }
      }
    }
  }

  @Override
  public synchronized void close() {
    if (rediscovery != null) {
      rediscovery.cancel(false);
    }
    controller.close();
    for (SharedIndexInformer<GenericKubernetesResource> i : informers.values()) {
      i.stop();
    }
  }
}
