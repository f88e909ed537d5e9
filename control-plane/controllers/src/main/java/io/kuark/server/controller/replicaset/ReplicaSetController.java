package io.kuark.server.controller.replicaset;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.kuark.server.controller.runtime.Controller;
import io.kuark.server.controller.runtime.ControllerRefManager;
import io.kuark.server.controller.runtime.EventRecorder;
import io.kuark.server.controller.runtime.Expectations;
import io.kuark.server.controller.runtime.Handlers;
import io.kuark.server.controller.runtime.Keys;
import io.kuark.server.controller.runtime.LoopContext;
import io.kuark.server.controller.runtime.Owners;
import io.kuark.server.controller.runtime.PodDeletions;
import io.kuark.server.controller.runtime.Pods;
import io.kuark.server.controller.runtime.Selectors;
import io.kuark.server.controller.runtime.Times;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Keeps {@code spec.replicas} active pods for every ReplicaSet, creating them from the template
 * with a controller reference and deleting the cheapest surplus, then reports status.
 */
public final class ReplicaSetController {
  /** Upstream's burstReplicas: at most this many creates/deletes per sync. */
  static final int BURST = 500;

  private final KubernetesClient client;
  private final Lister<ReplicaSet> replicaSets;
  private final Lister<Pod> pods;
  private final Expectations expectations = new Expectations();
  private final PodDeletions deletions;
  private final EventRecorder events;
  private final Clock clock;
  private final Controller controller;
  private final ControllerRefManager refs;

  public ReplicaSetController(LoopContext ctx) {
    this.client = ctx.client();
    this.refs = new ControllerRefManager(ctx.client());
    this.replicaSets = ctx.informers().lister(ReplicaSet.class);
    this.pods = ctx.informers().lister(Pod.class);
    this.events = ctx.recorder("replicaset-controller");
    this.deletions = new PodDeletions(client, expectations, events);
    this.clock = ctx.clock();
    this.controller = ctx.controller("replicaset", this::sync, 2);
    ctx.informers()
        .get(ReplicaSet.class)
        .addEventHandler(
            Handlers.of(
                rs -> controller.enqueue(Keys.of(rs)),
                (o, n) -> controller.enqueue(Keys.of(n)),
                rs -> {
                  expectations.delete(Keys.of(rs));
                  controller.enqueue(Keys.of(rs));
                }));
    ctx.informers()
        .get(Pod.class)
        .addEventHandler(Handlers.of(this::podAdded, this::podUpdated, this::podDeleted));
  }

  public Controller controller() {
    return controller;
  }

  private String ownerKey(Pod pod) {
    OwnerReference ref = Owners.controllerOf(pod);
    if (ref == null || !"ReplicaSet".equals(ref.getKind())) {
      return null;
    }
    return Keys.of(pod.getMetadata().getNamespace(), ref.getName());
  }

  /** Enqueues every ReplicaSet whose selector matches an orphan pod: it may adopt it. */
  private void enqueueMatching(Pod pod) {
    if (Owners.controllerOf(pod) != null || pod.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    for (ReplicaSet rs : replicaSets.namespace(pod.getMetadata().getNamespace()).list()) {
      if (Selectors.matches(rs.getSpec().getSelector(), pod.getMetadata().getLabels())) {
        controller.enqueue(Keys.of(rs));
      }
    }
  }

  private void podAdded(Pod pod) {
    String key = ownerKey(pod);
    if (key == null) {
      enqueueMatching(pod);
      return;
    }
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      expectations.deletionObserved(key, Keys.of(pod));
    } else {
      expectations.creationObserved(key);
    }
    controller.enqueue(key);
  }

