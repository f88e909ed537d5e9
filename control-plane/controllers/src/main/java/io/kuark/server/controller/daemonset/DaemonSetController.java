package io.kuark.server.controller.daemonset;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
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
import io.kuark.server.controller.runtime.OwnedPodHandler;
import io.kuark.server.controller.runtime.Owners;
import io.kuark.server.controller.runtime.PodDeletions;
import io.kuark.server.controller.runtime.Pods;
import io.kuark.server.controller.runtime.RevisionHandler;
import io.kuark.server.controller.runtime.Semantic;
import io.kuark.server.controller.runtime.TemplateRevisions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs one pod of each DaemonSet on every node it should run on (nodeSelector, taints with the
 * daemon tolerations), pinned through node affinity and placed by the scheduler; removes pods from
 * nodes that no longer qualify; rolls template changes out (RollingUpdate, one unavailable node at
 * a time by default; OnDelete leaves old pods alone); keeps one ControllerRevision per template
 * (pods carry its hash in the {@code controller-revision-hash} label) so {@code kubectl rollout
 * history/undo} work, within {@code revisionHistoryLimit}; reports the status {@code kubectl
 * rollout status} reads.
 */
public final class DaemonSetController {
  static final String HASH_LABEL = "controller-revision-hash";

  private final KubernetesClient client;
  private final Lister<DaemonSet> daemonSets;
  private final Lister<Node> nodes;
  private final Lister<Pod> pods;
  private final Expectations expectations = new Expectations();
  private final PodDeletions deletions;
  private final EventRecorder events;
  private final Clock clock;
  private final Controller controller;
  private final ControllerRefManager refs;
  private final Lister<ControllerRevision> revisions;
  private final TemplateRevisions history;

  public DaemonSetController(LoopContext ctx) {
    this.client = ctx.client();
    this.daemonSets = ctx.informers().lister(DaemonSet.class);
    this.nodes = ctx.informers().lister(Node.class);
    this.pods = ctx.informers().lister(Pod.class);
    this.events = ctx.recorder("daemonset-controller");
    this.deletions = new PodDeletions(client, expectations, events);
    this.clock = ctx.clock();
    this.controller = ctx.controller("daemonset", this::sync, 2);
    ctx.informers()
        .get(DaemonSet.class)
        .addEventHandler(Handlers.any(d -> controller.enqueue(Keys.of(d))));
    ctx.informers().get(Node.class).addEventHandler(Handlers.any(n -> enqueueAll()));
    ctx.informers()
        .get(Pod.class)
        .addEventHandler(
            OwnedPodHandler.of(
                "DaemonSet",
                expectations,
                controller,
                p ->
                    OwnedPodHandler.matchingOwners(daemonSets, p, d -> d.getSpec().getSelector())));
    this.revisions = ctx.informers().lister(ControllerRevision.class);
    ctx.informers()
        .get(ControllerRevision.class)
        .addEventHandler(
            RevisionHandler.of(
                "DaemonSet", daemonSets, d -> d.getSpec().getSelector(), controller));
    this.refs = new ControllerRefManager(client);
    this.history = new TemplateRevisions(client);
  }

  public Controller controller() {
    return controller;
  }

  private void enqueueAll() {
    for (DaemonSet ds : daemonSets.list()) {
      controller.enqueue(Keys.of(ds));
    }
  }

  /**
   * The pods this DaemonSet controls after adopting matching orphans and releasing owned pods whose
   * labels no longer match (upstream's getDaemonPods).
   */
  private List<Pod> claimPods(DaemonSet ds) {
    OwnerReference ref = controllerRef(ds);
    String ns = ds.getMetadata().getNamespace();
    return refs.claimPods(
        ds,
        ds.getSpec().getSelector(),
        pods.namespace(ns).list(),
        ref,
        () ->
            client.apps().daemonSets().inNamespace(ns).withName(ds.getMetadata().getName()).get());
  }

  /**
   * Upstream's controlledHistories: adopts orphaned ControllerRevisions matching the selector and
   * releases owned ones that stopped matching, so the DaemonSet's history is its own (and the
   * garbage collector removes it with the DaemonSet).
   */
  List<ControllerRevision> claimRevisions(DaemonSet ds) {
    String ns = ds.getMetadata().getNamespace();
    return refs.claimRevisions(
        ds,
        ds.getSpec().getSelector(),
        revisions.namespace(ns).list(),
        controllerRef(ds),
        () ->
            client.apps().daemonSets().inNamespace(ns).withName(ds.getMetadata().getName()).get());
  }

  private static OwnerReference controllerRef(DaemonSet ds) {
    OwnerReference ref = Owners.controllerRef(ds);
    ref.setApiVersion(HasMetadata.getApiVersion(DaemonSet.class));
    ref.setKind(HasMetadata.getKind(DaemonSet.class));
    return ref;
  }