  private void podUpdated(Pod old, Pod pod) {
    String key = ownerKey(pod);
    String oldKey = ownerKey(old);
    if (oldKey != null && !oldKey.equals(key)) {
      controller.enqueue(oldKey);
    }
    if (key == null) {
      enqueueMatching(pod);
      return;
    }
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      expectations.deletionObserved(key, Keys.of(pod));
    }
    controller.enqueue(key);
    // A pod that just became ready turns available minReadySeconds later.
    if (!Pods.isReady(old) && Pods.isReady(pod)) {
      ReplicaSet rs = replicaSets.get(key);
      Integer minReady = rs == null ? null : rs.getSpec().getMinReadySeconds();
      if (minReady != null && minReady > 0) {
        controller.enqueueAfter(key, Duration.ofSeconds(minReady).plusSeconds(1));
      }
    }
  }

  private void podDeleted(Pod pod) {
    String key = ownerKey(pod);
    if (key == null) {
      return;
    }
    expectations.deletionObserved(key, Keys.of(pod));
    controller.enqueue(key);
  }

  Optional<Duration> sync(String key) {
    ReplicaSet rs = replicaSets.get(key);
    if (rs == null) {
      expectations.delete(key);
      return Optional.empty();
    }
    List<Pod> active = new ArrayList<>();
    for (Pod p : pods.namespace(rs.getMetadata().getNamespace()).list()) {
      if (Pods.isActive(p)) {
        active.add(p);
      }
    }
    List<Pod> owned =
        refs.claimPods(
            rs,
            rs.getSpec().getSelector(),
            active,
            ownerRef(rs),
            () ->
                client
                    .apps()
                    .replicaSets()
                    .inNamespace(rs.getMetadata().getNamespace())
                    .withName(rs.getMetadata().getName())
                    .get());
    String failure = null;
    if (expectations.satisfied(key) && rs.getMetadata().getDeletionTimestamp() == null) {
      try {
        manageReplicas(key, rs, owned);
      } catch (KubernetesClientException e) {
        if (io.kuark.server.controller.runtime.ApiErrors.namespaceTerminating(e)) {
          // The namespace (and this ReplicaSet with it) is going away; upstream stops here too.
          return Optional.empty();
        }
        failure = e.getMessage();
      }
    }
    Instant now = clock.instant();
    ReplicaSetStatus status = computeStatus(rs, owned, failure, now);
    if (!io.kuark.server.controller.runtime.Semantic.equal(
        client.getKubernetesSerialization(), status, rs.getStatus())) {
      ReplicaSet copy = client.getKubernetesSerialization().clone(rs);
      copy.setStatus(status);
      client
          .apps()
          .replicaSets()
          .inNamespace(rs.getMetadata().getNamespace())
          .resource(copy)
          .updateStatus();
    }
    if (failure != null) {
      throw new IllegalStateException(failure);
    }
    int minReady =
        rs.getSpec().getMinReadySeconds() == null ? 0 : rs.getSpec().getMinReadySeconds();
    if (minReady > 0
        && status.getReadyReplicas() != null
        && !Objects.equals(status.getReadyReplicas(), status.getAvailableReplicas())) {
      return Optional.of(Duration.ofSeconds(minReady));
    }
    return Optional.empty();
  }

  private void manageReplicas(String key, ReplicaSet rs, List<Pod> owned) {
    int want = rs.getSpec().getReplicas() == null ? 1 : rs.getSpec().getReplicas();
    int diff = owned.size() - want;
    if (diff < 0) {
      int toCreate = Math.min(-diff, BURST);
      expectations.expectCreations(key, toCreate);
      // Slow start (1, 2, 4, ...) so a broken template fails after one request, not hundreds.
      int created = 0;
      int batch = 1;
      while (created < toCreate) {
        int n = Math.min(batch, toCreate - created);
        for (int i = 0; i < n; i++) {
          try {
            Pod pod = createPod(rs);
            events.normal(rs, "SuccessfulCreate", "Created pod: " + pod.getMetadata().getName());
          } catch (KubernetesClientException e) {
            int skipped = toCreate - created;
            for (int s = 0; s < skipped; s++) {
              expectations.creationObserved(key);
            }
            events.warning(rs, "FailedCreate", "Error creating: " + e.getMessage());
            throw e;
          }
          created++;
        }
        batch *= 2;
      }
    } else if (diff > 0) {
      List<Pod> victims = new ArrayList<>(owned);
      victims.sort(new PodDeletionRanking());
      victims = victims.subList(0, Math.min(diff, BURST));
      deletions.delete(key, rs, victims);
    }
  }

  private Pod createPod(ReplicaSet rs) {
    PodTemplateSpec template =
        client.getKubernetesSerialization().clone(rs.getSpec().getTemplate());
    Map<String, String> labels =
        template.getMetadata() == null || template.getMetadata().getLabels() == null
            ? new HashMap<>()
            : template.getMetadata().getLabels();
    Map<String, String> annotations =
        template.getMetadata() == null ? null : template.getMetadata().getAnnotations();
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withGenerateName(rs.getMetadata().getName() + "-")
            .withNamespace(rs.getMetadata().getNamespace())
            .withLabels(labels)
            .withAnnotations(annotations)
            .withOwnerReferences(ownerRef(rs))
            .endMetadata()
            .withSpec(template.getSpec())
            .build();
    return client.pods().inNamespace(rs.getMetadata().getNamespace()).resource(pod).create();
  }

  private static OwnerReference ownerRef(ReplicaSet rs) {
    OwnerReference ref = Owners.controllerRef(rs);
    ref.setApiVersion(HasMetadata.getApiVersion(ReplicaSet.class));
    ref.setKind(HasMetadata.getKind(ReplicaSet.class));
    return ref;
  }

  ReplicaSetStatus computeStatus(ReplicaSet rs, List<Pod> owned, String failure, Instant now) {
    int minReady =
        rs.getSpec().getMinReadySeconds() == null ? 0 : rs.getSpec().getMinReadySeconds();
    Map<String, String> templateLabels =
        rs.getSpec().getTemplate().getMetadata() == null
            ? Map.of()
            : Objects.requireNonNullElse(
                rs.getSpec().getTemplate().getMetadata().getLabels(), Map.of());
    int fullyLabeled = 0;
    int ready = 0;
    int available = 0;
    for (Pod p : owned) {
      Map<String, String> labels =
          Objects.requireNonNullElse(p.getMetadata().getLabels(), Map.of());
      if (labels.entrySet().containsAll(templateLabels.entrySet())) {
        fullyLabeled++;
      }
      if (Pods.isReady(p)) {
        ready++;
        if (Pods.isAvailable(p, minReady, now)) {
          available++;
        }
      }
    }
    List<ReplicaSetCondition> conditions = new ArrayList<>();
    if (rs.getStatus() != null && rs.getStatus().getConditions() != null) {
      for (ReplicaSetCondition c : rs.getStatus().getConditions()) {
        if (!"ReplicaFailure".equals(c.getType())) {
          conditions.add(c);
        }
      }
    }
    if (failure != null) {
      ReplicaSetCondition old = condition(rs, "ReplicaFailure");
      conditions.add(
          new ReplicaSetCondition(
              old != null && "True".equals(old.getStatus())
                  ? old.getLastTransitionTime()
                  : Times.format(now),
              failure,
              "FailedCreate",
              "True",
              "ReplicaFailure"));
    }
    return new ReplicaSetStatusBuilder()
        .withReplicas(owned.size())
        .withFullyLabeledReplicas(fullyLabeled)
        .withReadyReplicas(ready)
        .withAvailableReplicas(available)
        .withObservedGeneration(rs.getMetadata().getGeneration())
        .withConditions(conditions.isEmpty() ? null : conditions)
        .build();
  }

  private static ReplicaSetCondition condition(ReplicaSet rs, String type) {
    if (rs.getStatus() == null || rs.getStatus().getConditions() == null) {
      return null;
    }
    for (ReplicaSetCondition c : rs.getStatus().getConditions()) {
      if (type.equals(c.getType())) {
        return c;
      }
    }
    return null;
  }
}