  private static String ownerKey(Pod pod) {
    return OwnedPodHandler.ownerKey(pod, "DaemonSet");
  }

  /** The DaemonSet as the owner of its revision history. */
  private static TemplateRevisions.Owner historyOwner(DaemonSet ds) {
    return new TemplateRevisions.Owner(
        ds,
        ds.getSpec().getTemplate(),
        ds.getStatus() == null ? null : ds.getStatus().getCollisionCount(),
        ds.getSpec().getRevisionHistoryLimit(),
        controllerRef(ds),
        HASH_LABEL);
  }

  Optional<Duration> sync(String key) {
    DaemonSet ds = daemonSets.get(key);
    if (ds == null) {
      expectations.delete(key);
      return Optional.empty();
    }
    if (ds.getMetadata().getDeletionTimestamp() != null) {
      // Being deleted: the garbage collector removes pods and revisions; only the status moves.
      return Optional.empty();
    }
    // Upstream's constructHistory: the revision of the current template (a rollback renumbers an
    // older equal one), pods labelled with its hash count as updated.
    List<ControllerRevision> owned = new ArrayList<>(claimRevisions(ds));
    TemplateRevisions.Owner owner = historyOwner(ds);
    TemplateRevisions.Update update = history.ensureUpdateRevision(owner, owned);
    if (owned.stream()
        .noneMatch(
            r -> r.getMetadata().getName().equals(update.revision().getMetadata().getName()))) {
      owned.add(update.revision());
    }
    String hash = update.hash();
    Map<String, List<Pod>> byNode = new HashMap<>();
    List<Pod> failed = new ArrayList<>();
    for (Pod p : claimPods(ds)) {
      if (p.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      if ("Failed".equals(p.getStatus() == null ? null : p.getStatus().getPhase())) {
        failed.add(p);
        continue;
      }
      String node = DaemonPlacement.nodeOf(p);
      if (node != null) {
        byNode.computeIfAbsent(node, n -> new ArrayList<>()).add(p);
      }
    }
    int desired = 0;
    int scheduled = 0;
    int misscheduled = 0;
    int ready = 0;
    int available = 0;
    int updated = 0;
    List<String> createOn = new ArrayList<>();
    List<Pod> delete = new ArrayList<>(failed);
    List<Pod> old = new ArrayList<>();
    int unavailable = 0;
    for (Node node : nodes.list()) {
      String name = node.getMetadata().getName();
      List<Pod> here = byNode.getOrDefault(name, List.of());
      boolean run = DaemonPlacement.shouldRun(ds.getSpec().getTemplate().getSpec(), node);
      if (run) {
        desired++;
        if (here.isEmpty()) {
          createOn.add(name);
          unavailable++;
          continue;
        }
        scheduled++;
        Pod keep = here.get(0);
        for (int i = 1; i < here.size(); i++) {
          delete.add(here.get(i));
        }
        int minReady =
            ds.getSpec().getMinReadySeconds() == null ? 0 : ds.getSpec().getMinReadySeconds();
        if (Pods.isReady(keep)) {
          ready++;
        }
        if (Pods.isAvailable(keep, minReady, clock.instant())) {
          available++;
        } else {
          unavailable++;
        }
        Map<String, String> labels = keep.getMetadata().getLabels();
        if (labels != null && hash.equals(labels.get(HASH_LABEL))) {
          updated++;
        } else {
          old.add(keep);
        }
      } else if (!here.isEmpty()) {
        misscheduled++;
        delete.addAll(here);
      }
    }
    for (Map.Entry<String, List<Pod>> e : byNode.entrySet()) {
      if (nodes.get(e.getKey()) == null) {
        delete.addAll(e.getValue());
      }
    }
    boolean rolling =
        ds.getSpec().getUpdateStrategy() == null
            || !"OnDelete".equals(ds.getSpec().getUpdateStrategy().getType());
    if (rolling && !old.isEmpty()) {
      int maxUnavailable = 1;
      var ru =
          ds.getSpec().getUpdateStrategy() == null
              ? null
              : ds.getSpec().getUpdateStrategy().getRollingUpdate();
      if (ru != null && ru.getMaxUnavailable() != null) {
        var v = ru.getMaxUnavailable();
        maxUnavailable =
            v.getIntVal() != null
                ? v.getIntVal()
                : Math.max(
                    1,
                    (int)
                        Math.floor(
                            Integer.parseInt(v.getStrVal().replace("%", "")) * desired / 100.0));
      }
      // Old pods that are not available anyway go first; then as many as the budget allows.
      for (Pod p : old) {
        if (!Pods.isReady(p)) {
          delete.add(p);
        }
      }
      int budget = maxUnavailable - unavailable;
      for (Pod p : old) {
        if (budget <= 0) {
          break;
        }
        if (Pods.isReady(p)) {
          delete.add(p);
          budget--;
        }
      }
    }
    if (expectations.satisfied(key)) {
      manage(key, ds, hash, createOn, delete);
    }
    Set<String> live = new HashSet<>();
    live.add(update.revision().getMetadata().getName());
    Set<String> podHashes = new HashSet<>();
    for (List<Pod> here : byNode.values()) {
      for (Pod p : here) {
        if (p.getMetadata().getLabels() != null) {
          podHashes.add(p.getMetadata().getLabels().get(HASH_LABEL));
        }
      }
    }
    for (ControllerRevision r : owned) {
      Map<String, String> labels = r.getMetadata().getLabels();
      if (labels != null && podHashes.contains(labels.get(HASH_LABEL))) {
        live.add(r.getMetadata().getName());
      }
    }
    history.truncateHistory(owner, owned, live);
    DaemonSetStatus status =
        ds.getStatus() == null
            ? new DaemonSetStatus()
            : client.getKubernetesSerialization().clone(ds.getStatus());
    status.setDesiredNumberScheduled(desired);
    status.setCurrentNumberScheduled(scheduled);
    status.setNumberMisscheduled(misscheduled);
    status.setNumberReady(ready);
    status.setNumberAvailable(available == 0 ? null : available);
    status.setNumberUnavailable(desired - available == 0 ? null : desired - available);
    status.setUpdatedNumberScheduled(updated == 0 ? null : updated);
    status.setObservedGeneration(ds.getMetadata().getGeneration());
    status.setCollisionCount(
        update.collisionCount() == 0 && status.getCollisionCount() == null
            ? null
            : update.collisionCount());
    if (!Semantic.equal(client.getKubernetesSerialization(), status, ds.getStatus())) {
      DaemonSet copy = client.getKubernetesSerialization().clone(ds);
      copy.setStatus(status);
      client
          .apps()
          .daemonSets()
          .inNamespace(ds.getMetadata().getNamespace())
          .resource(copy)
          .updateStatus();
    }
    int minReady =
        ds.getSpec().getMinReadySeconds() == null ? 0 : ds.getSpec().getMinReadySeconds();
    return minReady > 0 && ready != available
        ? Optional.of(Duration.ofSeconds(minReady))
        : Optional.empty();
  }

  private void manage(
      String key, DaemonSet ds, String hash, List<String> createOn, List<Pod> delete) {
    if (!createOn.isEmpty()) {
      expectations.expectCreations(key, createOn.size());
      for (int i = 0; i < createOn.size(); i++) {
        try {
          Pod created = createPod(ds, hash, createOn.get(i));
          events.normal(ds, "SuccessfulCreate", "Created pod: " + created.getMetadata().getName());
        } catch (KubernetesClientException e) {
          for (int s = i; s < createOn.size(); s++) {
            expectations.creationObserved(key);
          }
          if (io.kuark.server.controller.runtime.ApiErrors.namespaceTerminating(e)) {
            return;
          }
          events.warning(ds, "FailedCreate", "Error creating: " + e.getMessage());
          throw e;
        }
      }
    }
    if (!delete.isEmpty()) {
      deletions.delete(key, ds, delete);
    }
  }

  private Pod createPod(DaemonSet ds, String hash, String nodeName) {
    PodTemplateSpec template =
        client.getKubernetesSerialization().clone(ds.getSpec().getTemplate());
    Map<String, String> labels = new HashMap<>();
    if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
      labels.putAll(template.getMetadata().getLabels());
    }
    labels.put(HASH_LABEL, hash);
    labels.put(
        "pod-template-generation",
        String.valueOf(
            ds.getMetadata().getGeneration() == null ? 1 : ds.getMetadata().getGeneration()));
    DaemonPlacement.pinTo(template.getSpec(), nodeName);
    OwnerReference owner = Owners.controllerRef(ds);
    owner.setApiVersion(HasMetadata.getApiVersion(DaemonSet.class));
    owner.setKind(HasMetadata.getKind(DaemonSet.class));
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withGenerateName(ds.getMetadata().getName() + "-")
            .withNamespace(ds.getMetadata().getNamespace())
            .withLabels(labels)
            .withAnnotations(
                template.getMetadata() == null ? null : template.getMetadata().getAnnotations())
            .withOwnerReferences(owner)
            .endMetadata()
            .withSpec(template.getSpec())
            .build();
    return client.pods().inNamespace(ds.getMetadata().getNamespace()).resource(pod).create();
  }
}
